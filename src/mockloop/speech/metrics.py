"""Word error rate: how far a transcript is from a reference (tests and benchmarks)."""

from __future__ import annotations

import re


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length (case and punctuation ignored)."""
    r = re.findall(r"[a-z']+", reference.lower())
    h = re.findall(r"[a-z']+", hypothesis.lower())
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)] / max(1, len(r))
