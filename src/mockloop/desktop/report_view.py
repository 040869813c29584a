"""The report of one answer: timeline, per-part table, flags, scores, transcript, coaching."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.content import Bank, Question
from mockloop.core.model import Report
from mockloop.desktop.transcript import legend_html, transcript_html
from mockloop.desktop.widgets import Timeline, fmt_time, part_colour
from mockloop.services.stories import StoryCoverage


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.story_coverage: list[StoryCoverage] = []
        self._bank: Bank | None = None
        self._question: Question | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()  # refined transcript / marks notices
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self.note.setAccessibleName("Report note")
        self.timeline = Timeline()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Part", "Time", "Target", "Status", "Pace"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Per-part timing")
        self.details = QTextBrowser()  # flags, coaching and transcript, one scrollable page
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("Flags, coaching and transcript")
        for w in (self.title, self.note, self.timeline, self.table):
            lay.addWidget(w)
        lay.addWidget(self.details, 1)

    def clear(self) -> None:
        self.report = None
        self.story_coverage = []
        self.setVisible(False)  # an empty table and timeline read as a broken screen
        self.title.setText("")
        self.note.setVisible(False)
        self.timeline.set_parts((), 0)
        self.table.setRowCount(0)
        self.details.setHtml("")

    def set_note(self, text: str | None) -> None:
        self.note.setText(text or "")
        self.note.setVisible(bool(text))

    def show_report(self, report: Report, *, bank: Bank | None = None, question: Question | None = None,
                    heading: str = "Answer") -> None:  # fmt: skip
        self.report = report
        self.story_coverage = []  # asked for again by the screen showing this report
        self._bank, self._question = bank, question
        self.setVisible(True)
        s = report.scores
        scores = f"ownership {s.ownership}/4 · metrics {s.metrics}/4 · reflection {s.reflection}/4 · pacing {s.pacing}/4"
        if s.intent is not None:
            scores += f" · intent {s.intent}/4"
        self.title.setText(f"<h3>{html.escape(heading)}: verdict <b>{report.verdict.value.upper()}</b></h3>"
                           f"{scores} &nbsp; (transcript: {report.transcript_source})")  # fmt: skip
        self.timeline.set_parts(report.parts, report.input.duration_s)
        self.timeline.setVisible(bool(report.parts))
        self.table.setVisible(bool(report.parts))
        self.table.setRowCount(len(report.parts))
        for r, pp in enumerate(report.parts):
            name = QTableWidgetItem(pp.part.label)
            name.setForeground(part_colour(pp.part))
            cells = [name, QTableWidgetItem(fmt_time(pp.duration_s)), QTableWidgetItem(fmt_time(pp.target_s)),
                     QTableWidgetItem(pp.status), QTableWidgetItem("-" if pp.wpm is None else f"{pp.wpm:.0f} wpm")]  # fmt: skip
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + sum(
            self.table.rowHeight(i) for i in range(self.table.rowCount())) + 4)  # fmt: skip
        self.details.setHtml(self._details_html(report, bank, question))

    def _details_html(self, report: Report, bank: Bank | None, question: Question | None) -> str:
        out: list[str] = []
        if report.flags:
            out.append("<h4>Flags</h4><ul>")
            for f in report.flags:
                where = f" ({f.part.label})" if f.part is not None else ""
                quote = f' — “{html.escape(f.quote)}”' if f.quote else ""
                out.append(f"<li><b>{html.escape(f.severity.value)}</b>{where}{quote}<br>{html.escape(f.advice)}</li>")
            out.append("</ul>")
        coaching = self._coaching(report, bank, question)
        if coaching:
            out.append("<h4>Coaching for the weak parts</h4><ul>" + coaching + "</ul>")
        d = report.delivery
        out.append(f"<p>Pace {'-' if d.wpm is None else f'{d.wpm:.0f} wpm'} · fillers {d.fillers} · "
                   f"hedges {d.hedges} · I {report.signals.i_count} / we {report.signals.we_count}</p>")  # fmt: skip
        if self.story_coverage:
            out.append(story_coverage_html(self.story_coverage))
        out.append("<h4>Transcript</h4>")
        out.append(f"<p>{legend_html(self.palette())}</p>")
        out.append(transcript_html(report, self.palette()))
        return "".join(out)

    def show_story_coverage(self, report: Report, items: Sequence[StoryCoverage]) -> None:
        """Add the linked stories' key points said / left out (computed off the GUI thread)."""
        if report is not self.report:
            return  # a newer report replaced the one this was computed for
        self.story_coverage = list(items)
        self.details.setHtml(self._details_html(report, self._bank, self._question))

    @staticmethod
    def _coaching(report: Report, bank: Bank | None, question: Question | None) -> str:
        # The pattern's own coaching text (content bank), for parts the report marks weak.
        if bank is None or question is None or report.probe is not None:
            return ""
        try:
            pattern = bank.pattern_for(question)
        except KeyError:
            return ""
        if pattern is None:
            return ""
        flagged = {f.part for f in report.flags if f.part is not None}
        items = []
        for pp in report.parts:
            if pp.status == "ok" and pp.part not in flagged:
                continue
            try:
                pat = pattern.part(pp.part)
            except KeyError:
                continue
            items.append(f"<li><b>{pp.part.label}</b> ({pp.status}): {html.escape(pat.coaching)}"
                         f"<br><i>Common mistake:</i> {html.escape(pat.common_mistake)}</li>")  # fmt: skip
        return "".join(items)


def story_coverage_html(items: Sequence[StoryCoverage], *, heading: str = "h4") -> str:
    """The "Your stories" section (titled in a ``heading`` tag): for each linked story, how many
    key points were said, then those said and left out."""
    out = [f"<{heading}>Your stories for this question</{heading}>"]
    for item in items:
        cov = item.coverage
        out.append(f"<p><b>Story #{item.story.id} “{html.escape(item.story.title)}”</b>: said "
                   f"{len(cov.said)} of {cov.total} key points</p><ul>")  # fmt: skip
        for mark, points in (("said", cov.said), ("left out", cov.missed)):
            for kp in points:
                out.append(f"<li><b>{mark}</b>: ({kp.kind}) {html.escape(kp.text)}</li>")
        out.append("</ul>")
    return "".join(out)
