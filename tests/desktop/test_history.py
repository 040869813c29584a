"""History, replay and rescore over a stored session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from conftest import idle
from mockloop.desktop.fakes import seed_demo_session
from mockloop.store import Store


def _open_history(win: Any, qtbot: Any) -> Any:
    win.tabs.setCurrentWidget(win.history)
    qtbot.waitUntil(lambda: win.history.table.rowCount() > 0, timeout=5_000)
    return win.history


def test_replay_seeks_when_a_word_is_clicked(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    sid = seed_demo_session(golden_words)
    win = make_window()
    hist = _open_history(win, qtbot)
    hist.table.selectRow(0)
    qtbot.mouseClick(hist.replay_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.tabs.currentWidget() is win.replay, timeout=5_000)
    rp = win.replay
    assert f"Session {sid}" in rp.title.text() and rp.report is not None
    # Click the 40th word where it is drawn in the transcript.
    target = 40
    word = rp.report.words[target]
    doc = rp.transcript.document()
    cur = doc.find(word.text, 0)
    n = sum(1 for w in rp.report.words[:target] if w.text == word.text)
    for _ in range(n):
        cur = doc.find(word.text, cur)
    rect = rp.transcript.cursorRect(QTextCursor(cur))
    pos = QPoint(rect.left() - 3, rect.center().y())
    rp.transcript.ensureCursorVisible()
    qtbot.mouseClick(rp.transcript.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: abs(rp.position - word.start_s) < 0.01, timeout=3_000)
    assert rp.current_word == target
    assert rp.slider.value() == int(word.start_s * 1000)
    # Clicking a timeline part seeks to that part's start.
    action = next(p for p in rp.report.parts if p.part.value == "action")
    mid = (action.start_s + action.end_s) / 2
    x = int(mid / rp.timeline._span() * rp.timeline.width())
    qtbot.mouseClick(rp.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert abs(rp.position - action.start_s) < 0.01


def test_rescore_from_history_shows_what_changed(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    sid = seed_demo_session(golden_words)
    win = make_window()
    hist = _open_history(win, qtbot)
    shown: list[str] = []
    hist.show_changes = shown.append
    hist.table.selectRow(0)
    qtbot.mouseClick(hist.rescore_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert hist.last_rescore.rescored == 1 and "Rescored 1 of 1" in shown[0]
    with Store.open() as st:
        assert len(st.get_session(sid).attempts[0].analyses) == 2  # added, never rewritten
    assert hist.progress.isHidden()


def test_filter_search_export_and_delete(make_window: Any, qtbot: Any, golden_words: Any, tmp_path: Path) -> None:
    seed_demo_session(golden_words)
    win = make_window()
    hist = _open_history(win, qtbot)
    hist.search.setText("zzzznotaword")
    qtbot.keyClick(hist.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hist.table.rowCount() == 0, timeout=5_000)
    hist.search.clear()
    qtbot.waitUntil(lambda: hist.table.rowCount() == 1, timeout=5_000)
    out = tmp_path / "s.md"
    hist.save_path = lambda fmt: str(out)
    hist.table.selectRow(0)
    qtbot.mouseClick(hist.export_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=5_000)
    assert "Exported" in hist.banner.text
    hist.confirm_delete = lambda text: True
    qtbot.mouseClick(hist.delete_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hist.table.rowCount() == 0, timeout=5_000)
    idle(qtbot, win)


def test_progress_and_settings_tabs(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    from mockloop import settings as settings_mod

    seed_demo_session(golden_words)
    win = make_window()
    win.tabs.setCurrentWidget(win.progress)
    qtbot.waitUntil(lambda: len(win.progress.points) == 1, timeout=5_000)
    win.tabs.setCurrentWidget(win.settings_tab)
    st = win.settings_tab
    qtbot.waitUntil(lambda: st.device.count() > 1, timeout=5_000)
    qtbot.mouseClick(st.test_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "dBFS" in st.test_result.text(), timeout=5_000)
    st.level.setCurrentIndex(st.level.findData("senior"))
    st.keep_audio.setChecked(False)
    qtbot.mouseClick(st.save_btn, Qt.MouseButton.LeftButton)
    saved = settings_mod.load()
    assert saved.default_level == "senior" and saved.keep_audio is False
    assert win.practice.current_level().value == "senior"


def test_settings_change_data_folder(make_window: Any, qtbot: Any, tmp_path: Any) -> None:
    from mockloop import paths

    win = make_window()
    st = win.settings_tab
    st.choose_data_folder = lambda: str(tmp_path / "new-home")
    qtbot.mouseClick(st.data_btn, Qt.MouseButton.LeftButton)
    assert "next start" in st.data_note.text()
    # Remembered for the next start (tests/cli/test_paths.py checks home() then uses it).
    assert paths.chosen_data_folder() == (tmp_path / "new-home").resolve()
