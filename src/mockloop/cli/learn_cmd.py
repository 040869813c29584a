"""`mockloop learn`: step through a walkthrough pattern, part by part, and hear the pace."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from mockloop.cli.common import UserError
from mockloop.cli.content_cmd import _bank
from mockloop.cli.render import use_colour as _use_ansi
from mockloop.core.content import Bank
from mockloop.core.learn import LearnStep, Section, hear_it_rate, learn_steps, step_for_part
from mockloop.core.model import PARTS, Part

_OPEN, _CLOSE = "[[", "]]"
_ANSI_ON, _ANSI_OFF = "\033[1;4m", "\033[0m"


def register(sub: Any) -> None:
    p = sub.add_parser("learn", help="step through a STAR walkthrough pattern, part by part")
    p.add_argument("pattern", nargs="?", metavar="PATTERN", help="pattern id (none: list them)")
    p.add_argument(
        "--all",
        action="store_true",
        help="print every step at once (the default when not a terminal)",
    )
    p.add_argument("--part", choices=[x.value for x in PARTS], help="show only this STAR part")
    p.add_argument(
        "--hear",
        action="store_true",
        help="read each part's strong example aloud at its target pace",
    )
    p.set_defaults(func=run_learn)  # fmt: skip


def render_section(sec: Section, *, ansi: bool, width: int = 100) -> list[str]:
    """The section's text with its marks in ``[[...]]`` (or bold underline), flag notes below."""
    out: list[str] = []
    pos = 0
    notes: list[str] = []
    for m in sec.marks:
        out.append(sec.text[pos : m.start])
        ref = ""
        if m.note:
            notes.append(m.note)
            ref = f"({len(notes)})"
        out.append(f"{_OPEN}{sec.text[m.start : m.end]}{_CLOSE}{ref}")
        pos = m.end
    out.append(sec.text[pos:])
    body = textwrap.wrap("".join(out), width, initial_indent="    ", subsequent_indent="    ")
    for i, note in enumerate(notes, 1):
        body += textwrap.wrap(
            f"({i}) {note}", width, initial_indent="      ", subsequent_indent="          "
        )
    if ansi:
        body = [line.replace(_OPEN, _ANSI_ON).replace(_CLOSE, _ANSI_OFF) for line in body]
    return [f"  {sec.label}", *body]


def render_step(step: LearnStep, index: int, total: int, *, ansi: bool) -> str:
    title = f"[{index + 1}/{total}] {step.title}"
    lines = [f"{_ANSI_ON}{title}{_ANSI_OFF}" if ansi else title]
    for sec in step.sections:
        lines += render_section(sec, ansi=ansi)
    return "\n".join(lines)


def _make_voice() -> Any:
    from mockloop.cli.speech_cmd import _voice

    return _voice(False)


class _Hear:
    """Reads part examples aloud; with no voice, says so once and the walkthrough goes on."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.voice = make()
        self.off = False

    def __call__(self, step: LearnStep) -> None:
        if self.off or not step.example or step.target_s is None:
            return
        if not self.voice.available:
            why = getattr(self.voice, "error", None) or "the voice is off in settings"
            self._give_up(why, "install espeak-ng or turn the voice on in the app's Settings")
            return
        h = hear_it_rate(step.example, step.target_s)
        note = " (slowest natural pace)" if h.clamped and h.rate_wpm < 150 else ""
        note = " (fastest natural pace)" if h.clamped and h.rate_wpm >= 150 else note
        print(
            f"  Playing at {h.rate_wpm} wpm{note}, about {h.estimated_s:.0f} s (target {h.target_s:.0f} s)...",
            flush=True,
        )
        played = self.voice.speak(step.example, h.rate_wpm)
        playback = getattr(self.voice, "playback_error", None)
        if not played or playback:
            why = playback or getattr(self.voice, "error", None) or "nothing was played"
            self._give_up(why, "check that a speaker or headphones are connected")

    def _give_up(self, why: str, fix: str) -> None:
        self.off = True
        print(f"  (Cannot read aloud: {why}; {fix}. Continuing in text.)")


def _list(bank: Bank) -> int:
    for p in bank.patterns:
        print(f"{p.id:<38} {bank.principle(p.principle).name:<34} {p.title}")
    print("\nmockloop learn PATTERN to step through one.")
    return 0


def run_learn(args: argparse.Namespace) -> int:
    bank = _bank()
    if not args.pattern:
        return _list(bank)
    try:
        pattern = bank.pattern(args.pattern)
    except KeyError:
        ids = ", ".join(p.id for p in bank.patterns)
        raise UserError(f"no pattern '{args.pattern}'; one of: {ids}") from None
    steps = learn_steps(pattern, bank)
    indices = list(range(len(steps)))
    if args.part:
        indices = [step_for_part(steps, Part(args.part))]
    interactive = not args.all and sys.stdin.isatty() and sys.stdout.isatty()
    ansi = _use_ansi()
    hear = _Hear(_make_voice) if args.hear else None
    for n, i in enumerate(indices):
        if n:
            print()
        print(render_step(steps[i], i, len(steps), ansi=ansi), flush=True)
        if hear is not None:
            hear(steps[i])
        if interactive and n + 1 < len(indices):
            try:
                answer = input("\nEnter for next, q to quit: ")
            except EOFError:
                break
            if answer.strip().lower().startswith("q"):
                break
    return 0
