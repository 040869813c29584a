#!/usr/bin/env python3
"""All of mockloop's benchmarks in one run, then one summary table with the machine it ran on.

    .venv/bin/python benchmarks/run_all.py                      # the full run (about 10 minutes)
    .venv/bin/python benchmarks/run_all.py --quick              # a shorter smoke variant
    .venv/bin/python benchmarks/run_all.py --markdown perf.md   # also write the table as Markdown
    .venv/bin/python benchmarks/run_all.py --only speech        # one part (startup, speech, store)

Parts, in this order:
  startup  bench_startup: a fresh ``mockloop gui`` process until its window is first painted
           (first run on an empty data folder, second run on the same folder; median of 5),
           and a fresh process until the speech model is warm
  speech   bench_speech: report latency after Stop for ~60 s and ~180 s answers, live against
           batch, and peak memory of this process and of the ASR worker. Speech runs before the
           store part so this process's peak is the speech pipeline's, not the 10,000 sessions'.
  store    bench_store: list with filters and a full rescore at 10,000 sessions

Everything runs in throw-away data and config folders; the user's data is never touched. The
live latency plays the answers at real time, so the speech part takes as long as the audio.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Benchmark this checkout: its sources first, then the sibling benchmark modules.
for _p in (str(HERE), str(REPO / "src")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import bench_speech  # noqa: E402
import bench_startup  # noqa: E402
import bench_store  # noqa: E402
from bench_env import scoped_env  # noqa: E402

PARTS = ("startup", "speech", "store")
LIVE_TARGET_S = 1.0  # the report after Stop, live pipeline


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    target: str = ""


Log = Callable[[str], None]


# --------------------------------------------------------------------------- the machine


def _first_line(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":" if ":" in line else "=", 1)[1].strip().strip('"')
    except OSError:
        return None
    return None


def machine() -> list[tuple[str, str]]:
    cpu = _first_line("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    mem_kb = _first_line("/proc/meminfo", "MemTotal")
    ram = f"{int(mem_kb.split()[0]) / 1024**2:.1f} GiB" if mem_kb else "unknown"
    os_name = _first_line("/etc/os-release", "PRETTY_NAME") or platform.system()
    versions = []
    # PySide6 is installed as its Essentials/Addons wheels: ask for the one mockloop requires.
    for label, dist in (("faster-whisper", "faster-whisper"), ("ctranslate2", "ctranslate2"),
                        ("PySide6", "PySide6-Essentials")):  # fmt: skip
        try:
            versions.append(f"{label} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{label} (not installed)")
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("RAM", ram),
        ("OS", f"{os_name} (kernel {platform.release()})"),
        ("Python", platform.python_version()),
        ("Packages", ", ".join(versions)),
    ]


def load_avg() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- the parts


def startup_rows(runs: int, *, model: bool = True, warmup: bool = True, log: Log = print) -> list[Row]:
    r = bench_startup.measure(runs, model=model, warmup=warmup, log=log)
    bench_startup.summarize(r, log)
    med = bench_startup.StartupResult.median
    rows = []
    for label, launches in (("first run, empty data folder", r.first_run),
                            ("second run, same folder", r.second_run)):  # fmt: skip
        rows.append(Row(f"Cold start to first window, {label} (median of {len(launches)})",
                        f"{med([x.wall_s for x in launches]):.2f} s "
                        f"(process start to first paint {med([x.reported_s for x in launches]):.2f} s)"))  # fmt: skip
    if r.model_wall_s:
        rows.append(Row(f"Speech model warm in a fresh process (median of {len(r.model_wall_s)}; "
                        "the app loads it when the first recording starts)",
                        f"{med(r.model_wall_s):.2f} s (worker spawn + load {med(r.model_load_s):.2f} s)"))  # fmt: skip
    return rows


def speech_rows(quick: bool, log: Log = print) -> list[Row]:
    r = bench_speech.run(quick=quick, log=log)
    rows = []
    for lat in r.latencies:
        n = f"{lat.answer_s:.0f} s answer"
        ok = "met" if lat.live_s <= LIVE_TARGET_S else "NOT met"
        rows.append(Row(f"Report after Stop, live, {n}", f"{lat.live_s:.2f} s",
                        f"<= {LIVE_TARGET_S:.0f} s ({ok})"))  # fmt: skip
        rows.append(Row(f"Report after the end, batch (whole file), {n}",
                        f"{lat.batch_s:.2f} s (RTF {lat.batch_rtf:.3f})"))  # fmt: skip
        rows.append(Row(f"Batch / live, {n}", f"{lat.ratio:.1f}x"))
    rows.append(Row("Peak memory, main process (RSS)", f"{r.main_peak_mb:.0f} MB"))
    worker = "unknown" if r.worker_peak_mb is None else f"{r.worker_peak_mb:.0f} MB"
    rows.append(Row(f"Peak memory, ASR worker (RSS, {r.model})", worker))
    if r.jfk_wer is not None and r.jfk_rtf is not None:
        rows.append(Row("WER / real-time factor on jfk.flac (11 s)", f"{r.jfk_wer:.3f} / {r.jfk_rtf:.3f}"))
    return rows


def store_rows(sessions: int, log: Log = print) -> list[Row]:
    r = bench_store.run(sessions, log=log)
    n = f"{r.sessions:,} sessions"
    return [
        Row(f"Store: list newest 50 with a filter, {n} (worst of {len(r.list_median_ms)} filters' medians)",
            f"{r.list_worst_median_ms:.1f} ms (no filter {r.list_median_ms['newest 50']:.1f} ms)"),
        Row(f"Store: rescore all, {n}",
            f"{r.rescore_s:.1f} s ({1000 * r.rescore_s / max(1, r.rescored):.2f} ms/session)"),
        Row(f"Store: open (migrate check + recovery scan), {n}", f"{r.open_ms:.0f} ms"),
    ]


def collect(parts: tuple[str, ...] = PARTS, *, quick: bool = False,
            startup_runs: int | None = None, log: Log = print) -> list[Row]:  # fmt: skip
    """Run the chosen parts in throw-away MOCKLOOP_HOME/MOCKLOOP_CONFIG; the summary rows."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mockloop-bench-all-") as tmp, \
            scoped_env({"MOCKLOOP_HOME": str(Path(tmp) / "home"),
                        "MOCKLOOP_CONFIG": str(Path(tmp) / "config")}):  # fmt: skip
        for part in (p for p in PARTS if p in parts):
            log(f"\n== {part} (load average {load_avg()})")
            t0 = time.perf_counter()
            if part == "startup":
                rows += startup_rows(startup_runs or (2 if quick else 5), log=log)
            elif part == "speech":
                rows += speech_rows(quick, log=log)
            else:
                rows += store_rows(1_000 if quick else 10_000, log=log)
            log(f"({part} took {time.perf_counter() - t0:.0f} s)")
    return rows


