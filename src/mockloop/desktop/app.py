"""Composition root: real adapters from the settings, the controllers, the window."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from mockloop import settings as settings_mod
from mockloop.core.content import Bank, ContentError, load_bank, shipped_path
from mockloop.desktop.controller import HistoryController, PracticeController, SessionFactory
from mockloop.desktop.first_run import FirstRunDialog
from mockloop.desktop.tasks import TaskManager
from mockloop.desktop.window import MainWindow
from mockloop.services import practice as pr

ICON_SIZES = (64, 128, 256)  # the PNGs scripts/render_icons.py makes


def real_session_factory(s: settings_mod.Settings) -> SessionFactory:
    """Real microphone, Whisper and voice; called on a worker (model checks touch the disk)."""

    def make(config: pr.PracticeConfig, listener: pr.Listener) -> pr.PracticeSession:
        from mockloop.speech.asr import WhisperTranscriber
        from mockloop.speech.voice import EspeakVoice, TextOnlyVoice
        from mockloop.store import Store

        cur = settings_mod.load()  # the latest saved settings, not those at startup
        transcriber = WhisperTranscriber(cur.model_path)  # ModelError -> banner with guidance
        voice: Any = EspeakVoice(cur.voice_id, cur.speech_rate_wpm) if cur.voice_enabled else TextOnlyVoice()

        def refine() -> Any:
            return WhisperTranscriber(cur.model_path, nice=10, cpu_threads=1)

        return pr.PracticeSession(config, transcriber=transcriber, voice=voice, store=Store.open(),
                                  listener=listener, device=cur.input_device, refine_factory=refine)  # fmt: skip

    return make


class RealSpeech:
    """Device, capture and voice calls for the Settings and Learn tabs (run on workers)."""

    def __init__(self) -> None:
        self._voice: Any = None  # the voice speaking now, so Stop can reach it

    def list_devices(self) -> list[Any]:
        from mockloop.speech.devices import list_input_devices

        return list_input_devices()

    def capture_level(self, device: str | None) -> tuple[Any, float]:
        from mockloop.speech.devices import capture_level

        return capture_level(device)

    def voices(self) -> list[Any]:
        from mockloop.speech.voice import EspeakVoice

        return EspeakVoice().voices()

    def speak(self, text: str, voice_id: str | None, rate: int) -> bool:
        from mockloop.speech.voice import EspeakVoice

        v = EspeakVoice(voice_id, rate)
        self._voice = v
        return bool(v.available and v.speak(text))

    def stop(self) -> None:
        v = self._voice
        if v is not None:
            v.stop()

    def check_setup(self, device: str | None, on_result: Callable[[Any], None]) -> list[Any]:
        """``mockloop doctor``'s checks, each result reported as it finishes."""
        from mockloop.services import doctor

        return doctor.run_checks(options=doctor.Options(device=device), on_result=on_result)


def load_bank_or_none() -> Bank | None:
    try:
        return load_bank()
    except ContentError:
        return None


def build_window(*, factory: SessionFactory | None = None, speech: Any = None, bank: Bank | None = None,
                 settings: settings_mod.Settings | None = None,
                 cue: Callable[[], None] | None = None) -> MainWindow:  # fmt: skip
    """The whole app object graph (tests pass fake factories and speech)."""
    s = settings or settings_mod.load()
    bank = bank if bank is not None else load_bank_or_none()
    tasks = TaskManager()
    pc = PracticeController(tasks, factory or real_session_factory(s), bank, cue=cue)
    hc = HistoryController(tasks)
    win = MainWindow(tasks=tasks, practice=pc, history=hc, bank=bank, settings=s, speech=speech)
    tasks.setParent(win)
    pc.setParent(win)
    hc.setParent(win)
    if bank is None:
        win.practice.show_error("The question bank could not be loaded; reinstall mockloop.")
    return win


def maybe_first_run(parent: Any) -> None:
    s = settings_mod.load()
    if not s.first_run_done:
        FirstRunDialog(parent).exec()
        settings_mod.save(settings_mod.load().with_changes(first_run_done=True))


def app_icon() -> QIcon:
    """The app's icon at every rendered size (assets/icon); empty if the install lacks it."""
    icon = QIcon()
    folder = shipped_path("assets/icon")
    for size in ICON_SIZES:
        if folder is not None and (folder / f"mockloop-{size}.png").is_file():
            icon.addFile(str(folder / f"mockloop-{size}.png"), QSize(size, size))
    return icon


def main(argv: Sequence[str] | None = None, *, quit_after_ms: int | None = None) -> int:
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("mockloop")
    # Wayland matches the window to the menu entry by this name (packaging/*.desktop).
    app.setDesktopFileName("io.github.mockloop.Mockloop")
    app.setWindowIcon(app_icon())
    from mockloop.desktop.cue import Cue
    from mockloop.desktop.first_window import install_if_requested

    win = build_window(speech=RealSpeech(), cue=Cue())
    install_if_requested(win)  # MOCKLOOP_REPORT_FIRST_WINDOW=1: start-up benchmark hook
    win.show()
    if quit_after_ms is not None:
        # Smoke test of the real app: boot everything, then close the window as a user would.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(quit_after_ms, win.close)
    else:
        maybe_first_run(win)
    return int(app.exec())
