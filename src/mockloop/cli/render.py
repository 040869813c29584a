"""Plain-terminal rendering of a report: parts against targets, flags with quotes, verdict."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mockloop.core.model import PARTS, Report, Severity

if TYPE_CHECKING:
    from mockloop.services.stories import StoryCoverage

_COLOURS = {"strong": "32", "mixed": "33", "weak": "31", "disqualifier": "31", "warning": "33"}


def use_colour() -> bool:
    """ANSI styling only on a terminal, and never with NO_COLOR set."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _c(text: str, key: str) -> str:
    if not use_colour() or key not in _COLOURS:
        return text
    return f"\033[{_COLOURS[key]}m{text}\033[0m"


def _bar(duration: float, target: float, width: int = 24) -> str:
    """A bar scaled so the target is 2/3 of the width; '|' marks the target."""
    scale = width * (2 / 3) / target if target > 0 else 0
    filled = min(width, round(duration * scale))
    mark = min(width - 1, round(target * scale))
    cells = ["#" if i < filled else "." for i in range(width)]
    cells[mark] = "|"
    return "".join(cells)


def render_report(report: Report, *, width: int = 88) -> str:
    lines: list[str] = []
    head = "Probe answer" if report.probe else "Answer"
    if report.question:
        head += f" to {report.probe.id if report.probe else report.question.id} ({report.question.principle})"
    lines.append(
        f"{head} - level {report.level.value}, verdict {_c(report.verdict.value.upper(), report.verdict.value)}"
    )
    if report.input.kind == "audio":
        dur = report.input.duration_s
        src = {"live": "live transcript", "refined": "refined transcript"}.get(
            report.transcript_source, report.transcript_source
        )
        lines.append(f"Audio {dur:.1f} s, {src}" if dur is not None else f"Audio, {src}")
    lines.append("")
    if report.parts:
        estimated = report.input.kind == "text"
        lines.append(
            "STAR parts" + (" (spoken time estimated at 150 words/min)" if estimated else "")
        )
        for part in PARTS:
            p = report.part(part)
            if p is None:
                lines.append(f"  {part.label:<11} -- missing --")
                continue
            when = f" @{p.start_s:5.1f}s" if p.start_s is not None else ""
            pace = f"  {p.wpm:.0f} wpm" if p.wpm else ""
            status = p.status if p.status == "ok" else _c(p.status, "warning")
            lines.append(
                f"  {part.label:<11}{when} {p.duration_s:5.1f}s / {p.target_s:4.0f}s  {_bar(p.duration_s, p.target_s)}  {status}{pace}"
            )
        lines.append(f"  Budget {report.budget_s:.0f} s")
        lines.append("")
    sc = report.scores.to_dict()
    lines.append("Scores (0-4): " + "  ".join(f"{k} {v}" for k, v in sc.items()))
    s = report.signals
    lines.append(
        f"Signals: I {s.i_count} / we {s.we_count} in action; self-initiated {_yn(s.self_initiated)}; "
        f"scope boundary {_yn(s.scope_boundary)}; delta {_yn(s.metric_delta)}; business {_yn(s.business_impact)}; "
        f"second-order {_yn(s.second_order)}; specific reflection {_yn(s.specific_reflection)}"
    )
    d = report.delivery
    pace = f"{d.wpm:.0f} wpm, " if d.wpm else ""
    pauses = f", {d.long_pauses} long pauses" if d.long_pauses is not None else ""
    lines.append(f"Delivery: {pace}{d.fillers} fillers, {d.hedges} hedges{pauses}")
    lines.append("")
    if report.flags:
        lines.append("Flags")
        for f in sorted(report.flags, key=lambda f: f.severity is not Severity.DISQUALIFIER):
            where = f" [{f.part.value}]" if f.part else ""
            lines.append(f"  {_c(f.severity.value.upper(), f.severity.value)} {f.code}{where}")
            if f.quote:
                lines.extend(
                    textwrap.wrap(
                        f'"{f.quote}"', width, initial_indent="      ", subsequent_indent="       "
                    )
                )
            lines.extend(
                textwrap.wrap(
                    f.advice, width, initial_indent="    -> ", subsequent_indent="       "
                )
            )
    else:
        lines.append("No flags.")
    return "\n".join(lines)


def _yn(b: bool) -> str:
    return "yes" if b else "no"


def render_story_coverage(items: Sequence[StoryCoverage], *, width: int = 88) -> str:
    """For each story linked to the question: its key points said out loud, and those left out."""
    lines: list[str] = []
    for item in items:
        cov = item.coverage
        lines.append(
            f"Story #{item.story.id} '{item.story.title}': said {len(cov.said)} of {cov.total} "
            "key points"
        )
        for mark, points in (("said", cov.said), ("left out", cov.missed)):
            for kp in points:
                lines.append(
                    textwrap.fill(
                        f"{mark:>9}: ({kp.kind}) {kp.text}",
                        width=width,
                        subsequent_indent=" " * 11,
                    )
                )
    return "\n".join(lines)


def story_coverage_text(report: Report) -> str | None:
    """The story-coverage block for a main answer to a question with linked stories, else None.

    Never fails the report it follows: an unreadable store just means no block.
    """
    if report.probe is not None or report.question is None or not report.transcript.strip():
        return None
    from mockloop.services.stories import coverage_for
    from mockloop.store.errors import StoreError

    try:
        items = coverage_for(report.question.id, report.transcript)
    except StoreError:
        return None
    if not items:
        return None
    return "Your stories for this question\n" + render_story_coverage(items)


def print_report(report: Report) -> None:
    """The report, then the linked stories' coverage when there is any (mock, analyze, show)."""
    print(render_report(report))
    coverage = story_coverage_text(report)
    if coverage:
        print("\n" + coverage)


def wrap(text: str, indent: str = "", *, width: int = 88) -> str:
    """One paragraph, whitespace collapsed, wrapped with ``indent`` on every line."""
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent,
                         subsequent_indent=indent)  # fmt: skip
