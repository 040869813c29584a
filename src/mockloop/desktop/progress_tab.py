"""Progress (QtCharts): scores over time per principle, from ``history.progress_series``, and
per-part timing against the targets, from the stored reports (parts' duration and target)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mockloop.core.content import Bank
from mockloop.core.model import PARTS, Part
from mockloop.desktop.controller import HistoryController
from mockloop.desktop.widgets import part_colour
from mockloop.services.history import PartTiming

DIMENSIONS = ("total", "ownership", "metrics", "reflection", "pacing")
VERDICT_VALUE = {"weak": 0, "mixed": 1, "strong": 2}


class ProgressTab(QWidget):
    def __init__(self, hc: HistoryController, bank: Bank | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hc = hc
        self.bank = bank
        self.points: list[Any] = []
        self.timings: list[PartTiming] = []
        self.loaded = 0  # data loads finished (tests wait on it)
        self.principle = QComboBox()
        self.principle.setAccessibleName("Filter by principle")
        self.principle.addItem("All principles", None)
        self.dimension = QComboBox()
        self.dimension.setAccessibleName("Score to plot")
        for d in (*DIMENSIONS, "verdict"):
            self.dimension.addItem(d.capitalize(), d)
        self.part = QComboBox()
        self.part.setAccessibleName("STAR part timing to plot")
        for part in PARTS:
            self.part.addItem(part.label, part.value)
        self.part.addItem("All parts", "all")
        self.part.setCurrentIndex(PARTS.index(Part.ACTION))
        self.empty = QLabel("No analysed sessions yet: answer a question in Practice.")
        row = QHBoxLayout()
        for label, w in (("Principle", self.principle), ("Plot", self.dimension), ("Part timing", self.part)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.empty)
        self.view: Any = None
        self.timing_view: Any = None
        try:
            from PySide6.QtCharts import QChartView

            self.view = QChartView()
            self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.view.setAccessibleName("Scores over time")
            self.timing_view = QChartView()
            self.timing_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.timing_view.setAccessibleName("Per-part timing against the targets")
            lay.addWidget(self.view, 1)
            lay.addWidget(self.timing_view, 1)
        except ImportError:  # QtCharts is an add-on; the rest of the app works without it
            self.empty.setText("Charts need PySide6-Addons (QtCharts).")
        self.dimension.currentIndexChanged.connect(self.redraw)
        self.principle.currentIndexChanged.connect(self._redraw_all)
        self.part.currentIndexChanged.connect(self.redraw_timing)
        hc.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.hc.progress_data(self._loaded)

    def _loaded(self, data: tuple[list[Any], list[PartTiming]]) -> None:
        self.points, self.timings = data
        self._fill_principles()
        self.redraw()
        self.redraw_timing()
        self.loaded += 1

    def _fill_principles(self) -> None:
        current = self.principle.currentData()
        found = sorted({p.principle for p in self.points if p.principle})
        have = [self.principle.itemData(i) for i in range(1, self.principle.count())]
        if found == have:
            return
        self.principle.blockSignals(True)
        self.principle.clear()
        self.principle.addItem("All principles", None)
        for pid in found:
            self.principle.addItem(self._principle_name(pid), pid)
        i = self.principle.findData(current)
        self.principle.setCurrentIndex(max(0, i))
        self.principle.blockSignals(False)

    def _principle_name(self, pid: str) -> str:
        try:
            return self.bank.principle(pid).name if self.bank else pid
        except KeyError:
            return pid  # removed from the bank since

    def _redraw_all(self) -> None:
        self.redraw()
        self.redraw_timing()

    def _chart(self) -> Any:
        from PySide6.QtCharts import QChart

        chart = QChart()
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if self._dark() else QChart.ChartTheme.ChartThemeLight)
        chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    @staticmethod
    def _time_axis(stamps: list[int]) -> Any:
        from PySide6.QtCharts import QDateTimeAxis

        x = QDateTimeAxis()
        x.setFormat("MMM d HH:mm")
        if stamps:
            lo, hi = min(stamps), max(stamps)
            pad = max(600_000, (hi - lo) // 20)  # same-day sessions would otherwise stack on one tick
            x.setRange(QDateTime.fromMSecsSinceEpoch(lo - pad), QDateTime.fromMSecsSinceEpoch(hi + pad))
        return x

    @staticmethod
    def _session_axis(rows: list[PartTiming]) -> Any:
        """Sessions evenly spaced (several a day would stack on a time axis), labelled
        ``#id date`` at most ~12 times."""
        from PySide6.QtCharts import QCategoryAxis

        x = QCategoryAxis()
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setRange(-0.5, max(0.5, len(rows) - 0.5))
        step = max(1, -(-len(rows) // 12))
        for i in range(0, len(rows), step):
            when = QDateTime.fromMSecsSinceEpoch(rows[i].started_at_ms).toString("MMM d")
            x.append(f"#{rows[i].session_id} {when}", float(i))
        x.setTitleText("session (oldest → newest)")
        return x

    def visible_timings(self) -> list[PartTiming]:
        pid = self.principle.currentData()
        return [t for t in self.timings if pid is None or t.principle == pid]

    def redraw_timing(self) -> None:
        """Seconds spoken per part over sessions (solid) against the part's target (dashed)."""
        if self.timing_view is None:
            return
        from PySide6.QtCharts import QLineSeries, QValueAxis

        rows = self.visible_timings()
        data = self.part.currentData()
        chosen = None if data in (None, "all") else Part(data)
        parts = [chosen] if chosen is not None else list(PARTS)
        chart = self._chart()
        series = []
        top = 10.0
        for part in parts:
            spoken, target = QLineSeries(), QLineSeries()
            spoken.setName(f"{part.label} spoken")
            target.setName(f"{part.label} target")
            spoken.setPointsVisible(True)
            colour = part_colour(part)
            pen = QPen(colour, 2.5)
            spoken.setPen(pen)
            tpen = QPen(colour.darker(130) if not self._dark() else colour.lighter(130), 1.5, Qt.PenStyle.DashLine)
            target.setPen(tpen)
            for i, t in enumerate(rows):  # x: the session's place, oldest first
                if part not in t.parts:
                    continue
                dur, tgt = t.parts[part]
                spoken.append(float(i), dur)
                target.append(float(i), tgt)
                top = max(top, dur, tgt)
            series += [spoken, target]
        x = self._session_axis(rows)
        y = QValueAxis()
        y.setRange(0, top * 1.1)
        y.setLabelFormat("%.0f")
        y.setTitleText("seconds")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            chart.addSeries(s)
            s.attachAxis(x)
            s.attachAxis(y)
        what = "each part" if chosen is None else chosen.label
        chart.setTitle(f"Time spent on {what} vs its target ({self.principle.currentText().lower()})")
        self.timing_view.setChart(chart)

    def redraw(self) -> None:
        if self.view is None:
            return
        from PySide6.QtCharts import QLineSeries, QValueAxis

        dim = self.dimension.currentData()
        pid = self.principle.currentData()
        points = [p for p in self.points if pid is None or p.principle == pid]
        chart = self._chart()
        by_principle: dict[str, Any] = {}
        for p in points:
            key = p.principle or "other"
            s = by_principle.get(key)
            if s is None:
                s = by_principle[key] = QLineSeries()
                s.setName(key)
                s.setPointsVisible(True)
            if dim == "verdict":
                y = VERDICT_VALUE.get(p.verdict, 0)
            elif dim == "total":
                y = p.total
            else:
                y = p.scores.get(dim, 0)
            s.append(float(p.started_at_ms), float(y))
        x = self._time_axis([p.started_at_ms for p in points])
        y_axis = QValueAxis()
        y_axis.setRange(0, 2 if dim == "verdict" else 16 if dim == "total" else 4)
        y_axis.setTickCount(3 if dim == "verdict" else 5)
        y_axis.setTitleText("weak · mixed · strong" if dim == "verdict" else dim)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in by_principle.values():
            chart.addSeries(s)
            s.attachAxis(x)
            s.attachAxis(y_axis)
        chart.setTitle(f"{self.dimension.currentText()} over time, per principle")
        self.view.setChart(chart)
        self.empty.setVisible(not self.points)

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128
