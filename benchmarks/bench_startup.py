#!/usr/bin/env python3
"""Cold start: a fresh ``python -m mockloop gui`` process until its main window is first painted,
and a fresh process until the speech model is loaded and warm.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5]

Each launch runs offscreen (QT_QPA_PLATFORM=offscreen) in throw-away data and config folders
with MOCKLOOP_REPORT_FIRST_WINDOW=1, so the app prints ``first-window <s since process start>``
on its first paint (src/mockloop/desktop/first_window.py), then closes itself
(``gui --quit-after``). "First run" is a launch on an empty data folder; "second run" the next
launch on the same folder. One unmeasured launch first warms the OS file cache, so these are
warm-cache figures: a start straight after boot reads more from disk.

The app does not load the model at start: it starts loading when the first recording starts and
loads while the candidate speaks. "Model warm" is that load measured on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUIT_AFTER_MS = 300  # after show(); long enough for the first paint, short enough to keep runs fast
TIMEOUT_S = 120.0

_MODEL_SCRIPT = """
from mockloop.speech.asr import WhisperTranscriber
t = WhisperTranscriber()
t.wait_ready()
print(f"model-warm {t.load_s:.3f}", flush=True)
t.close()
"""


@dataclass(frozen=True)
class Launch:
    wall_s: float  # spawn -> the first-window line read by this process
    reported_s: float  # the app's own count: process start -> first paint
    exit_s: float  # spawn -> the process exited


@dataclass(frozen=True)
class StartupResult:
    first_run: list[Launch]
    second_run: list[Launch]
    model_wall_s: list[float]  # spawn -> model loaded and warm, in a fresh process
    model_load_s: list[float]  # of which: worker spawn + model load

    @staticmethod
    def median(xs: list[float]) -> float:
        return statistics.median(xs) if xs else float("nan")


def _env(home: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", MOCKLOOP_HOME=str(home), MOCKLOOP_CONFIG=str(config),
               MOCKLOOP_REPORT_FIRST_WINDOW="1")  # fmt: skip
    src = str(REPO / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


def _spawn_until(cmd: list[str], env: dict[str, str], prefix: str, stream: str) -> tuple[float, str, float]:
    """Run ``cmd``; (seconds from spawn to the first line starting with ``prefix`` on ``stream``,
    that line, seconds from spawn to exit). RuntimeError if it fails or never prints the line."""
    seen: list[tuple[float, str]] = []
    other: list[str] = []
    t0 = time.perf_counter()
    pipe = subprocess.PIPE
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, text=True,
                         stdout=pipe if stream == "stdout" else subprocess.DEVNULL,
                         stderr=pipe if stream == "stderr" else subprocess.DEVNULL)  # fmt: skip
    out = p.stdout if stream == "stdout" else p.stderr

    def read() -> None:
        assert out is not None
        for line in out:
            if line.startswith(prefix) and not seen:
                seen.append((time.perf_counter() - t0, line.strip()))
            else:
                other.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        rc = p.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise RuntimeError(f"{cmd[1:4]} did not exit within {TIMEOUT_S:.0f} s") from None
    exit_s = time.perf_counter() - t0
    reader.join(5)
    if rc != 0 or not seen:
        raise RuntimeError(f"exit {rc} without a '{prefix.strip()}' line: {''.join(other)[-800:]}")
    return seen[0][0], seen[0][1], exit_s


def launch_gui(home: Path, config: Path) -> Launch:
    """One fresh app process; RuntimeError if it never reports its window."""
    cmd = [sys.executable, "-m", "mockloop", "gui", "--quit-after", str(QUIT_AFTER_MS)]
    wall, line, exit_s = _spawn_until(cmd, _env(home, config), "first-window ", "stderr")
    return Launch(wall, float(line.split()[1]), exit_s)


def launch_model(home: Path, config: Path) -> tuple[float, float]:
    """A fresh process that loads the speech model: (spawn -> warm wall s, worker load s)."""
    cmd = [sys.executable, "-c", _MODEL_SCRIPT]
    wall, line, _ = _spawn_until(cmd, _env(home, config), "model-warm ", "stdout")
    return wall, float(line.split()[1])


def measure(runs: int = 5, *, model: bool = True, warmup: bool = True,
            log: Callable[[str], None] = print) -> StartupResult:  # fmt: skip
    first: list[Launch] = []
    second: list[Launch] = []
    mw: list[float] = []
    ml: list[float] = []
    with tempfile.TemporaryDirectory(prefix="mockloop-bench-start-") as tmp:
        root = Path(tmp)
        if warmup:
            launch_gui(root / "warm-home", root / "warm-config")
        for i in range(runs):
            home, config = root / f"home{i}", root / f"config{i}"
            a = launch_gui(home, config)  # empty data folder: created, database made
            b = launch_gui(home, config)  # the same folder again
            first.append(a)
            second.append(b)
            log(f"launch {i + 1}/{runs}: first run {a.wall_s:.2f} s (app says {a.reported_s:.2f} s, "
                f"exit {a.exit_s:.2f} s); second run {b.wall_s:.2f} s (app says {b.reported_s:.2f} s)")  # fmt: skip
            if model:
                w, load = launch_model(home, config)
                mw.append(w)
                ml.append(load)
                log(f"  model warm {w:.2f} s after spawn (worker spawn + load {load:.2f} s)")
    return StartupResult(first, second, mw, ml)


def summarize(r: StartupResult, log: Callable[[str], None] = print) -> None:
    med = StartupResult.median
    n = len(r.first_run)
    log(f"\nfirst window, median of {n}: first run {med([x.wall_s for x in r.first_run]):.2f} s "
        f"(app says {med([x.reported_s for x in r.first_run]):.2f} s), second run "
        f"{med([x.wall_s for x in r.second_run]):.2f} s "
        f"(app says {med([x.reported_s for x in r.second_run]):.2f} s)")  # fmt: skip
    if r.model_wall_s:
        log(f"model warm, median of {len(r.model_wall_s)}: {med(r.model_wall_s):.2f} s after spawn "
            f"(worker spawn + load {med(r.model_load_s):.2f} s)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("--runs", type=int, default=5, help="launch pairs (first + second run)")
    ap.add_argument("--no-model", action="store_true", help="skip the model load measurement")
    args = ap.parse_args(argv)
    summarize(measure(args.runs, model=not args.no_model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
