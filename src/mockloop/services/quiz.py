"""Pattern quizzes (the walkthrough's Test mode) for the CLI and the app: run, store, stand.

Each answer is written to the store as it is given, so a quiz left halfway keeps its answers;
a pattern's standing counts finished attempts only.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockloop.core.content import Bank, Pattern
from mockloop.core.quiz import AttemptScore, QuizError, QuizFeedback, QuizRun, Standing, standing
from mockloop.services.scope import bank_or_load, store_scope
from mockloop.store import Store


class QuizServiceError(Exception):
    """A user-facing problem: unknown pattern or difficulty, a bad answer."""


def _bank(bank: Bank | None) -> Bank:
    return bank_or_load(bank, QuizServiceError)


def pattern(pattern_id: str, bank: Bank | None = None) -> Pattern:
    b = _bank(bank)
    try:
        return b.pattern(pattern_id)
    except KeyError:
        valid = ", ".join(p.id for p in b.patterns)
        raise QuizServiceError(f"no pattern {pattern_id!r}; use one of: {valid}") from None


@dataclass
class QuizSession:
    """A :class:`QuizRun` whose answers go to the store as they are given."""

    run: QuizRun
    attempt_id: int

    def answer(self, chosen: int, *, store: Store | None = None) -> QuizFeedback:
        try:
            fb = self.run.answer(chosen)
        except QuizError as e:
            raise QuizServiceError(str(e)) from None
        with store_scope(store) as s:
            s.prep.record_quiz_answer(
                self.attempt_id,
                fb.item.id,
                difficulty=fb.item.difficulty,
                chosen=fb.chosen,
                correct=fb.correct,
                hint_used=fb.hint_used,
            )
            if self.run.done:
                s.prep.finish_quiz(self.attempt_id)
        return fb


def start(
    pattern_id: str,
    difficulty: str | None = None,
    *,
    bank: Bank | None = None,
    store: Store | None = None,
) -> QuizSession:
    p = pattern(pattern_id, bank)
    try:
        run = QuizRun.start(p, difficulty)
    except QuizError as e:
        raise QuizServiceError(str(e)) from None
    with store_scope(store) as s:
        attempt = s.prep.begin_quiz(p.id, difficulty=difficulty, total=len(run.items))
    return QuizSession(run, attempt)


def standings(*, bank: Bank | None = None, store: Store | None = None) -> list[Standing]:
    """How every pattern stands, in the bank's order."""
    b = _bank(bank)
    with store_scope(store) as s:
        attempts = s.prep.quiz_attempts()
    by_pattern: dict[str, list[AttemptScore]] = {}
    for a in attempts:
        by_pattern.setdefault(a.pattern_id, []).append(
            AttemptScore(a.correct, a.total, a.finished, a.started_at)
        )
    return [standing(p.id, by_pattern.get(p.id, ())) for p in b.patterns]
