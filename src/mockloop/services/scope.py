"""Shared by the services: a store for the length of one call, unless the caller passes one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mockloop.store import Store


@contextmanager
def store_scope(store: Store | None) -> Iterator[Store]:
    """Yield ``store``, or open one and close it after: each call works from any thread."""
    if store is not None:
        yield store
        return
    s = Store.open()
    try:
        yield s
    finally:
        s.close()
