"""End to end through a real (virtual) microphone: PulseAudio null sink + remapped source.

Starts its own PulseAudio daemon (scripts/pulse_virtual_mic.sh), plays speech into the sink
with paplay, and lets mockloop record it through sounddevice/PortAudio/ALSA -> PulseAudio,
transcribe it with the real model and analyze it. Skips only if the tools are missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pulse_mic

pytestmark = [pytest.mark.pulse, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
JFK = REPO.parent / "shared" / "audio" / "jfk.flac"


def _words(s: str) -> list[str]:
    return re.findall(r"[a-z']+", s.lower())


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory):
    env = pulse_mic.start(tmp_path_factory.mktemp("pulse"))
    yield env
    pulse_mic.stop(env)


@pytest.fixture(scope="module")
def jfk_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared clip as a 48 kHz WAV: paplay played the 44.1 kHz FLAC ~3x too fast into the
    null sink here (11 s in 3.9 s), so the recording held only a blur of it."""
    if not JFK.is_file():
        pytest.skip(f"shared speech sample missing: {JFK}")
    import soundfile as sf

    from mockloop.speech.wavfile import read_audio_native, resample

    audio, rate = read_audio_native(JFK)
    out = tmp_path_factory.mktemp("jfk") / "jfk48.wav"
    sf.write(str(out), resample(audio, rate, 48000), 48000, subtype="PCM_16")
    return out


def test_record_through_the_virtual_microphone(pulse: dict, jfk_wav: Path, tmp_path: Path) -> None:
    env = dict(pulse, MOCKLOOP_HOME=str(tmp_path / "home"))
    player = pulse_mic.play(env, jfk_wav, 3.0)
    wav = tmp_path / "rec.wav"
    proc = subprocess.run(
        [sys.executable, "-m", "mockloop", "record", "--seconds", "16", "--json", "--save", "--out", str(wav)],
        env=env, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    player.wait(30)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    ref = _words("and so my fellow americans ask not what your country can do for you ask what you can do for your country")
    hyp = _words(data["transcript"])
    common = len(set(ref) & set(hyp))
    assert common >= 0.8 * len(set(ref)), data["transcript"]
    # Speech started ~3 s into the recording (paplay delay + process start-up).
    first = data["words"][0]["start_s"]
    assert 1.0 < first < 8.0, first
    assert data["input"]["kind"] == "audio" and data["transcript_source"] == "live"
    assert data["timing"]["audio_s"] >= 15.5
    assert data["session_id"] is not None


def test_mock_session_on_the_virtual_microphone(pulse: dict, jfk_wav: Path, monkeypatch) -> None:
    """The practice session (what `mockloop mock` runs) with the real device and model."""
    for k, v in pulse.items():
        monkeypatch.setenv(k, v)
    from mockloop.core.content import Probe, Question
    from mockloop.services import practice as pr
    from mockloop.speech.asr import WhisperTranscriber
    from mockloop.speech.fakes import FakeVoice
    from mockloop.store import Store

    probe = Probe("q-p1", "q", "What would you do differently?", "do_differently", "i", "w", "ww", "s", "sw")
    q = Question("q", "ownership", "Tell me about a time you owned a problem.", (probe,))
    events: list = []
    store = Store.open()
    t = WhisperTranscriber()
    cfg = pr.PracticeConfig(question=q, max_answer_s=15.0, max_probe_s=15.0, refine=False)
    session = pr.PracticeSession(cfg, transcriber=t, voice=FakeVoice(), store=store, listener=events.append)
    players: list[subprocess.Popen] = []

    def on_event(ev):
        events.append(ev)
        if isinstance(ev, pr.RecordingStarted):
            players.append(pulse_mic.play(pulse, jfk_wav, 1.0))

    session.listener = on_event
    try:
        summary = session.run()
    finally:
        t.close()
        for p in players:
            p.wait(30)
    assert [r.status for r in summary.results] == ["complete", "complete"]
    for r in summary.results:
        assert "country" in r.report.transcript.lower()
    rec = store.get_session(session.session_id)
    assert rec.status == "complete" and len(rec.attempts) == 2
    assert all(a.transcription is not None and a.transcription.words for a in rec.attempts)
    store.close()
