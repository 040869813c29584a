"""`mockloop stories`: the story bank (write stories per principle, self-check, coverage, export)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.cli.render import wrap
from mockloop.core.model import PARTS, Level
from mockloop.core.story import parse_story_text
from mockloop.services import stories as svc
from mockloop.services.scope import store_scope
from mockloop.services.stories import StoryAnalysis, StoryError
from mockloop.store import Store
from mockloop.store.errors import StoreError
from mockloop.store.prep import SELF_CHECK_ANSWERS, StoryRecord

_PART_ARGS = tuple(p.value for p in PARTS)


def register(sub: Any) -> None:
    st = sub.add_parser(
        "stories",
        help="your own stories per principle: write, analyze, link to questions, self-check",
        description="The story bank. Write each story in its STAR parts; it is analyzed like a "
        "spoken answer (flags, estimated spoken time per part). Link a story to questions and "
        "the report of a spoken answer to them shows which of its key points you said.",
    )
    ss = st.add_subparsers(dest="stories_cmd", metavar="ACTION")

    ls = ss.add_parser("list", help="list stories (the default)")
    ls.add_argument("--principle", metavar="P")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    for name, helptext in (("add", "write a new story"), ("edit", "change a story")):
        p = ss.add_parser(name, help=helptext)
        if name == "edit":
            p.add_argument("id", type=int)
        p.add_argument("--principle", metavar="P", required=name == "add",
                       help="principle id, short prefix, number or name")  # fmt: skip
        p.add_argument("--title", required=name == "add")
        for part in _PART_ARGS:
            p.add_argument(f"--{part}", metavar="TEXT", help=f"the {part} part")
        p.add_argument("--file", type=Path, metavar="FILE",
                       help="read the parts from a text file with headings (Situation: ...)")  # fmt: skip
        if name == "add":
            p.add_argument("--question", action="append", default=[], metavar="QID",
                           help="link to this question (repeatable)")  # fmt: skip
        p.set_defaults(func=run_add if name == "add" else run_edit)

    sh = ss.add_parser("show", help="a story with its analysis and key points")
    sh.add_argument("id", type=int)
    sh.add_argument("--level", choices=[lv.value for lv in Level], default="sde2")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=run_show)

    for name in ("link", "unlink"):
        p = ss.add_parser(name, help=f"{name} a story and a question")
        p.add_argument("id", type=int)
        p.add_argument("question", metavar="QID")
        p.set_defaults(func=run_link)

    de = ss.add_parser("delete", help="delete a story")
    de.add_argument("id", type=int)
    de.set_defaults(func=run_delete)

    co = ss.add_parser("coverage", help="which principles have stories and a done checklist")
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=run_coverage)

    ch = ss.add_parser("check", help="a principle's self-assessment checklist")
    ch.add_argument("principle", metavar="P")
    ch.add_argument("--set", action="append", default=[], metavar="N=ANSWER",
                    help="answer item N with yes, no, unsure or clear (repeatable)")  # fmt: skip
    ch.add_argument("--ask", action="store_true", help="answer the unanswered items one by one")
    ch.set_defaults(func=run_check)

    ex = ss.add_parser("export", help="stories, checklists, coverage and quiz results as Markdown")
    ex.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    ex.set_defaults(func=run_export)

    st.set_defaults(func=run_list, principle=None, json=False)


def _guard(fn: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        try:
            result: int = fn(args)
            return result
        except StoryError as e:
            raise UserError(str(e)) from None
        except StoreError as e:
            raise UserError(f"store: {e}") from None

    return wrapped


def _parts_from_args(args: argparse.Namespace) -> dict[str, str]:
    parts: dict[str, str] = {}
    if args.file is not None:
        if args.file.is_dir():
            raise UserError(f"{args.file}: is a folder, not a text file")
        if not args.file.is_file():
            raise UserError(f"{args.file}: no such file")
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UserError(
                f"{args.file}: cannot read it as text ({e.__class__.__name__})"
            ) from None
        parts = {k: v for k, v in parse_story_text(text).to_dict().items() if v}
    for part in _PART_ARGS:
        value = getattr(args, part)
        if value is not None:
            parts[part] = value
    return parts


@_guard
def run_add(args: argparse.Namespace) -> int:
    parts = _parts_from_args(args)
    rec = svc.add_story(args.principle, args.title, parts, question_ids=args.question)
    print(f"Saved story #{rec.id} for {rec.principle}: {rec.title}")
    _print_analysis(rec, svc.analyze(rec.parts, rec.principle, question_id=_first(rec)))
    return 0


@_guard
def run_edit(args: argparse.Namespace) -> int:
    parts = _parts_from_args(args)
    if not parts and args.title is None and args.principle is None:
        raise UserError("nothing to change: give --title, --principle, a part or --file")
    rec = svc.update_story(args.id, principle=args.principle, title=args.title, parts=parts)
    print(f"Updated story #{rec.id}: {rec.title}")
    _print_analysis(rec, svc.analyze(rec.parts, rec.principle, question_id=_first(rec)))
    return 0


def _first(rec: StoryRecord) -> str | None:
    return rec.question_ids[0] if rec.question_ids else None


@_guard
def run_list(args: argparse.Namespace) -> int:
    rows = svc.list_stories(args.principle)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("No stories yet. Write one: mockloop stories add --principle ownership --title ...")
        return 0
    for r in rows:
        written = sum(1 for p in PARTS if r.parts.text_of(p))
        links = f"  -> {', '.join(r.question_ids)}" if r.question_ids else ""
        print(f"#{r.id:<4} {r.principle:34} {r.title}  ({written}/5 parts){links}")
    return 0


@_guard
def run_show(args: argparse.Namespace) -> int:
    rec = svc.get_story(args.id)
    analysis = svc.analyze(
        rec.parts, rec.principle, question_id=_first(rec), level=Level(args.level)
    )
    if args.json:
        print_json(
            {
                **rec.to_json(),
                "estimates": [
                    {
                        "part": e.part.value,
                        "words": e.words,
                        "seconds": round(e.seconds, 1),
                        "target_s": e.target_s,
                        "status": e.status,
                    }
                    for e in analysis.estimates
                ],
                "key_points": [k.to_dict() for k in analysis.key_points],
                "report": analysis.report.to_dict(),
            }
        )
        return 0
    print(f"Story #{rec.id}: {rec.title}   [{rec.principle}]")
    for part in PARTS:
        text = rec.parts.text_of(part)
        print(f"\n{part.label}:")
        print(wrap(text, "  ") if text else "  (not written yet)")
    print()
    _print_analysis(rec, analysis)
    return 0


def _print_analysis(rec: StoryRecord, a: StoryAnalysis) -> None:
    print(f"Verdict if told like this: {a.report.verdict}   "
          f"(about {a.total_s:.0f} s spoken of {a.report.budget_s:.0f} s)")  # fmt: skip
    for e in a.estimates:
        mark = {"ok": "ok", "short": "short", "long": "LONG", "missing": "missing"}[e.status]
        print(
            f"  {e.part.label:10} {e.words:4} words  ~{e.seconds:5.1f} s of {e.target_s:4.0f} s  {mark}"
        )
    if a.report.flags:
        print("Flags:")
        for f in a.report.flags:
            where = f" [{f.part.value}]" if f.part else ""
            print(wrap(f"- {f.code}{where}: {f.advice}", "  "))
    if a.key_points:
        print("Key points an interviewer should hear:")
        for k in a.key_points:
            print(wrap(f"- ({k.kind}) {k.text}", "  "))
    if rec.question_ids:
        print(f"Linked questions: {', '.join(rec.question_ids)}")


@_guard
def run_link(args: argparse.Namespace) -> int:
    if args.stories_cmd == "link":
        rec = svc.link(args.id, args.question)
        print(f"Story #{rec.id} linked to {args.question}")
    else:
        rec = svc.unlink(args.id, args.question)
        print(f"Story #{rec.id} unlinked from {args.question}")
    return 0


@_guard
def run_delete(args: argparse.Namespace) -> int:
    with store_scope(None) as s:
        rec = svc.get_story(args.id, store=s)
        svc.delete_story(args.id, store=s)
    print(f"Deleted story #{rec.id}: {rec.title}")
    return 0


@_guard
def run_coverage(args: argparse.Namespace) -> int:
    rows = svc.principle_coverage()
    if args.json:
        print_json(
            [
                {
                    "principle": c.principle.id,
                    "stories": c.stories,
                    "checks_answered": c.checks_answered,
                    "checks_total": c.checks_total,
                    "checks_yes": c.checks_yes,
                }
                for c in rows
            ]
        )
        return 0
    print(f"{'principle':40} {'stories':>7}  checklist")
    for c in rows:
        star = "*" if c.principle.higher_probability else " "
        print(f"{star}{c.principle.name:39} {c.stories:>7}  {c.checks_answered}/{c.checks_total}")
    missing = [c.principle.name for c in rows if not c.covered]
    print("\n* asked more often.")
    if missing:
        print(f"No story yet ({len(missing)}): {', '.join(missing)}")
    else:
        print("Every principle has at least one story.")
    return 0


@_guard
def run_check(args: argparse.Namespace) -> int:
    with store_scope(None) as s:  # one store for every answer given here
        return _check(args, s)


def _check(args: argparse.Namespace, store: Store) -> int:
    for spec in args.set:
        num, _, answer = spec.partition("=")
        answer = answer.strip().lower()
        if not num.strip().isdigit() or answer not in (*SELF_CHECK_ANSWERS, "clear"):
            raise UserError(f"--set takes N=yes|no|unsure|clear, not {spec!r}")
        svc.set_self_check(args.principle, int(num), None if answer == "clear" else answer, store=store)
    items = svc.self_check(args.principle, store=store)
    if args.ask:
        for it in items:
            if it.answer is not None:
                continue
            answer = _ask_item(it.number, it.text)
            if answer is None:
                break
            svc.set_self_check(args.principle, it.number, answer, store=store)
        items = svc.self_check(args.principle, store=store)
    p = svc.get_principle(args.principle)
    print(f"{p.name}: do you ...")
    for it in items:
        print(f"  {it.number}. [{(it.answer or ' ')[:6]:6}] {it.text}")
    done = sum(1 for it in items if it.answer)
    print(f"{done}/{len(items)} answered.")
    return 0


def _ask_item(number: int, text: str) -> str | None:
    while True:
        try:
            raw = input(f"{number}. {text}  (y/n/u, q to stop) > ").strip().lower()
        except EOFError:
            return None
        if not sys.stdin.isatty():
            print(raw)
        if raw in ("q", "quit"):
            return None
        for answer in SELF_CHECK_ANSWERS:
            if raw and answer.startswith(raw):
                return answer
        print("  type y, n, u or q")


@_guard
def run_export(args: argparse.Namespace) -> int:
    text = svc.export_markdown(output=args.out)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    print(f"Wrote {args.out}")
    return 0
