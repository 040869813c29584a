"""Desktop fixtures: the window built over the speech fakes and the real (temp) store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def golden_words() -> list[Any]:
    from mockloop.desktop.fakes import DEMO_WORDS
    from mockloop.speech.fakes import load_golden_words

    return load_golden_words(DEMO_WORDS)


@pytest.fixture
def make_window(qtbot: Any, golden_words: list[Any]) -> Iterator[Callable[..., Any]]:
    """``make_window(mic=..., voice=..., model_error=...)`` -> MainWindow over the fakes."""
    from mockloop import settings as settings_mod
    from mockloop.desktop.app import build_window
    from mockloop.desktop.fakes import FakeSpeech, fake_session_factory

    made: list[Any] = []

    def make(*, speech: Any = None, cue: Any = None, **kw: Any) -> Any:
        factory = fake_session_factory(golden_words, **kw)
        win = build_window(factory=factory, speech=speech or FakeSpeech(),
                           settings=settings_mod.Settings(first_run_done=True), cue=cue)  # fmt: skip
        qtbot.addWidget(win)
        win.show()  # window shortcuts (Space, N) only fire in a shown window
        qtbot.waitExposed(win)
        win.factory = factory
        made.append(win)
        return win

    yield make
    for w in made:
        # Generous: a worker still running when its window is destroyed aborts the process.
        w.pc.shutdown(60_000)


def idle(qtbot: Any, win: Any, timeout: int = 30_000) -> None:
    """Wait until no task is queued or running (results delivered on the GUI thread)."""
    qtbot.waitUntil(lambda: win.tasks.busy == 0, timeout=timeout)
