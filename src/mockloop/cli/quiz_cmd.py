"""`mockloop quiz`: a walkthrough pattern's quiz in the terminal, and how every pattern stands."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.cli.render import wrap as _wrap
from mockloop.core.quiz import (
    DIFFICULTIES,
    PASS_SHARE,
    QuizFeedback,
    Standing,
    option_letter,
    percent,
)
from mockloop.services import quiz as quiz_service
from mockloop.services.quiz import QuizServiceError
from mockloop.store.errors import StoreError


def register(sub: Any) -> None:
    q = sub.add_parser(
        "quiz",
        help="take a pattern's quiz (easy to hard), or see which patterns are weak",
        description="Without PATTERN: every pattern's standing (best and last score, weak or "
        "passed). With PATTERN: its quiz, one question at a time; type the option's letter, "
        "h for the hint, q to stop. Answers are saved as you give them.",
    )
    q.add_argument(
        "pattern", nargs="?", metavar="PATTERN", help="pattern id (see `mockloop patterns`)"
    )
    q.add_argument("--difficulty", choices=DIFFICULTIES, help="only this difficulty")
    q.add_argument("--json", action="store_true", help="standings as JSON")
    q.set_defaults(func=run_quiz)


def run_quiz(args: argparse.Namespace) -> int:
    try:
        if args.pattern is None:
            return _standings(json_out=args.json)
        if args.json:
            raise UserError("--json is for the standings (run without PATTERN)")
        return _take(args.pattern, args.difficulty)
    except QuizServiceError as e:
        raise UserError(str(e)) from None
    except StoreError as e:
        raise UserError(f"store: {e}") from None


def _standings(*, json_out: bool) -> int:
    rows = quiz_service.standings()
    if json_out:
        print_json([_standing_json(s) for s in rows])
        return 0
    print(f"{'pattern':36} {'attempts':>8} {'best':>5} {'last':>5}  status")
    for s in rows:
        print(f"{s.pattern_id:36} {s.attempts:>8} {percent(s.best):>5} {percent(s.last):>5}  {s.status}")
    weak = [s.pattern_id for s in rows if s.weak]
    if weak:
        print(f"\nTo work on ({len(weak)}): {', '.join(weak)}  (pass mark {percent(PASS_SHARE)})")
    else:
        print("\nEvery pattern passed.")
    return 0


def _standing_json(s: Standing) -> dict[str, Any]:
    return {"pattern": s.pattern_id, "attempts": s.attempts, "best": s.best, "last": s.last,
            "status": s.status}  # fmt: skip


def _take(pattern_id: str, difficulty: str | None) -> int:
    session = quiz_service.start(pattern_id, difficulty)
    run = session.run
    title = quiz_service.pattern(pattern_id).title
    print(f"Quiz: {title} ({len(run.items)} questions). Type a letter, h for a hint, q to stop.\n")
    while not run.done:
        item = run.current
        print(f"Q{run.index + 1}/{len(run.items)} [{item.difficulty}]")
        print(_wrap(item.question))
        for i, opt in enumerate(item.options, 1):
            print(textwrap.fill(" ".join(opt.split()), width=88, initial_indent=f"  {option_letter(i - 1)}) ",
                                subsequent_indent="     "))  # fmt: skip
        chosen = _ask(run, len(item.options))
        if chosen is None:
            print(
                f"\nStopped after {run.index} of {len(run.items)}; your answers so far are saved."
            )
            return 0
        _show_feedback(session.answer(chosen))
    share = run.share
    verdict = "passed" if run.passed else f"not yet passed (pass mark {percent(PASS_SHARE)})"
    print(f"Score: {run.correct}/{len(run.items)} ({percent(share)}): {verdict}")
    for diff in DIFFICULTIES:
        if diff in run.by_difficulty():
            c, n = run.by_difficulty()[diff]
            print(f"  {diff:6} {c}/{n}")
    return 0


def _ask(run: Any, n_options: int) -> int | None:
    while True:
        try:
            raw = input(f"answer A-{option_letter(n_options - 1)}, h, q > ").strip().lower()
        except EOFError:
            print()
            return None
        if not sys.stdin.isatty():
            print(raw)  # echo piped answers so a transcript reads like a session
        if raw in ("q", "quit"):
            return None
        if raw in ("h", "hint", "?"):
            print(_wrap("Hint: " + run.hint(), "  "))
            continue
        if len(raw) == 1 and raw.isalpha() and ord(raw) - ord("a") < n_options:
            return ord(raw) - ord("a")
        if raw.isdigit() and 1 <= int(raw) <= n_options:
            return int(raw) - 1
        print(f"  type a letter from A to {option_letter(n_options - 1)}, h or q")


def _show_feedback(fb: QuizFeedback) -> None:
    if fb.correct:
        print("  Correct.")
    else:
        print(f"  Not quite: the answer is {option_letter(fb.item.answer)}) {fb.answer_text}")
    for i, step in enumerate(fb.item.steps, 1):
        print(_wrap(f"{i}. {step}", "    "))
    print()
