"""`mockloop analyze FILE`: the shared analyzer on a typed or spoken answer."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.cli.render import print_report
from mockloop.core.content import ContentError, load_bank
from mockloop.core.model import Level, Report
from mockloop.services import analysis


def register(sub: Any) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyze an answer (text or audio) and print its STAR report",
        description="Analyze an answer: a .txt/.md file, '-' for standard input, or audio "
        "(.wav/.flac/.mp3/.ogg, transcribed locally).",
    )
    p.add_argument("file", metavar="FILE", help="answer file, or - for standard input")
    p.add_argument(
        "--question", metavar="ID", help="the question it answers (see: mockloop questions)"
    )
    p.add_argument(
        "--probe", metavar="PROBE_ID", help="score it as an answer to this follow-up probe"
    )
    p.add_argument(
        "--level",
        choices=[lv.value for lv in Level],
        default=None,
        help="candidate level (default: settings, else sde2)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--save", action="store_true", help="store it as a session (see: mockloop sessions)"
    )
    p.add_argument(
        "--model",
        metavar="DIR",
        help="CTranslate2 Whisper folder for audio (default: embedded tiny.en)",
    )
    p.set_defaults(func=run)


def default_level() -> Level:
    from mockloop import settings

    try:
        return Level(settings.load().default_level)
    except ValueError:
        return Level.SDE2


def run(args: argparse.Namespace) -> int:
    level = Level(args.level) if args.level else default_level()
    try:
        bank = load_bank()
    except ContentError as e:
        if args.question or args.probe:
            raise UserError(f"content: {e}") from None
        # Analysing an answer on its own needs no question bank; say so and carry on.
        print(f"mockloop: warning: content not loaded ({e}); using default targets", file=sys.stderr)
        bank = None
    try:
        target = analysis.resolve_target(bank, args.question, args.probe)
        if analysis.is_audio_path(args.file):
            report, saved = _analyze_audio(args, bank, target, level)
        else:
            text = analysis.read_text(args.file)
            path = None if args.file == "-" else args.file
            report = analysis.analyze_text(text, target=target, level=level, bank=bank, path=path)
            saved = _save_text(report, text, bank, target, level) if args.save else None
    except analysis.InputError as e:
        raise UserError(str(e)) from None
    if args.json:
        data = report.to_dict()
        if saved is not None:
            data["session_id"] = saved
        print_json(data)
    else:
        print_report(report)
        if saved is not None:
            print(f"\nSaved as session {saved}.")
    return 0


def _analyze_audio(
    args: argparse.Namespace, bank: Any, target: analysis.Target, level: Level
) -> tuple[Report, Any]:
    try:
        from mockloop.services import audio
    except ImportError as e:  # the speech extras are part of the install; say what is missing
        raise UserError(f"audio analysis is unavailable: {e}") from None
    from pathlib import Path

    p = Path(args.file)
    if not p.exists():
        raise UserError(f"{args.file}: no such file")
    if p.is_dir():
        raise UserError(f"{args.file}: is a directory, not a file")
    report = audio.analyze_audio_file(
        p,
        question=target.question,
        probe=target.probe,
        level=level,
        bank=bank,
        model_path=args.model,
    )
    saved = None
    if args.save:
        from mockloop.services import history

        saved = history.save_audio_analysis(
            report,
            audio_path=p,
            bank=bank,
            question=target.question,
            probe=target.probe,
            level=level,
        )
    return report, saved


def _save_text(report: Report, text: str, bank: Any, target: analysis.Target, level: Level) -> Any:
    from mockloop.services import history

    return history.save_text_analysis(
        report, text=text, bank=bank, question=target.question, probe=target.probe, level=level
    )
