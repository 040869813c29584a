"""Robustness fixtures: the demo answer's golden words standing in for the model (fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "speech" / "data" / "demo_words.json"


@pytest.fixture
def fake_whisper(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockloop.speech import asr
    from mockloop.speech.fakes import FakeTranscriber, load_golden_words

    golden = load_golden_words(GOLDEN)
    monkeypatch.setattr(asr, "WhisperTranscriber", lambda *a, **k: FakeTranscriber(golden))
