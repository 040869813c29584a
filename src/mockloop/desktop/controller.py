"""Qt-side driver of one :class:`PracticeSession` and of the history services.

The session's blocking calls (ask = TTS, start/stop = device + transcription) run on the task
manager's serial pool, in order; its listener events (raised on worker threads) are re-emitted
as the ``event`` signal on the GUI thread. A QTimer polls ``progress()`` while recording for the
meter, clock, live part and captions, and stops the recording when the source ends, the device is
lost or the time limit is hit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from mockloop.core.content import Bank, Question
from mockloop.core.model import PARTS, Level, Part, Report
from mockloop.core.session import Phase
from mockloop.desktop.tasks import Task, TaskManager
from mockloop.services import history
from mockloop.services import practice as pr

#: Builds a ready (not yet begun) session: real adapters in the app, fakes in tests.
SessionFactory = Callable[[pr.PracticeConfig, pr.Listener], pr.PracticeSession]


@dataclass(frozen=True)
class MarksApplied:
    """The answer was re-analysed with the candidate's manual part marks."""

    report: Report
    part_starts: dict[Part, float]


@dataclass(frozen=True)
class LiveState:
    """One poll while recording (Progress plus the caption text)."""

    progress: pr.Progress
    caption: str


class PracticeController(QObject):
    event = Signal(object)  # a PracticeEvent or MarksApplied, on the GUI thread
    #: Worker thread -> GUI thread hop for session events (see _listener).
    _posted = Signal(object)
    live = Signal(object)  # LiveState, ~10 per second while recording
    error = Signal(str)  # a problem the user must see (no model, no microphone...)
    recording_changed = Signal(bool)
    busy_changed = Signal(bool)
    marks_changed = Signal(object)  # list[float]

    POLL_MS = 100

    def __init__(self, tasks: TaskManager, factory: SessionFactory, bank: Bank | None,
                 parent: QObject | None = None, *,
                 cue: Callable[[], None] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.tasks = tasks
        self.factory = factory
        self.bank = bank
        #: Marks the start of recording with a short sound (asynchronous; None in tests).
        self.cue = cue
        self.session: pr.PracticeSession | None = None
        self.recording = False
        self.marks: list[float] = []
        self.last_progress: pr.Progress | None = None
        self._pending = 0
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._stopping = False
        # Queued to a slot of this object, which lives on the GUI thread: ``event`` is then
        # always emitted there, so every receiver (view lambdas included) runs on that thread.
        self._posted.connect(self.event, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ plumbing

    def _listener(self, ev: pr.PracticeEvent) -> None:
        # Called on PracticeSession's worker threads. Emitting ``event`` here would run plain
        # Python receivers on this thread and touch widgets off the GUI thread (an intermittent
        # native crash); post it instead.
        self._posted.emit(ev)

    def _run(self, fn: Callable[[Task], Any], on_done: Callable[[Any], None] | None = None) -> None:
        self._pending += 1
        self.busy_changed.emit(True)

        def done(value: Any) -> None:
            self._settle()
            if on_done is not None:
                on_done(value)

        def failed(err: BaseException) -> None:
            self._settle()
            self.error.emit(str(err) or type(err).__name__)

        self.tasks.run(fn, on_done=done, on_error=failed, serial=True)

    def _settle(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def phase(self) -> Phase | None:
        return None if self.session is None else self.session.phase

    # ------------------------------------------------------------------ session steps

    def start(self, question: Question, level: Level, *, max_probes: int | None = None,
              max_answer_s: float = 300.0, max_probe_s: float = 120.0,
              keep_audio: bool | None = None, ask: bool = True) -> None:  # fmt: skip
        """A new session for ``question`` (an open one is closed first); asks it aloud."""
        old = self.session
        self.session = None
        config = pr.PracticeConfig(
            question=question, level=level, bank=self.bank, max_probes=max_probes,
            max_answer_s=max_answer_s, max_probe_s=max_probe_s, source="gui", keep_audio=keep_audio,
        )  # fmt: skip

        def work(_t: Task) -> pr.PracticeSession:
            if old is not None:
                old.close(aborted=old.phase not in (Phase.SUMMARY, Phase.DONE))
            s = self.factory(config, self._listener)
            s.begin()
            if ask:
                s.ask()
            return s

        def done(s: pr.PracticeSession) -> None:
            self.session = s

        self._run(work, done)

    def ask(self) -> None:
        s = self.session
        if s is not None and s.phase is Phase.ASKING:
            self._run(lambda _t: s.ask())

    def record(self) -> None:
        s = self.session
        if s is None or self.recording or s.phase is not Phase.ASKING:
            return
        self.marks = []
        self.marks_changed.emit([])

        def done(_path: Any) -> None:
            if self.cue is not None:
                self.cue()
            self.recording = True
            self._stopping = False
            self.recording_changed.emit(True)
            self._timer.start()

        self._run(lambda _t: s.start_recording(), done)

    def toggle_record(self) -> None:
        if self.recording:
            self.stop()
        else:
            self.record()

    def mark(self) -> None:
        """'Next part' by hand: the next STAR part starts now (at most four marks)."""
        if not self.recording or self.last_progress is None or len(self.marks) >= len(PARTS) - 1:
            return
        self.marks.append(self.last_progress.elapsed_s)
        self.marks_changed.emit(list(self.marks))

    def stop(self) -> None:
        s = self.session
        if s is None or not self.recording or self._stopping:
            return
        self._stopping = True
        self._timer.stop()
        marks = list(self.marks)

        def work(_t: Task) -> Any:
            result = s.stop_recording()
            if marks and result.report is not None and result.step.kind == "answer":
                return _apply_marks(s, marks, self.bank)
            return None

        def done(applied: MarksApplied | None) -> None:
            self.recording = False
            self._stopping = False
            self.recording_changed.emit(False)
            if applied is not None:
                self.event.emit(applied)

        self._run(work, done)

    def _poll(self) -> None:
        s = self.session
        if s is None or not self.recording:
            self._timer.stop()
            return
        prog = s.progress()
        if prog is not None:
            self.last_progress = prog
            self.live.emit(LiveState(prog, prog.caption))
        # wait(0) never blocks: it only reports an end the recorder already saw.
        if s.wait(0.0) is not None:
            self.stop()

    def _then_ask(self, s: pr.PracticeSession, phase: Phase) -> None:
        if phase is Phase.ASKING:
            s.ask()
        elif phase is Phase.SUMMARY:
            s.close()

    def next(self) -> None:
        s = self.session
        if s is not None and s.phase is Phase.REPORT:
            self._run(lambda _t: self._then_ask(s, s.next()))

    def retry(self) -> None:
        s = self.session
        if s is not None and s.phase is Phase.REPORT:
            self._run(lambda _t: self._then_ask(s, s.retry()))

    def skip(self) -> None:
        s = self.session
        if s is None or self.recording or s.phase not in (Phase.ASKING, Phase.REPORT):
            return
        self._run(lambda _t: self._then_ask(s, s.skip()))

    def finish(self) -> None:
        s = self.session
        if s is None or self.recording or s.phase not in (Phase.ASKING, Phase.REPORT):
            return
        self._run(lambda _t: self._then_ask(s, s.finish()))

    def shutdown(self, msecs: int = 20_000) -> None:
        """Window closing: keep what was recorded and save the session, then stop workers."""
        self._timer.stop()
        s = self.session
        self.session = None
        if s is not None:
            recording = self.recording

            def work(_t: Task) -> None:
                if recording:
                    s.stop_recording()  # the answer so far is analysed and saved, not dropped
                if s.phase in (Phase.ASKING, Phase.REPORT):
                    s.finish()
                s.close(aborted=s.phase is not Phase.SUMMARY)

            self.tasks.run(work, serial=True)
        self.recording = False
        self.tasks.shutdown(msecs)


def _apply_marks(s: pr.PracticeSession, marks: Sequence[float], bank: Bank | None) -> MarksApplied | None:
    """Keep the marks with the attempt and rescore it with them (store + history services)."""
    if s.session_id is None:
        return None
    from mockloop.store import Store

    starts = {PARTS[i + 1]: float(t) for i, t in enumerate(marks)}
    st = Store.open()  # its own connection: the session's store is used by its refine thread
    try:
        rec = st.get_session(s.session_id, words=False)
        answers = [a for a in rec.attempts if a.kind == "answer"]
        if not answers:
            return None
        history.rescore_with_part_starts(s.session_id, starts, attempt_id=answers[-1].id, store=st,
                                         bank=bank)  # fmt: skip
        latest = st.get_session(s.session_id, words=False).attempts
        att = next(a for a in latest if a.id == answers[-1].id)
        if att.latest is None:
            return None
        return MarksApplied(att.latest.report(), starts)
    finally:
        st.close()


@dataclass(frozen=True)
class BoundariesRescored:
    """An answer rescored with hand-set part boundaries: the reports before and after."""

    session_id: int
    attempt_id: int | None
    part_starts: dict[Part, float]
    before: Report | None
    after: Report | None
    change: history.AttemptChange | None


class HistoryController(QObject):
    """History operations through ``services.history``, each a background task."""

    changed = Signal()  # sessions were added, rescored or deleted
    error = Signal(str)

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks

    def _run(self, fn: Callable[[Task], Any], on_done: Callable[[Any], None] | None = None,
             on_progress: Callable[[Any], None] | None = None) -> Task:  # fmt: skip
        return self.tasks.run(fn, on_done=on_done, on_progress=on_progress,
                              on_error=lambda e: self.error.emit(str(e) or type(e).__name__))  # fmt: skip

    def list(self, filt: Any, on_done: Callable[[Any], None]) -> None:
        self._run(lambda _t: history.list_sessions(filt), on_done)

    def show(self, session_id: int, on_done: Callable[[Any], None]) -> None:
        def work(_t: Task) -> Any:
            rec = history.show(session_id)
            audio = {a.id: history.audio_path(a.id) for a in rec.attempts}
            return rec, audio

        self._run(work, on_done)

    def rescore(self, ids: Sequence[int] | None, on_done: Callable[[Any], None],
                on_progress: Callable[[Any], None]) -> Task:  # fmt: skip
        def work(t: Task) -> Any:
            return history.rescore(
                None if ids is None else list(ids), force=True,
                progress=lambda done, total, sid: t.report((done, total, sid)), cancel=t.cancel_event,
            )  # fmt: skip

        def done(summary: Any) -> None:
            on_done(summary)
            self.changed.emit()

        return self._run(work, done, on_progress)

    def delete(self, session_id: int, on_done: Callable[[Any], None] | None = None) -> None:
        def done(v: Any) -> None:
            if on_done is not None:
                on_done(v)
            self.changed.emit()

        self._run(lambda _t: history.delete(session_id), done)

    def export(self, ids: Sequence[int], fmt: str, path: Path, on_done: Callable[[Any], None]) -> None:
        self._run(lambda _t: (history.export(list(ids), fmt, output=path), path)[1], on_done)

    def progress_series(self, on_done: Callable[[Any], None]) -> None:
        self._run(lambda _t: history.progress_series(), on_done)

    def progress_data(self, on_done: Callable[[Any], None]) -> None:
        """``(progress points, part timings)`` for the Progress charts, in one task."""
        self._run(lambda _t: history.progress_with_part_timings(), on_done)

    def rescore_part_starts(self, session_id: int, part_starts: dict[Part, float],
                            on_done: Callable[[BoundariesRescored], None],
                            on_error: Callable[[str], None], *, attempt_id: int | None = None,
                            before: Report | None = None) -> Task:  # fmt: skip
        """Store hand-set part boundaries on the answer and rescore it with them."""

        def work(_t: Task) -> BoundariesRescored:
            res = history.rescore_with_part_starts(session_id, part_starts, attempt_id=attempt_id)
            change = res.changes[0] if res.changes else None
            if change is not None and change.error:
                raise history.HistoryError(change.error)
            return BoundariesRescored(session_id, attempt_id, dict(part_starts), before, res.report, change)

        def done(v: BoundariesRescored) -> None:
            on_done(v)
            self.changed.emit()

        return self.tasks.run(work, on_done=done, on_error=lambda e: on_error(str(e) or type(e).__name__))
