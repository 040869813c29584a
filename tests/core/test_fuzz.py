"""Arbitrary text never crashes the analyzer, and its report always round-trips through JSON."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockloop.core.analyze import analyze
from mockloop.core.content import Probe
from mockloop.core.model import Report, Transcript, Word

_WORDS = st.sampled_from(
    [
        "I",
        "we",
        "my",
        "manager",
        "asked",
        "me",
        "Situation:",
        "Task:",
        "Action:",
        "Result:",
        "from",
        "5%",
        "to",
        "0",
        "by",
        "$3K",
        "teams",
        "adopted",
        "learned",
        "communication",
        "is",
        "important",
        ".",
        ",",
        "!",
        "?",
        "um",
        "uh",
        "like",
        "they",
        "handled",
        "it",
        "not",
        "my",
        "team",
        "no",
        "ticket",
        "\n",
        "zero",
        "one",
        "1,000",
        "0.3",
        "ms",
        "looking",
        "back",
        "next",
        "time",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=120).map(" ".join)))
def test_any_text(text: str) -> None:
    report = analyze(Transcript(text=text))
    data = json.loads(json.dumps(report.to_dict()))
    assert Report.from_dict(data).to_dict() == data
    probe = Probe("p", "q", "t", "tradeoff", "i", "w", "ww", "s", "sw")
    analyze(Transcript(text=text), probe=probe)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["I", "fixed", "it.", "we", "from", "5%", "to", "1%.", "learned", ""]),
            st.floats(0, 5, allow_nan=False),
        ),
        max_size=80,
    )
)
def test_any_timed_words(items: list[tuple[str, float]]) -> None:
    t = 0.0
    words = []
    for text, gap in items:
        words.append(Word(text, t, t + 0.3))
        t += 0.3 + gap
    report = analyze(Transcript.from_words(words, duration_s=t, source="live"))
    assert all(p.start_s is not None for p in report.parts)