# --------------------------------------------------------------------------- output


def text_table(rows: list[Row], info: list[tuple[str, str]]) -> str:
    w1 = max(len(r.figure) for r in rows)
    w2 = max(len(r.value) for r in rows)
    lines = [f"{r.figure:<{w1}}  {r.value:<{w2}}  {r.target}".rstrip() for r in rows]
    return "\n".join([*lines, "", *(f"{k}: {v}" for k, v in info)])


def markdown(rows: list[Row], info: list[tuple[str, str]], command: str) -> str:
    out = ["| Figure | Value | Target |", "|---|---|---|"]
    out += [f"| {r.figure} | {r.value} | {r.target} |" for r in rows]
    out += ["", *(f"- {k}: {v}" for k, v in info), "", f"Reproduce: `{command}`", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("--quick", action="store_true",
                    help="smoke variant: 2 launch pairs, the 60 s answer only, 1,000 sessions")  # fmt: skip
    ap.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    ap.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown")
    args = ap.parse_args(argv)

    load_start = load_avg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = collect(tuple(args.only or PARTS), quick=args.quick)
    info = [*machine(), ("Load average (1/5/15 min)", f"{load_start} at the start, {load_avg()} at the end"),
            ("Run", f"{started}{', --quick' if args.quick else ''}")]  # fmt: skip
    print("\n== summary\n" + text_table(rows, info))
    if args.markdown:
        command = " ".join(["python benchmarks/run_all.py", *(["--quick"] if args.quick else []),
                            *(f"--only {p}" for p in args.only or ())])  # fmt: skip
        args.markdown.write_text(markdown(rows, info, command))
        print(f"\nwrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
