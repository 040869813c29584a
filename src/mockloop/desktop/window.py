"""The main window: the tabs, wired to the controllers. No coaching logic lives here."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from mockloop import settings as settings_mod
from mockloop.core.content import Bank
from mockloop.core.model import Level
from mockloop.desktop.controller import HistoryController, PracticeController
from mockloop.desktop.history_tab import HistoryTab
from mockloop.desktop.learn_tab import LearnTab
from mockloop.desktop.practice_tab import PracticeTab
from mockloop.desktop.prep_controller import PrepController
from mockloop.desktop.progress_tab import ProgressTab
from mockloop.desktop.quiz_tab import QuizTab
from mockloop.desktop.replay_tab import ReplayTab
from mockloop.desktop.settings_tab import SettingsTab
from mockloop.desktop.stories_tab import StoriesTab
from mockloop.desktop.tasks import TaskManager


class MainWindow(QMainWindow):
    def __init__(self, *, tasks: TaskManager, practice: PracticeController, history: HistoryController,
                 bank: Bank | None, settings: settings_mod.Settings, speech: Any = None,
                 prep: PrepController | None = None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("mockloop — spoken interview practice")
        self.tasks = tasks
        self.pc = practice
        self.hc = history
        self.prep = prep or PrepController(tasks, bank, self)
        self.tabs = QTabWidget()
        self.practice = PracticeTab(practice, bank, default_level=settings.default_level, settings=settings,
                                    prep=self.prep)  # fmt: skip
        self.learn = LearnTab(tasks, bank, speech=speech, settings=settings)
        self.quiz = QuizTab(self.prep, bank)
        self.stories = StoriesTab(self.prep, bank, level=Level(settings.default_level))
        self.history = HistoryTab(history, bank)
        self.replay = ReplayTab(history, prep=self.prep)
        self.progress = ProgressTab(history, bank)
        self.settings_tab = SettingsTab(tasks, settings, speech=speech)
        for w, name in ((self.practice, "&Practice"), (self.learn, "&Learn"), (self.quiz, "T&est"),
                        (self.stories, "&Stories"), (self.history, "&History"), (self.replay, "Re&play"),
                        (self.progress, "Pro&gress"), (self.settings_tab, "Se&ttings")):  # fmt: skip
            self.tabs.addTab(w, name)
        self.setCentralWidget(self.tabs)
        self.resize(1000, 760)
        for i in range(self.tabs.count()):  # Ctrl+1..N switch tabs
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda i=i: self.tabs.setCurrentIndex(i))
        self.history.replay_requested.connect(self.open_replay)
        self.learn.practice_requested.connect(self.practice_question)
        self.settings_tab.saved.connect(self._settings_saved)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pc.event.connect(self._practice_event)

    def _tab_changed(self, i: int) -> None:
        w = self.tabs.widget(i)
        if w is self.history:
            self.history.refresh()
        elif w is self.quiz:
            self.quiz.refresh()
        elif w is self.stories:
            self.stories.refresh()
        elif w is self.progress:
            self.progress.refresh()
        elif w is self.settings_tab:
            self.settings_tab.refresh_devices()

    def _practice_event(self, ev: Any) -> None:
        from mockloop.services.practice import SessionFinished

        if isinstance(ev, SessionFinished):
            self.hc.changed.emit()  # a new session in the history

    def open_replay(self, session_id: int) -> None:
        def done(v: Any) -> None:
            rec, audio = v
            self.replay.load(rec, audio)
            self.tabs.setCurrentWidget(self.replay)

        self.hc.show(session_id, done)

    def practice_question(self, question_id: str) -> None:
        self.practice.select_question(question_id)
        self.tabs.setCurrentWidget(self.practice)

    def _settings_saved(self, s: settings_mod.Settings) -> None:
        self.learn.set_settings(s)
        self.practice.settings = s
        self.practice.set_level(s.default_level)
        self.stories.level = Level(s.default_level)

    def closeEvent(self, e: QCloseEvent) -> None:
        # Mid-recording: stop and keep the answer (analysed and saved), then let workers finish.
        self.learn.stop()
        self.pc.shutdown()
        e.accept()
