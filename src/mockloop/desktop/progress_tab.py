"""Progress: scores over time per principle (QtCharts), from ``history.progress_series``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mockloop.desktop.controller import HistoryController

DIMENSIONS = ("total", "ownership", "metrics", "reflection", "pacing")
VERDICT_VALUE = {"weak": 0, "mixed": 1, "strong": 2}


class ProgressTab(QWidget):
    def __init__(self, hc: HistoryController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hc = hc
        self.points: list[Any] = []
        self.dimension = QComboBox()
        self.dimension.setAccessibleName("Score to plot")
        for d in (*DIMENSIONS, "verdict"):
            self.dimension.addItem(d.capitalize(), d)
        self.empty = QLabel("No analysed sessions yet: answer a question in Practice.")
        row = QHBoxLayout()
        row.addWidget(QLabel("Plot"))
        row.addWidget(self.dimension)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.empty)
        self.view: Any = None
        try:
            from PySide6.QtCharts import QChartView

            self.view = QChartView()
            self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
            lay.addWidget(self.view, 1)
        except ImportError:  # QtCharts is an add-on; the rest of the app works without it
            self.empty.setText("Charts need PySide6-Addons (QtCharts).")
        self.dimension.currentIndexChanged.connect(self.redraw)
        hc.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.hc.progress_series(self._loaded)

    def _loaded(self, points: list[Any]) -> None:
        self.points = points
        self.redraw()

    def redraw(self) -> None:
        if self.view is None:
            return
        from PySide6.QtCharts import QChart, QDateTimeAxis, QLineSeries, QValueAxis

        dim = self.dimension.currentData()
        chart = QChart()
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if self._dark() else QChart.ChartTheme.ChartThemeLight)
        chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        by_principle: dict[str, Any] = {}
        for p in self.points:
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
        x = QDateTimeAxis()
        x.setFormat("MMM d HH:mm")
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
        if self.points:
            lo = min(p.started_at_ms for p in self.points)
            hi = max(p.started_at_ms for p in self.points)
            pad = max(600_000, (hi - lo) // 20)  # same-day sessions would otherwise stack on one tick
            x.setRange(QDateTime.fromMSecsSinceEpoch(lo - pad), QDateTime.fromMSecsSinceEpoch(hi + pad))
        chart.setTitle(f"{self.dimension.currentText()} over time, per principle")
        self.view.setChart(chart)
        self.empty.setVisible(not self.points)

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128
