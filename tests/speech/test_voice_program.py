"""EspeakVoice over the espeak-ng program: failures become 'text only', never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockloop.speech import voice as voice_mod
from mockloop.speech.base import VoiceUnavailableError


class _NoEngine:
    def engine_ready(self, timeout: float = 10.0) -> None:
        raise VoiceUnavailableError("no text-to-speech voice (pyttsx3 broken)")

    def call(self, fn: object, timeout: float = 0.0) -> object:
        self.engine_ready()
        return None


def _program(tmp_path: Path, body: str) -> str:
    p = tmp_path / "espeak-ng"
    p.write_text("#!/bin/sh\n" + body)
    p.chmod(0o755)
    return str(p)


def test_program_alone_is_a_voice_with_a_default_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(voice_mod, "_engine_thread", lambda: _NoEngine())
    monkeypatch.setattr(voice_mod, "_espeak_program", lambda: _program(tmp_path, "exit 0\n"))
    v = voice_mod.EspeakVoice(cache_dir=tmp_path / "cache", play=False)
    assert v.available
    assert [x.id for x in v.voices()] == ["en"]


def test_failing_program_means_text_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prog = _program(
        tmp_path, 'echo "Error: The specified espeak-ng voice does not exist." >&2\nexit 1\n'
    )
    monkeypatch.setattr(voice_mod, "_espeak_program", lambda: prog)
    v = voice_mod.EspeakVoice("xx/none", cache_dir=tmp_path / "cache", play=False)
    v._available = True  # the engine is not needed to reach the program
    with pytest.raises(VoiceUnavailableError, match="voice does not exist"):
        v.render("Hello there.", 150)
    assert v.speak("Hello there.", 150) is False and "voice does not exist" in (v.error or "")
    assert not list((tmp_path / "cache").glob("*.wav")) and not list(
        (tmp_path / "cache").glob(".*")
    )
