"""Store fixtures: a tiny content bank (MOCKLOOP_CONTENT), an open store, a question snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockloop.core.content import Bank, load_bank, question_snapshot
from mockloop.store import Store

from .helpers import CONTENT


@pytest.fixture(autouse=True)
def _content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKLOOP_CONTENT", str(CONTENT))


@pytest.fixture
def bank() -> Bank:
    return load_bank(CONTENT)


@pytest.fixture
def store(mockloop_home: Path) -> Iterator[Store]:
    s = Store.open()
    yield s
    s.close()


@pytest.fixture
def snapshot(bank: Bank) -> dict[str, object]:
    return question_snapshot(bank.question("own-beyond-scope"))
