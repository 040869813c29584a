"""A pattern's quiz, one question at a time, and how each pattern stands. Pure.

The CLI (``mockloop quiz``) and the app's Test tab both drive a :class:`QuizRun`; the service
layer writes each answer to the store as it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mockloop.core.content import Pattern, QuizItem

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
#: A quiz is passed at this share of correct answers (6 of 8).
PASS_SHARE = 0.75


def option_letter(index: int) -> str:
    """Options are shown lettered: the quiz's solution steps refer to them as A, B, C..."""
    return chr(ord("A") + index)


def percent(share: float | None) -> str:
    """A share correct as shown everywhere ("75%"; "-" before any finished attempt)."""
    return "-" if share is None else f"{round(share * 100)}%"


class QuizError(ValueError):
    """A quiz used wrongly: an unknown difficulty, an answer out of range, answering twice."""


def quiz_items(pattern: Pattern, difficulty: str | None = None) -> list[QuizItem]:
    """The pattern's quiz, easy first; ``difficulty`` keeps only that level."""
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise QuizError(f"difficulty is one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
    items = [q for q in pattern.quiz if difficulty in (None, q.difficulty)]
    return sorted(items, key=lambda q: DIFFICULTIES.index(q.difficulty))


@dataclass(frozen=True, slots=True)
class QuizFeedback:
    item: QuizItem
    chosen: int
    correct: bool
    hint_used: bool

    @property
    def answer_text(self) -> str:
        return self.item.options[self.item.answer]


@dataclass
class QuizRun:
    """One pass through a quiz: hint on request, solution steps after each answer, a score."""

    pattern_id: str
    items: Sequence[QuizItem]
    difficulty: str | None = None
    feedback: list[QuizFeedback] = field(default_factory=list)
    _hinted: bool = False

    @classmethod
    def start(cls, pattern: Pattern, difficulty: str | None = None) -> QuizRun:
        items = quiz_items(pattern, difficulty)
        if not items:
            raise QuizError(f"{pattern.id} has no {difficulty} questions")
        return cls(pattern.id, tuple(items), difficulty)

    @property
    def done(self) -> bool:
        return len(self.feedback) >= len(self.items)

    @property
    def index(self) -> int:
        """0-based position of the current question (== len(items) when done)."""
        return len(self.feedback)

    @property
    def current(self) -> QuizItem:
        if self.done:
            raise QuizError("the quiz is finished")
        return self.items[self.index]

    def hint(self) -> str:
        self._hinted = True
        return self.current.hint

    def answer(self, chosen: int) -> QuizFeedback:
        item = self.current
        if not 0 <= chosen < len(item.options):
            raise QuizError(f"choose an option from 1 to {len(item.options)}")
        fb = QuizFeedback(item, chosen, chosen == item.answer, self._hinted)
        self.feedback.append(fb)
        self._hinted = False
        return fb

    @property
    def correct(self) -> int:
        return sum(1 for f in self.feedback if f.correct)

    @property
    def share(self) -> float:
        return self.correct / len(self.items) if self.items else 0.0

    @property
    def passed(self) -> bool:
        return self.done and self.share >= PASS_SHARE

    def by_difficulty(self) -> dict[str, tuple[int, int]]:
        """difficulty -> (correct, asked) for the answers given so far."""
        out: dict[str, tuple[int, int]] = {}
        for f in self.feedback:
            c, n = out.get(f.item.difficulty, (0, 0))
            out[f.item.difficulty] = (c + int(f.correct), n + 1)
        return out


@dataclass(frozen=True, slots=True)
class AttemptScore:
    """What a stored attempt needs to say how a pattern stands."""

    correct: int
    total: int
    finished: bool
    started_at: int


@dataclass(frozen=True, slots=True)
class Standing:
    pattern_id: str
    attempts: int
    best: float | None  # share correct of the best finished attempt
    last: float | None  # share correct of the latest finished attempt
    status: str  # "not tried" | "weak" | "passed"

    @property
    def weak(self) -> bool:
        return self.status != "passed"


def standing(pattern_id: str, attempts: Iterable[AttemptScore]) -> Standing:
    """A pattern is passed when its latest finished attempt reached the pass mark."""
    finished = sorted((a for a in attempts if a.finished and a.total), key=lambda a: a.started_at)
    if not finished:
        return Standing(pattern_id, 0, None, None, "not tried")
    shares = [a.correct / a.total for a in finished]
    status = "passed" if shares[-1] >= PASS_SHARE else "weak"
    return Standing(pattern_id, len(finished), max(shares), shares[-1], status)
