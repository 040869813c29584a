"""History: filter and search sessions; replay, rescore, delete, export them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank
from mockloop.desktop.banner import Banner
from mockloop.desktop.controller import HistoryController
from mockloop.desktop.widgets import fmt_time
from mockloop.store import SessionFilter
from mockloop.store.records import ms_to_local

DATES = {"Any time": None, "Today": 0, "Last 7 days": 7, "Last 30 days": 30}
COLUMNS = ["#", "When", "Principle", "Question", "Level", "Status", "Verdict", "Score", "Length"]


class HistoryTab(QWidget):
    replay_requested = Signal(int)

    def __init__(self, hc: HistoryController, bank: Bank | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hc = hc
        self.bank = bank
        self.rows: list[Any] = []
        self.last_rescore: Any = None
        self.confirm_delete = lambda text: QMessageBox.question(self, "Delete session", text) == QMessageBox.StandardButton.Yes
        self.save_path = lambda fmt: QFileDialog.getSaveFileName(self, "Export", f"mockloop-sessions.{fmt}")[0]
        self.show_changes = lambda text: QMessageBox.information(self, "Rescore", text)

        self.banner = Banner()
        self.principle = QComboBox()
        self.principle.setAccessibleName("Filter by principle")
        self.principle.addItem("All principles", None)
        for p in bank.principles if bank else ():
            self.principle.addItem(p.name, p.id)
        self.date = QComboBox()
        self.date.setAccessibleName("Filter by date")
        for k in DATES:
            self.date.addItem(k)
        self.verdict = QComboBox()
        self.verdict.setAccessibleName("Filter by verdict")
        for v in ("All verdicts", "strong", "mixed", "weak"):
            self.verdict.addItem(v, None if v.startswith("All") else v)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search transcripts…")
        self.search.setAccessibleName("Search transcripts")
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for w in (self.principle, self.date, self.verdict):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Sessions")
        self.table.doubleClicked.connect(lambda _i: self.replay())

        self.replay_btn = QPushButton("&Replay")
        self.rescore_btn = QPushButton("Rescore &selected")
        self.rescore_all_btn = QPushButton("Rescore a&ll")
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setVisible(False)
        self.delete_btn = QPushButton("&Delete…")
        self.export_fmt = QComboBox()
        self.export_fmt.setAccessibleName("Export format")
        for f in ("md", "html", "json"):
            self.export_fmt.addItem(f.upper() if f != "md" else "Markdown", f)
        self.export_btn = QPushButton("&Export…")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        buttons = QHBoxLayout()
        for w in (self.replay_btn, self.rescore_btn, self.rescore_all_btn, self.cancel_btn, self.delete_btn,
                  self.export_fmt, self.export_btn):  # fmt: skip
            buttons.addWidget(w)
        buttons.addWidget(self.progress, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(filters)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)

        for combo in (self.principle, self.date, self.verdict):
            combo.currentIndexChanged.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda t: self.refresh() if not t else None)
        self.replay_btn.clicked.connect(self.replay)
        self.rescore_btn.clicked.connect(lambda: self.rescore(self.selected_ids() or None, all_=False))
        self.rescore_all_btn.clicked.connect(lambda: self.rescore(None, all_=True))
        self.delete_btn.clicked.connect(self.delete)
        self.export_btn.clicked.connect(self.export)
        hc.changed.connect(self.refresh)
        hc.error.connect(self.banner.show_message)
        self._task: Any = None
        self.cancel_btn.clicked.connect(lambda: self._task.cancel() if self._task else None)

    def current_filter(self) -> SessionFilter:
        days = DATES[self.date.currentText()]
        since = None
        if days is not None:
            day = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
            since = int((day - timedelta(days=days)).timestamp() * 1000)
        return SessionFilter(principle=self.principle.currentData(), since_ms=since,
                             verdict=self.verdict.currentData(), search=self.search.text().strip() or None)  # fmt: skip

    def refresh(self) -> None:
        self.hc.list(self.current_filter(), self._fill)

    def _fill(self, rows: list[Any]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            vals = [str(s.id), ms_to_local(s.started_at), s.principle or "-", self._question_text(s.question_id), s.level,
                    s.status, (s.verdict or "-").upper(), "-" if s.score_total is None else str(s.score_total),
                    fmt_time(s.audio_s)]  # fmt: skip
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, s.id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _question_text(self, qid: str | None) -> str:
        if qid is None:
            return "(typed answer)"
        try:
            return self.bank.question(qid).text if self.bank else qid
        except KeyError:
            return qid  # a question since removed from the bank

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[r].id for r in rows if r < len(self.rows)]

    def replay(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.replay_requested.emit(ids[0])

    def rescore(self, ids: list[int] | None, *, all_: bool) -> None:
        if not all_ and not ids:
            self.banner.show_message("Select one or more sessions to rescore.")
            return
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.cancel_btn.setVisible(True)

        def prog(v: tuple[int, int, int]) -> None:
            done, total, _sid = v
            self.progress.setMaximum(max(1, total))
            self.progress.setValue(done)

        self._task = self.hc.rescore(ids, self._rescored, prog)

    def _rescored(self, summary: Any) -> None:
        self.last_rescore = summary
        self.progress.setVisible(False)
        self.cancel_btn.setVisible(False)
        lines = [f"Rescored {summary.rescored} of {summary.total} sessions with analyzer {summary.analyzer_version}."
                 + (" (cancelled)" if summary.cancelled else "")]  # fmt: skip
        for ch in summary.changed:
            what = f"session {ch.session_id} {ch.kind}: {(ch.verdict_before or '-').upper()} {ch.total_before} → {(ch.verdict_after or '-').upper()} {ch.total_after}"
            if ch.flags_added:
                what += f"; new flags {', '.join(ch.flags_added)}"
            if ch.flags_removed:
                what += f"; cleared {', '.join(ch.flags_removed)}"
            lines.append(what)
        if not summary.changed:
            lines.append("Nothing changed.")
        for ch in summary.failed:
            lines.append(f"session {ch.session_id}: {ch.error}")
        self.show_changes("\n".join(lines))

    def delete(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if self.confirm_delete(f"Delete session {ids[0]} and its recordings? This cannot be undone."):
            self.hc.delete(ids[0])

    def export(self) -> None:
        ids = self.selected_ids() or [s.id for s in self.rows]
        if not ids:
            self.banner.show_message("Nothing to export.")
            return
        fmt = self.export_fmt.currentData()
        path = self.save_path(fmt)
        if path:
            self.hc.export(ids, fmt, Path(path), lambda p: self.banner.show_message(f"Exported to {p}"))
