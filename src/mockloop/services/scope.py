"""Shared by the services: a store for the length of one call (unless the caller passes one),
and the content bank (unless the caller passes one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mockloop.core.content import Bank, ContentError, load_bank
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


def bank_or_load(bank: Bank | None, error: type[Exception]) -> Bank:
    """``bank``, or the content bank loaded now; a broken bank is raised as ``error`` (one line)."""
    if bank is not None:
        return bank
    try:
        return load_bank()
    except ContentError as e:
        raise error(f"content: {e}") from None
