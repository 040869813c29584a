"""The Practice screen: pick a question, hear it, answer, see the report, then the probes."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank, Question, pick_question
from mockloop.core.model import Level
from mockloop.core.session import Phase
from mockloop.desktop.banner import Banner, guidance
from mockloop.desktop.controller import LiveState, MarksApplied, PracticeController
from mockloop.desktop.report_view import ReportView
from mockloop.desktop.widgets import LevelMeter, StarGuideBar, fmt_time
from mockloop.services import practice as pr

RANDOM = "__random__"
LEVEL_NAMES = {Level.SDE1: "SDE1", Level.SDE2: "SDE2", Level.SENIOR: "Senior"}


class PracticeTab(QWidget):
    def __init__(self, controller: PracticeController, bank: Bank | None, *, default_level: str = "sde2",
                 settings: Any = None, prep: Any = None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.c = controller
        self.prep = prep  # a PrepController: the linked stories' coverage under the report
        self.bank = bank
        self.settings = settings
        self.question: Question | None = None
        self.summary: pr.SessionFinished | None = None
        self.reports: list[Any] = []  # (step, report) shown so far in this session

        self.banner = Banner()
        self.principle = QComboBox()
        self.principle.setAccessibleName("Principle")
        self.questions = QComboBox()
        self.questions.setAccessibleName("Question")
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        for lv, name in LEVEL_NAMES.items():
            self.level.addItem(name, lv.value)
        self.level.setCurrentIndex(max(0, self.level.findData(default_level)))
        pick = QFormLayout()
        pick.addRow("&Principle", self.principle)
        pick.addRow("&Question", self.questions)
        pick.addRow("&Level", self.level)

        self.prompt_kind = QLabel("Question")
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.prompt.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.prompt.setFont(f)
        self.voice_note = QLabel()
        self.voice_note.setWordWrap(True)

        self.ask_btn = QPushButton("&Ask")
        self.record_btn = QPushButton("Record (Space)")
        self.stop_btn = QPushButton("Stop (Space)")
        self.mark_btn = QPushButton("Next part (N)")
        self.elapsed = QLabel("0:00")
        self.elapsed.setAccessibleName("Elapsed time")
        self.meter = LevelMeter()
        row = QHBoxLayout()
        for w in (self.ask_btn, self.record_btn, self.stop_btn, self.mark_btn, self.elapsed):
            row.addWidget(w)
        row.addWidget(self.meter, 1)

        self.guide = StarGuideBar()
        self.captions = QLabel()
        self.captions.setWordWrap(True)
        self.captions.setAccessibleName("Live captions")
        self.status = QLabel("Pick a question and press Ask.")
        self.status.setWordWrap(True)

        self.report = ReportView()
        self.next_btn = QPushButton("Next &probe")
        self.retry_btn = QPushButton("&Retry")
        self.skip_btn = QPushButton("S&kip")
        self.finish_btn = QPushButton("&Finish")
        nav = QHBoxLayout()
        for w in (self.next_btn, self.retry_btn, self.skip_btn, self.finish_btn):
            nav.addWidget(w)
        nav.addStretch(1)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.banner)
        tl.addLayout(pick)
        tl.addWidget(self.prompt_kind)
        tl.addWidget(self.prompt)
        tl.addWidget(self.voice_note)
        tl.addLayout(row)
        tl.addWidget(self.guide)
        tl.addWidget(self.captions)
        tl.addWidget(self.status)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(nav)
        bl.addWidget(self.summary_label)
        bl.addWidget(self.report, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

        self.ask_btn.clicked.connect(self.on_ask)
        self.record_btn.clicked.connect(self.on_record)
        self.stop_btn.clicked.connect(self.c.stop)
        self.mark_btn.clicked.connect(self.c.mark)
        self.next_btn.clicked.connect(self.c.next)
        self.retry_btn.clicked.connect(self.c.retry)
        self.skip_btn.clicked.connect(self.c.skip)
        self.finish_btn.clicked.connect(self.c.finish)
        # Window-wide keys, acted on only while this tab is shown (focus may sit anywhere after a
        # button disables itself); text fields and combos keep Space because they claim it first.
        for key, slot in ((Qt.Key.Key_Space, self.on_space), (Qt.Key.Key_N, self.on_mark_key)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
        self.principle.currentIndexChanged.connect(self._fill_questions)
        self.questions.currentIndexChanged.connect(self._question_changed)
        self.level.currentIndexChanged.connect(self._question_changed)
        self.c.event.connect(self.on_event)
        self.c.live.connect(self.on_live)
        self.c.error.connect(self.show_error)
        self.c.recording_changed.connect(lambda _r: self.update_buttons())
        self.c.busy_changed.connect(lambda _b: self.update_buttons())
        self.c.marks_changed.connect(self.guide.set_marks)
        self._fill_principles()
        self.report.clear()
        self.update_buttons()

    # ------------------------------------------------------------------ choosing

    def _fill_principles(self) -> None:
        self.principle.blockSignals(True)
        self.principle.addItem("Random (weighted to higher-probability)", RANDOM)
        if self.bank is not None:
            for p in self.bank.principles:
                star = " ★" if p.higher_probability else ""
                self.principle.addItem(f"{p.number}. {p.name}{star}", p.id)
        self.principle.blockSignals(False)
        self._fill_questions()

    def _fill_questions(self) -> None:
        self.questions.blockSignals(True)
        self.questions.clear()
        pid = self.principle.currentData()
        if self.bank is None:
            self.questions.addItem("(no content bank)", None)
        elif pid == RANDOM:
            self.questions.addItem("A random question", RANDOM)
        else:
            for q in self.bank.questions_for(pid):
                pattern = " (walkthrough)" if q.pattern_id else ""
                self.questions.addItem(q.text[:90] + pattern, q.id)
        self.questions.blockSignals(False)
        self._question_changed()

    def _question_changed(self) -> None:
        if self.c.session is not None and self.c.phase not in (Phase.DONE, None):
            return  # do not swap the question under a running session
        qid = self.questions.currentData()
        if self.bank is None or qid is None:
            self.question = None
        elif qid == RANDOM:
            self.question = None  # drawn when Ask is pressed
        else:
            self.question = self.bank.question(qid)
        self.prompt_kind.setText("Question")
        self.prompt.setText(self.question.text if self.question else "A random question will be drawn when you press Ask.")
        self._targets()

    def select_question(self, question_id: str) -> None:
        """Show ``question_id`` in the pickers (as if chosen by hand)."""
        if self.bank is None:
            return
        q = self.bank.question(question_id)
        self.principle.setCurrentIndex(max(0, self.principle.findData(q.principle)))
        self.questions.setCurrentIndex(max(0, self.questions.findData(q.id)))

    def _targets(self) -> None:
        if self.bank is not None:
            self.guide.set_targets(self.bank.targets_s(self.question, self.current_level()))

    def current_level(self) -> Level:
        return Level(self.level.currentData())

    def set_level(self, value: str) -> None:
        self.level.setCurrentIndex(max(0, self.level.findData(value)))

    # ------------------------------------------------------------------ actions

    def on_ask(self) -> None:
        s = self.c.session
        if s is not None and s.phase is Phase.ASKING:
            self.c.ask()  # say it again
            return
        if self.bank is None:
            self.show_error("The question bank could not be loaded; reinstall mockloop.")
            return
        if self.questions.currentData() == RANDOM:
            self.question = pick_question(self.bank)  # weighted to higher-probability principles
        if self.question is None:
            return
        self.banner.hide()
        self.report.clear()
        self.summary_label.setText("")
        self.reports = []
        self.summary = None
        self.prompt.setText(self.question.text)
        self._targets()
        st = self.settings
        self.c.start(self.question, self.current_level(),
                     max_answer_s=float(getattr(st, "max_answer_s", 300)),
                     max_probe_s=float(getattr(st, "max_probe_s", 120)),
                     keep_audio=getattr(st, "keep_audio", None))  # fmt: skip
        self.status.setText("Asking…")
        self.update_buttons()

    def on_record(self) -> None:
        if self.c.session is None:
            self.on_ask()  # Record first: ask (shown + spoken), recording follows the queue
            self.c.tasks.run(lambda _t: None, on_done=lambda _v: self.c.record(), serial=True)
            return
        self.c.record()

    def on_mark_key(self) -> None:
        if self.isVisible():
            self.c.mark()

    def on_space(self) -> None:
        if not self.isVisible():
            return
        if self.c.recording:
            self.c.stop()
        elif self.c.session is not None and self.c.phase is Phase.ASKING:
            self.c.record()

    def show_error(self, message: str) -> None:
        self.banner.show_message(guidance(message))
        self.update_buttons()

    # ------------------------------------------------------------------ events

    def on_live(self, live: LiveState) -> None:
        p = live.progress
        self.elapsed.setText(f"{fmt_time(p.elapsed_s)} / {fmt_time(p.limit_s)}")
        self.meter.set_level(p.level_dbfs)
        if p.step is not None and p.step.kind == "answer":
            self.guide.set_live(p.elapsed_s, p.part)
        self.captions.setText(live.caption)

    def on_event(self, ev: Any) -> None:
        if isinstance(ev, pr.PromptShown):
            probe = ev.step is not None and ev.step.kind == "probe"
            self.prompt_kind.setText(f"Probe {ev.step.index}" if probe and ev.step else "Question")
            self.prompt.setText(ev.text)
            self.voice_note.setText("" if ev.spoken else f"Not read aloud ({ev.voice_note or 'no voice'}); read it above.")
            self.status.setText("Press Record (or Space) and answer.")
            self.captions.setText("")
            self.guide.reset()
            self.meter.set_level(-100)
            self.elapsed.setText("0:00")
        elif isinstance(ev, pr.RecordingStarted):
            self.status.setText("Recording… press Space or Stop when done; N marks the next STAR part.")
        elif isinstance(ev, pr.ReportReady):
            self.reports.append((ev.step, ev.report))
            self._show(ev.step, ev.report)
            self.report.set_note(None)
            self.status.setText(f"Report ready {ev.latency_s:.1f} s after stop ({fmt_time(ev.audio_s)} recorded).")
        elif isinstance(ev, pr.ReportRefined):
            if ev.report is not None:
                self._show(ev.step, ev.report)
                self.report.set_note(f"The whole-file transcript replaced the live one ({ev.why}).")
        elif isinstance(ev, MarksApplied):
            self._show(self.c.session.step if self.c.session else None, ev.report)
            marks = ", ".join(f"{p.label} {fmt_time(t)}" for p, t in ev.part_starts.items())
            self.report.set_note(f"Scored with your part marks: {marks}.")
        elif isinstance(ev, pr.NoSpeech):
            self.show_error("No speech was heard. Check the microphone (Settings → Test capture) and Retry, or Skip.")
        elif isinstance(ev, (pr.StepFailed, pr.Notice)):
            self.show_error(ev.message)
        elif isinstance(ev, pr.SessionFinished):
            self.summary = ev
            self._show_summary(ev)
        self.update_buttons()

    def _show(self, step: Any, report: Any) -> None:
        heading = "Answer" if step is None or step.kind == "answer" else f"Probe {step.index}"
        self.report.show_report(report, bank=self.bank, question=self.question, heading=heading)
        if self.prep is not None:
            self.prep.story_coverage(report, lambda items, r=report: self.report.show_story_coverage(r, items))

    def _show_summary(self, ev: pr.SessionFinished) -> None:
        rows = []
        for r in ev.summary.results:
            name = "Answer" if r.step.kind == "answer" else f"Probe {r.step.index}"
            if r.report is not None:
                s = r.report.scores
                rows.append(f"<tr><td>{name}</td><td><b>{r.report.verdict.value.upper()}</b></td>"
                            f"<td>own {s.ownership} · metrics {s.metrics} · refl {s.reflection} · pace {s.pacing}</td></tr>")  # fmt: skip
            else:
                rows.append(f"<tr><td>{name}</td><td>{html.escape(r.status)}</td><td>{html.escape(r.error or '')}</td></tr>")
        saved = f" Saved as session {ev.session_id} (see History)." if ev.session_id is not None else ""
        self.summary_label.setText(f"<h3>Session summary</h3><table cellpadding=4>{''.join(rows)}</table>{saved}")
        self.status.setText("Session finished. Pick another question and press Ask.")

    def update_buttons(self) -> None:
        phase = self.c.phase
        busy = self.c.busy
        rec = self.c.recording
        idle = phase in (None, Phase.DONE)
        self.ask_btn.setEnabled(not busy and not rec and (idle or phase is Phase.ASKING))
        self.record_btn.setEnabled(not busy and not rec and (idle or phase is Phase.ASKING))
        self.stop_btn.setEnabled(rec)
        self.mark_btn.setEnabled(rec)
        in_report = phase is Phase.REPORT and not busy
        has_next = self.c.session is not None and self.c.session.state.has_next
        self.next_btn.setEnabled(in_report)
        self.next_btn.setText("Next &probe" if has_next else "&Summary")
        self.retry_btn.setEnabled(in_report)
        self.skip_btn.setEnabled(not busy and not rec and phase in (Phase.ASKING, Phase.REPORT))
        self.finish_btn.setEnabled(not busy and not rec and phase in (Phase.ASKING, Phase.REPORT))
        for w in (self.principle, self.questions, self.level):
            w.setEnabled(idle and not busy)
