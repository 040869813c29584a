"""Settings: input device (+ test capture), voice (+ preview), model, level, data, keep audio,
and "Check setup" (the `mockloop doctor` checks, one line each with a pass/fail mark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mockloop import paths
from mockloop import settings as settings_mod
from mockloop.desktop.banner import Banner
from mockloop.desktop.tasks import TaskManager
from mockloop.desktop.widgets import LevelMeter

#: The mark shown before each setup check line, by status.
CHECK_MARKS = {"pass": "\u2714", "warn": "\u26a0", "fail": "\u2718", "skip": "\u2013"}
CHECK_COLOURS = {"warn": "#8a5a00", "fail": "#b00020"}

PREVIEW_TEXT = "Tell me about a time you took on something significant outside your area of responsibility."


class SettingsTab(QWidget):
    saved = Signal(object)  # Settings

    def __init__(self, tasks: TaskManager, settings: settings_mod.Settings, *, speech: Any = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.tasks = tasks
        self.settings = settings
        # ``speech``: an object with list_devices(), capture_level(dev), voices(), speak(text, id, rate)
        # (real adapters in the app, fakes in tests).
        self.speech = speech
        self.banner = Banner()
        self.device = QComboBox()
        self.device.setAccessibleName("Input device")
        self.test_btn = QPushButton("&Test capture")
        self.meter = LevelMeter()
        self.test_result = QLabel()
        dev_row = QHBoxLayout()
        dev_row.addWidget(self.device, 1)
        dev_row.addWidget(self.test_btn)
        self.voice_enabled = QCheckBox("Read the questions aloud")
        self.voice = QComboBox()
        self.voice.setAccessibleName("Voice")
        self.rate = QSpinBox()
        self.rate.setRange(80, 300)
        self.rate.setSuffix(" words/min")
        self.preview_btn = QPushButton("Pre&view")
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice, 1)
        voice_row.addWidget(self.rate)
        voice_row.addWidget(self.preview_btn)
        self.model_embedded = QRadioButton("Embedded tiny.en (fast, offline)")
        self.model_folder = QRadioButton("CTranslate2 Whisper folder:")
        self.model_path = QLabel()
        self.model_btn = QPushButton("C&hoose folder…")
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_folder)
        model_row.addWidget(self.model_path, 1)
        model_row.addWidget(self.model_btn)
        self.level = QComboBox()
        self.level.setAccessibleName("Default level")
        for v, n in (("sde1", "SDE1"), ("sde2", "SDE2"), ("senior", "Senior")):
            self.level.addItem(n, v)
        self.data = QLabel(str(paths.home()))
        self.data.setWordWrap(True)
        self.data_btn = QPushButton("Change data folder…")
        self.data_note = QLabel("")
        self.data_note.setWordWrap(True)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data, 1)
        data_row.addWidget(self.data_btn)
        self.keep_audio = QCheckBox("Keep the recordings (for replay and re-transcription)")
        self.save_btn = QPushButton("&Save settings")
        self.check_btn = QPushButton("Check set&up")
        self.check_btn.setToolTip("Test the microphone, voice, speech model and data folder (mockloop doctor)")
        self.check_status = QLabel("")
        self.check_list = QListWidget()
        self.check_list.setAccessibleName("Setup checks")
        self.check_list.setWordWrap(True)
        self.check_list.hide()

        form = QFormLayout()
        form.addRow("Input device", dev_row)
        form.addRow("", self.meter)
        form.addRow("", self.test_result)
        form.addRow("Voice", self.voice_enabled)
        form.addRow("", voice_row)
        form.addRow("Speech model", self.model_embedded)
        form.addRow("", model_row)
        form.addRow("Default level", self.level)
        form.addRow("Data folder", data_row)
        form.addRow("", self.data_note)
        form.addRow("", self.keep_audio)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(form)
        lay.addWidget(self.save_btn)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_btn)
        check_row.addWidget(self.check_status, 1)
        lay.addLayout(check_row)
        lay.addWidget(self.check_list)
        lay.addStretch(1)

        self.test_btn.clicked.connect(self.test_capture)
        self.preview_btn.clicked.connect(self.preview)
        self.model_btn.clicked.connect(self.choose_model)
        self.save_btn.clicked.connect(self.save)
        self.check_btn.clicked.connect(self.check_setup)
        self.data_btn.clicked.connect(self.change_data_folder)
        self.choose_data_folder = lambda: QFileDialog.getExistingDirectory(self, "Data folder for mockloop")
        self.choose_folder = lambda: QFileDialog.getExistingDirectory(self, "CTranslate2 Whisper model folder")
        self.load(settings)

    def load(self, s: settings_mod.Settings) -> None:
        self.settings = s
        self.device.clear()
        self.device.addItem("System default", None)
        if s.input_device:
            self.device.addItem(s.input_device, s.input_device)
            self.device.setCurrentIndex(1)
        self.voice.clear()
        self.voice.addItem("Default voice", None)
        if s.voice_id:
            self.voice.addItem(s.voice_id, s.voice_id)
            self.voice.setCurrentIndex(1)
        self.voice_enabled.setChecked(s.voice_enabled)
        self.rate.setValue(s.speech_rate_wpm)
        self.model_embedded.setChecked(not s.model_path)
        self.model_folder.setChecked(bool(s.model_path))
        self.model_path.setText(s.model_path or "")
        self.level.setCurrentIndex(max(0, self.level.findData(s.default_level)))
        self.keep_audio.setChecked(s.keep_audio)

    def refresh_devices(self) -> None:
        """Fill the device and voice lists in the background (the audio backends are slow)."""
        if self.speech is None:
            return

        def work(_t: Any) -> tuple[list[Any], list[Any], str | None]:
            err = None
            try:
                devs = list(self.speech.list_devices())
            except Exception as e:
                devs, err = [], str(e)
            try:
                voices = list(self.speech.voices())
            except Exception:
                voices = []
            return devs, voices, err

        self.tasks.run(work, on_done=self._fill, on_error=lambda e: self.banner.show_message(str(e)))

    def _fill(self, value: tuple[list[Any], list[Any], str | None]) -> None:
        devs, voices, err = value
        current = self.device.currentData()
        for d in devs:
            if self.device.findData(d.name) < 0:
                self.device.addItem(f"{d.name}{' (default)' if d.is_default else ''}", d.name)
        self.device.setCurrentIndex(max(0, self.device.findData(current)))
        for v in voices:
            if self.voice.findData(v.id) < 0:
                self.voice.addItem(v.name, v.id)
        if err or not devs:
            self.banner.show_message(f"No microphone found{': ' + err if err else ''}. Plug one in and press Test capture.")

    def test_capture(self) -> None:
        if self.speech is None:
            return
        self.test_result.setText("Listening for 1.5 s…")
        self.test_btn.setEnabled(False)

        def done(v: Any) -> None:
            info, peak = v
            self.test_btn.setEnabled(True)
            self.meter.set_level(peak)
            hint = " — very quiet: is the microphone muted?" if peak < -60 else ""
            self.test_result.setText(f"{info.name}: peak {peak:.0f} dBFS{hint}")

        def failed(e: BaseException) -> None:
            self.test_btn.setEnabled(True)
            self.test_result.setText("")
            self.banner.show_message(f"{e}\nCheck that a microphone is connected and not used by another app.")

        dev = self.device.currentData()
        self.tasks.run(lambda _t: self.speech.capture_level(dev), on_done=done, on_error=failed)

    def preview(self) -> None:
        if self.speech is None:
            return
        vid, rate = self.voice.currentData(), self.rate.value()

        def done(spoken: Any) -> None:
            if not spoken:
                self.banner.show_message("No text-to-speech voice is available; questions will be shown as text.")

        self.tasks.run(lambda _t: self.speech.speak(PREVIEW_TEXT, vid, rate), on_done=done,
                       on_error=lambda e: self.banner.show_message(f"Voice preview failed: {e}"))  # fmt: skip

    def check_setup(self) -> None:
        """Run the doctor checks in the background; each line appears as its check finishes."""
        if self.speech is None:
            return
        self.check_btn.setEnabled(False)
        self.check_list.clear()
        self.check_list.show()
        self.check_status.setText("Checking the microphone, voice, speech model and data folder…")
        dev = self.device.currentData()

        def done(results: Any) -> None:
            self.check_btn.setEnabled(True)
            failed = [r.name for r in results if r.failed]
            self.check_status.setText(f"Needs attention: {', '.join(failed)}" if failed else "All set.")

        def failed(e: BaseException) -> None:  # the service never raises; a worker failure still shows
            self.check_btn.setEnabled(True)
            self.check_status.setText(f"The checks could not run: {e}")

        self.tasks.run(lambda t: self.speech.check_setup(dev, t.report), on_progress=self.add_check_line,
                       on_done=done, on_error=failed)  # fmt: skip

    def add_check_line(self, result: Any) -> None:
        text = f"{CHECK_MARKS.get(result.status.value, '?')}  {result.name}: {result.detail}"
        if result.fix:
            text += f"\n     fix: {result.fix}"
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, result.status.value)
        colour = CHECK_COLOURS.get(result.status.value)
        if colour:
            item.setForeground(QColor(colour))
        self.check_list.addItem(item)

    def choose_model(self) -> None:
        folder = self.choose_folder()
        if folder:
            self.model_path.setText(folder)
            self.model_folder.setChecked(True)

    def current(self) -> settings_mod.Settings:
        return self.settings.with_changes(
            input_device=self.device.currentData(), voice_id=self.voice.currentData(),
            speech_rate_wpm=self.rate.value(), voice_enabled=self.voice_enabled.isChecked(),
            model_path=self.model_path.text() or None if self.model_folder.isChecked() else None,
            default_level=self.level.currentData(), keep_audio=self.keep_audio.isChecked(),
        )  # fmt: skip

    def change_data_folder(self) -> None:
        """Remember a new data folder for the next start (the settings file lives in the data
        folder itself, so the choice is kept outside it; see paths.set_data_folder)."""
        chosen = self.choose_data_folder()
        if not chosen:
            return
        try:
            paths.set_data_folder(Path(chosen))
        except OSError as e:
            self.data_note.setText(f"Cannot use that folder: {e.strerror or e}")
            return
        self.data_note.setText(
            f"From the next start mockloop keeps its data in {chosen}. Sessions recorded so far "
            f"stay in {paths.home()}; move its contents there to keep them."
        )

    def save(self) -> None:
        s = self.current()
        settings_mod.save(s)
        self.settings = s
        self.saved.emit(s)
