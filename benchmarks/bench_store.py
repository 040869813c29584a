"""Session store at scale: seed N sessions, time list-with-filters and a full rescore.

    .venv/bin/python benchmarks/bench_store.py               # 10,000 sessions, 200 words each
    .venv/bin/python benchmarks/bench_store.py -n 2000 --words 100 --rescore-limit 500

Runs in a throw-away data folder (never the user's). Prints one line per measurement; the
rescore shows a progress bar on stderr.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", "--sessions", type=int, default=10_000)
    ap.add_argument("--words", type=int, default=200, help="timed words per answer")
    ap.add_argument("--rescore-limit", type=int, default=None, help="rescore only this many")
    ap.add_argument("--keep", action="store_true", help="keep the temp data folder")
    args = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="mockloop-bench-")
    os.environ["MOCKLOOP_HOME"] = tmp
    from mockloop.services import history
    from mockloop.store import SessionFilter, Store
    from mockloop.store.seed import seed_sessions

    store = Store.open()
    t = time.perf_counter()
    seed_sessions(store, args.sessions, words_per_answer=args.words)
    seed_s = time.perf_counter() - t
    size_mb = Path(store.path).stat().st_size / 1e6
    print(
        f"seed      {args.sessions} sessions x {args.words} words: {seed_s:6.2f} s  (db {size_mb:.0f} MB)"
    )

    t = time.perf_counter()
    store.close()
    store = Store.open()
    print(
        f"open      reopen + migrate check + recovery scan:    {1000 * (time.perf_counter() - t):7.1f} ms"
    )

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
    for name, f in filters.items():
        times = []
        for _ in range(20):
            t = time.perf_counter()
            rows = store.list_sessions(f, limit=50)
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        total = store.count_sessions(f)
        count_ms = 1000 * (time.perf_counter() - t)
        print(
            f"list      {name:22} {len(rows):3} of {total:5}: median {1000 * statistics.median(times):6.2f} ms"
            f"  max {1000 * max(times):6.2f} ms  (count {count_ms:5.1f} ms)"
        )
    t = time.perf_counter()
    pts = history.progress_series(store=store)
    print(
        f"progress  series of {len(pts)} points:                 {1000 * (time.perf_counter() - t):7.1f} ms"
    )
    t = time.perf_counter()
    history.session_json(store.list_sessions(limit=1)[0].id, store=store)
    print(
        f"show      one session with words:                  {1000 * (time.perf_counter() - t):7.1f} ms"
    )

    ids = store.session_ids()
    if args.rescore_limit is not None:
        ids = ids[: args.rescore_limit]
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

    bank_note = ""
    try:
        from mockloop.core.content import load_bank

        bank = load_bank()
    except Exception:
        os.environ["MOCKLOOP_CONTENT"] = str(
            Path(__file__).resolve().parents[1] / "tests" / "store" / "content"
        )
        from mockloop.core.content import load_bank

        bank = load_bank()
        bank_note = " (test content bank)"
    t0 = time.perf_counter()
    summary = history.rescore(ids, bank=bank, progress=bar, store=store)
    rescore_s = time.perf_counter() - t0
    print(
        f"rescore   {len(ids)} sessions with the real analyzer{bank_note}: {rescore_s:6.2f} s"
        f"  ({1000 * rescore_s / max(1, len(ids)):.2f} ms/session, {len(summary.changed)} changed,"
        f" {len(summary.failed)} failed)"
    )
    t0 = time.perf_counter()
    summary = history.rescore(ids, bank=bank, store=store)
    print(f"rescore   again (all up to date, skipped):          {time.perf_counter() - t0:6.2f} s")
    store.close()
    if args.keep:
        print(f"data kept in {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
