"""`mockloop questions` and `mockloop patterns`: browse the content bank."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.core.content import Bank, ContentError, Principle, load_bank, probe_to_dict


def register(sub: Any) -> None:
    q = sub.add_parser("questions", help="list interview questions and their follow-up probes")
    q.add_argument(
        "--principle",
        metavar="ID",
        help="only this principle (id, short prefix or number, e.g. ownership, own or 2)",
    )
    q.add_argument("--json", action="store_true", help="print JSON")
    q.add_argument("--probes", action="store_true", help="also list each question's probes")
    q.set_defaults(func=run_questions)

    pr = sub.add_parser(
        "principles", help="list the 16 Leadership Principles, or show one with its self-check"
    )
    pr.add_argument(
        "principle", nargs="?", metavar="ID", help="id, short prefix or number (e.g. dd or 12)"
    )
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(func=run_principles)

    pa = sub.add_parser("patterns", help="list walkthrough patterns, or show one in full")
    pa.add_argument("pattern", nargs="?", metavar="ID")
    pa.add_argument("--json", action="store_true")
    pa.set_defaults(func=run_patterns)


def _bank() -> Bank:
    try:
        return load_bank()
    except ContentError as e:
        raise UserError(f"content: {e}") from None


def run_questions(args: argparse.Namespace) -> int:
    bank = _bank()
    pid = _find_principle(bank, args.principle).id if args.principle else None
    questions = bank.questions_for(pid)
    if args.json:
        print_json(
            [
                {
                    "id": q.id,
                    "principle": q.principle,
                    "text": q.text,
                    "pattern": q.pattern_id,
                    "probes": [probe_to_dict(p) for p in q.probes],
                }
                for q in questions
            ]
        )
        return 0
    current = None
    for q in questions:
        if q.principle != current:
            current = q.principle
            pr = bank.principle(current)
            star = " *" if pr.higher_probability else ""
            print(f"\n{pr.number:>2}. {pr.name}{star}")
        tag = " [walkthrough]" if q.pattern_id else ""
        print(
            textwrap.fill(
                f"{q.id}{tag}: {q.text}", 100, initial_indent="    ", subsequent_indent="      "
            )
        )
        if args.probes:
            for p in q.probes:
                print(
                    textwrap.fill(
                        f"- {p.id} ({p.kind}): {p.text}",
                        100,
                        initial_indent="        ",
                        subsequent_indent="          ",
                    )
                )
    print(f"\n{len(questions)} questions. * = higher probability in interviews.")
    return 0


def _principle_dict(bank: Bank, p: Principle) -> dict[str, Any]:
    return {
        "id": p.id,
        "number": p.number,
        "name": p.name,
        "short": p.short,
        "higher_probability": p.higher_probability,
        "initiative": p.initiative,
        "definition": p.definition,
        "listen_for": list(p.listen_for),
        "self_check": list(p.self_check),
        "questions": len(bank.questions_for(p.id)),
    }


def _find_principle(bank: Bank, text: str) -> Principle:
    try:
        return bank.principle(text)
    except KeyError:
        ids = ", ".join(p.id for p in bank.principles)
        raise UserError(f"unknown principle '{text}'; one of: {ids}") from None


def run_principles(args: argparse.Namespace) -> int:
    bank = _bank()
    if args.principle:
        return _show_principle(bank, _find_principle(bank, args.principle), as_json=args.json)
    if args.json:
        print_json([_principle_dict(bank, p) for p in bank.principles])
        return 0
    for p in bank.principles:
        star = " *" if p.higher_probability else ""
        print(f"{p.number:>2}. {p.name}{star}  ({p.id}, {len(bank.questions_for(p.id))} questions)")
        print(textwrap.fill(p.definition, 100, initial_indent="    ", subsequent_indent="    "))
    print("\nmockloop principles ID shows one principle with its self-check questions.")
    return 0


def _show_principle(bank: Bank, p: Principle, *, as_json: bool) -> int:
    if as_json:
        print_json(_principle_dict(bank, p))
        return 0
    star = " (higher probability in interviews)" if p.higher_probability else ""
    print(f"{p.number}. {p.name}{star}\n{p.id}, prefix {p.short}\n")
    print(textwrap.fill(p.definition, 100))
    print("\nInterviewers listen for")
    for item in p.listen_for:
        print(textwrap.fill(f"- {item}", 100, initial_indent="  ", subsequent_indent="    "))
    print("\nSelf-check: do you ...")
    for item in p.self_check:
        print(textwrap.fill(f"[ ] {item}", 100, initial_indent="  ", subsequent_indent="      "))
    print("\nA yes is a habit to back with a real story; a no shows where you have none yet.")
    print(f"Questions: {len(bank.questions_for(p.id))} (mockloop questions --principle {p.short})")
    return 0


def run_patterns(args: argparse.Namespace) -> int:
    bank = _bank()
    if not args.pattern:
        rows = [
            {"id": p.id, "title": p.title, "principle": p.principle, "question_id": p.question.id}
            for p in bank.patterns
        ]
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['id']:<40} {r['principle']:<36} {r['title']}")
        return 0
    try:
        pat = bank.pattern(args.pattern)
    except KeyError:
        raise UserError(f"no pattern '{args.pattern}' (see: mockloop patterns)") from None
    if args.json:
        import dataclasses

        print_json(dataclasses.asdict(pat))
        return 0
    w = lambda t, ind="  ": print(textwrap.fill(t, 100, initial_indent=ind, subsequent_indent=ind))  # noqa: E731
    print(f"{pat.title} ({pat.principle})\nQuestion: {pat.question.text}\n")
    w(pat.scenario)
    for part in pat.parts:
        print(f"\n{part.part.label} - target {part.target_s:.0f} s")
        w(part.example)
        w("Key phrases: " + "; ".join(part.key_phrases), "    ")
        w("Coaching: " + part.coaching, "    ")
        w("Common mistake: " + part.common_mistake, "    ")
    print("\nWeak answer")
    w(pat.weak_answer.text)
    for f in pat.weak_answer.flagged:
        w(f'- "{f.phrase}": {f.why}', "    ")
    w("Bar raiser: " + pat.weak_answer.verdict)
    print("\nProbes")
    for p in pat.question.probes:
        w(f"{p.text} ({p.kind})")
        w("Weak: " + p.weak + " -- " + p.weak_why, "    ")
        w("Strong: " + p.strong + " -- " + p.strong_why, "    ")
    print("\nLevels")
    for lv in pat.levels.values():
        w(f"{lv.level.value}: {lv.focus} Budget {lv.budget_s:.0f} s. Bar: {lv.bar}")
    print(f"\nStep through it: mockloop learn {pat.id}   Test yourself ({len(pat.quiz)} questions): "
          f"mockloop quiz {pat.id}")  # fmt: skip
    return 0
