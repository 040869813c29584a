#!/usr/bin/env python3
"""Regenerate the bundled demo answer (assets/demo/answer.flac + answer.json) with espeak-ng.

The answer is spoken part by part so the JSON holds the true start of every STAR part; the demo
(`mockloop demo`) and the tests compare the detected part starts with these.

    .venv/bin/python scripts/make_demo_answer.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mockloop.speech.synth import synthesize_answer

QUESTION_ID = "tb-scaled-beyond-scope"
PRINCIPLE = "think-big"
QUESTION_TEXT = (
    "Tell me about a time you took a solution that started small and scaled it far beyond what "
    "it was originally meant to cover."
)

PARTS = [
    ("situation", "Last year I was a software engineer on the checkout team, and our merchants "
     "kept complaining about stale order statuses. About half a percent of shipment status "
     "webhooks never reached them. At two million webhooks a day, that was ten thousand stale "
     "orders every day."),
    ("task", "The webhooks came from another team's dispatcher, it was not my team's service, there was no ticket, and nobody had asked me to look "
     "at it. My goal was to find the cause and get it fixed anyway."),
    ("action", "I pulled a week of delivery logs and joined them with the merchant receipts. "
     "I traced the drops to connection resets that the dispatcher never retried. "
     "I reproduced the failure locally, wrote a retry with exponential backoff and a dead "
     "letter queue, and sent the other team a ready to merge pull request. "
     "Then I turned the fix into a shared library and added an alarm on the dead letter queue."),
    ("result", "Lost webhooks fell from half a percent to under one in a hundred thousand, and "
     "support tickets about stale orders dropped by about forty percent. "
     "Three other teams adopted the library within a quarter."),
    ("reflection", "What I learned is that nobody measured delivery from the receiver's side. "
     "Now I ask who checks that the other end actually got it."),
]


def main() -> int:
    out = Path(__file__).resolve().parents[1] / "assets" / "demo"
    ans = synthesize_answer(PARTS, out / "answer.flac", wpm=165)
    meta = ans.to_dict()
    meta["question_id"] = QUESTION_ID
    meta["principle"] = PRINCIPLE
    meta["question_text"] = QUESTION_TEXT
    meta["generator"] = "scripts/make_demo_answer.py (espeak-ng, voice en-us, 165 wpm)"
    (out / "answer.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"{ans.path}: {ans.duration_s:.1f} s; parts: "
          + ", ".join(f"{n} {s:.1f}s" for n, s, _ in ans.parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
