"""The preparation records beside the sessions: stories, self-check answers, quiz attempts.

Reached as ``store.prep`` (same connection, same thread rules as :class:`~mockloop.store.Store`).
Every write is its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockloop.core.model import PARTS
from mockloop.core.story import Coverage, StoryParts, coverage, key_points
from mockloop.store.errors import NotFoundError, StoreError
from mockloop.store.records import now_ms

if TYPE_CHECKING:
    from mockloop.store.db import Store

SELF_CHECK_ANSWERS = ("yes", "no", "unsure")


@dataclass(frozen=True, slots=True)
class StoryRecord:
    id: int
    principle: str
    title: str
    parts: StoryParts
    created_at: int
    updated_at: int
    question_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "principle": self.principle,
            "title": self.title,
            "parts": self.parts.to_dict(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "question_ids": list(self.question_ids),
        }


@dataclass(frozen=True, slots=True)
class QuizAnswerRecord:
    item_id: str
    difficulty: str
    chosen: int
    correct: bool
    hint_used: bool
    answered_at: int


@dataclass(frozen=True, slots=True)
class QuizAttemptRecord:
    id: int
    pattern_id: str
    difficulty: str | None
    started_at: int
    finished_at: int | None
    correct: int
    answered: int
    total: int
    answers: tuple[QuizAnswerRecord, ...] = field(default=())

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


class PrepStore:
    def __init__(self, store: Store) -> None:
        self._s = store

    # ------------------------------------------------------------------ stories

    def add_story(
        self,
        principle: str,
        title: str,
        parts: StoryParts,
        *,
        question_ids: Iterable[str] = (),
    ) -> int:
        title = title.strip()
        if not title:
            raise StoreError("a story needs a title")
        now = now_ms()
        with self._s.db.atomic():
            sid = self._s._insert(
                "stories",
                {"principle": principle, "title": title, **parts.to_dict(),
                 "created_at": now, "updated_at": now},
            )  # fmt: skip
            for qid in dict.fromkeys(question_ids):
                self._s.db.execute(
                    "INSERT OR IGNORE INTO story_links (story_id, question_id) VALUES (?, ?)",
                    [sid, qid],
                )
        return sid

    def update_story(
        self,
        story_id: int,
        *,
        principle: str | None = None,
        title: str | None = None,
        parts: Mapping[str, str] | None = None,
    ) -> StoryRecord:
        """Change some fields; ``parts`` may hold just the parts being edited."""
        changes: dict[str, Any] = {}
        if principle is not None:
            changes["principle"] = principle
        if title is not None:
            if not title.strip():
                raise StoreError("a story needs a title")
            changes["title"] = title.strip()
        for name, text in (parts or {}).items():
            if name not in {p.value for p in PARTS}:
                raise StoreError(f"no STAR part {name!r}")
            changes[name] = text.strip()
        self.story(story_id)  # NotFoundError before any write
        if changes:
            changes["updated_at"] = now_ms()
            cols = ", ".join(f"{k} = ?" for k in changes)
            with self._s.db.atomic():
                self._s.db.execute(
                    f"UPDATE stories SET {cols} WHERE id = ?", [*changes.values(), story_id]
                )
        return self.story(story_id)

    def delete_story(self, story_id: int) -> None:
        self.story(story_id)
        with self._s.db.atomic():  # story_links go with it (ON DELETE CASCADE)
            self._s.db.execute("DELETE FROM stories WHERE id = ?", [story_id])

    def link(self, story_id: int, question_id: str) -> None:
        self.story(story_id)
        with self._s.db.atomic():
            self._s.db.execute(
                "INSERT OR IGNORE INTO story_links (story_id, question_id) VALUES (?, ?)",
                [story_id, question_id],
            )

    def unlink(self, story_id: int, question_id: str) -> bool:
        with self._s.db.atomic():
            cur = self._s.db.execute(
                "DELETE FROM story_links WHERE story_id = ? AND question_id = ?",
                [story_id, question_id],
            )
        return bool(cur.rowcount)

    def story(self, story_id: int) -> StoryRecord:
        row = self._s._one("SELECT * FROM stories WHERE id = ?", [story_id])
        if row is None:
            raise NotFoundError("story", f"#{story_id}")
        return self._story(row, self._links([story_id]).get(story_id, ()))

    def stories(self, *, principle: str | None = None) -> list[StoryRecord]:
        sql, params = "SELECT * FROM stories", []
        if principle is not None:
            sql += " WHERE principle = ?"
            params.append(principle)
        rows = self._s._rows(sql + " ORDER BY principle, updated_at DESC, id DESC", params)
        links = self._links([r["id"] for r in rows])
        return [self._story(r, links.get(r["id"], ())) for r in rows]

    def stories_for_question(self, question_id: str) -> list[StoryRecord]:
        rows = self._s._rows(
            "SELECT s.* FROM stories s JOIN story_links l ON l.story_id = s.id"
            " WHERE l.question_id = ? ORDER BY s.id",
            [question_id],
        )
        links = self._links([r["id"] for r in rows])
        return [self._story(r, links.get(r["id"], ())) for r in rows]

    def linked_coverage(self, question_id: str | None, spoken: str) -> list[tuple[StoryRecord, Coverage]]:
        """Each story linked to the question that has key points, and which of them ``spoken``
        contains: the one place reports, ``sessions show`` and exports get story coverage."""
        if not question_id or not spoken.strip():
            return []
        out = []
        for st in self.stories_for_question(question_id):
            points = key_points(st.parts)
            if points:
                out.append((st, coverage(points, spoken)))
        return out

    def story_counts(self) -> dict[str, int]:
        return {
            r["principle"]: r["n"]
            for r in self._s._query(
                "SELECT principle, COUNT(*) AS n FROM stories GROUP BY principle"
            )
        }

    def _links(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        out: dict[int, list[str]] = {}
        for r in self._s._query(
            f"SELECT story_id, question_id FROM story_links WHERE story_id IN ({marks})"
            " ORDER BY question_id",
            list(ids),
        ):
            out.setdefault(r["story_id"], []).append(r["question_id"])
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _story(row: Mapping[str, Any], links: tuple[str, ...]) -> StoryRecord:
        return StoryRecord(
            id=row["id"],
            principle=row["principle"],
            title=row["title"],
            parts=StoryParts.from_mapping({p.value: row[p.value] for p in PARTS}),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            question_ids=links,
        )

    # ------------------------------------------------------------------ self-check

    def set_self_check(self, principle: str, item: str, answer: str | None) -> None:
        """Record yes/no/unsure for one checklist item; ``None`` clears it."""
        if answer is not None and answer not in SELF_CHECK_ANSWERS:
            raise StoreError(f"a self-check answer is one of {', '.join(SELF_CHECK_ANSWERS)}")
        with self._s.db.atomic():
            if answer is None:
                self._s.db.execute(
                    "DELETE FROM self_checks WHERE principle = ? AND item = ?", [principle, item]
                )
            else:
                self._s.db.execute(
                    "INSERT INTO self_checks (principle, item, answer, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (principle, item)"
                    " DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
                    [principle, item, answer, now_ms()],
                )

    def self_checks(self, principle: str | None = None) -> dict[str, dict[str, str]]:
        """principle -> {item text: answer}."""
        sql, params = "SELECT principle, item, answer FROM self_checks", []
        if principle is not None:
            sql += " WHERE principle = ?"
            params.append(principle)
        out: dict[str, dict[str, str]] = {}
        for r in self._s._query(sql, params):
            out.setdefault(r["principle"], {})[r["item"]] = r["answer"]
        return out

    # ------------------------------------------------------------------ quiz

    def begin_quiz(self, pattern_id: str, *, difficulty: str | None, total: int) -> int:
        with self._s.db.atomic():
            return self._s._insert(
                "quiz_attempts",
                {"pattern_id": pattern_id, "difficulty": difficulty, "started_at": now_ms(),
                 "total": total},
            )  # fmt: skip

    def record_quiz_answer(
        self,
        attempt_id: int,
        item_id: str,
        *,
        difficulty: str,
        chosen: int,
        correct: bool,
        hint_used: bool,
    ) -> None:
        """One answer, written as it is given: a quiz abandoned halfway keeps what was answered."""
        with self._s.db.atomic():
            self._s.db.execute(
                "INSERT OR REPLACE INTO quiz_answers (attempt_id, item_id, difficulty, chosen,"
                " correct, hint_used, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [attempt_id, item_id, difficulty, chosen, int(correct), int(hint_used), now_ms()],
            )
            self._s.db.execute(
                "UPDATE quiz_attempts SET"
                " correct = (SELECT COALESCE(SUM(correct), 0) FROM quiz_answers"
                "            WHERE attempt_id = ?),"
                " answered = (SELECT COUNT(*) FROM quiz_answers WHERE attempt_id = ?)"
                " WHERE id = ?",
                [attempt_id, attempt_id, attempt_id],
            )

    def finish_quiz(self, attempt_id: int) -> QuizAttemptRecord:
        with self._s.db.atomic():
            self._s.db.execute(
                "UPDATE quiz_attempts SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                [now_ms(), attempt_id],
            )
        return self.quiz_attempt(attempt_id)

    def quiz_attempt(self, attempt_id: int) -> QuizAttemptRecord:
        row = self._s._one("SELECT * FROM quiz_attempts WHERE id = ?", [attempt_id])
        if row is None:
            raise NotFoundError("quiz attempt", f"#{attempt_id}")
        answers = tuple(
            QuizAnswerRecord(
                item_id=r["item_id"],
                difficulty=r["difficulty"],
                chosen=r["chosen"],
                correct=bool(r["correct"]),
                hint_used=bool(r["hint_used"]),
                answered_at=r["answered_at"],
            )
            for r in self._s._query(
                "SELECT * FROM quiz_answers WHERE attempt_id = ? ORDER BY answered_at, item_id",
                [attempt_id],
            )
        )
        return _quiz_record(row, answers)

    def quiz_attempts(self, pattern_id: str | None = None) -> list[QuizAttemptRecord]:
        """Attempts with at least one answer, newest first."""
        sql, params = "SELECT * FROM quiz_attempts WHERE answered > 0", []
        if pattern_id is not None:
            sql += " AND pattern_id = ?"
            params.append(pattern_id)
        return [
            _quiz_record(r, ())
            for r in self._s._query(sql + " ORDER BY started_at DESC, id DESC", params)
        ]


def _quiz_record(
    row: Mapping[str, Any], answers: tuple[QuizAnswerRecord, ...]
) -> QuizAttemptRecord:
    return QuizAttemptRecord(
        id=row["id"],
        pattern_id=row["pattern_id"],
        difficulty=row["difficulty"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        correct=row["correct"],
        answered=row["answered"],
        total=row["total"],
        answers=answers,
    )
