"""Replay a stored session: audio with a seek bar carrying STAR markers, the transcript following.

Position is kept here, not only in QMediaPlayer: without an audio output device (or with a
missing file) the player cannot play, but the transcript, timeline and slider still seek.

The part boundaries can be edited by hand: drag a marker on the seek bar, or set a part's start
at the playback position ("Set Task start here"), then "Rescore with these boundaries" stores
them with the answer (``services.history.rescore_with_part_starts``, in the background) and shows
the new report and what changed.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.model import PARTS, Part, PartReport, Report
from mockloop.desktop.banner import Banner
from mockloop.desktop.report_view import story_coverage_html
from mockloop.desktop.transcript import transcript_html
from mockloop.desktop.widgets import Timeline, fmt_time, part_colour
from mockloop.services.history import session_report

#: The parts whose start can be set by hand (Situation always starts the answer).
EDITABLE = PARTS[1:]
GRAB_PX = 6


class MarkedSlider(QSlider):
    """A seek slider (ms) with the STAR parts painted under the groove and draggable markers
    at the part boundaries (``boundary_dragged(part, seconds)`` while a marker is dragged)."""

    boundary_dragged = Signal(object, float)
    boundary_released = Signal(object)

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.parts: tuple[PartReport, ...] = ()
        self.bounds: dict[Part, float] = {}  # part -> start second (the edited boundaries)
        self.editable = False
        self.dragging: Part | None = None
        self.setMinimumHeight(34)
        self.setMouseTracking(True)
        self.setAccessibleName("Seek; drag a part marker to move that part's start")

    def set_bounds(self, bounds: dict[Part, float]) -> None:
        self.bounds = dict(bounds)
        self.update()

    def _groove(self) -> QRectF:
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        return QRectF(self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                                  QStyle.SubControl.SC_SliderGroove, self))  # fmt: skip

    def _handle(self) -> QRectF:
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        return QRectF(self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                                  QStyle.SubControl.SC_SliderHandle, self))  # fmt: skip

    def x_for(self, seconds: float) -> float:
        g = self._groove()
        return g.x() + g.width() * seconds * 1000 / max(1, self.maximum())

    def seconds_at(self, x: float) -> float:
        g = self._groove()
        frac = (x - g.x()) / max(1.0, g.width())
        return max(0.0, min(1.0, frac)) * self.maximum() / 1000

    def marker_at(self, pos: QPointF) -> Part | None:
        """The boundary marker under ``pos`` (not when the playback handle is there)."""
        if not self.editable or self._handle().contains(pos):
            return None
        best, dist = None, GRAB_PX + 0.5
        for part, t in self.bounds.items():
            d = abs(self.x_for(t) - pos.x())
            if d < dist:
                best, dist = part, d
        return best

    def segments(self) -> list[tuple[Part, float, float]]:
        """(part, start, end) as painted: from the edited boundaries when there are any."""
        end = self.maximum() / 1000
        if not self.bounds:
            return [(pp.part, pp.start_s, pp.end_s) for pp in self.parts
                    if pp.start_s is not None and pp.end_s is not None]  # fmt: skip
        starts = sorted({Part.SITUATION: 0.0, **self.bounds}.items(), key=lambda kv: kv[0].order)
        out = []
        for i, (part, t) in enumerate(starts):
            nxt = starts[i + 1][1] if i + 1 < len(starts) else end
            out.append((part, t, max(t, nxt)))
        return out

    def paintEvent(self, e: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for part, t0, t1 in self.segments():
            x0, x1 = self.x_for(t0), self.x_for(t1)
            p.fillRect(QRectF(x0, self.height() - 7, max(1.0, x1 - x0), 5), part_colour(part))
        if self.editable:
            text = self.palette().color(QPalette.ColorRole.WindowText)
            for part, t in self.bounds.items():
                x = self.x_for(t)
                colour = part_colour(part)
                p.setPen(QPen(colour, 3 if part is self.dragging else 2))
                p.drawLine(QPointF(x, 2), QPointF(x, self.height() - 2))
                p.setPen(QPen(text, 1))
                p.setBrush(colour)
                h = self.height()
                p.drawPolygon(QPolygonF([QPointF(x - 5, h - 1), QPointF(x + 5, h - 1), QPointF(x, h - 8)]))
        p.end()
        super().paintEvent(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:
        part = self.marker_at(e.position())
        if part is not None and e.button() == Qt.MouseButton.LeftButton:
            self.dragging = part
            e.accept()
            self.update()
            return
        super().mousePressEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self.dragging is not None:
            self.boundary_dragged.emit(self.dragging, self.seconds_at(e.position().x()))
            e.accept()
            return
        over = self.marker_at(e.position()) is not None
        self.setCursor(Qt.CursorShape.SizeHorCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if self.dragging is not None:
            part, self.dragging = self.dragging, None
            self.boundary_dragged.emit(part, self.seconds_at(e.position().x()))
            self.boundary_released.emit(part)
            e.accept()
            self.update()
            return
        super().mouseReleaseEvent(e)


class ReplayTab(QWidget):
    position_changed = Signal(float)
    boundaries_changed = Signal(object)  # dict[Part, float], the edited (not yet scored) starts
    rescored = Signal(object)  # BoundariesRescored

    def __init__(self, hc: Any = None, parent: QWidget | None = None, *, prep: Any = None) -> None:
        super().__init__(parent)
        self.hc = hc  # a HistoryController (None: replay only, no rescoring)
        self.prep = prep  # a PrepController: the linked stories' coverage (None: not shown)
        self.session_id: int | None = None
        self.attempt_id: int | None = None
        self.bounds: dict[Part, float] = {}  # edited part starts
        self.scored_bounds: dict[Part, float] = {}  # the starts the shown report was scored with
        self.last_rescore: Any = None
        self._task: Any = None
        self.report: Report | None = None
        self.starts: list[float] = []
        self.position = 0.0
        self.current_word: int | None = None
        self.audio: Path | None = None
        self.player: Any = None
        self.output: Any = None

        self.title = QLabel("Pick a session in History and press Replay.")
        self.title.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.play_btn = QPushButton("&Play")
        self.slider = MarkedSlider()
        self.time = QLabel("0:00 / 0:00")
        self.speed = QComboBox()
        self.speed.setAccessibleName("Playback speed")
        for s in (0.75, 1.0, 1.25, 1.5, 2.0):
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(1)
        row = QHBoxLayout()
        row.addWidget(self.play_btn)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time)
        row.addWidget(self.speed)
        self.timeline = Timeline()
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        self.transcript.setAccessibleName("Transcript; click a word to seek")

        # Part boundaries by hand.
        self.banner = Banner()
        self.bounds_label = QLabel()
        self.bounds_label.setWordWrap(True)
        self.bounds_label.setAccessibleName("Part boundaries")
        self.set_btns: dict[Part, QPushButton] = {}
        edit_row = QHBoxLayout()
        for part in EDITABLE:
            b = QPushButton(f"Set {part.label} start here")
            b.setToolTip(f"{part.label} starts at the current playback position")
            b.clicked.connect(lambda _c=False, part=part: self.set_part_start_here(part))
            self.set_btns[part] = b
            edit_row.addWidget(b)
        edit_row.addStretch(1)
        self.reset_btn = QPushButton("Undo edits")
        self.reset_btn.setToolTip("Back to the boundaries the report was scored with")
        self.rescore_btn = QPushButton("Rescore with these &boundaries")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: one rescore takes well under a second
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.busy.setAccessibleName("Rescoring")
        bounds_row = QHBoxLayout()
        bounds_row.addWidget(self.bounds_label, 1)
        bounds_row.addWidget(self.busy)
        bounds_row.addWidget(self.reset_btn)
        bounds_row.addWidget(self.rescore_btn)
        self.changes = QLabel()  # what the last rescore changed
        self.changes.setWordWrap(True)
        self.changes.setTextFormat(Qt.TextFormat.RichText)
        self.changes.setAccessibleName("What the rescore changed")
        self.changes.setVisible(False)
        self.stories = QLabel()  # the linked stories' key points said / left out
        self.stories.setWordWrap(True)
        self.stories.setTextFormat(Qt.TextFormat.RichText)
        self.stories.setAccessibleName("Your stories for this question")
        self.stories.setVisible(False)

        lay = QVBoxLayout(self)
        for w in (self.banner, self.title, self.note):
            lay.addWidget(w)
        lay.addLayout(row)
        lay.addLayout(bounds_row)
        lay.addLayout(edit_row)
        lay.addWidget(self.changes)
        lay.addWidget(self.stories)
        lay.addWidget(self.timeline)
        lay.addWidget(self.transcript, 1)

        self.play_btn.clicked.connect(self.toggle_play)
        self.slider.sliderMoved.connect(lambda ms: self.seek(ms / 1000))
        self.slider.valueChanged.connect(self._slider_value)
        self.timeline.seek_requested.connect(self.seek)
        self.transcript.anchorClicked.connect(self._anchor)
        self.speed.currentIndexChanged.connect(self._speed)
        self.slider.boundary_dragged.connect(self.drag_boundary)
        self.reset_btn.clicked.connect(self.reset_bounds)
        self.rescore_btn.clicked.connect(self.rescore_with_bounds)
        self._update_bounds_ui()

    # ------------------------------------------------------------------ loading

    def load(self, record: Any, audio: dict[int, Path | None]) -> None:
        """``record`` a SessionRecord, ``audio`` attempt id -> file (from the history service)."""
        report = session_report(record)
        ans = record.answer
        self.session_id = record.id
        self.attempt_id = None if ans is None else ans.id
        self.audio = None if ans is None else audio.get(ans.id)
        q = (record.question_snapshot or {}).get("text") or record.question_id or "(typed answer)"
        hand = " · part boundaries set by hand" if ans is not None and ans.part_starts else ""
        self.title.setText(f"<b>Session {record.id}</b> · {record.level} · {record.status}{hand}<br>{q}")
        self.changes.setVisible(False)
        self.banner.hide()
        self.show_report(report)
        self._ask_story_coverage(record.id, report)
        self._setup_player()

    def _ask_story_coverage(self, session_id: int, report: Report | None) -> None:
        self.stories.setVisible(False)
        if self.prep is None or report is None:
            return

        def done(items: list[Any]) -> None:
            if self.session_id == session_id and items:
                self.stories.setText(story_coverage_html(items, heading="b"))
                self.stories.setVisible(True)

        self.prep.story_coverage(report, done)

    def show_report(self, report: Report | None, *, keep_position: bool = False) -> None:
        self.report = report
        self.starts = [] if report is None else [w.start_s for w in report.words]
        duration = 0.0
        if report is not None:
            duration = report.input.duration_s or (report.words[-1].end_s if report.words else 0.0)
            self.timeline.set_parts(report.parts, duration)
            self.slider.parts = report.parts
        self.slider.setRange(0, int(duration * 1000))
        self.scored_bounds = bounds_of(report)
        self.bounds = dict(self.scored_bounds)
        self.slider.set_bounds(self.bounds)
        pos = self.position if keep_position else 0.0
        self.position = 0.0
        self.current_word = None
        self._render()
        self._update_time()
        self._update_bounds_ui()
        if keep_position:
            self.seek(pos)

    # ------------------------------------------------------------------ part boundaries

    @property
    def editable(self) -> bool:
        return (self.report is not None and bool(self.report.words) and self.report.probe is None
                and self.session_id is not None)  # fmt: skip

    @property
    def duration(self) -> float:
        return self.slider.maximum() / 1000

    @property
    def edited(self) -> bool:
        return _rounded(self.bounds) != _rounded(self.scored_bounds)

    def limits(self, part: Part) -> tuple[float, float]:
        """Where ``part`` may start: after the parts before it, before those after it."""
        lo = max([0.0, *(t for p, t in self.bounds.items() if p.order < part.order)])
        hi = min([self.duration, *(t for p, t in self.bounds.items() if p.order > part.order)])
        return lo, hi

    def set_part_start(self, part: Part, seconds: float, *, clamp: bool = False) -> str | None:
        """Move ``part``'s start (an error text if it would break STAR order, unless ``clamp``)."""
        if part is Part.SITUATION:
            return "Situation always starts the answer."
        lo, hi = self.limits(part)
        if not lo <= seconds <= hi:
            if not clamp:
                before = [p.label for p, t in self.bounds.items() if p.order < part.order and t > seconds]
                after = [p.label for p, t in self.bounds.items() if p.order > part.order and t < seconds]
                why = (f"after {', '.join(before)}" if before else f"before {', '.join(after)}")
                return (f"{part.label} cannot start at {fmt_time(seconds)}: it must start {why} "
                        f"({fmt_time(lo)}–{fmt_time(hi)}). Move that part first.")  # fmt: skip
            seconds = min(max(seconds, lo), hi)
        self.bounds[part] = round(seconds, 2)
        self.slider.set_bounds(self.bounds)
        self._update_bounds_ui()
        self.boundaries_changed.emit(dict(self.bounds))
        return None

    def set_part_start_here(self, part: Part) -> None:
        err = self.set_part_start(part, self.position)
        if err:
            self.banner.show_message(err)
        else:
            self.banner.hide()

    def drag_boundary(self, part: Part, seconds: float) -> None:
        self.set_part_start(part, seconds, clamp=True)

    def reset_bounds(self) -> None:
        self.bounds = dict(self.scored_bounds)
        self.slider.set_bounds(self.bounds)
        self._update_bounds_ui()
        self.boundaries_changed.emit(dict(self.bounds))

    def _update_bounds_ui(self) -> None:
        ok = self.editable
        self.slider.editable = ok
        for b in self.set_btns.values():
            b.setEnabled(ok and self._task is None)
        self.rescore_btn.setEnabled(ok and self.hc is not None and self._task is None)
        self.reset_btn.setEnabled(ok and self.edited and self._task is None)
        if not ok:
            self.bounds_label.setText("Part boundaries: open an analysed answer to edit them.")
            return
        items = []
        for part in PARTS:
            t = 0.0 if part is Part.SITUATION else self.bounds.get(part)
            txt = f"{part.label} {'-' if t is None else fmt_time(t)}"
            old = 0.0 if part is Part.SITUATION else self.scored_bounds.get(part)
            if t is not None and (old is None or abs(t - old) > 0.005):
                txt = f"<b>{txt}*</b>"
            items.append(txt)
        hint = (" — edited, not yet scored" if self.edited
                else " — drag a marker on the seek bar or set a start at the playback position")  # fmt: skip
        self.bounds_label.setText("Part starts: " + " · ".join(items) + hint)

    def rescore_with_bounds(self) -> None:
        if not self.editable or self.hc is None or self._task is not None or self.session_id is None:
            return
        self.busy.setVisible(True)
        self.banner.hide()
        self._task = self.hc.rescore_part_starts(
            self.session_id, dict(self.bounds), self._rescored, self._rescore_failed,
            attempt_id=self.attempt_id, before=self.report,
        )  # fmt: skip
        self._update_bounds_ui()

    def _rescored(self, result: Any) -> None:
        self._task = None
        self.busy.setVisible(False)
        self.last_rescore = result
        self.show_report(result.after, keep_position=True)
        self.changes.setText(describe_rescore(result.before, result.after, result.change))
        self.changes.setVisible(True)
        self.rescored.emit(result)

    def _rescore_failed(self, message: str) -> None:
        self._task = None
        self.busy.setVisible(False)
        self._update_bounds_ui()
        self.banner.show_message(f"Rescore failed: {message}")

    def _setup_player(self) -> None:
        notes = []
        if self.audio is None or not Path(self.audio).is_file():
            notes.append("The recording was not kept, so only the transcript can be replayed.")
        else:
            try:
                from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

                if self.player is None:
                    self.player = QMediaPlayer(self)
                    self.output = QAudioOutput(self)
                    self.player.setAudioOutput(self.output)
                    self.player.positionChanged.connect(self._player_pos)
                    self.player.playbackStateChanged.connect(self._state)
                self.player.setSource(QUrl.fromLocalFile(str(self.audio)))
                if not QMediaDevices.audioOutputs():
                    notes.append("No audio output device: playback is silent, seeking still works.")
            except Exception as e:  # a broken multimedia backend must not break replay
                self.player = None
                notes.append(f"Audio playback is unavailable ({e}); seeking still works.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        self.play_btn.setEnabled(self.player is not None)

    # ------------------------------------------------------------------ position

    def seek(self, seconds: float) -> None:
        self.position = max(0.0, seconds)
        if self.player is not None:
            self.player.setPosition(int(self.position * 1000))
        self._moved()

    def word_at(self, seconds: float) -> int | None:
        if not self.starts:
            return None
        i = bisect.bisect_right(self.starts, seconds + 1e-6) - 1
        return max(0, i)

    def _anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("w:") and self.report is not None:
            i = int(text[2:])
            if 0 <= i < len(self.report.words):
                self.seek(self.report.words[i].start_s)

    def _player_pos(self, ms: int) -> None:
        self.position = ms / 1000
        self._moved()

    def _slider_value(self, ms: int) -> None:
        if abs(ms / 1000 - self.position) > 0.05 and self.slider.isSliderDown():
            self.seek(ms / 1000)

    def _moved(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(int(self.position * 1000))
        self.slider.blockSignals(False)
        self.timeline.set_position(self.position)
        idx = self.word_at(self.position)
        if idx != self.current_word:
            self.current_word = idx
            self._render()
        self._update_time()
        self.position_changed.emit(self.position)

    def _render(self) -> None:
        if self.report is None:
            self.transcript.setHtml("")
            return
        bar = self.transcript.verticalScrollBar().value()
        self.transcript.setHtml(transcript_html(self.report, self.palette(), current=self.current_word, links=True))
        self.transcript.verticalScrollBar().setValue(bar)

    def _update_time(self) -> None:
        self.time.setText(f"{fmt_time(self.position)} / {fmt_time(self.slider.maximum() / 1000)}")

    # ------------------------------------------------------------------ transport

    def toggle_play(self) -> None:
        if self.player is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _state(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        self.play_btn.setText("&Pause" if state == QMediaPlayer.PlaybackState.PlayingState else "&Play")

    def _speed(self) -> None:
        if self.player is not None:
            self.player.setPlaybackRate(float(self.speed.currentData()))


def bounds_of(report: Report | None) -> dict[Part, float]:
    """The part starts a report was scored with (parts after Situation that were spoken)."""
    if report is None:
        return {}
    return {pp.part: float(pp.start_s) for pp in report.parts
            if pp.part is not Part.SITUATION and pp.start_s is not None}  # fmt: skip


def _rounded(b: dict[Part, float]) -> dict[Part, float]:
    return {p: round(t, 2) for p, t in b.items()}


def describe_rescore(before: Report | None, after: Report | None, change: Any) -> str:
    """What rescoring with the hand-set boundaries changed, as rich text for a label."""
    if after is None:
        return "Rescored, but the answer has no report (no speech?)."
    out = []
    vb = None if before is None else before.verdict.value.upper()
    va = after.verdict.value.upper()
    tb = None if before is None else before.scores.total()
    ta = after.scores.total()
    if vb == va and tb == ta:
        out.append(f"Verdict {va}, score {ta} (unchanged)")
    else:
        out.append(f"Verdict {vb or '-'} → <b>{va}</b>, score {'-' if tb is None else tb} → <b>{ta}</b>")
    if change is not None and change.flags_added:
        out.append("new flags: " + ", ".join(change.flags_added))
    if change is not None and change.flags_removed:
        out.append("cleared: " + ", ".join(change.flags_removed))
    if before is not None:
        old = {pp.part: pp for pp in before.parts}
        moved = []
        for pp in after.parts:
            o = old.get(pp.part)
            if o is None or (abs((o.start_s or 0) - (pp.start_s or 0)) < 0.05
                             and abs(o.duration_s - pp.duration_s) < 0.05):  # fmt: skip
                continue
            moved.append(f"{pp.part.label} {fmt_time(o.duration_s)} → {fmt_time(pp.duration_s)} "
                         f"(target {fmt_time(pp.target_s)}, {pp.status})")  # fmt: skip
        if moved:
            out.append("timing: " + "; ".join(moved))
    return "Rescored with your boundaries. " + " · ".join(out) + "."
