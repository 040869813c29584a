"""Per-part time against targets, pace and pauses.

Timed words give real start/end seconds. Typed text has no clock, so its spoken length is
estimated at a typical interview pace (150 words a minute).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from mockloop.core.model import PARTS, Part, PartReport, Transcript
from mockloop.core.text import Token

ESTIMATED_WPM = 150.0
SHORT_RATIO = 0.4
LONG_RATIO = 1.5
LONG_PAUSE_S = 2.0
#: Overall pace outside this band gets a delivery flag.
PACE_BAND_WPM = (110.0, 185.0)


def estimated_seconds(n_words: int, wpm: float = ESTIMATED_WPM) -> float:
    """How long ``n_words`` take to say at a steady interview pace (typed text has no clock)."""
    return n_words / wpm * 60.0


def status_for(duration_s: float, target_s: float) -> str:
    if target_s <= 0:
        return "ok"
    ratio = duration_s / target_s
    if ratio < SHORT_RATIO:
        return "short"
    if ratio > LONG_RATIO:
        return "long"
    return "ok"


def _runs(token_parts: Sequence[Part], part: Part) -> list[tuple[int, int]]:
    """Contiguous token index ranges (inclusive) labelled ``part``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, p in enumerate(token_parts):
        if p is part and start is None:
            start = i
        elif p is not part and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(token_parts) - 1))
    return runs


def part_reports(
    tokens: Sequence[Token],
    token_parts: Sequence[Part],
    text: str,
    targets: Mapping[Part, float],
) -> list[PartReport]:
    """One report per part present, in STAR order; missing parts are left out."""
    timed = bool(tokens) and tokens[0].start_s is not None
    out: list[PartReport] = []
    for part in PARTS:
        runs = _runs(token_parts, part)
        if not runs:
            continue
        ptext = " ".join(text[tokens[a].start_char : tokens[b].end_char] for a, b in runs)
        n_words = sum(b - a + 1 for a, b in runs)
        start_s: float | None = None
        end_s: float | None = None
        wpm: float | None = None
        if timed:
            duration = 0.0
            for a, b in runs:
                run_start = tokens[a].start_s or 0.0
                # A part lasts until the next part begins, so the pause between them counts
                # as time spent on this part (the candidate was still "in" it).
                nxt = b + 1
                run_end = (
                    tokens[nxt].start_s if nxt < len(tokens) else tokens[b].end_s
                ) or run_start
                duration += max(0.0, run_end - run_start)
                start_s = run_start if start_s is None else start_s
                end_s = run_end
            wpm = n_words / duration * 60.0 if duration >= 3.0 else None
        else:
            duration = estimated_seconds(n_words)
        target = targets[part]
        out.append(
            PartReport(
                part=part,
                text=ptext,
                start_s=start_s,
                end_s=end_s,
                duration_s=duration,
                target_s=target,
                status=status_for(duration, target),
                wpm=wpm,
            )
        )
    return out


def overall_wpm(tokens: Sequence[Token]) -> float | None:
    if len(tokens) < 2 or tokens[0].start_s is None or tokens[-1].end_s is None:
        return None
    span = tokens[-1].end_s - tokens[0].start_s
    return len(tokens) / span * 60.0 if span >= 3.0 else None


def long_pauses(transcript: Transcript, tokens: Sequence[Token]) -> int | None:
    """Silences of at least LONG_PAUSE_S inside the answer (VAD pauses if known, else gaps)."""
    if not tokens or tokens[0].start_s is None:
        return None
    first = tokens[0].start_s
    last = tokens[-1].end_s or first
    if transcript.pauses is not None:
        return sum(
            1
            for a, b in transcript.pauses
            if b - a >= LONG_PAUSE_S and a >= first - 0.05 and b <= last + 0.05
        )
    return sum(
        1
        for prev, cur in itertools.pairwise(tokens)
        if prev.end_s is not None
        and cur.start_s is not None
        and cur.start_s - prev.end_s >= LONG_PAUSE_S
    )


def total_duration(parts: Sequence[PartReport], transcript: Transcript) -> float:
    if transcript.timed and parts:
        starts = [p.start_s for p in parts if p.start_s is not None]
        ends = [p.end_s for p in parts if p.end_s is not None]
        if starts and ends:
            return max(ends) - min(starts)
    return sum(p.duration_s for p in parts)
