"""Written stories: analysis with typed parts, key points, and coverage by a spoken answer."""

from __future__ import annotations

import pytest

from mockloop.core.content import Bank, load_bank
from mockloop.core.model import PARTS, Part
from mockloop.core.story import (
    StoryParts,
    analyze_story,
    coverage,
    key_points,
    parse_story_text,
    spoken_numbers,
)
from mockloop.core.timing import ESTIMATED_WPM, estimated_seconds


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def _pattern_story(bank: Bank, pid: str) -> StoryParts:
    p = bank.pattern(pid)
    return StoryParts.from_mapping({x.part.value: x.example for x in p.parts})


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("a $1.8 million renewal", 1.8e6, "$"),
        ("12,000 employees", 12000, None),
        ("twelve thousand employees", 12000, None),
        ("one point eight million dollars", 1.8e6, "$"),
        ("cut it by forty percent", 40, "%"),
        ("from 45 minutes", 45, "min"),
        ("about 300 a week", 300, None),
        ("a 2.5x speedup", 2.5, "x"),
    ],
)
def test_spoken_numbers_read_values(text: str, value: float, unit: str | None) -> None:
    found = spoken_numbers(text)
    assert [(n.value, n.unit) for n in found] == [(pytest.approx(value), unit)]


@pytest.mark.parametrize("text", ["as an SDE2 on the team", "live by March 31", "one of them", "an L5"])
def test_labels_and_everyday_words_are_not_numbers(text: str) -> None:
    assert spoken_numbers(text) == []


def test_typed_parts_are_the_report_parts_and_time_is_estimated(bank: Bank) -> None:
    story = _pattern_story(bank, "commitment-at-risk")
    report = analyze_story(story, principle="deliver-results", bank=bank)
    assert [p.part for p in report.parts] == list(PARTS)
    for pr in report.parts:
        typed = " ".join(story.text_of(pr.part).split())
        assert pr.text.rstrip(".") == typed.rstrip(".")
        assert pr.duration_s == pytest.approx(estimated_seconds(len(typed.split())), rel=0.02)
    assert report.verdict.value == "strong"


def test_a_missing_part_is_flagged_and_an_assigned_start_is_caught(bank: Bank) -> None:
    story = StoryParts(
        situation="Our deploys failed twice a week.",
        task="My manager asked me to look into it.",
        action="We looked at the logs and we fixed the config.",
    )
    report = analyze_story(story, principle="ownership", bank=bank)
    codes = set(report.flag_codes())
    assert {"part_missing", "no_reflection", "manager_assigned", "no_metrics"} <= codes
    assert [p.part for p in report.parts] == [Part.SITUATION, Part.TASK, Part.ACTION]
    assert report.verdict.value != "strong"


def test_estimated_seconds_uses_the_interview_pace() -> None:
    assert estimated_seconds(len(("word " * 150).split())) == pytest.approx(60.0 * 150 / ESTIMATED_WPM)


def test_key_points_hold_numbers_and_actions(bank: Bank) -> None:
    points = key_points(_pattern_story(bank, "commitment-at-risk"))
    numbers = [k for k in points if k.kind == "number"]
    actions = [k for k in points if k.kind == "action"]
    assert {k.value for k in numbers} >= {12000, 1.8e6, 300}
    assert all(k.part is Part.ACTION for k in actions)
    assert any("conformance test" in k.text for k in actions)
    assert all(len(k.terms) >= 2 for k in actions)


def test_the_whole_story_spoken_covers_every_key_point(bank: Bank) -> None:
    for pattern in bank.patterns:
        story = _pattern_story(bank, pattern.id)
        cov = coverage(key_points(story), pattern.strong_answer())
        assert cov.missed == (), (pattern.id, [k.text for k in cov.missed])


def test_leaving_out_the_result_leaves_out_its_numbers(bank: Bank) -> None:
    pattern = bank.pattern("commitment-at-risk")
    story = _pattern_story(bank, pattern.id)
    spoken = " ".join(p.example for p in pattern.parts if p.part is not Part.RESULT)
    cov = coverage(key_points(story), spoken)
    assert cov.missed and all(k.part is Part.RESULT for k in cov.missed)
    assert 0 < cov.share < 1


def test_a_different_story_covers_almost_nothing(bank: Bank) -> None:
    story = _pattern_story(bank, "commitment-at-risk")
    other = bank.pattern("root-cause-deep-dive").strong_answer()
    assert coverage(key_points(story), other).share < 0.2


def test_whisper_style_numbers_and_paraphrased_actions_count() -> None:
    story = StoryParts(
        action="I added a circuit breaker around the fraud check. I wrote a runbook for on-call.",
        result="Timeouts fell from 4% to 0.3%, saving $18,000 a week.",
    )
    spoken = (
        "So I put a circuit breaker in front of the fraud check service, and timeouts went "
        "from four percent down to 0.3 percent, which saved about eighteen thousand dollars a week."
    )
    cov = coverage(key_points(story), spoken)
    said = {k.text for k in cov.said}
    assert any("circuit breaker" in t for t in said)
    assert {k.value for k in cov.said if k.kind == "number"} == {4, 0.3, 18000}
    assert [k.kind for k in cov.missed] == ["action"]  # the runbook was never mentioned


def test_parse_story_text_headings() -> None:
    parts = parse_story_text(
        "**SITUATION:** Builds were slow.\nIt hurt.\n## Task\nI owned the fix.\n"
        "Action - I cached the deps.\nResults: 40% faster.\nLessons learned: measure first."
    )
    assert parts == StoryParts(
        situation="Builds were slow. It hurt.",
        task="I owned the fix.",
        action="I cached the deps.",
        result="40% faster.",
        reflection="measure first.",
    )
    assert parse_story_text("no headings at all").situation == "no headings at all"


def test_asr_split_decimals_and_garbled_words_still_match() -> None:
    story = StoryParts(
        action="I rewrote the retry policy with jittered backoff.",
        result="Timeouts fell from 4% to 0.3% of orders.",
    )
    spoken = "Then I wrote the retry policy with jiddard backup. Time out fell from 4 % to 0 .3 % on orders."
    cov = coverage(key_points(story), spoken)
    assert cov.missed == ()
    assert coverage(key_points(story), "I wrote a policy doc.").share == 0.0
