"""Question picking for the practice combo boxes (the weighting lives in the core, shared
with `mockloop mock`)."""

from __future__ import annotations

import random

from mockloop.core.content import HIGH_PROBABILITY_WEIGHT as HIGH_WEIGHT
from mockloop.core.content import Bank, Question, pick_question

__all__ = ["HIGH_WEIGHT", "pick_random"]


def pick_random(bank: Bank, rng: random.Random | None = None) -> Question:
    return pick_question(bank, None, rng)
