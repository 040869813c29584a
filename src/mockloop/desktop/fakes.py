"""Session wiring over the speech fakes, for the tests and the screenshot script.

The recorded demo answer plays as the microphone and the transcriber replays its golden words,
so the whole app runs without a device, a model or a voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mockloop.core.model import Word
from mockloop.services import practice as pr
from mockloop.speech.base import NoInputDeviceError, SpeechError
from mockloop.speech.fakes import ArraySource, FakeTranscriber, FakeVoice
from mockloop.speech.recorder import FileSource
from mockloop.speech.wavfile import read_audio

REPO = Path(__file__).resolve().parents[3]
DEMO_AUDIO = REPO / "assets" / "demo" / "answer.flac"
DEMO_WORDS = REPO / "tests" / "speech" / "data" / "demo_words.json"


def fake_session_factory(
    words: Sequence[Word],
    *,
    mic: str = "demo",  # "demo" | "none" | "lost" | "silence" | "endless"
    voice: bool = True,
    model_error: SpeechError | None = None,
    realtime: bool = False,
    store: bool = True,
) -> Any:
    """A SessionFactory; the returned callable keeps ``sessions``/``voices`` for assertions."""

    def source_for(step: Any) -> Any:
        if mic == "none":
            return ArraySource(np.zeros(16000, np.float32), 16000,
                               start_error=NoInputDeviceError("no microphone found"))  # fmt: skip
        if mic == "lost":  # blocks stop after 1.5 s without the stream finishing (unplugged)
            audio = read_audio(DEMO_AUDIO)
            return ArraySource(audio, 16000, realtime=True, stall_after_s=1.5)
        if mic == "silence":
            return ArraySource(np.zeros(16000 * 2, np.float32), 16000)
        if mic == "endless":  # speaks until stopped by hand
            return FileSource(DEMO_AUDIO, realtime=True)
        return FileSource(DEMO_AUDIO, realtime=realtime)

    def make(config: pr.PracticeConfig, listener: pr.Listener) -> pr.PracticeSession:
        if model_error is not None:
            raise model_error
        from mockloop.store import Store

        v = FakeVoice(available=voice)
        make.voices.append(v)  # type: ignore[attr-defined]
        s = pr.PracticeSession(config, transcriber=FakeTranscriber(words), voice=v,
                               store=Store.open() if store else None, listener=listener,
                               source_for=source_for, refine_factory=None)  # fmt: skip
        make.sessions.append(s)  # type: ignore[attr-defined]
        return s

    make.sessions = []  # type: ignore[attr-defined]
    make.voices = []  # type: ignore[attr-defined]
    return make


class FakeSpeech:
    """Settings-tab speech calls without devices."""

    def __init__(
        self, devices: Sequence[Any] | None = None, voice: bool = True, *, speak_s: float = 0.0
    ) -> None:
        import threading

        from mockloop.speech.base import DeviceInfo, VoiceInfo

        self._devices = list(devices) if devices is not None else [
            DeviceInfo(0, "Fake USB microphone", "ALSA", 1, 48000.0, True)]  # fmt: skip
        self._voices = [VoiceInfo("en-us", "English (America)")] if voice else []
        self.spoken: list[str] = []
        self.rates: list[int] = []
        self.stops = 0
        self.speak_s = speak_s  # how long speaking takes, unless stopped
        self._stop = threading.Event()

    def list_devices(self) -> list[Any]:
        return self._devices

    def capture_level(self, device: Any) -> tuple[Any, float]:
        if not self._devices:
            raise NoInputDeviceError("no microphone found")
        return self._devices[0], -18.0

    def voices(self) -> list[Any]:
        return self._voices

    def speak(self, text: str, voice_id: Any, rate: int) -> bool:
        if not self._voices:
            return False
        self._stop.clear()
        self.spoken.append(text)
        self.rates.append(rate)
        if self.speak_s:
            self._stop.wait(self.speak_s)
        return True

    def stop(self) -> None:
        self.stops += 1
        self._stop.set()

    def check_setup(self, device: Any, on_result: Any) -> list[Any]:
        """The real doctor service over these fakes (the data folder check is real)."""
        import soundfile as sf

        from mockloop.services import doctor
        from mockloop.speech.base import VoiceUnavailableError
        from mockloop.speech.fakes import load_golden_words

        def capture(dev: Any, seconds: float) -> doctor.Capture:
            if not self._devices:
                raise NoInputDeviceError("no microphone found")
            t = np.arange(int(48000 * seconds)) / 48000
            return doctor.Capture(self._devices[0], 48000.0, (0.125 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))

        def render(text: str, out: Path) -> Path:
            if not self._voices:
                raise VoiceUnavailableError("no text-to-speech voice (fake)")
            wav = out / "voice.wav"
            sf.write(str(wav), capture(None, 1.0).samples if self._devices else np.full(22050, 0.1, np.float32), 22050)
            return wav

        golden = load_golden_words(DEMO_WORDS)
        adapters = doctor.Adapters(
            list_devices=self.list_devices, capture=capture, render_voice=render,
            espeak_installed=lambda: bool(self._voices),
            transcriber=lambda model_path: FakeTranscriber(golden, model_name="fake tiny.en"),
        )  # fmt: skip
        return doctor.run_checks(adapters=adapters, options=doctor.Options(device=device), on_result=on_result)


def seed_demo_session(words: Sequence[Word], *, question_id: str | None = None, max_probes: int = 1) -> int:
    """Store one complete session (the demo answer + probes) through the real practice engine."""
    from mockloop.core.content import load_bank

    bank = load_bank()
    q = bank.question(question_id) if question_id else next(q for q in bank.questions if q.probes and q.pattern_id)
    factory = fake_session_factory(words)
    cfg = pr.PracticeConfig(question=q, bank=bank, max_probes=max_probes, refine=False, source="gui")
    s = factory(cfg, None)
    s.run()
    assert s.session_id is not None
    return s.session_id
