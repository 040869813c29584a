"""Qt-side access to the preparation services: pattern quizzes and the story bank.

Every store call (quiz answers, stories, self-checks, coverage, export) runs on the task
manager's general pool; results come back to the callbacks on the GUI thread and failures as
one readable line to the caller's ``on_error``. Story analysis is pure and takes
about 2 ms, so the editor calls ``services.stories.analyze`` directly (see ``StoriesTab``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from mockloop.core.content import Bank
from mockloop.core.model import Report
from mockloop.core.story import StoryParts
from mockloop.desktop.tasks import TaskManager
from mockloop.services import quiz as quiz_service
from mockloop.services import stories as story_service
from mockloop.services.scope import store_scope
from mockloop.store.errors import StoreError
from mockloop.store.prep import StoryRecord

OnDone = Callable[[Any], None]
OnError = Callable[[str], None]


def error_text(err: BaseException) -> str:
    """One line for the banner: store problems say so, service errors are already worded."""
    text = str(err) or type(err).__name__
    return f"Could not read or write your data: {text}" if isinstance(err, StoreError) else text


@dataclass(frozen=True)
class StoryBank:
    """What the Stories tab's left side shows, read in one task."""

    stories: list[StoryRecord]
    coverage: list[story_service.PrincipleCoverage]


class PrepController(QObject):
    stories_changed = Signal()  # a story saved, deleted or (un)linked
    checks_changed = Signal()  # a self-check answered (coverage counts change, stories do not)
    quiz_changed = Signal()  # a quiz attempt finished

    def __init__(self, tasks: TaskManager, bank: Bank | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.bank = bank

    def _run(self, fn: Callable[[], Any], on_done: OnDone | None, on_error: OnError) -> None:
        self.tasks.run(lambda _t: fn(), on_done=on_done, on_error=lambda e: on_error(error_text(e)))

    # ------------------------------------------------------------------ quizzes

    def standings(self, on_done: OnDone, on_error: OnError) -> None:
        self._run(lambda: quiz_service.standings(bank=self.bank), on_done, on_error)

    def start_quiz(self, pattern_id: str, difficulty: str | None, on_done: OnDone,
                   on_error: OnError) -> None:  # fmt: skip
        self._run(lambda: quiz_service.start(pattern_id, difficulty, bank=self.bank), on_done, on_error)

    def answer(self, session: quiz_service.QuizSession, chosen: int, on_done: OnDone,
               on_error: OnError) -> None:  # fmt: skip
        """Answer the current question; the answer is stored before ``on_done`` gets feedback."""

        def done(fb: Any) -> None:
            on_done(fb)
            if session.run.done:
                self.quiz_changed.emit()

        self._run(lambda: session.answer(chosen), done, on_error)

    # ------------------------------------------------------------------ stories

    def story_bank(self, on_done: OnDone, on_error: OnError) -> None:
        def work() -> StoryBank:
            with store_scope(None) as s:
                return StoryBank(story_service.list_stories(bank=self.bank, store=s),
                                 story_service.principle_coverage(bank=self.bank, store=s))  # fmt: skip

        self._run(work, on_done, on_error)

    def save_story(self, story_id: int | None, principle: str, title: str, parts: StoryParts,
                   question_ids: Sequence[str], on_done: OnDone,
                   on_error: OnError) -> None:  # fmt: skip
        """Add or update a story and make its linked questions exactly ``question_ids``."""
        wanted = list(dict.fromkeys(question_ids))

        def work() -> StoryRecord:
            with store_scope(None) as s:
                if story_id is None:
                    return story_service.add_story(principle, title, parts.to_dict(), question_ids=wanted,
                                                   bank=self.bank, store=s)  # fmt: skip
                rec = story_service.update_story(story_id, principle=principle, title=title,
                                                 parts=parts.to_dict(), bank=self.bank, store=s)  # fmt: skip
                for qid in rec.question_ids:
                    if qid not in wanted:
                        rec = story_service.unlink(story_id, qid, store=s)
                for qid in wanted:
                    if qid not in rec.question_ids:
                        rec = story_service.link(story_id, qid, bank=self.bank, store=s)
                return rec

        self._run(work, lambda rec: (on_done(rec), self.stories_changed.emit()), on_error)

    def delete_story(self, story_id: int, on_done: OnDone, on_error: OnError) -> None:
        self._run(lambda: story_service.delete_story(story_id),
                  lambda v: (on_done(v), self.stories_changed.emit()), on_error)  # fmt: skip

    def self_check(self, principle: str, on_done: OnDone, on_error: OnError) -> None:
        self._run(lambda: story_service.self_check(principle, bank=self.bank), on_done, on_error)

    def set_self_check(self, principle: str, item: int, answer: str | None, on_done: OnDone,
                       on_error: OnError) -> None:  # fmt: skip
        self._run(lambda: story_service.set_self_check(principle, item, answer, bank=self.bank),
                  lambda v: (on_done(v), self.checks_changed.emit()), on_error)  # fmt: skip

    def export_markdown(self, path: Path, on_done: OnDone, on_error: OnError) -> None:
        self._run(lambda: (story_service.export_markdown(output=path, bank=self.bank), path)[1], on_done,
                  on_error)  # fmt: skip

    def story_coverage(self, report: Report, on_done: OnDone) -> None:
        """For a main answer: the linked stories' key points said / left out (a probe answer, a
        free answer or a store problem gives none)."""
        if report.probe is not None or report.question is None:
            on_done([])
            return
        question_id, spoken = report.question.id, report.transcript
        self._run(lambda: story_service.coverage_for(question_id, spoken), on_done,
                  on_error=lambda _msg: on_done([]))  # fmt: skip
