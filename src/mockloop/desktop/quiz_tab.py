"""The Test screen: how every pattern stands, and a pattern's quiz one question at a time.

The quiz itself is ``core.quiz.QuizRun`` inside a ``services.quiz.QuizSession``; each answer is
stored (on a worker, through the prep controller) before its feedback is shown.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank
from mockloop.core.quiz import (
    DIFFICULTIES,
    PASS_SHARE,
    QuizFeedback,
    Standing,
    option_letter,
    percent,
)
from mockloop.desktop.banner import WARNING_BG, WARNING_TEXT, Banner
from mockloop.desktop.prep_controller import PrepController
from mockloop.services.quiz import QuizSession

COLUMNS = ["Pattern", "Attempts", "Best", "Last", "Status"]
#: Row colours: amber for a weak pattern, paler for one never tried (dark text on both).
WEAK_BG = QColor(WARNING_BG)
UNTRIED_BG = QColor("#fbeccb")
RIGHT_BG = QColor("#b9e2c0")
WRONG_BG = QColor("#f2b8b5")
DARK_TEXT = QColor(WARNING_TEXT)


def status_text(s: Standing) -> str:
    return "passed" if not s.weak else f"{s.status} · to work on"


class QuizTab(QWidget):
    def __init__(self, prep: PrepController, bank: Bank | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prep = prep
        self.bank = bank
        self.standings: list[Standing] = []
        self.session: QuizSession | None = None
        self.feedback: QuizFeedback | None = None  # of the question on screen, once answered
        self.pending = False  # a start or an answer is being stored
        self._shown_index = -1  # the run's index of the question on screen

        self.banner = Banner()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Pattern standings")
        self.weak_note = QLabel()
        self.weak_note.setWordWrap(True)

        self.pattern = QComboBox()
        self.pattern.setAccessibleName("Pattern")
        for p in bank.patterns if bank else ():
            self.pattern.addItem(p.title, p.id)
        self.difficulty = QComboBox()
        self.difficulty.setAccessibleName("Difficulty")
        self.difficulty.addItem("All difficulties", None)
        for d in DIFFICULTIES:
            self.difficulty.addItem(d.capitalize(), d)
        self.start_btn = QPushButton("&Start quiz")
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Pattern"))
        pick.addWidget(self.pattern, 1)
        pick.addWidget(self.difficulty)
        pick.addWidget(self.start_btn)

        self.progress = QLabel()  # "Question 3 of 8 [medium] · score 2/2 so far"
        self.progress.setAccessibleName("Quiz progress")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.question.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.question.setFont(f)
        self.options = QListWidget()
        self.options.setWordWrap(True)
        self.options.setAccessibleName("Options (double-click to answer)")
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("Hint")
        self.result = QLabel()  # the feedback, then the final score
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setAccessibleName("Feedback")
        self.hint_btn = QPushButton("&Hint")
        self.answer_btn = QPushButton("&Answer")
        self.next_btn = QPushButton("&Next")
        buttons = QHBoxLayout()
        for w in (self.hint_btn, self.answer_btn, self.next_btn):
            buttons.addWidget(w)
        buttons.addStretch(1)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.banner)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.weak_note)
        tl.addLayout(pick)
        self.quiz_box = QWidget()
        ql = QVBoxLayout(self.quiz_box)
        ql.setContentsMargins(0, 0, 0, 0)
        ql.addWidget(self.progress)
        ql.addWidget(self.question)
        ql.addWidget(self.options, 1)
        ql.addWidget(self.hint_label)
        ql.addLayout(buttons)
        ql.addWidget(self.result)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.quiz_box)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)

        self.start_btn.clicked.connect(self.start)
        self.hint_btn.clicked.connect(self.show_hint)
        self.answer_btn.clicked.connect(self.answer_selected)
        self.options.itemDoubleClicked.connect(lambda it: self.answer(self.options.row(it)))
        self.options.currentRowChanged.connect(lambda _r: self.update_buttons())
        self.next_btn.clicked.connect(self.next)
        self.table.itemSelectionChanged.connect(self._pick_from_table)
        prep.quiz_changed.connect(self.refresh)
        self.quiz_box.setVisible(False)
        self.update_buttons()

    # ------------------------------------------------------------------ standings

    def refresh(self) -> None:
        self.prep.standings(self._fill, self.banner.show_message)

    def _title(self, pattern_id: str) -> str:
        if self.bank is None:
            return pattern_id
        try:
            return self.bank.pattern(pattern_id).title
        except KeyError:
            return pattern_id

    def _fill(self, rows: list[Standing]) -> None:
        self.standings = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            vals = [self._title(s.pattern_id), str(s.attempts), percent(s.best), percent(s.last), status_text(s)]
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, s.pattern_id)
                if s.weak:
                    item.setBackground(QBrush(WEAK_BG if s.status == "weak" else UNTRIED_BG))
                    item.setForeground(QBrush(DARK_TEXT))
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        weak = [self._title(s.pattern_id) for s in rows if s.weak]
        self.weak_note.setText(f"To work on ({len(weak)}): {', '.join(weak)} · pass mark {percent(PASS_SHARE)}"
                               if weak else "Every pattern passed.")  # fmt: skip

    def _pick_from_table(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            pid = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            self.pattern.setCurrentIndex(max(0, self.pattern.findData(pid)))

    # ------------------------------------------------------------------ the quiz

    def start(self) -> None:
        pid = self.pattern.currentData()
        if pid is None:
            self.banner.show_message("The question bank could not be loaded; reinstall mockloop.")
            return
        self.banner.hide()
        self.pending = True
        self.update_buttons()
        self.prep.start_quiz(pid, self.difficulty.currentData(), self._started, self._failed)

    def _started(self, session: QuizSession) -> None:
        self.pending = False
        self.session = session
        self.quiz_box.setVisible(True)
        self._show_question()

    def _failed(self, message: str) -> None:
        self.pending = False
        self.banner.show_message(message)
        run = self.session.run if self.session else None
        if run is not None and self.feedback is None and run.feedback and run.index > self._shown_index:
            # The run took the answer but the store did not: show it, say it was not saved.
            self._show_feedback(run.feedback[-1])
        self.update_buttons()

    def _show_question(self) -> None:
        assert self.session is not None
        run = self.session.run
        item = run.current
        self._shown_index = run.index
        self.feedback = None
        self.progress.setText(f"Question {run.index + 1} of {len(run.items)} [{item.difficulty}] · "
                              f"score {run.correct}/{run.index} so far")  # fmt: skip
        self.question.setText(item.question)
        self.options.clear()
        for i, opt in enumerate(item.options):
            self.options.addItem(QListWidgetItem(f"{option_letter(i)})  {' '.join(opt.split())}"))
        self.hint_label.setText("")
        self.result.setText("")
        self.update_buttons()

    def show_hint(self) -> None:
        if self.session is not None and not self.session.run.done and self.feedback is None:
            self.hint_label.setText(f"Hint: {self.session.run.hint()}")

    def answer_selected(self) -> None:
        if self.options.currentRow() >= 0:
            self.answer(self.options.currentRow())

    def answer(self, index: int) -> None:
        if self.session is None or self.pending or self.feedback is not None or self.session.run.done:
            return
        self.pending = True
        self.update_buttons()
        self.prep.answer(self.session, index, self._answered, self._failed)

    def _answered(self, fb: QuizFeedback) -> None:
        self.pending = False
        self._show_feedback(fb)

    def _show_feedback(self, fb: QuizFeedback) -> None:
        assert self.session is not None
        self.feedback = fb
        run = self.session.run
        for i in range(self.options.count()):
            it = self.options.item(i)
            if i == fb.item.answer or i == fb.chosen:
                it.setBackground(QBrush(RIGHT_BG if i == fb.item.answer else WRONG_BG))
                it.setForeground(QBrush(DARK_TEXT))
        if fb.correct:
            head = "<b>Correct.</b>"
        else:
            head = (f"<b>Not quite</b> (you chose {option_letter(fb.chosen)}): the answer is "
                    f"<b>{option_letter(fb.item.answer)})</b> {html.escape(fb.answer_text)}")  # fmt: skip
        steps = "".join(f"<li>{html.escape(s)}</li>" for s in fb.item.steps)
        self.result.setText(f"{head}<ol>{steps}</ol>")
        self.progress.setText(f"Question {run.index} of {len(run.items)} [{fb.item.difficulty}] · "
                              f"score {run.correct}/{run.index} so far")  # fmt: skip
        self.next_btn.setText("See your &score" if run.done else "&Next")
        self.update_buttons()

    def next(self) -> None:
        if self.session is None or self.feedback is None:
            return
        if self.session.run.done:
            self._show_score()
        else:
            self._show_question()

    def _show_score(self) -> None:
        assert self.session is not None
        run = self.session.run
        verdict = "passed" if run.passed else f"not yet passed (pass mark {percent(PASS_SHARE)})"
        rows = "".join(f"<li>{d}: {c}/{n}</li>" for d in DIFFICULTIES
                       for c, n in [run.by_difficulty().get(d, (0, 0))] if n)  # fmt: skip
        self.progress.setText(f"Finished: {self._title(run.pattern_id)}")
        self.question.setText("")
        self.options.clear()
        self.hint_label.setText("")
        self.result.setText(f"<h3>Score {run.correct}/{len(run.items)} ({percent(run.share)}): {verdict}</h3>"
                            f"<ul>{rows}</ul>Start again, or pick another pattern above.")  # fmt: skip
        self.session = None
        self.feedback = None
        self.update_buttons()

    def update_buttons(self) -> None:
        active = self.session is not None and not self.session.run.done
        unanswered = active and self.feedback is None and not self.pending
        # Starting again mid-quiz abandons it; the answers given so far are already stored.
        self.start_btn.setText("&Start quiz" if self.session is None else "Re&start")
        for w in (self.start_btn, self.pattern, self.difficulty):
            w.setEnabled(not self.pending)
        self.hint_btn.setEnabled(unanswered)
        self.answer_btn.setEnabled(unanswered and self.options.currentRow() >= 0)
        self.options.setEnabled(unanswered or self.feedback is not None)
        self.next_btn.setEnabled(self.session is not None and self.feedback is not None and not self.pending)

