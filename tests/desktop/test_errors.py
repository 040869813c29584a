"""Error states are visible in the window and never crash it; recordings are kept."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from PySide6.QtCore import Qt

from conftest import idle
from mockloop.core.session import Phase
from mockloop.speech.base import ModelError
from mockloop.store import Store


def test_no_microphone_shows_guidance_and_allows_retry(make_window: Any, qtbot: Any) -> None:
    win = make_window(mic="none")
    tab = win.practice
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)  # Record without Ask: asks first
    qtbot.waitUntil(lambda: not tab.banner.isHidden(), timeout=10_000)
    idle(qtbot, win)
    assert "microphone" in tab.banner.text.lower() and "Settings" in tab.banner.text
    assert win.pc.phase is Phase.REPORT and tab.retry_btn.isEnabled() and tab.skip_btn.isEnabled()


def test_device_lost_mid_answer_keeps_the_audio(make_window: Any, qtbot: Any) -> None:
    win = make_window(mic="lost")
    tab = win.practice
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)
    # the recorder notices the stall (2 s), the controller stops and keeps what was recorded
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=15_000)
    assert "kept" in tab.banner.text
    with Store.open() as st:
        att = st.get_session(st.session_ids()[0]).attempts[0]
        assert st.audio_file(att) is not None
        assert (att.duration_s or 0) > 1.0


def test_no_voice_shows_the_text_and_goes_on(make_window: Any, qtbot: Any) -> None:
    win = make_window(voice=False)
    tab = win.practice
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    assert "Not read aloud" in tab.voice_note.text()
    assert tab.prompt.text() == win.pc.session.step.prompt
    assert tab.record_btn.isEnabled()


def test_no_model_is_a_banner_not_a_crash(make_window: Any, qtbot: Any) -> None:
    win = make_window(model_error=ModelError("the embedded speech model is missing"))
    tab = win.practice
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.banner.isHidden(), timeout=5_000)
    idle(qtbot, win)
    assert "model" in tab.banner.text and "Settings" in tab.banner.text
    assert win.pc.session is None and tab.ask_btn.isEnabled()


def test_closing_mid_recording_keeps_the_recording(make_window: Any, qtbot: Any) -> None:
    win = make_window(mic="endless")
    tab = win.practice
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.recording and win.pc.last_progress is not None
                    and win.pc.last_progress.elapsed_s > 0.5, timeout=10_000)  # fmt: skip
    win.close()
    with Store.open() as st:
        rec = st.get_session(st.session_ids()[0])
    assert rec.status in ("complete", "interrupted")
    att = rec.attempts[0]
    assert att.status in ("complete", "no_speech") and (att.duration_s or 0) > 0.4
    with Store.open() as st:
        assert st.audio_file(att) is not None


def test_gui_without_display_exits_2() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    p = subprocess.run([sys.executable, "-m", "mockloop", "gui"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display found" in lines[0]
