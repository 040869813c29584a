"""A spoken answer (espeak-ng speech through the real Whisper model) against a linked story:
the report says which of the story's key points were said out loud and which were left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech_helpers import need_espeak

from mockloop.cli import main
from mockloop.services import stories
from mockloop.speech.synth import synthesize_answer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QID = "own-fixed-unowned-problem"


def test_spoken_answer_shows_said_and_left_out_story_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_espeak()
    stories.add_story(
        "ownership",
        "Checkout timeouts",
        {
            "situation": "Checkout timed out for 4% of orders at peak, costing about $20,000 a week.",
            "task": "Nobody owned the timeout budget, so I took it on myself.",
            "action": "I traced the slow calls and found a retry storm in the payment client. "
            "I rewrote the retry policy with jittered backoff. "
            "I added a circuit breaker around the fraud check.",
            "result": "Timeouts fell from 4% to 0.3% of orders within two weeks.",
        },
        question_ids=[QID],
    )
    # The candidate forgets the circuit breaker and the cost.
    audio = synthesize_answer(
        [
            ("situation", "Our checkout timed out for four percent of orders at peak."),
            ("task", "Nobody owned the timeout budget, so I took it on myself."),
            ("action", "I traced the slow calls and found a retry storm in the payment client. "
                       "Then I rewrote the retry policy with jittered backoff."),
            ("result", "Timeouts fell from four percent to zero point three percent of orders."),
        ],
        tmp_path / "answer.wav",
    )
    assert main(["analyze", str(audio.path), "--question", QID]) == 0
    out = capsys.readouterr().out
    block = out.split("Your stories for this question")[1]
    # each point is one entry, wrapped over continuation lines
    entries = " ".join(block.split()).replace(" left out:", "\nleft out:").replace(" said:", "\nsaid:")
    said = "\n".join(e for e in entries.splitlines() if e.startswith("said:"))
    left = "\n".join(e for e in entries.splitlines() if e.startswith("left out:"))
    assert "retry policy" in said and "traced the slow calls" in said, block
    assert "0.3%" in said
    assert "circuit breaker" in left and "$20,000" in left
