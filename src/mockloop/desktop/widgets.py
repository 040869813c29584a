"""Small painted widgets: the level meter, the STAR guide bar and the report/replay timeline.

Only the five STAR part colours are fixed (mid-tones that read on light and dark windows);
everything else uses palette roles so the app follows the system theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mockloop.core.model import PARTS, Part, PartReport

PART_COLOURS: Mapping[Part, str] = {
    Part.SITUATION: "#4e79a7",
    Part.TASK: "#a77bca",
    Part.ACTION: "#e08e2b",
    Part.RESULT: "#4a9e5c",
    Part.REFLECTION: "#d0607f",
}


def part_colour(part: Part | None) -> QColor:
    return QColor(PART_COLOURS[part]) if part is not None else QColor("#888888")


def text_on(bg: QColor) -> QColor:
    """Black or white, whichever reads on ``bg``."""
    lum = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue()
    return QColor("#111111") if lum > 150 else QColor("#ffffff")


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` faded towards ``b`` by ``t`` (opaque, so text contrast can be computed)."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))  # fmt: skip


def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    s = max(0.0, s)
    return f"{int(s // 60)}:{int(s % 60):02d}"


class LevelMeter(QWidget):
    """Input level in dBFS (-60..0) as a horizontal bar; green/amber/red only at the top end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_dbfs = -100.0
        self.setMinimumSize(120, 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")

    def sizeHint(self) -> QSize:
        return QSize(200, 16)

    def set_level(self, dbfs: float) -> None:
        self.level_dbfs = dbfs
        self.setToolTip(f"{dbfs:.0f} dBFS")
        self.update()

    def fraction(self) -> float:
        return max(0.0, min(1.0, (self.level_dbfs + 60.0) / 60.0))

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid)))
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(r, 3, 3)
        f = self.fraction()
        colour = pal.color(QPalette.ColorRole.Highlight)
        if self.level_dbfs > -3:
            colour = QColor("#d64541")
        elif self.level_dbfs > -9:
            colour = QColor("#e0a32b")
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(r.x() + 1, r.y() + 1, max(0.0, (r.width() - 2) * f), r.height() - 2), 2, 2)


class StarGuideBar(QWidget):
    """The five parts at their target widths, the live position and the part being spoken."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.targets: dict[Part, float] = {p: 1.0 for p in PARTS}
        self.elapsed = 0.0
        self.current: Part | None = None
        self.marks: list[float] = []
        self.setMinimumHeight(44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("STAR guide")

    def sizeHint(self) -> QSize:
        return QSize(500, self.fontMetrics().height() * 2 + 16)

    def set_targets(self, targets: Mapping[Part, float]) -> None:
        self.targets = {p: float(targets.get(p, 0.0)) for p in PARTS}
        self.update()

    def set_live(self, elapsed: float, current: Part | None) -> None:
        self.elapsed = elapsed
        self.current = current
        self.update()

    def set_marks(self, marks: Sequence[float]) -> None:
        self.marks = list(marks)
        self.update()

    def reset(self) -> None:
        self.elapsed, self.current, self.marks = 0.0, None, []
        self.update()

    @property
    def budget(self) -> float:
        return max(1.0, sum(self.targets.values()))

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = self.fontMetrics()
        bar_h = fm.height() + 8
        w = self.width() - 2
        scale = w / max(self.budget, self.elapsed)
        x = 1.0
        for part in PARTS:
            pw = self.targets[part] * scale
            rect = QRectF(x, 1, pw, bar_h)
            colour = part_colour(part)
            if self.current is not None and part is not self.current:
                colour = _mix(colour, pal.color(QPalette.ColorRole.Window), 0.55)  # the spoken part stands out
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRect(rect)
            p.setPen(text_on(colour))
            label = part.label if fm.horizontalAdvance(part.label) < pw - 4 else part.label[0]
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            x += pw
        p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 1, Qt.PenStyle.DashLine))
        for m in self.marks:
            mx = 1 + m * scale
            p.drawLine(QPointF(mx, 0), QPointF(mx, bar_h + 2))
        pos = 1 + self.elapsed * scale
        p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 3))
        p.drawLine(QPointF(pos, 0), QPointF(pos, bar_h + 4))
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        now = f"now: {self.current.label}" if self.current is not None else "now: -"
        p.drawText(QRectF(0, bar_h + 4, self.width(), fm.height() + 4),
                   Qt.AlignmentFlag.AlignLeft, f"{fmt_time(self.elapsed)} / {fmt_time(self.budget)}   {now}")  # fmt: skip


class Timeline(QWidget):
    """An answer's parts coloured by STAR part (top) against the targets (bottom).

    Clicking seeks: ``seek_requested(seconds)``; a part click seeks to the part's start.
    """

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: tuple[PartReport, ...] = ()
        self.duration = 0.0
        self.position: float | None = None
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Answer timeline")

    def sizeHint(self) -> QSize:
        return QSize(500, (self.fontMetrics().height() + 8) * 2 + 8)

    def set_parts(self, parts: Sequence[PartReport], duration: float | None) -> None:
        self.parts = tuple(parts)
        ends = [pp.end_s for pp in parts if pp.end_s is not None]
        self.duration = max([duration or 0.0, *ends, 1.0])
        self.update()

    def set_position(self, seconds: float | None) -> None:
        self.position = seconds
        self.update()

    def _span(self) -> float:
        return max(self.duration, sum(pp.target_s for pp in self.parts), 1.0)

    def part_at(self, x: float) -> PartReport | None:
        t = x / max(1, self.width()) * self._span()
        for pp in self.parts:
            if pp.start_s is not None and pp.end_s is not None and pp.start_s <= t <= pp.end_s:
                return pp
        return None

    def mousePressEvent(self, e: QMouseEvent) -> None:
        pp = self.part_at(e.position().x())
        if pp is not None and pp.start_s is not None:
            self.seek_requested.emit(pp.start_s)
        else:
            self.seek_requested.emit(e.position().x() / max(1, self.width()) * self._span())

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        fm = self.fontMetrics()
        row = fm.height() + 8
        scale = self.width() / self._span()
        p.fillRect(QRectF(0, 0, self.width(), row), pal.color(QPalette.ColorRole.Base))
        for pp in self.parts:  # what was said, where
            if pp.start_s is None or pp.end_s is None:
                continue
            rect = QRectF(pp.start_s * scale, 0, max(1.0, (pp.end_s - pp.start_s) * scale), row)
            p.fillRect(rect, part_colour(pp.part))
            if fm.horizontalAdvance(pp.part.label) < rect.width() - 4:
                p.setPen(text_on(part_colour(pp.part)))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, pp.part.label)
        x = 0.0
        for pp in self.parts:  # the targets, same scale
            rect = QRectF(x, row + 4, pp.target_s * scale, row - 6)
            c = _mix(part_colour(pp.part), pal.color(QPalette.ColorRole.Window), 0.6)
            p.fillRect(rect, c)
            p.setPen(text_on(c))
            txt = f"{pp.part.label[0]} target {pp.target_s:.0f}s"
            if fm.horizontalAdvance(txt) > rect.width() - 4:
                txt = f"{pp.target_s:.0f}s"
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, txt)
            x += rect.width()
        if self.position is not None:
            px = self.position * scale
            p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 2))
            p.drawLine(QPointF(px, 0), QPointF(px, self.height()))
