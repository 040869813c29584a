"""Settings > Check setup: the doctor service runs through the task manager and shows each
check as one line with its mark; a machine without a microphone or voice shows the fixes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from conftest import idle
from mockloop.desktop.fakes import FakeSpeech
from mockloop.desktop.settings_tab import CHECK_MARKS


def _lines(tab: Any) -> list[tuple[str, str]]:
    items = [tab.check_list.item(i) for i in range(tab.check_list.count())]
    return [(it.data(Qt.ItemDataRole.UserRole), it.text()) for it in items]


def test_check_setup_shows_a_line_per_check(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    win.tabs.setCurrentWidget(win.settings_tab)
    tab = win.settings_tab
    assert tab.check_list.isHidden()
    qtbot.mouseClick(tab.check_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.check_list.count() == 4, timeout=30_000)
    idle(qtbot, win)
    lines = _lines(tab)
    assert [s for s, _ in lines] == ["pass"] * 4, lines
    assert [t.split(":")[0] for _, t in lines] == [f"{CHECK_MARKS['pass']}  {n}" for n in ("microphone", "voice", "model", "data")]
    assert "Fake USB microphone, 48000 Hz, peak -18.1 dBFS" in lines[0][1]
    assert "fake tiny.en" in lines[2][1] and "Last year" in lines[2][1]
    assert tab.check_status.text() == "All set." and tab.check_btn.isEnabled()
    assert tab.check_list.isVisible()


def test_check_setup_without_microphone_or_voice_shows_fixes(make_window: Any, qtbot: Any) -> None:
    win = make_window(speech=FakeSpeech(devices=[], voice=False))
    tab = win.settings_tab
    tab.check_btn.click()
    qtbot.waitUntil(lambda: tab.check_btn.isEnabled() and tab.check_list.count() == 4, timeout=30_000)
    idle(qtbot, win)
    lines = _lines(tab)
    assert [s for s, _ in lines] == ["fail", "fail", "pass", "pass"], lines
    assert lines[0][1].startswith(CHECK_MARKS["fail"] + "  microphone") and "fix: connect a microphone" in lines[0][1]
    assert "apt install espeak-ng" in lines[1][1]
    assert tab.check_status.text() == "Needs attention: microphone, voice"
    assert win.tasks.errors == []
