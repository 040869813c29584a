"""Split an answer into its STAR parts, sentence by sentence, in order.

Each sentence gets a score for each part from content cues (rules.SEGMENT_CUES), pronoun and
tense patterns, numbers and its position in the answer. A Viterbi pass then finds the best
labelling that never goes backwards (situation -> task -> action -> result -> reflection),
paying a price for each part it skips, so a part may be missing but the order always holds.
Explicit headings ("Situation: ...") are honoured as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mockloop.core.model import PARTS, Part
from mockloop.core.rules import compiled_cues
from mockloop.core.text import Sentence, Token, heading_part, normalize

#: Cumulative share of the answer at which each part is expected to end (targets 30/20/90/20/15).
_EXPECTED_END = (30 / 175, 50 / 175, 140 / 175, 160 / 175, 1.0)
_POSITION_WEIGHT = 4.0
#: Price of leaving a part out. Candidates often fold the task into the situation or stop
#: before a reflection; an answer without an action is rare, so skipping it costs most.
_SKIP_COST = {
    Part.SITUATION: 2.0,
    Part.TASK: 1.2,
    Part.ACTION: 3.0,
    Part.RESULT: 2.0,
    Part.REFLECTION: 1.2,
}
_NEG = -1e9

_I_SUBJECT = re.compile(r"\bi\b(?!')|\bi'(?:ve|d|ll)\b")
_WE_SUBJECT = re.compile(r"\bwe\b|\bwe'(?:ve|d|re|ll)\b")
_PAST_VERB = re.compile(
    r"\b(?:i|we) (?!noticed|realized|learned|wanted|needed|decided)"
    r"(?:\w+ed|built|wrote|ran|made|took|set|led|sent|brought)\b"
)
_PRESENT_GENERAL = re.compile(r"\b(?:is|are|matters|means|needs|helps)\b")
_NUMBER = re.compile(r"\d|\bpercent\b|\bzero\b")


@dataclass(frozen=True, slots=True)
class Segmentation:
    """One part label per sentence, and per token."""

    sentence_parts: tuple[Part, ...]
    token_parts: tuple[Part, ...]
    used_headings: bool


def sentence_scores(sentence: str) -> dict[Part, float]:
    """Content-cue score of one sentence for each part (position not included)."""
    s = normalize(sentence)
    scores = {p: 0.0 for p in PARTS}
    for part_name, cues in compiled_cues().items():
        part = Part(part_name)
        for rx, weight in cues:
            if rx.search(s):
                scores[part] += weight
    i_n = len(_I_SUBJECT.findall(s))
    we_n = len(_WE_SUBJECT.findall(s))
    if _PAST_VERB.search(s):
        scores[Part.ACTION] += 0.6
    if i_n == 0 and we_n == 0:
        # Third-person description reads as context or outcome, rarely as an action.
        scores[Part.SITUATION] += 0.4
        scores[Part.RESULT] += 0.4
        scores[Part.ACTION] -= 0.6
    if _NUMBER.search(s):
        scores[Part.RESULT] += 0.5
        scores[Part.SITUATION] += 0.2
    if _PRESENT_GENERAL.search(s) and i_n <= 1:
        scores[Part.REFLECTION] += 0.4
    return scores


def _position_prior(center: float) -> dict[Part, float]:
    """Penalty for a sentence at relative position ``center`` (0..1) being in each part."""
    out: dict[Part, float] = {}
    lo = 0.0
    for part, hi in zip(PARTS, _EXPECTED_END, strict=True):
        dist = 0.0 if lo <= center <= hi else min(abs(center - lo), abs(center - hi))
        out[part] = -_POSITION_WEIGHT * dist
        lo = hi
    return out


def segment(
    tokens: Sequence[Token], sentences: Sequence[Sentence], *, expected_tokens: int | None = None
) -> Segmentation:
    """Label sentences with parts. ``expected_tokens`` is for an answer still being spoken: the
    position prior then measures against the expected whole answer, not the words so far."""
    if not sentences:
        return Segmentation((), (), False)
    headings = [heading_part(s.text) for s in sentences]
    if any(headings):
        labels = _from_headings(headings)
        if labels is not None:
            return _expand(labels, sentences, len(tokens), used_headings=True)

    total_tokens = max(1, sum(s.size for s in sentences), expected_tokens or 0)
    emissions: list[dict[Part, float]] = []
    seen = 0
    for s in sentences:
        center = (seen + s.size / 2) / total_tokens
        seen += s.size
        cue = sentence_scores(s.text)
        prior = _position_prior(center)
        # Long sentences carry more evidence for their cues; scale gently.
        weight = 1.0 + min(1.0, math.log1p(s.size) / 4)
        emissions.append({p: cue[p] * weight + prior[p] for p in PARTS})
    labels = _viterbi(emissions, partial=expected_tokens is not None)
    return _expand(labels, sentences, len(tokens), used_headings=False)


def _viterbi(emissions: Sequence[Mapping[Part, float]], *, partial: bool = False) -> list[Part]:
    n, k = len(emissions), len(PARTS)
    score = [[_NEG] * k for _ in range(n)]
    back = [[0] * k for _ in range(n)]

    def skipped(a: int, b: int) -> float:
        """Cost of the parts strictly between index a and b."""
        return sum(_SKIP_COST[PARTS[x]] for x in range(a + 1, b))

    for j in range(k):
        score[0][j] = emissions[0][PARTS[j]] - skipped(-1, j)
    for i in range(1, n):
        for j in range(k):
            best, arg = _NEG, 0
            for prev in range(j + 1):
                cand = score[i - 1][prev] - skipped(prev, j)
                if cand > best:
                    best, arg = cand, prev
            score[i][j] = best + emissions[i][PARTS[j]]
            back[i][j] = arg
    # Ending early means the remaining parts are missing; the reflection is often missing.
    # A finished answer that stops early is missing its remaining parts (the reflection often
    # is); an answer still being spoken simply has not reached them yet.
    final = [score[n - 1][j] - (0.0 if partial else 0.6 * skipped(j, k)) for j in range(k)]
    j = max(range(k), key=lambda x: final[x])
    path = [j]
    for i in range(n - 1, 0, -1):
        j = back[i][j]
        path.append(j)
    path.reverse()
    return [PARTS[j] for j in path]


def _from_headings(headings: Sequence[str | None]) -> list[Part] | None:
    """Labels from explicit headings; sentences before the first heading get the part before it.

    Returns None when headings are too sparse to trust (fewer than two).
    """
    if sum(1 for h in headings if h) < 2:
        return None
    labels: list[Part] = []
    current: Part | None = None
    first = next(Part(h) for h in headings if h)
    for h in headings:
        if h:
            current = Part(h)
        labels.append(current if current is not None else PARTS[max(0, first.order - 1)])
    return labels


def _expand(
    labels: Sequence[Part], sentences: Sequence[Sentence], n_tokens: int, *, used_headings: bool
) -> Segmentation:
    token_parts: list[Part] = [Part.SITUATION] * n_tokens
    for label, s in zip(labels, sentences, strict=True):
        for t in range(s.first, s.last + 1):
            token_parts[t] = label
    return Segmentation(tuple(labels), tuple(token_parts), used_headings)


def _labels_by_position(
    positions: Sequence[float], marks: Mapping[Part, float], first: Part
) -> list[Part]:
    """Each position gets the part of the last mark at or before it (``first`` before any)."""
    ordered = sorted(marks.items(), key=lambda kv: kv[1])
    out: list[Part] = []
    for pos in positions:
        label = first
        for part, start in ordered:
            if start <= pos + 1e-6:
                label = part
        out.append(label)
    return out


def labels_from_offsets(tokens: Sequence[Token], part_offsets: Mapping[Part, int]) -> list[Part]:
    """Typed parts (part -> character offset where it starts) fix each word's part."""
    first = min(part_offsets.items(), key=lambda kv: kv[1])[0] if part_offsets else Part.SITUATION
    return _labels_by_position([t.start_char for t in tokens], part_offsets, first)


def labels_from_marks(tokens: Sequence[Token], part_starts: Mapping[Part, float]) -> list[Part]:
    """Manual marks (part -> start second) override detection, word by word."""
    times = [t.start_s if t.start_s is not None else 0.0 for t in tokens]
    return _labels_by_position(times, part_starts, Part.SITUATION)
