"""Learn steps from the real patterns, marks, and the Hear-it pace."""

from __future__ import annotations

import itertools

import pytest

from mockloop.core.content import load_bank
from mockloop.core.learn import (
    HEAR_IT_WPM,
    find_marks,
    hear_it_rate,
    learn_steps,
    spoken_words,
    step_for_part,
)
from mockloop.core.model import PARTS, Part


@pytest.mark.parametrize("pattern_id", [p.id for p in load_bank().patterns])
def test_every_pattern_walks_through_in_order(pattern_id: str) -> None:
    bank = load_bank()
    pat = bank.pattern(pattern_id)
    steps = learn_steps(pat, bank)
    kinds = [s.kind for s in steps]
    n_probes = len(pat.question.probes)
    assert kinds == ["overview"] + ["part"] * 5 + ["probe"] * n_probes + [
        "weak",
        "levels",
        "emphasis",
    ]
    assert [s.part for s in steps[1:6]] == list(PARTS)
    for s, pp in zip(steps[1:6], pat.parts, strict=True):
        assert s.target_s == pp.target_s and s.example == pp.example
        ex = s.sections[0]
        assert ex.text == pp.example
        marked = {ex.text[m.start : m.end].lower() for m in ex.marks}
        # every key phrase is marked at least once, and nothing else is
        assert marked == {k.lower() for k in pp.key_phrases}
        labels = [x.label for x in s.sections]
        assert "Coaching" in labels and "Common mistake" in labels
    weak = steps[-3].sections[0]
    assert weak.text == pat.weak_answer.text
    whys = {f.phrase.lower(): f.why for f in pat.weak_answer.flagged}
    assert {weak.text[m.start : m.end].lower(): m.note for m in weak.marks} == whys
    assert steps[-3].sections[1].text == pat.weak_answer.verdict
    levels = " ".join(x.label for x in steps[-2].sections)
    assert "SDE1" in levels and "SDE2" in levels and "Senior" in levels
    emph = steps[-1].sections
    assert len(emph) == 3 * len(pat.emphasis)
    assert emph[0].label.startswith("Told for ") and "-" not in emph[0].label.removeprefix(
        "Told for "
    )
    assert steps[0].sections[0].text == pat.question.text


def test_probe_steps_show_weak_strong_and_why() -> None:
    pat = load_bank().pattern("scaled-beyond-scope")
    steps = learn_steps(pat)
    probes = [s for s in steps if s.kind == "probe"]
    p = pat.question.probes[0]
    texts = [x.text for x in probes[0].sections]
    assert texts[:6] == [p.text, p.intent, p.weak, p.weak_why, p.strong, p.strong_why]
    assert probes[0].title == f"Probe 1 of {len(pat.question.probes)}"


def test_step_for_part() -> None:
    steps = learn_steps(load_bank().pattern("scaled-beyond-scope"))
    assert steps[step_for_part(steps, Part.ACTION)].part is Part.ACTION
    with pytest.raises(KeyError):
        step_for_part(steps[:2], Part.RESULT)


def test_marks_whole_words_case_insensitive_no_overlap() -> None:
    text = "I found it. Then I found more; AI founders were not I-found."
    marks = find_marks(text, ["I found", "found"], "key")
    spans = [text[m.start : m.end] for m in marks]
    # "AI founders" is not a whole word; "I-found" is
    assert spans == ["I found", "I found", "found"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(marks))
    m = find_marks("we did it. We Did It.", ["we did it"], "flag", ["group voice"])
    assert [(x.start, x.end, x.note) for x in m] == [(0, 9, "group voice"), (11, 20, "group voice")]
    assert find_marks("0.5% of calls", ["0.5%"], "key")[0].end == 4


def test_hear_it_rate_hits_the_target_or_clamps() -> None:
    text = " ".join(["word"] * 75)
    h = hear_it_rate(text, 30)
    assert h.rate_wpm == 150 and not h.clamped and h.estimated_s == pytest.approx(30.0)
    fast = hear_it_rate(text, 10)  # would need 450 wpm
    assert fast.rate_wpm == HEAR_IT_WPM[1] and fast.clamped
    assert fast.estimated_s == pytest.approx(75 / HEAR_IT_WPM[1] * 60)
    slow = hear_it_rate("Two words.", 30)
    assert slow.rate_wpm == HEAR_IT_WPM[0] and slow.clamped
    assert hear_it_rate("", 30).rate_wpm == HEAR_IT_WPM[0]


def test_numbers_count_as_more_spoken_words() -> None:
    assert spoken_words("about 0.5% of two million") == 6.0
    assert spoken_words("") == 0.0


def test_every_bundled_part_lands_inside_the_range() -> None:
    for pat in load_bank().patterns:
        for pp in pat.parts:
            h = hear_it_rate(pp.example, pp.target_s)
            assert HEAR_IT_WPM[0] <= h.rate_wpm <= HEAR_IT_WPM[1]
            if not h.clamped:
                assert h.estimated_s == pytest.approx(pp.target_s, rel=0.01)
