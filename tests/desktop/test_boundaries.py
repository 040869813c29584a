"""Replay: edit the STAR part boundaries by hand (drag a marker, or set a start at the playback
position) and rescore with them in the background (issue 5)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from conftest import idle
from mockloop.core.model import Part
from mockloop.desktop.fakes import seed_demo_session
from mockloop.store import Store


def _open_replay(win: Any, qtbot: Any, sid: int) -> Any:
    win.open_replay(sid)
    qtbot.waitUntil(lambda: win.tabs.currentWidget() is win.replay and win.replay.report is not None, timeout=5_000)
    return win.replay


def _start(report: Any, part: Part) -> float:
    return next(p.start_s for p in report.parts if p.part is part)


def test_drag_and_set_boundaries_then_rescore(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    sid = seed_demo_session(golden_words, max_probes=0)
    win = make_window()
    rp = _open_replay(win, qtbot, sid)
    before = rp.report
    assert set(rp.bounds) == {Part.TASK, Part.ACTION, Part.RESULT, Part.REFLECTION}
    assert rp.rescore_btn.isEnabled() and not rp.reset_btn.isEnabled() and not rp.edited
    assert all(b.isEnabled() for b in rp.set_btns.values())

    # Drag the Action marker on the seek bar 6 s later.
    sl = rp.slider
    old_action = rp.bounds[Part.ACTION]
    y = sl.height() - 3
    start = QPoint(round(sl.x_for(old_action)), y)
    assert sl.marker_at(start.toPointF()) is Part.ACTION
    target = old_action + 6.0
    end = QPoint(round(sl.x_for(target)), y)
    qtbot.mousePress(sl, Qt.MouseButton.LeftButton, pos=start)
    assert sl.dragging is Part.ACTION
    qtbot.mouseMove(sl, pos=end)
    qtbot.mouseRelease(sl, Qt.MouseButton.LeftButton, pos=end)
    assert sl.dragging is None
    assert rp.bounds[Part.ACTION] == pytest.approx(target, abs=0.5)  # one pixel is ~0.2 s
    assert rp.position == 0.0  # moving a marker does not seek
    assert rp.edited and rp.reset_btn.isEnabled() and "Action" in rp.bounds_label.text()
    # A drag past the next part's start stops there (STAR order holds).
    qtbot.mousePress(sl, Qt.MouseButton.LeftButton, pos=end)
    far = QPoint(sl.width() - 2, y)
    qtbot.mouseMove(sl, pos=far)
    qtbot.mouseRelease(sl, Qt.MouseButton.LeftButton, pos=far)
    assert rp.bounds[Part.ACTION] == pytest.approx(rp.bounds[Part.RESULT])
    rp.set_part_start(Part.ACTION, target)

    # Set Result's start from the playback position (a click on a transcript word would do the same).
    new_result = rp.bounds[Part.RESULT] - 4.0
    rp.seek(new_result)
    qtbot.mouseClick(rp.set_btns[Part.RESULT], Qt.MouseButton.LeftButton)
    assert rp.bounds[Part.RESULT] == pytest.approx(new_result)
    # Out of STAR order: refused with a message, nothing moves.
    rp.seek(1.0)
    kept = dict(rp.bounds)
    qtbot.mouseClick(rp.set_btns[Part.REFLECTION], Qt.MouseButton.LeftButton)
    assert rp.bounds == kept
    assert rp.banner.isVisibleTo(rp) and "Reflection cannot start" in rp.banner.label.text()

    # Rescore in the background: the new report, what changed, and the marks stored.
    edited = dict(rp.bounds)
    with qtbot.waitSignal(rp.rescored, timeout=10_000):
        qtbot.mouseClick(rp.rescore_btn, Qt.MouseButton.LeftButton)
        assert not rp.rescore_btn.isEnabled() and rp.busy.isVisibleTo(rp)
    idle(qtbot, win)
    res = rp.last_rescore
    assert res.before is before and res.after is rp.report and res.change.kind == "answer"
    assert not rp.busy.isVisibleTo(rp) and rp.rescore_btn.isEnabled()
    assert rp.changes.isVisibleTo(rp) and "Rescored with your boundaries" in rp.changes.text()
    assert "Action" in rp.changes.text()  # its time changed
    assert _start(rp.report, Part.ACTION) == pytest.approx(edited[Part.ACTION], abs=0.8)
    assert _start(rp.report, Part.RESULT) == pytest.approx(edited[Part.RESULT], abs=0.8)
    assert rp.position == pytest.approx(1.0)  # playback position kept
    assert not rp.edited  # the shown report now carries the edited boundaries
    with Store.open() as st:
        answer = st.get_session(sid).attempts[0]
        assert answer.part_starts == {p.value: t for p, t in edited.items()}
        assert len(answer.analyses) == 2  # added, never rewritten
    # Reopened from History it says the boundaries were set by hand.
    win.open_replay(sid)
    qtbot.waitUntil(lambda: "set by hand" in rp.title.text(), timeout=5_000)
    assert not rp.changes.isVisibleTo(rp) and not rp.edited


def test_reset_and_failure_keep_the_tab_usable(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    sid = seed_demo_session(golden_words, max_probes=0)
    win = make_window()
    rp = _open_replay(win, qtbot, sid)
    scored = dict(rp.bounds)
    rp.set_part_start(Part.TASK, scored[Part.TASK] + 1.0)
    qtbot.mouseClick(rp.reset_btn, Qt.MouseButton.LeftButton)
    assert rp.bounds == scored and not rp.edited
    # The session vanishes before the rescore runs: an in-app message, not a crash.
    with Store.open() as st:
        st.delete_session(sid)
    qtbot.mouseClick(rp.rescore_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rp.banner.isVisibleTo(rp), timeout=5_000)
    assert "Rescore failed" in rp.banner.label.text()
    assert rp.rescore_btn.isEnabled() and not rp.busy.isVisibleTo(rp)
    assert win.tasks.errors == []
