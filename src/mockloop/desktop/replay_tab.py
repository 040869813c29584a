"""Replay a stored session: audio with a seek bar carrying STAR markers, the transcript following.

Position is kept here, not only in QMediaPlayer: without an audio output device (or with a
missing file) the player cannot play, but the transcript, timeline and slider still seek.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mockloop.core.model import PartReport, Report
from mockloop.desktop.transcript import transcript_html
from mockloop.desktop.widgets import Timeline, fmt_time, part_colour
from mockloop.services.history import session_report


class MarkedSlider(QSlider):
    """A seek slider (ms) with the STAR parts painted under the groove."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.parts: tuple[PartReport, ...] = ()
        self.setMinimumHeight(28)
        self.setAccessibleName("Seek")

    def paintEvent(self, e: QPaintEvent) -> None:
        p = QPainter(self)
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderGroove, self)  # fmt: skip
        span = max(1, self.maximum())
        for pp in self.parts:
            if pp.start_s is None or pp.end_s is None:
                continue
            x0 = groove.x() + groove.width() * pp.start_s * 1000 / span
            x1 = groove.x() + groove.width() * pp.end_s * 1000 / span
            p.fillRect(QRectF(x0, self.height() - 6, max(1.0, x1 - x0), 5), part_colour(pp.part))
        p.end()
        super().paintEvent(e)


class ReplayTab(QWidget):
    position_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        lay = QVBoxLayout(self)
        for w in (self.title, self.note):
            lay.addWidget(w)
        lay.addLayout(row)
        lay.addWidget(self.timeline)
        lay.addWidget(self.transcript, 1)

        self.play_btn.clicked.connect(self.toggle_play)
        self.slider.sliderMoved.connect(lambda ms: self.seek(ms / 1000))
        self.slider.valueChanged.connect(self._slider_value)
        self.timeline.seek_requested.connect(self.seek)
        self.transcript.anchorClicked.connect(self._anchor)
        self.speed.currentIndexChanged.connect(self._speed)

    # ------------------------------------------------------------------ loading

    def load(self, record: Any, audio: dict[int, Path | None]) -> None:
        """``record`` a SessionRecord, ``audio`` attempt id -> file (from the history service)."""
        report = session_report(record)
        ans = record.answer
        self.audio = None if ans is None else audio.get(ans.id)
        q = (record.question_snapshot or {}).get("text") or record.question_id or "(typed answer)"
        self.title.setText(f"<b>Session {record.id}</b> · {record.level} · {record.status}<br>{q}")
        self.show_report(report)
        self._setup_player()

    def show_report(self, report: Report | None) -> None:
        self.report = report
        self.starts = [] if report is None else [w.start_s for w in report.words]
        duration = 0.0
        if report is not None:
            duration = report.input.duration_s or (report.words[-1].end_s if report.words else 0.0)
            self.timeline.set_parts(report.parts, duration)
            self.slider.parts = report.parts
        self.slider.setRange(0, int(duration * 1000))
        self.position = 0.0
        self.current_word = None
        self._render()
        self._update_time()

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
