"""`mockloop sessions list|show|rescore|export|delete`: the stored practice sessions."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.store import CorruptStoreWarning, NotFoundError, Store, StoreError
from mockloop.store.export import FORMATS
from mockloop.store.records import ms_to_local


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sessions",
        help="list, show, rescore, export or delete stored sessions",
        description="Every practice session is stored; list, replay, rescore, export or delete them.",
    )
    ss = p.add_subparsers(dest="sessions_command", metavar="ACTION")
    p.set_defaults(func=lambda _a: (p.print_help(), 0)[1])

    lp = ss.add_parser("list", help="list sessions, newest first")
    _filters(lp)
    lp.add_argument("--limit", type=int, metavar="N", help="at most N sessions")
    lp.add_argument("--json", action="store_true", help="print a JSON list")
    lp.set_defaults(func=run_list)

    sp = ss.add_parser("show", help="show one session with its reports")
    sp.add_argument("id", metavar="ID", help="session id")
    sp.add_argument("--json", action="store_true", help="print the session as JSON")
    sp.set_defaults(func=run_show)

    rp = ss.add_parser(
        "rescore",
        help="score sessions again with the current analyzer",
        description="Score sessions again with the current analyzer (adds an analysis; words are "
        "never rewritten). Sessions already scored by this analyzer version are skipped unless "
        "--force.",
    )
    rp.add_argument("ids", nargs="*", metavar="ID", help="session id(s)")
    rp.add_argument("--all", action="store_true", help="every session (narrow with the filters)")
    _filters(rp)
    rp.add_argument("--force", action="store_true", help="rescore even if already current")
    rp.add_argument("--retranscribe", action="store_true", help="transcribe the audio again first")
    rp.add_argument("--model", metavar="DIR", help="Whisper model folder for --retranscribe")
    rp.add_argument(
        "--part-starts",
        metavar="PART=SEC,...",
        help="set the answer's part boundaries by hand and rescore with them, e.g. "
        "task=31.5,action=52,result=120,reflection=150 (one session; 'none' clears them)",
    )
    rp.add_argument("--json", action="store_true", help="print the new report (a list for several)")
    rp.set_defaults(func=run_rescore)

    ep = ss.add_parser("export", help="export sessions as Markdown, HTML or JSON")
    ep.add_argument("ids", nargs="+", metavar="ID", help="session id(s)")
    ep.add_argument("--format", choices=FORMATS, default="md", help="output format (default: md)")
    ep.add_argument("-o", "--output", metavar="PATH", help="write to this file (default: stdout)")
    ep.set_defaults(func=run_export)

    dp = ss.add_parser("delete", help="delete sessions and their audio")
    dp.add_argument("ids", nargs="+", metavar="ID", help="session id(s)")
    dp.set_defaults(func=run_delete)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--principle", metavar="ID", help="principle id, short name or number")
    p.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, an ISO time, or 7d / 12h / 2w")
    p.add_argument("--status", metavar="STATUS", help="complete, interrupted, recording, ...")
    p.add_argument("--verdict", choices=("strong", "mixed", "weak"), help="answer verdict")
    p.add_argument("--search", metavar="TEXT", help="full-text search in transcripts")


@contextmanager
def _open() -> Iterator[Store]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorruptStoreWarning)
        try:
            store = Store.open()
        except StoreError as e:
            raise UserError(str(e)) from None
    for w in caught:
        print(f"mockloop: warning: {w.message}", file=sys.stderr)
    for sid in store.recovered:
        print(f"mockloop: session {sid} was interrupted; its audio is kept", file=sys.stderr)
    try:
        yield store
    except NotFoundError as e:
        raise UserError(str(e)) from None
    finally:
        store.close()


def _ids(raw: list[str]) -> list[int]:
    out = []
    for r in raw:
        try:
            n = int(r)
        except ValueError:
            raise UserError(
                f"bad session id '{r}' (ids are numbers; see: mockloop sessions list)"
            ) from None
        if n <= 0:
            raise UserError(f"bad session id '{r}'")
        out.append(n)
    return out


def _check_ids(store: Store, ids: list[int]) -> None:
    for i in ids:
        if not store.exists(i):
            raise UserError(f"no session {i} (see: mockloop sessions list)")


def _filter(args: argparse.Namespace, ids: list[int] | None = None) -> Any:
    from mockloop.services import history

    try:
        return history.make_filter(
            principle=args.principle, since=args.since, status=args.status,
            verdict=args.verdict, search=args.search, ids=ids,
        )  # fmt: skip
    except history.HistoryError as e:
        raise UserError(str(e)) from None


def run_list(args: argparse.Namespace) -> int:
    f = _filter(args)
    if args.limit is not None and args.limit < 0:
        raise UserError("--limit must be 0 or more")
    with _open() as store:
        rows = store.list_sessions(f, limit=args.limit)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("No sessions yet." if f == type(f)() else "No sessions match.")
        return 0
    header = f"{'ID':>5}  {'STARTED':16}  {'PRINCIPLE':24}  {'QUESTION':30}  {'STATUS':11}  {'VERDICT':7}  {'LEN':>6}"
    print(header)
    for r in rows:
        length = "-" if r.audio_s is None else f"{r.audio_s:.0f}s"
        print(
            f"{r.id:>5}  {ms_to_local(r.started_at):16}  {_cut(r.principle, 24):24}  "
            f"{_cut(r.question_id, 30):30}  {r.status:11}  {r.verdict or '-':7}  {length:>6}"
        )
    return 0


def _cut(text: str | None, n: int) -> str:
    t = text or "-"
    return t if len(t) <= n else t[: n - 1] + "…"


def run_show(args: argparse.Namespace) -> int:
    from mockloop.store.export import session_to_dict

    (sid,) = _ids([args.id])
    with _open() as store:
        _check_ids(store, [sid])
        record = store.get_session(sid)
        data = session_to_dict(store, record)
    if args.json:
        print_json(data)
        return 0
    from mockloop.cli.render import print_report
    from mockloop.core.model import Report

    q = record.question_text
    print(
        f"Session {record.id} · {ms_to_local(record.started_at)} · {record.status} · level {record.level} · {record.source}"
    )
    if q:
        print(f"Question ({record.question_id}): {q}")
    for att, a in zip(record.attempts, data["attempts"], strict=True):
        title = "Answer" if att.kind == "answer" else f"Probe {att.probe_id}"
        length = "-" if att.duration_s is None else f"{att.duration_s:.1f}s"
        print(f"\n== {title} (attempt {att.seq}, {att.status}, {length}) ==")
        if att.kind == "probe" and a.get("probe_text"):
            print(f"Probe: {a['probe_text']}")
        if a["audio_path"]:
            print(f"Audio: {a['audio_path']}")
        if att.latest is not None:
            print_report(Report.from_dict(att.latest.report_json))
            if len(att.analyses) > 1:
                versions = ", ".join(f"{an.analyzer_version}:{an.verdict}" for an in att.analyses)
                print(f"History: {versions}")
        elif att.transcription is not None and att.transcription.text:
            print(att.transcription.text)
            print(f"(not analysed yet: mockloop sessions rescore {record.id})")
        else:
            print("(no transcript)")
    return 0


def _progress_bar(total: int) -> Callable[[int, int, int], None]:
    tty = sys.stderr.isatty()
    step = max(1, total // 100)

    def show(done: int, n: int, _sid: int) -> None:
        if not tty and done != n and done % step:
            return
        width = 30
        filled = int(width * done / max(1, n))
        end = "\n" if done == n else ""
        sys.stderr.write(f"\rrescoring [{'#' * filled}{'.' * (width - filled)}] {done}/{n}{end}")
        sys.stderr.flush()

    return show


def run_rescore(args: argparse.Namespace) -> int:
    from mockloop.services import history

    ids = _ids(args.ids)
    if not ids and not args.all:
        raise UserError("give session id(s) or --all")
    if ids and args.all:
        raise UserError("give session id(s) or --all, not both")
    if args.part_starts is not None:
        return _rescore_with_part_starts(args, ids)
    f = _filter(args) if args.all else None
    with _open() as store:
        _check_ids(store, ids)
        total = len(ids) if ids else store.count_sessions(f)
        progress = _progress_bar(total) if total > 1 and not args.json else None
        try:
            summary = history.rescore(
                ids or None, filter=f, force=args.force, retranscribe=args.retranscribe,
                model_path=args.model, progress=progress, store=store,
            )  # fmt: skip
        except history.HistoryError as e:
            raise UserError(str(e)) from None
    if args.json:
        reports = [None if r.report is None else r.report.to_dict() for r in summary.results]
        print_json(reports[0] if len(ids) == 1 else reports)
        return 1 if summary.failed else 0
    for r in summary.results:
        _print_changes(r.changes, show_skipped=len(summary.results) == 1)
    skipped = sum(1 for r in summary.results if not r.rescored and not r.errors)
    print(
        f"Rescored {summary.rescored} session(s) with analyzer {summary.analyzer_version}; "
        f"{len(summary.changed)} answer(s) changed, {skipped} already current, "
        f"{len(summary.failed)} failed."
    )
    return 1 if summary.failed else 0


def _print_changes(changes: Any, *, show_skipped: bool) -> None:
    for c in changes:
        what = "answer" if c.kind == "answer" else f"probe {c.probe_id}"
        if c.error:
            print(f"session {c.session_id} {what}: failed: {c.error}")
        elif c.skipped:
            if show_skipped:
                print(f"session {c.session_id} {what}: skipped ({c.skipped})")
        else:
            verdict = (
                f"{c.verdict_before} -> {c.verdict_after}"
                if c.verdict_before != c.verdict_after
                else f"{c.verdict_after} (unchanged)"
            )
            flags = "".join([f" +{x}" for x in c.flags_added] + [f" -{x}" for x in c.flags_removed])
            retr = " [re-transcribed]" if c.retranscribed else ""
            print(f"session {c.session_id} {what}: {verdict}{flags}{retr}")


def parse_part_starts(text: str) -> dict[str, float]:
    """``task=31.5,action=52,...`` -> ``{"task": 31.5, ...}``; ``none`` -> ``{}`` (clear)."""
    t = text.strip()
    if t.lower() in ("none", "clear", ""):
        return {}
    out: dict[str, float] = {}
    for item in t.split(","):
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise UserError(
                f"bad --part-starts item '{item.strip()}' (use PART=SECONDS, e.g. task=31.5)"
            )
        try:
            out[name] = float(value.strip().rstrip("s"))
        except ValueError:
            raise UserError(
                f"bad --part-starts time '{value.strip()}' for {name} (seconds, e.g. 31.5)"
            ) from None
    return out


def _rescore_with_part_starts(args: argparse.Namespace, ids: list[int]) -> int:
    from mockloop.services import history

    if len(ids) != 1 or args.all:
        raise UserError("--part-starts needs exactly one session id")
    if args.retranscribe:
        raise UserError("--part-starts cannot be combined with --retranscribe")
    starts = parse_part_starts(args.part_starts)
    with _open() as store:
        _check_ids(store, ids)
        try:
            result = history.rescore_with_part_starts(ids[0], starts, store=store)
        except history.HistoryError as e:
            raise UserError(str(e)) from None
    if args.json:
        print_json(None if result.report is None else result.report.to_dict())
        return 1 if result.errors else 0
    _print_changes(result.changes, show_skipped=True)
    report = result.report
    if report is not None and report.parts:
        times = ", ".join(
            f"{p.part.value} {'-' if p.start_s is None else f'{p.start_s:.1f}s'}"
            for p in report.parts
        )
        print(f"Part starts: {times}" + ("" if starts else " (detected)"))
    return 1 if result.errors else 0


def run_export(args: argparse.Namespace) -> int:
    from mockloop.services import history

    ids = _ids(args.ids)
    out = Path(args.output) if args.output else None
    with _open() as store:
        _check_ids(store, ids)
        try:
            text = history.export(ids, args.format, output=out, store=store)
        except OSError as e:
            raise UserError(f"cannot write {args.output}: {e.strerror}") from None
    if out is None:
        sys.stdout.write(text)
    else:
        print(f"Wrote {len(ids)} session(s) to {out}", file=sys.stderr)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    with _open() as store:
        _check_ids(store, ids)
        for sid in ids:
            files = store.delete_session(sid)
            print(f"Deleted session {sid}" + (f" and {len(files)} audio file(s)" if files else ""))
    return 0
