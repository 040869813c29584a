"""The analyzer on whole answers: our own, the seed's, and every pattern's strong and weak answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockloop.core.analyze import analyze
from mockloop.core.content import load_bank
from mockloop.core.model import PARTS, Part, Transcript, Verdict

DATA = Path(__file__).parent / "data"
ANSWERS: list[dict[str, Any]] = yaml.safe_load((DATA / "answers.yaml").read_text())
SEED = yaml.safe_load((DATA / "seed_strong.yaml").read_text())


@pytest.mark.parametrize("case", ANSWERS, ids=[a["id"] for a in ANSWERS])
def test_own_and_seed_answers(case: dict[str, Any]) -> None:
    report = analyze(Transcript(text=case["text"]))
    codes = report.flag_codes()
    assert report.verdict.value == case["verdict"], (codes, report.scores)
    for code in case.get("flags", []):
        assert code in codes, f"expected {code} in {codes}"
    for code in case.get("not_flags", []):
        assert code not in codes, (
            f"did not expect {code}: {[f for f in report.flags if f.code == code]}"
        )
    for part_name, first_words in (case.get("parts") or {}).items():
        part = report.part(Part(part_name))
        assert part is not None, f"{part_name} missing"
        assert part.text.startswith(first_words), (part_name, part.text[:60])


def test_parts_cover_the_whole_transcript_in_order() -> None:
    for case in ANSWERS:
        report = analyze(Transcript(text=case["text"]))
        order = [p.part.order for p in report.parts]
        assert order == sorted(order)
        assert " ".join(" ".join(p.text for p in report.parts).split()) == " ".join(
            case["text"].split()
        )


def test_seed_strong_example_is_split_exactly_and_strong() -> None:
    text = " ".join(SEED[p.value].strip() for p in PARTS)
    report = analyze(Transcript(text=text), question=load_bank().question("tb-scaled-beyond-scope"))
    for p in PARTS:
        got = report.part(p)
        assert got is not None and " ".join(got.text.split()) == " ".join(SEED[p.value].split()), p
    assert report.verdict is Verdict.STRONG, report.flag_codes()
    s = report.signals
    assert s.i_count >= 6 and s.we_count == 0
    assert s.scope_boundary and s.metric_delta and s.business_impact and s.second_order
    assert s.specific_reflection
    units = {n.unit for n in s.numbers}
    assert "%" in units and "$" in units


@pytest.mark.parametrize("pattern_id", [p.id for p in load_bank().patterns])
def test_pattern_strong_answer_is_strong_and_split_at_its_parts(pattern_id: str) -> None:
    bank = load_bank()
    pat = bank.pattern(pattern_id)
    report = analyze(Transcript(text=pat.strong_answer()), question=pat.question, bank=bank)
    assert report.verdict is Verdict.STRONG, [(f.code, f.quote) for f in report.flags]

    # Where each part starts, in sentences: the truth from the pattern, the guess from the report.
    def starts(texts: list[str]) -> list[int]:
        out, n = [], 0
        for t in texts:
            out.append(n)
            n += len(re.findall(r"[.!?](?:\s|$)", t.strip() + " "))
        return out

    truth = starts([p.example for p in pat.parts])
    assert [p.part for p in report.parts] == list(PARTS), [p.part for p in report.parts]
    guess = starts([p.text for p in report.parts])
    # Each boundary within one sentence of the truth, and most of them exact.
    assert all(abs(a - b) <= 1 for a, b in zip(truth, guess, strict=True)), (truth, guess)
    assert sum(a == b for a, b in zip(truth, guess, strict=True)) >= 4, (truth, guess)
    for part in pat.parts:
        for phrase in part.key_phrases:
            assert phrase.lower() in report.transcript.lower()


@pytest.mark.parametrize("pattern_id", [p.id for p in load_bank().patterns])
def test_pattern_weak_answer_is_weak_with_its_faults(pattern_id: str) -> None:
    bank = load_bank()
    pat = bank.pattern(pattern_id)
    report = analyze(Transcript(text=pat.weak_answer.text), question=pat.question, bank=bank)
    assert report.verdict is Verdict.WEAK, [(f.code, f.quote) for f in report.flags]
    codes = set(report.flag_codes())
    # Each weak answer is written to be unquantified and to end on a platitude or nothing.
    assert codes & {"no_metrics", "no_delta", "no_business_impact"}
    assert codes & {"generic_reflection", "no_reflection"}
    # Every flagged phrase that names a known fault is caught by the matching rule.
    text = pat.weak_answer.text.lower()
    if "manager asked me" in text or "i was asked to" in text:
        assert "manager_assigned" in codes or bank.principle(pat.principle).initiative == "neutral"
    if "we collectively" in text or "figured it out together" in text:
        assert "we_language" in codes
    if "and they handled it" in text or "they took it from there" in text:
        assert "handoff" in codes


def test_each_flag_has_advice_quote_and_valid_part() -> None:
    for case in ANSWERS:
        for f in analyze(Transcript(text=case["text"])).flags:
            assert f.advice
            assert f.code in {
                "manager_assigned", "we_language", "handoff", "no_scope_boundary", "no_metrics",
                "no_delta", "no_business_impact", "generic_reflection", "no_reflection",
                "part_missing", "part_long", "part_short", "over_time", "filler_heavy", "hedging",
                "repetition", "pace_fast", "pace_slow", "long_pauses",
            }  # fmt: skip
            if f.code in ("manager_assigned", "we_language", "handoff", "generic_reflection"):
                assert f.quote and f.quote.lower() in " ".join(case["text"].split()).lower()
