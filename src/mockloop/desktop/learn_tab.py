"""The Learn screen: step through a walkthrough pattern, hear a part at its target pace.

The steps come from :func:`mockloop.core.learn.learn_steps`, the same ones ``mockloop learn``
prints. Key phrases are highlighted; flagged phrases of the weak answer are highlighted with a
numbered note, and hovering one shows why it hurts.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCursor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank, Pattern
from mockloop.core.learn import HearIt, LearnStep, Section, hear_it_rate, learn_steps
from mockloop.desktop.tasks import TaskManager

KEY_STYLE = "background-color:#fff0a0; font-weight:600;"
FLAG_STYLE = "background-color:#ffd6d6; color:#7a0000; text-decoration:none;"


def section_html(sec: Section, notes: list[str]) -> str:
    """One section as HTML; flag notes are appended to ``notes`` and referenced by number."""
    out: list[str] = []
    pos = 0
    for m in sec.marks:
        out.append(html.escape(sec.text[pos : m.start]))
        phrase = html.escape(sec.text[m.start : m.end])
        if m.kind == "flag":
            notes.append(m.note)
            n = len(notes)
            out.append(f'<a href="note:{n}" style="{FLAG_STYLE}">{phrase}</a><sup>{n}</sup>')
        else:
            out.append(f'<span style="{KEY_STYLE}">{phrase}</span>')
        pos = m.end
    out.append(html.escape(sec.text[pos:]))
    return f"<p><b>{html.escape(sec.label)}</b><br>{''.join(out)}</p>"


def step_html(step: LearnStep) -> tuple[str, list[str]]:
    """The step as rich text, and the flag notes in the order they are numbered."""
    notes: list[str] = []
    body = "".join(section_html(s, notes) for s in step.sections)
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        body += f'<p><b>Why each flagged phrase hurts</b></p><ol style="color:#7a0000">{items}</ol>'
    return f"<h3>{html.escape(step.title)}</h3>{body}", notes


_SHORT = {"overview": "Overview", "weak": "The weak answer", "emphasis": "Other principles"}


def list_label(step: LearnStep) -> str:
    """A short name for the step list (the full title heads the step itself)."""
    if step.part is not None and step.target_s is not None:
        return f"{step.part.label} ({step.target_s:.0f} s)"
    return _SHORT.get(step.kind, step.title)


def hear_label(h: HearIt) -> str:
    clamp = " (the nearest natural pace)" if h.clamped else ""
    return f"Playing at {h.rate_wpm} wpm{clamp} ≈ {h.estimated_s:.0f} s (target {h.target_s:.0f} s)"


class LearnTab(QWidget):
    #: A question id to practise (the window switches to the Practice tab).
    practice_requested = Signal(str)

    def __init__(self, tasks: TaskManager, bank: Bank | None, *, speech: Any = None,
                 settings: Any = None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.tasks = tasks
        self.bank = bank
        self.speech = speech
        self.settings = settings
        self.pattern: Pattern | None = None
        self.steps: list[LearnStep] = []
        self.notes: list[str] = []
        self.voice_ok: bool | None = None  # None until checked on a worker
        self.playing = False

        self.picker = QComboBox()
        self.picker.setAccessibleName("Pattern")
        for p in bank.patterns if bank is not None else ():
            self.picker.addItem(f"{p.title} — {bank.principle(p.principle).name}", p.id)
        self.practice_btn = QPushButton("Practice this &question")
        top = QHBoxLayout()
        top.addWidget(QLabel("Pattern"))
        top.addWidget(self.picker, 1)
        top.addWidget(self.practice_btn)

        self.step_list = QListWidget()
        self.step_list.setAccessibleName("Steps")
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setAccessibleName("Step")
        self.back_btn = QPushButton("&Back")
        self.next_btn = QPushButton("&Next")
        self.hear_btn = QPushButton("&Hear it")
        self.stop_btn = QPushButton("St&op")
        self.hear_note = QLabel()
        self.hear_note.setWordWrap(True)
        self.hear_note.setAccessibleName("Hear it status")
        nav = QHBoxLayout()
        for w in (self.back_btn, self.next_btn, self.hear_btn, self.stop_btn):
            nav.addWidget(w)
        nav.addWidget(self.hear_note, 1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.view, 1)
        rl.addLayout(nav)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.step_list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([230, 700])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        if bank is None or not bank.patterns:
            lay.addWidget(QLabel("No walkthrough patterns: the question bank could not be loaded."))
        lay.addWidget(split, 1)

        self.picker.currentIndexChanged.connect(self._pattern_changed)
        self.step_list.currentRowChanged.connect(self._show_step)
        self.back_btn.clicked.connect(lambda: self.go(self.step_list.currentRow() - 1))
        self.next_btn.clicked.connect(lambda: self.go(self.step_list.currentRow() + 1))
        self.hear_btn.clicked.connect(self.hear)
        self.stop_btn.clicked.connect(self.stop)
        self.practice_btn.clicked.connect(self._practice)
        self.view.highlighted.connect(self._hover_link)
        self.view.anchorClicked.connect(self._hover_link)
        self._pattern_changed()
        self._voice_asked = False  # asked on first show: starting the TTS engine is not start-up work

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        if not self._voice_asked:
            self._voice_asked = True
            self.check_voice()

    # ------------------------------------------------------------------ steps

    def _pattern_changed(self) -> None:
        self.stop()
        pid = self.picker.currentData()
        self.pattern = self.bank.pattern(pid) if self.bank is not None and pid else None
        self.steps = learn_steps(self.pattern, self.bank) if self.pattern is not None else []
        self.step_list.blockSignals(True)
        self.step_list.clear()
        for s in self.steps:
            self.step_list.addItem(list_label(s))
            self.step_list.item(self.step_list.count() - 1).setToolTip(s.title)
        self.step_list.blockSignals(False)
        if self.steps:
            self.step_list.setCurrentRow(0)
        self._show_step(self.step_list.currentRow())

    def select_pattern(self, pattern_id: str) -> None:
        self.picker.setCurrentIndex(max(0, self.picker.findData(pattern_id)))

    def go(self, row: int) -> None:
        if 0 <= row < len(self.steps):
            self.step_list.setCurrentRow(row)

    @property
    def step(self) -> LearnStep | None:
        row = self.step_list.currentRow()
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def _show_step(self, row: int) -> None:
        step = self.step
        if step is None:
            self.view.clear()
            self.notes = []
        else:
            text, self.notes = step_html(step)
            self.view.setHtml(text)
        if not self.playing:
            self.hear_note.setText(
                self._voice_reason() if step is not None and step.example else ""
            )
        self.update_buttons()

    def _hover_link(self, url: QUrl) -> None:
        s = url.toString()
        if s.startswith("note:"):
            n = int(s.removeprefix("note:"))
            if 0 < n <= len(self.notes):
                QToolTip.showText(QCursor.pos(), self.notes[n - 1], self.view)
        else:
            QToolTip.hideText()

    def _practice(self) -> None:
        if self.pattern is not None:
            self.practice_requested.emit(self.pattern.question.id)

    # ------------------------------------------------------------------ hear it

    def _voice_reason(self) -> str:
        """Why Hear it is unavailable, or "" when it can play."""
        if self.speech is None:
            return "Hear it needs a text-to-speech voice; none is set up in this window."
        if self.settings is not None and not getattr(self.settings, "voice_enabled", True):
            return "Hear it is off because the voice is turned off in Settings."
        if self.voice_ok is None:
            return "Checking for a text-to-speech voice…"
        if not self.voice_ok:
            return "No text-to-speech voice is installed (espeak-ng), so Hear it is unavailable."
        return ""

    def check_voice(self) -> None:
        """Ask (on a worker) whether any voice exists; Hear it stays off until we know."""
        if self.speech is None:
            return

        def done(voices: Any) -> None:
            self.voice_ok = bool(voices)
            self._show_step(self.step_list.currentRow())

        def failed(_e: BaseException) -> None:
            self.voice_ok = False
            self._show_step(self.step_list.currentRow())

        self.tasks.run(lambda _t: self.speech.voices(), on_done=done, on_error=failed)

    def set_settings(self, settings: Any) -> None:
        self.settings = settings
        self._show_step(self.step_list.currentRow())

    def hear(self) -> None:
        step = self.step
        if step is None or not step.example or step.target_s is None or self.playing:
            return
        if self._voice_reason():
            return
        h = hear_it_rate(step.example, step.target_s)
        vid = getattr(self.settings, "voice_id", None)
        self.playing = True
        self.hear_note.setText(hear_label(h))
        self.update_buttons()

        def done(played: Any) -> None:
            self.playing = False
            self.hear_note.setText(
                "" if played else "Could not play the example: check the sound output."
            )
            self.update_buttons()

        def failed(e: BaseException) -> None:
            self.playing = False
            self.hear_note.setText(f"Could not play the example: {e}")
            self.update_buttons()

        self.tasks.run(lambda _t: self.speech.speak(step.example, vid, h.rate_wpm),
                       on_done=done, on_error=failed)  # fmt: skip

    def stop(self) -> None:
        if self.playing and self.speech is not None:
            self.speech.stop()

    def update_buttons(self) -> None:
        row = self.step_list.currentRow()
        step = self.step
        self.back_btn.setEnabled(row > 0)
        self.next_btn.setEnabled(0 <= row < len(self.steps) - 1)
        can_hear = step is not None and bool(step.example) and not self._voice_reason()
        self.hear_btn.setVisible(step is not None and bool(step.example))
        self.hear_btn.setEnabled(can_hear and not self.playing)
        self.stop_btn.setVisible(self.playing)
        self.stop_btn.setEnabled(self.playing)
        self.practice_btn.setEnabled(self.pattern is not None)
