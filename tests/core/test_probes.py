"""Probe answers are scored against the probe's intent, with the same flag format."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockloop.core.analyze import analyze
from mockloop.core.content import Probe, load_bank
from mockloop.core.model import Transcript, Verdict

SEED = yaml.safe_load((Path(__file__).parent / "data" / "seed_strong.yaml").read_text())


def _probe(kind: str) -> Probe:
    return Probe(
        "test-probe", "tb-scaled-beyond-scope", "A follow-up?", kind, "intent", "w", "ww", "s", "sw"
    )


@pytest.mark.parametrize("case", SEED["probes"], ids=[c["kind"] for c in SEED["probes"]])
def test_seed_probe_answers(case: dict[str, str]) -> None:
    probe = _probe(case["kind"])
    weak = analyze(Transcript(text=case["weak"]), probe=probe)
    strong = analyze(Transcript(text=case["strong"]), probe=probe)
    assert weak.verdict is Verdict.WEAK, weak.flag_codes()
    assert strong.verdict is Verdict.STRONG, (strong.flag_codes(), strong.scores)
    assert (weak.scores.intent or 0) < (strong.scores.intent or 0)
    assert weak.flags, "a weak probe answer must say what is missing"
    assert weak.probe is not None and weak.probe.kind == case["kind"]
    assert weak.parts == ()


def test_influence_routing_is_a_handoff_disqualifier() -> None:
    r = analyze(
        Transcript(text="I pinged their lead on chat and they took it from there."),
        probe=_probe("influence"),
    )
    assert "handoff" in r.flag_codes()
    assert r.flags[0].severity.value == "disqualifier"


def test_every_content_probe_weak_scores_below_its_strong() -> None:
    """The bank's own weak/strong probe answers: the analyzer must rank them the right way round."""
    bank = load_bank()
    total = wrong = 0
    misses: list[str] = []
    for q in bank.questions:
        for p in q.probes:
            weak = analyze(Transcript(text=p.weak), probe=p, bank=bank)
            strong = analyze(Transcript(text=p.strong), probe=p, bank=bank)
            total += 1
            order = {Verdict.WEAK: 0, Verdict.MIXED: 1, Verdict.STRONG: 2}
            if not (
                order[weak.verdict] < order[strong.verdict]
                or (weak.scores.intent or 0) < (strong.scores.intent or 0)
            ):
                wrong += 1
                misses.append(
                    f"{p.id} ({p.kind}) weak={weak.verdict.value}/{weak.scores.intent} strong={strong.verdict.value}/{strong.scores.intent}"
                )
    assert total >= 200
    # Rules are heuristics; demand they rank at least 97% of the written pairs correctly.
    assert wrong <= total * 0.03, "\n".join(misses)


def test_bank_probe_answers_get_the_verdict_they_were_written_for() -> None:
    bank = load_bank()
    pairs = [
        (
            p,
            analyze(Transcript(text=p.weak), probe=p, bank=bank),
            analyze(Transcript(text=p.strong), probe=p, bank=bank),
        )
        for q in bank.questions
        for p in q.probes
    ]
    weak_ok = sum(w.verdict is Verdict.WEAK for _, w, _ in pairs)
    strong_ok = sum(s.verdict is Verdict.STRONG for _, _, s in pairs)
    assert weak_ok >= 0.9 * len(pairs), weak_ok
    assert strong_ok >= 0.85 * len(pairs), strong_ok
