"""The real window through the PulseAudio virtual microphone (issue 5: "one test drives the real
pipeline through the PulseAudio virtual microphone").

A private PulseAudio daemon (scripts/pulse_virtual_mic.sh) has a null sink whose monitor is the
default input. The window is built with the app's own session factory (real recorder, real
Whisper transcriber, the voice off in Settings so questions are shown as text); espeak-ng speech
is played into the sink while the window records, and the report must show the spoken words.
Skips only if the PulseAudio or espeak-ng tools are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = [pytest.mark.pulse, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "pulse_virtual_mic.sh"
ANSWER = (
    "Last year our checkout page was slow and no team owned the problem. "
    "I measured every request myself and found one database query that took four seconds. "
    "I rewrote the query and added a cache. The page now loads in one second, "
    "and sales went up by ten percent."
)


def _words(s: str) -> set[str]:
    return set(re.findall(r"[a-z]+", s.lower()))


@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for tool in ("pulseaudio", "pactl", "paplay", "pacat", "espeak-ng"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt install pulseaudio pulseaudio-utils espeak-ng)")
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    env = dict(os.environ, MOCKLOOP_PULSE_DIR=str(runtime))
    out = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    env.update(PULSE_SERVER=f"unix:{runtime}/native", PULSE_RUNTIME_PATH=str(runtime))
    for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
        monkeypatch.setenv(k, env[k])
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=30)


@pytest.fixture
def speech_wav(tmp_path: Path) -> Path:
    """espeak-ng's answer as a 48 kHz WAV (the sink's rate: paplay does not resample reliably)."""
    import soundfile as sf

    from mockloop.speech.wavfile import read_audio_native, resample

    raw = tmp_path / "answer22k.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), ANSWER], check=True, timeout=30)
    audio, rate = read_audio_native(raw)
    out = tmp_path / "answer48k.wav"
    sf.write(str(out), resample(audio, rate, 48000), 48000, subtype="PCM_16")
    return out


def test_answer_recorded_from_the_virtual_mic_in_the_window(
    pulse: dict[str, str], speech_wav: Path, qtbot: Any
) -> None:
    from mockloop import settings as settings_mod
    from mockloop.core.session import Phase
    from mockloop.desktop.app import build_window
    from mockloop.desktop.fakes import FakeSpeech
    from mockloop.services import practice as pr
    from mockloop.store import Store

    settings_mod.save(settings_mod.Settings(voice_enabled=False, first_run_done=True))
    win = build_window(speech=FakeSpeech(), settings=settings_mod.load())  # the real session factory
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    events: list[Any] = []
    win.pc.event.connect(events.append)
    player: subprocess.Popen[bytes] | None = None
    try:
        tab = win.practice
        q = next(q for q in tab.bank.questions if q.probes and q.pattern_id)
        tab.principle.setCurrentIndex(tab.principle.findData(q.principle))
        tab.questions.setCurrentIndex(tab.questions.findData(q.id))
        qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)  # loads Whisper on a worker
        qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
        assert tab.prompt.text() == q.text

        qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.pc.recording, timeout=10_000)
        player = subprocess.Popen(
            ["bash", "-c", f"sleep 0.5; exec paplay --device=mockloop_sink '{speech_wav}'"], env=pulse
        )
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=40_000)
        assert player.returncode == 0
        qtbot.waitUntil(lambda: (win.pc.last_progress is not None and win.pc.last_progress.elapsed_s > 3), timeout=5_000)
        qtbot.wait(1_000)  # the tail of the speech reaches the recorder
        assert win.pc.recording, [e for e in events if not isinstance(e, pr.RecordingStarted)]
        qtbot.mouseClick(tab.stop_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(isinstance(e, pr.ReportReady) for e in events), timeout=30_000)
        qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=10_000)

        rep = tab.report.report
        assert rep is not None and tab.report.isVisible()
        heard = _words(rep.transcript)
        said = _words(ANSWER)
        assert len(rep.words) >= 15, rep.transcript
        assert len(heard & said) >= 0.6 * len(said), rep.transcript
        assert rep.input.kind == "audio" and rep.input.duration_s is not None
        assert rep.words[-1].end_s <= rep.input.duration_s + 0.5  # timed against the recording
        assert rep.verdict.value.upper() in tab.report.title.text()
        assert "checkout" in tab.report.details.toPlainText().lower() or "query" in heard
        sid = win.pc.session.session_id
        assert sid is not None
    finally:
        if player is not None and player.poll() is None:
            player.kill()
        win.pc.shutdown(20_000)
    with Store.open() as st:
        att = st.get_session(sid).attempts[0]
        assert att.transcription is not None and att.transcription.words
        assert st.audio_file(att) is not None  # the recording was kept
