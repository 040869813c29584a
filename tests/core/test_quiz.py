"""A pattern's quiz run: order, hints, answers, score, and how a pattern stands."""

from __future__ import annotations

import pytest

from mockloop.core.content import load_bank
from mockloop.core.quiz import (
    DIFFICULTIES,
    PASS_SHARE,
    AttemptScore,
    QuizError,
    QuizRun,
    quiz_items,
    standing,
)


@pytest.fixture(scope="module")
def pattern():  # type: ignore[no-untyped-def]
    return load_bank().pattern("commitment-at-risk")


def test_items_run_easy_to_hard_and_filter(pattern) -> None:  # type: ignore[no-untyped-def]
    order = [DIFFICULTIES.index(q.difficulty) for q in quiz_items(pattern)]
    assert order == sorted(order) and len(order) == len(pattern.quiz)
    assert {q.difficulty for q in quiz_items(pattern, "hard")} == {"hard"}
    with pytest.raises(QuizError):
        quiz_items(pattern, "impossible")


def test_a_perfect_run_passes_and_hints_are_recorded(pattern) -> None:  # type: ignore[no-untyped-def]
    run = QuizRun.start(pattern)
    first = run.current
    assert run.hint() == first.hint
    fb = run.answer(first.answer)
    assert fb.correct and fb.hint_used and fb.item is first
    while not run.done:
        fb = run.answer(run.current.answer)
        assert fb.correct and not fb.hint_used
    assert run.correct == len(run.items) and run.passed
    with pytest.raises(QuizError):
        run.current  # noqa: B018


def test_wrong_answers_fail_and_out_of_range_is_refused(pattern) -> None:  # type: ignore[no-untyped-def]
    run = QuizRun.start(pattern)
    with pytest.raises(QuizError):
        run.answer(len(run.current.options))
    assert run.index == 0
    while not run.done:
        item = run.current
        fb = run.answer((item.answer + 1) % len(item.options))
        assert not fb.correct and fb.answer_text == item.options[item.answer]
    assert run.correct == 0 and not run.passed
    assert sum(n for _, n in run.by_difficulty().values()) == len(run.items)


def test_standing_follows_the_latest_finished_attempt() -> None:
    assert standing("p", []).status == "not tried"
    weak_then_pass = [AttemptScore(3, 8, True, 1), AttemptScore(8, 8, True, 2)]
    s = standing("p", weak_then_pass)
    assert (s.status, s.attempts, s.best, s.last) == ("passed", 2, 1.0, 1.0)
    pass_then_weak = [AttemptScore(8, 8, True, 1), AttemptScore(2, 8, True, 2)]
    assert standing("p", pass_then_weak).status == "weak"
    unfinished = [AttemptScore(8, 8, True, 1), AttemptScore(0, 8, False, 2)]
    assert standing("p", unfinished).status == "passed"
    edge = round(PASS_SHARE * 8)
    assert standing("p", [AttemptScore(edge, 8, True, 1)]).status == "passed"
    assert standing("p", [AttemptScore(edge - 1, 8, True, 1)]).status == "weak"
