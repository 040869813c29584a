"""Question picking for the practice combo boxes."""

from __future__ import annotations

import random

from mockloop.core.content import Bank, Question

#: "Random (weighted to higher-probability)": principles the bank marks as asked more often get
#: this many times the chance of the others.
HIGH_WEIGHT = 3


def pick_random(bank: Bank, rng: random.Random | None = None) -> Question:
    rng = rng or random.Random()
    pool = [q for q in bank.questions]
    high = {p.id for p in bank.principles if p.higher_probability}
    weights = [HIGH_WEIGHT if q.principle in high else 1 for q in pool]
    return rng.choices(pool, weights=weights, k=1)[0]
