"""Stories, self-check answers and quiz attempts in the store (schema v4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockloop.core.story import StoryParts
from mockloop.store import NotFoundError, Store, StoreError


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store.open(home=tmp_path)
    yield s
    s.close()


def test_story_round_trip_update_link_delete(store: Store, tmp_path: Path) -> None:
    parts = StoryParts(situation="S text", action="I did it.")
    sid = store.prep.add_story("ownership", "  Title ", parts, question_ids=["q1", "q1", "q2"])
    rec = store.prep.story(sid)
    assert (rec.title, rec.parts, rec.question_ids) == ("Title", parts, ("q1", "q2"))
    rec2 = store.prep.update_story(sid, parts={"result": " 40% faster "})
    assert rec2.parts.result == "40% faster" and rec2.parts.situation == "S text"
    assert rec2.updated_at >= rec.updated_at
    store.prep.link(sid, "q3")
    assert store.prep.unlink(sid, "q1") and not store.prep.unlink(sid, "q1")
    assert [s.id for s in store.prep.stories_for_question("q3")] == [sid]
    assert store.prep.story_counts() == {"ownership": 1}
    with pytest.raises(StoreError):
        store.prep.update_story(sid, parts={"epilogue": "x"})
    with pytest.raises(StoreError):
        store.prep.update_story(sid, title="  ")
    # survives reopening
    store.close()
    again = Store.open(home=tmp_path)
    assert again.prep.story(sid).question_ids == ("q2", "q3")
    again.prep.delete_story(sid)
    assert again.prep.stories() == []
    assert again.db.execute("SELECT COUNT(*) FROM story_links").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        again.prep.story(sid)
    again.close()


def test_self_check_answers_upsert_and_clear(store: Store) -> None:
    store.prep.set_self_check("ownership", "Ask questions?", "yes")
    store.prep.set_self_check("ownership", "Ask questions?", "unsure")
    store.prep.set_self_check("dive-deep", "Audit your work?", "no")
    assert store.prep.self_checks() == {
        "ownership": {"Ask questions?": "unsure"},
        "dive-deep": {"Audit your work?": "no"},
    }
    store.prep.set_self_check("ownership", "Ask questions?", None)
    assert store.prep.self_checks("ownership") == {}
    with pytest.raises(StoreError):
        store.prep.set_self_check("ownership", "Ask questions?", "maybe")


def test_quiz_answers_are_kept_as_given(store: Store) -> None:
    aid = store.prep.begin_quiz("p1", difficulty=None, total=3)
    store.prep.record_quiz_answer(aid, "q1", difficulty="easy", chosen=1, correct=True, hint_used=True)
    # abandoned here: the answer so far is kept, the attempt is unfinished
    half = store.prep.quiz_attempt(aid)
    assert (half.answered, half.correct, half.finished) == (1, 1, False)
    assert half.answers[0].hint_used
    store.prep.record_quiz_answer(aid, "q2", difficulty="medium", chosen=0, correct=False, hint_used=False)
    store.prep.record_quiz_answer(aid, "q3", difficulty="hard", chosen=2, correct=True, hint_used=False)
    done = store.prep.finish_quiz(aid)
    assert (done.answered, done.correct, done.finished) == (3, 2, True)
    assert done.share == pytest.approx(2 / 3)
    empty = store.prep.begin_quiz("p2", difficulty="easy", total=2)
    assert [a.id for a in store.prep.quiz_attempts()] == [aid]  # no answers: not listed
    assert store.prep.quiz_attempts("p2") == [] and empty
