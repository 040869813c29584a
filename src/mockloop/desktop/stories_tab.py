"""The Stories screen (the worksheet): the story bank, principle coverage, self-checks, export.

Left: the stories grouped by principle (filterable) and every principle's coverage. Right: the
story editor. While the candidate types, each part shows its estimated spoken time against the
target, and the flags and key points below follow; that analysis is ``services.stories.analyze``
(pure, about 2 ms for a full story), run on the GUI thread 300 ms after the last keystroke. Every
store read and write goes through the prep controller (the task manager).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank
from mockloop.core.model import PARTS, Level, Part
from mockloop.core.story import StoryParts
from mockloop.desktop.banner import WARNING_BG, WARNING_TEXT, Banner
from mockloop.desktop.prep_controller import PrepController, StoryBank
from mockloop.services import stories as story_service
from mockloop.store.prep import SELF_CHECK_ANSWERS, StoryRecord

DEBOUNCE_MS = 300
#: Estimated-time colours by status (mid-tones that read on light and dark windows).
STATUS_COLOURS = {"ok": "#3f9a50", "short": "#c98a1c", "long": "#d0493f", "missing": "#888888"}
NO_STORY_BG = QColor(WARNING_BG)
DARK_TEXT = QColor(WARNING_TEXT)
ALL = "__all__"


class StoriesTab(QWidget):
    def __init__(self, prep: PrepController, bank: Bank | None, *, level: Level = Level.SDE2,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.prep = prep
        self.bank = bank
        self.level = level
        self.data: StoryBank | None = None
        self.story_id: int | None = None  # None: a new, unsaved story
        self.linked: list[str] = []
        self.dirty = False
        self.saving = False
        self.analysis: story_service.StoryAnalysis | None = None
        self.last_analysis_ms = 0.0
        self._loading = False
        self._check_pid: str | None = None
        self._check_answers: dict[int, str | None] = {}
        self.confirm_delete = lambda text: QMessageBox.question(self, "Delete story", text) == QMessageBox.StandardButton.Yes
        self.confirm_discard = lambda: QMessageBox.question(
            self, "Unsaved story", "Discard the changes to this story?") == QMessageBox.StandardButton.Yes  # fmt: skip
        self.save_path = lambda: QFileDialog.getSaveFileName(self, "Export Markdown", "mockloop-preparation.md",
                                                             "Markdown (*.md)")[0]  # fmt: skip

        self.banner = Banner()
        # ---------------------------------------------------------------- left: bank + coverage
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show stories for")
        self.filter.addItem("All principles", ALL)
        for p in self._principles():
            self.filter.addItem(self._pname(p.id), p.id)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Story", "Parts"])
        self.tree.setAccessibleName("Stories by principle")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.coverage = QTableWidget(0, 3)
        self.coverage.setHorizontalHeaderLabels(["Principle (★ asked more often)", "Stories", "Self-check"])
        self.coverage.verticalHeader().setVisible(False)
        self.coverage.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.coverage.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.coverage.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.coverage.setAccessibleName("Principle coverage")
        self.coverage_note = QLabel()
        self.coverage_note.setWordWrap(True)
        self.export_btn = QPushButton("E&xport Markdown…")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.filter)
        ll.addWidget(self.tree, 2)
        ll.addWidget(QLabel("<b>Coverage</b>"))
        ll.addWidget(self.coverage, 3)
        ll.addWidget(self.coverage_note)
        ll.addWidget(self.export_btn)

        # ---------------------------------------------------------------- right: the editor
        self.principle = QComboBox()
        self.principle.setAccessibleName("Story principle")
        for p in self._principles():
            self.principle.addItem(self._pname(p.id), p.id)
        self.title = QLineEdit()
        self.title.setAccessibleName("Story title")
        self.title.setPlaceholderText("A short name you will recognise")
        form = QFormLayout()
        form.addRow("Princi&ple", self.principle)
        form.addRow("&Title", self.title)
        self.part_edits: dict[Part, QPlainTextEdit] = {}
        self.time_labels: dict[Part, QLabel] = {}
        parts_box = QVBoxLayout()
        for part in PARTS:
            edit = QPlainTextEdit()
            edit.setAccessibleName(part.label)
            edit.setPlaceholderText(f"{part.label}…")
            edit.setFixedHeight(78)
            edit.setTabChangesFocus(True)
            lab = QLabel()
            lab.setAccessibleName(f"{part.label} estimated time")
            head = QHBoxLayout()
            head.addWidget(QLabel(f"<b>{part.label}</b>"))
            head.addStretch(1)
            head.addWidget(lab)
            parts_box.addLayout(head)
            parts_box.addWidget(edit)
            self.part_edits[part] = edit
            self.time_labels[part] = lab
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.setAccessibleName("Flags")
        self.points = QListWidget()
        self.points.setWordWrap(True)
        self.points.setAccessibleName("Key points")
        self.links = QListWidget()
        self.links.setAccessibleName("Linked questions")
        self.links.setWordWrap(True)
        self.link_pick = QComboBox()
        self.link_pick.setAccessibleName("Question to link")
        self.link_btn = QPushButton("&Link")
        self.unlink_btn = QPushButton("&Unlink")
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_pick, 1)
        link_row.addWidget(self.link_btn)
        link_row.addWidget(self.unlink_btn)
        self.save_btn = QPushButton("&Save")
        self.new_btn = QPushButton("&New")
        self.delete_btn = QPushButton("&Delete…")
        self.state = QLabel()
        self.state.setAccessibleName("Story state")
        buttons = QHBoxLayout()
        for w in (self.save_btn, self.new_btn, self.delete_btn):
            buttons.addWidget(w)
        buttons.addWidget(self.state, 1)
        self.checks_box = QGroupBox("Self-check")
        self.checks_grid = QGridLayout(self.checks_box)
        self.check_groups: list[QButtonGroup] = []

        editor = QWidget()
        el = QVBoxLayout(editor)
        el.addLayout(buttons)
        el.addLayout(form)
        el.addLayout(parts_box)
        el.addWidget(self.verdict)
        el.addWidget(QLabel("<b>Flags</b>"))
        el.addWidget(self.flags)
        el.addWidget(QLabel("<b>Key points an interviewer should hear</b>"))
        el.addWidget(self.points)
        el.addWidget(QLabel("<b>Linked questions</b> (an answer to them is checked against this story)"))
        el.addWidget(self.links)
        el.addLayout(link_row)
        el.addWidget(self.checks_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(split, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.analyze_now)
        for edit in self.part_edits.values():
            edit.textChanged.connect(self._edited)
        self.title.textChanged.connect(self._title_edited)
        self.principle.currentIndexChanged.connect(self._principle_changed)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill_tree())
        self.tree.currentItemChanged.connect(self._tree_pick)
        self.coverage.cellClicked.connect(self._coverage_pick)
        self.link_btn.clicked.connect(self.link_selected)
        self.unlink_btn.clicked.connect(self.unlink_selected)
        self.save_btn.clicked.connect(self.save)
        self.new_btn.clicked.connect(self.new_story)
        self.delete_btn.clicked.connect(self.delete)
        self.export_btn.clicked.connect(self.export)
        prep.stories_changed.connect(self.refresh)
        # a self-check answer changes the coverage counts only; the checklist already shows it
        prep.checks_changed.connect(lambda: self.prep.story_bank(self._fill_bank, self._error))
        self._fill_link_pick()
        self._show_analysis()
        self.update_buttons()

    # ------------------------------------------------------------------ helpers

    def _principles(self) -> list[Any]:
        return list(self.bank.principles) if self.bank else []

    def _pname(self, pid: str) -> str:
        if self.bank is None:
            return pid
        try:
            p = self.bank.principle(pid)
        except KeyError:
            return pid
        return f"{p.number}. {p.name}" + (" ★" if p.higher_probability else "")

    def _qtext(self, qid: str) -> str:
        if self.bank is None:
            return qid
        try:
            return self.bank.question(qid).text
        except KeyError:
            return qid  # a question since removed from the bank

    def parts(self) -> StoryParts:
        return StoryParts.from_mapping({p.value: e.toPlainText() for p, e in self.part_edits.items()})

    def _error(self, message: str) -> None:
        self.saving = False
        self.banner.show_message(message)
        self.update_buttons()

    # ------------------------------------------------------------------ the bank (left)

    def refresh(self) -> None:
        self.prep.story_bank(self._fill_bank, self._error)
        self._load_checks()

    def _fill_bank(self, data: StoryBank) -> None:
        self.data = data
        self._fill_tree()
        rows = data.coverage
        self.coverage.setRowCount(len(rows))
        for r, c in enumerate(rows):
            cells = [QTableWidgetItem(self._pname(c.principle.id)),
                     QTableWidgetItem(str(c.stories) if c.covered else "no story"),
                     QTableWidgetItem(f"{c.checks_answered}/{c.checks_total} answered ({c.checks_yes} yes)")]  # fmt: skip
            cells[0].setData(Qt.ItemDataRole.UserRole, c.principle.id)
            for col, item in enumerate(cells):
                if not c.covered:
                    item.setBackground(QBrush(NO_STORY_BG))
                    item.setForeground(QBrush(DARK_TEXT))
                self.coverage.setItem(r, col, item)
        self.coverage.resizeColumnsToContents()
        self.coverage.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        missing = [c for c in rows if not c.covered]
        high = [c.principle.name for c in missing if c.principle.higher_probability]
        note = f"{len(rows) - len(missing)} of {len(rows)} principles have a story."
        if high:
            note += f" Asked more often and still without one: {', '.join(high)}."
        self.coverage_note.setText(note)

    def _fill_tree(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        want = self.filter.currentData()
        by_pid: dict[str, list[StoryRecord]] = {}
        for st in self.data.stories if self.data else []:
            by_pid.setdefault(st.principle, []).append(st)
        order = [p.id for p in self._principles()] + [pid for pid in by_pid if self.bank is None]
        for pid in order:
            if want not in (ALL, pid) or (pid not in by_pid and want == ALL):
                continue
            group = QTreeWidgetItem([self._pname(pid), str(len(by_pid.get(pid, [])))])
            self.tree.addTopLevelItem(group)
            for st in by_pid.get(pid, []):
                written = sum(1 for p in PARTS if st.parts.text_of(p))
                links = f" → {len(st.question_ids)} question(s)" if st.question_ids else ""
                item = QTreeWidgetItem([f"#{st.id} {st.title}{links}", f"{written}/5"])
                item.setData(0, Qt.ItemDataRole.UserRole, st.id)
                group.addChild(item)
                if st.id == self.story_id:
                    self.tree.setCurrentItem(item)
            if not by_pid.get(pid):
                group.addChild(QTreeWidgetItem(["(no story yet)", ""]))
        self.tree.expandAll()
        self.tree.blockSignals(False)

    def _tree_pick(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        sid = None if item is None else item.data(0, Qt.ItemDataRole.UserRole)
        if sid is None or self.data is None or sid == self.story_id:
            return
        if self.dirty and not self.confirm_discard():
            return
        rec = next((s for s in self.data.stories if s.id == sid), None)
        if rec is not None:
            self.load(rec)

    def _coverage_pick(self, row: int, _col: int) -> None:
        pid = self.coverage.item(row, 0).data(Qt.ItemDataRole.UserRole)
        self.filter.setCurrentIndex(max(0, self.filter.findData(pid)))
        if self.story_id is None and not self.dirty:
            self.principle.setCurrentIndex(max(0, self.principle.findData(pid)))

    # ------------------------------------------------------------------ the editor (right)

    def load(self, rec: StoryRecord) -> None:
        same_principle = rec.principle == self.principle.currentData()
        self._loading = True
        try:
            self.story_id = rec.id
            self.principle.setCurrentIndex(max(0, self.principle.findData(rec.principle)))
            self.title.setText(rec.title)
            for part, edit in self.part_edits.items():
                edit.setPlainText(rec.parts.text_of(part))
            self.linked = list(rec.question_ids)
        finally:
            self._loading = False
        if not same_principle:
            self._after_principle()
        self._fill_links()
        self._set_dirty(False, f"Story #{rec.id}")
        self.analyze_now()

    def new_story(self) -> None:
        if self.dirty and not self.confirm_discard():
            return
        self._loading = True
        try:
            self.story_id = None
            self.title.clear()
            for edit in self.part_edits.values():
                edit.clear()
            self.linked = []
        finally:
            self._loading = False
        self.tree.clearSelection()
        self._fill_links()
        self._set_dirty(False, "New story")
        self.analyze_now()

    def _edited(self) -> None:
        if self._loading:
            return
        self._set_dirty(True)
        self.timer.start()  # restarts: analysed once typing pauses

    def _title_edited(self) -> None:
        if not self._loading:
            self._set_dirty(True)  # the title does not change the analysis

    def _set_dirty(self, dirty: bool, text: str | None = None) -> None:
        self.dirty = dirty
        base = text or (f"Story #{self.story_id}" if self.story_id is not None else "New story")
        self.state.setText(base + (" · unsaved changes" if dirty else ""))
        self.update_buttons()

    def _principle_changed(self) -> None:
        if self._loading:
            return
        self._after_principle()
        # A blank new story only changes its principle: nothing to lose yet.
        blank = self.story_id is None and self.parts().empty and not self.title.text().strip()
        self._set_dirty(not blank or self.dirty)
        self.analyze_now()

    def _after_principle(self) -> None:
        self._fill_link_pick()
        self._load_checks()

    def analyze_now(self) -> None:
        """Estimated times, flags and key points of the story as typed (pure and fast)."""
        self.timer.stop()
        pid = self.principle.currentData()
        if pid is None:
            self.analysis = None
            self._show_analysis()
            return
        t0 = time.perf_counter()
        # Targets follow the first linked question, unless it has left the bank since.
        qid = self.linked[0] if self.linked and self._qtext(self.linked[0]) != self.linked[0] else None
        self.analysis = story_service.analyze(self.parts(), pid, question_id=qid, level=self.level, bank=self.bank)
        self.last_analysis_ms = (time.perf_counter() - t0) * 1000
        self._show_analysis()

    def _show_analysis(self) -> None:
        a = self.analysis
        est = {e.part: e for e in a.estimates} if a else {}
        for part, lab in self.time_labels.items():
            e = est.get(part)
            if e is None:
                lab.setText("")
                continue
            lab.setText(f"~{e.seconds:.0f} s of {e.target_s:.0f} s · {e.status}")
            lab.setStyleSheet(f"color: {STATUS_COLOURS.get(e.status, '#888888')}; font-weight: bold;")
            lab.setProperty("status", e.status)
        self.flags.clear()
        self.points.clear()
        if a is None or self.parts().empty:
            self.verdict.setText("Write the parts of your story; each shows its estimated spoken time.")
            return
        self.verdict.setText(f"Verdict if told like this: <b>{a.report.verdict.value.upper()}</b> · about "
                             f"{a.total_s:.0f} s spoken of {a.report.budget_s:.0f} s")  # fmt: skip
        for f in a.report.flags:
            where = f" [{f.part.label}]" if f.part is not None else ""
            self.flags.addItem(QListWidgetItem(f"{f.code}{where}: {f.advice}"))
        for k in a.key_points:
            self.points.addItem(QListWidgetItem(f"({k.kind}, {k.part.label}) {k.text}"))

    # ------------------------------------------------------------------ linked questions

    def _fill_link_pick(self) -> None:
        self.link_pick.clear()
        if self.bank is None:
            return
        pid = self.principle.currentData()
        own = self.bank.questions_for(pid) if pid else []
        others = [q for q in self.bank.questions if q.principle != pid] if pid else list(self.bank.questions)
        for q in own + others:
            self.link_pick.addItem(f"[{q.principle}] {q.text[:90]}", q.id)
        if own and others:
            self.link_pick.insertSeparator(len(own))

    def _fill_links(self) -> None:
        self.links.clear()
        for qid in self.linked:
            item = QListWidgetItem(self._qtext(qid))
            item.setData(Qt.ItemDataRole.UserRole, qid)
            self.links.addItem(item)
        self.update_buttons()

    def link_selected(self) -> None:
        qid = self.link_pick.currentData()
        if qid is None or qid in self.linked:
            return
        self.linked.append(qid)
        self._fill_links()
        self._set_dirty(True)
        self.analyze_now()  # the first linked question sets the time targets

    def unlink_selected(self) -> None:
        item = self.links.currentItem()
        if item is None:
            return
        self.linked.remove(item.data(Qt.ItemDataRole.UserRole))
        self._fill_links()
        self._set_dirty(True)
        self.analyze_now()

    # ------------------------------------------------------------------ save / delete / export

    def save(self) -> None:
        pid = self.principle.currentData()
        if pid is None or self.saving:
            return
        if not self.title.text().strip():
            self.banner.show_message("Give the story a title before saving it.")
            return
        self.saving = True
        self.update_buttons()
        self.banner.hide()
        self.prep.save_story(self.story_id, pid, self.title.text().strip(), self.parts(), list(self.linked),
                             self._saved, self._error)  # fmt: skip

    def _saved(self, rec: StoryRecord) -> None:
        self.saving = False
        self.story_id = rec.id
        self.linked = list(rec.question_ids)
        self._fill_links()
        self._set_dirty(False, f"Saved story #{rec.id}")

    def delete(self) -> None:
        if self.story_id is None:
            return
        sid = self.story_id
        if self.confirm_delete(f"Delete story #{sid} '{self.title.text()}'? This cannot be undone."):
            self.prep.delete_story(sid, lambda _v: self._deleted(sid), self._error)

    def _deleted(self, sid: int) -> None:
        if self.story_id == sid:
            self.dirty = False
            self.new_story()
            self.state.setText(f"Deleted story #{sid}")

    def export(self) -> None:
        path = self.save_path()
        if path:
            self.prep.export_markdown(Path(path), lambda p: self.banner.show_message(f"Exported to {p}"), self._error)

    # ------------------------------------------------------------------ self-check

    def _load_checks(self) -> None:
        pid = self.principle.currentData()
        if pid is None:
            self.checks_box.setVisible(False)
            return
        self.prep.self_check(pid, lambda items: self._fill_checks(pid, items), self._error)

    def _fill_checks(self, pid: str, items: list[story_service.SelfCheckItem]) -> None:
        if pid != self.principle.currentData():
            return  # the principle changed while this was read
        self._check_pid = pid
        while self.checks_grid.count():
            w = self.checks_grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        for g in self.check_groups:
            g.deleteLater()
        self.check_groups = []
        self._check_answers = {it.number: it.answer for it in items}
        self._checks_title()
        self.checks_box.setVisible(True)
        for r, it in enumerate(items):
            text = QLabel(f"{it.number}. {it.text}")
            text.setWordWrap(True)
            self.checks_grid.addWidget(text, r, 0)
            group = QButtonGroup(self.checks_box)
            for c, answer in enumerate(SELF_CHECK_ANSWERS):
                rb = QRadioButton(answer)
                rb.setAccessibleName(f"{it.number} {answer}")
                rb.setChecked(it.answer == answer)
                group.addButton(rb, c)
                self.checks_grid.addWidget(rb, r, c + 1)
            group.idClicked.connect(lambda c, n=it.number: self.answer_check(n, SELF_CHECK_ANSWERS[c]))
            self.check_groups.append(group)
        self.checks_grid.setColumnStretch(0, 1)

    def _checks_title(self) -> None:
        pid = self._check_pid
        name = self.bank.principle(pid).name if self.bank and pid else pid
        done = sum(1 for a in self._check_answers.values() if a)
        self.checks_box.setTitle(f"Self-check: {name} ({done}/{len(self._check_answers)} answered) · do you …")

    def answer_check(self, number: int, answer: str | None) -> None:
        pid = self._check_pid
        if pid is None:
            return

        def saved(item: story_service.SelfCheckItem) -> None:
            if pid == self._check_pid:  # the buttons already show it; the count follows
                self._check_answers[item.number] = item.answer
                self._checks_title()

        # checks_changed follows the write and refreshes the coverage counts
        self.prep.set_self_check(pid, number, answer, saved, self._error)

    # ------------------------------------------------------------------

    def update_buttons(self) -> None:
        has_principle = self.principle.currentData() is not None
        self.save_btn.setEnabled(has_principle and not self.saving and (self.dirty or self.story_id is None))
        self.delete_btn.setEnabled(self.story_id is not None and not self.saving)
        self.link_btn.setEnabled(self.link_pick.count() > 0)
        self.unlink_btn.setEnabled(bool(self.linked))
