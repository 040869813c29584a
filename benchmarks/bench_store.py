"""Session store at scale: seed N sessions, time list-with-filters and a full rescore.

    .venv/bin/python benchmarks/bench_store.py               # 10,000 sessions, 200 words each
    .venv/bin/python benchmarks/bench_store.py -n 2000 --words 100 --rescore-limit 500

Runs in a throw-away data folder (never the user's). Prints one line per measurement; the
rescore shows a progress bar on stderr. ``run()`` returns the figures; benchmarks/run_all.py
calls it with the other benchmarks.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_env import scoped_env


@dataclass(frozen=True)
class StoreResult:
    sessions: int
    words: int
    db_mb: float
    seed_s: float
    open_ms: float
    list_median_ms: dict[str, float]  # filter -> median of 20 list calls (newest 50 rows)
    rescored: int
    rescore_s: float
    rescore_again_s: float

    @property
    def list_worst_median_ms(self) -> float:
        return max(self.list_median_ms.values())


def run(sessions: int = 10_000, words: int = 200, rescore_limit: int | None = None,
        keep: bool = False, log: Callable[[str], None] = print) -> StoreResult:  # fmt: skip
    """Seed, list and rescore in a temp data folder; the environment is restored afterwards."""
    tmp = tempfile.mkdtemp(prefix="mockloop-bench-")
    try:
        with scoped_env({"MOCKLOOP_HOME": tmp}):
            return _run(tmp, sessions, words, rescore_limit, log)
    finally:
        if keep:
            log(f"data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(tmp: str, n_sessions: int, n_words: int, rescore_limit: int | None,
         log: Callable[[str], None]) -> StoreResult:  # fmt: skip
    from mockloop.services import history
    from mockloop.store import SessionFilter, Store
    from mockloop.store.seed import seed_sessions

    store = Store.open()
    t = time.perf_counter()
    seed_sessions(store, n_sessions, words_per_answer=n_words)
    seed_s = time.perf_counter() - t
    size_mb = Path(store.path).stat().st_size / 1e6
    log(f"seed      {n_sessions} sessions x {n_words} words: {seed_s:6.2f} s  (db {size_mb:.0f} MB)")

    t = time.perf_counter()
    store.close()
    store = Store.open()
    open_ms = 1000 * (time.perf_counter() - t)
    log(f"open      reopen + migrate check + recovery scan:    {open_ms:7.1f} ms")

    now_ms = int(time.time() * 1000)
    filters = {
        "newest 50": SessionFilter(),
        "principle": SessionFilter(principle="ownership"),
        "principle+since 30d": SessionFilter(
            principle="ownership", since_ms=now_ms - 30 * 86_400_000
        ),
        "verdict": SessionFilter(verdict="weak"),
        "status": SessionFilter(status="interrupted"),
        "question": SessionFilter(question_id="dive-root-cause"),
        "search 'latency'": SessionFilter(search="latency"),
    }
    medians: dict[str, float] = {}
    for name, f in filters.items():
        times = []
        for _ in range(20):
            t = time.perf_counter()
            rows = store.list_sessions(f, limit=50)
            times.append(time.perf_counter() - t)
        medians[name] = 1000 * statistics.median(times)
        t = time.perf_counter()
        total = store.count_sessions(f)
        count_ms = 1000 * (time.perf_counter() - t)
        log(
            f"list      {name:22} {len(rows):3} of {total:5}: median {1000 * statistics.median(times):6.2f} ms"
            f"  max {1000 * max(times):6.2f} ms  (count {count_ms:5.1f} ms)"
        )
    t = time.perf_counter()
    pts = history.progress_series(store=store)
    log(
        f"progress  series of {len(pts)} points:                 {1000 * (time.perf_counter() - t):7.1f} ms"
    )
    t = time.perf_counter()
    history.session_json(store.list_sessions(limit=1)[0].id, store=store)
    log(
        f"show      one session with words:                  {1000 * (time.perf_counter() - t):7.1f} ms"
    )

    ids = store.session_ids()
    if rescore_limit is not None:
        ids = ids[:rescore_limit]
    width = 40

    def bar(done: int, n: int, _sid: int) -> None:
        if done % max(1, n // 200) and done != n:
            return
        filled = width * done // n
        el = time.perf_counter() - t0
        sys.stderr.write(
            f"\rrescore [{'#' * filled}{'.' * (width - filled)}] {done}/{n} {el:5.1f}s"
        )
        if done == n:
            sys.stderr.write("\n")
        sys.stderr.flush()

    from mockloop.core.content import load_bank

    bank_note = ""
    try:
        bank = load_bank()
    except Exception:  # the rescore is passed its bank, so the test bank needs no env change
        bank = load_bank(Path(__file__).resolve().parents[1] / "tests" / "store" / "content")
        bank_note = " (test content bank)"
    t0 = time.perf_counter()
    summary = history.rescore(ids, bank=bank, progress=bar, store=store)
    rescore_s = time.perf_counter() - t0
    log(
        f"rescore   {len(ids)} sessions with the real analyzer{bank_note}: {rescore_s:6.2f} s"
        f"  ({1000 * rescore_s / max(1, len(ids)):.2f} ms/session, {len(summary.changed)} changed,"
        f" {len(summary.failed)} failed)"
    )
    t0 = time.perf_counter()
    history.rescore(ids, bank=bank, store=store)
    again_s = time.perf_counter() - t0
    log(f"rescore   again (all up to date, skipped):          {again_s:6.2f} s")
    store.close()
    return StoreResult(n_sessions, n_words, size_mb, seed_s, open_ms, medians, len(ids),
                       rescore_s, again_s)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", "--sessions", type=int, default=10_000)
    ap.add_argument("--words", type=int, default=200, help="timed words per answer")
    ap.add_argument("--rescore-limit", type=int, default=None, help="rescore only this many")
    ap.add_argument("--keep", action="store_true", help="keep the temp data folder")
    args = ap.parse_args(argv)
    run(args.sessions, args.words, args.rescore_limit, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
