"""A whole spoken session through the window: question -> answer -> report -> probe -> summary."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mockloop.core.session import Phase
from mockloop.services import practice as pr
from mockloop.store import Store


def _pick_question_with_probes(win: Any) -> Any:
    tab = win.practice
    bank = tab.bank
    q = next(q for q in bank.questions if q.probes and q.pattern_id)
    tab.principle.setCurrentIndex(tab.principle.findData(q.principle))
    tab.questions.setCurrentIndex(tab.questions.findData(q.id))
    assert tab.question == q
    return q


def test_full_session_through_the_window(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = win.practice
    q = _pick_question_with_probes(win)
    events: list[Any] = []
    win.pc.event.connect(events.append)

    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    assert win.factory.voices[0].spoken == [q.text]  # read aloud
    assert tab.prompt.text() == q.text

    # Space starts; the demo file then ends by itself and the controller stops -> report.
    with qtbot.waitSignal(win.pc.event, timeout=30_000, check_params_cb=lambda e: isinstance(e, pr.ReportReady)):
        qtbot.keyClick(tab, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.recording, timeout=30_000)
    rep = tab.report.report
    assert rep is not None and len(rep.parts) == 5
    assert tab.report.table.rowCount() == 5
    assert rep.verdict.value.upper() in tab.report.title.text()
    assert "Transcript" in tab.report.details.toHtml()
    assert tab.next_btn.isEnabled() and tab.retry_btn.isEnabled()

    # Retry: another attempt of the same answer.
    qtbot.mouseClick(tab.retry_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=30_000)

    # First probe: asked aloud, answered, scored in the same view.
    qtbot.mouseClick(tab.next_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    assert tab.prompt.text() == q.probes[0].text and tab.prompt_kind.text() == "Probe 1"
    assert win.factory.voices[0].spoken[-1] == q.probes[0].text
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=30_000)
    assert tab.report.report is not None and tab.report.report.probe is not None
    assert "Probe 1" in tab.report.title.text()

    # Skip the remaining probes (if any), then finish -> summary.
    qtbot.mouseClick(tab.finish_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.summary is not None, timeout=30_000)
    assert "Session summary" in tab.summary_label.text()
    sid = tab.summary.session_id
    assert sid is not None
    with Store.open() as st:
        rec = st.get_session(sid)
    assert rec.status == "complete" and rec.source == "gui"
    kinds = [a.kind for a in rec.attempts]
    assert kinds.count("answer") == 2 and "probe" in kinds  # the retry is kept as another attempt
    assert any(isinstance(e, pr.SessionFinished) for e in events)


def test_manual_marks_rescore_the_answer(make_window: Any, qtbot: Any) -> None:
    win = make_window(mic="endless")
    tab = win.practice
    _pick_question_with_probes(win)
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    qtbot.keyClick(tab, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: win.pc.recording and win.pc.last_progress is not None
                    and win.pc.last_progress.words > 0, timeout=20_000)  # fmt: skip
    qtbot.keyClick(tab, Qt.Key.Key_N)
    assert len(win.pc.marks) == 1 and tab.guide.marks == win.pc.marks
    assert tab.elapsed.text().startswith("0:")
    assert tab.captions.text()  # live captions from the live transcription
    with qtbot.waitSignal(win.pc.event, timeout=30_000,
                          check_params_cb=lambda e: type(e).__name__ == "MarksApplied"):  # fmt: skip
        qtbot.keyClick(tab, Qt.Key.Key_Space)
    assert "part marks" in tab.report.note.text()
    with Store.open() as st:
        sid = st.session_ids()[0]
        att = st.get_session(sid).attempts[0]
    assert att.part_starts and "task" in att.part_starts


def test_a_cue_marks_the_start_of_recording(make_window: Any, qtbot: Any) -> None:
    import wave

    from mockloop.desktop.cue import cue_file

    cues: list[bool] = []
    win = make_window(cue=lambda: cues.append(win.pc.recording))
    tab = win.practice
    qtbot.mouseClick(tab.ask_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy, timeout=30_000)
    assert cues == []  # not while the question is asked
    qtbot.keyClick(tab, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(cues), timeout=30_000)
    assert cues == [False]  # exactly once, as recording begins
    with wave.open(str(cue_file())) as w:
        assert 0.1 < w.getnframes() / w.getframerate() < 0.5  # short, real audio
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=30_000)


def test_session_events_are_emitted_on_the_gui_thread(make_window: Any, qtbot: Any) -> None:
    """PracticeSession calls its listener on worker threads. The controller must emit its own
    ``event`` on the GUI thread: emitted from a worker, every receiver gets a queued call that can
    outlive the receiver (pytest-qt's waitSignal blocker crashed this way, pytest-qt #199). A
    direct connection shows the emitting thread."""
    import threading

    win = make_window()
    seen: list[str] = []
    win.pc.event.connect(lambda ev: seen.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection)
    worker = threading.Thread(target=win.pc._listener, args=(pr.Notice(None, "from a worker"),), name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen == [threading.main_thread().name]
