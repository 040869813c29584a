"""Render each main screen of the desktop app to PNG (offscreen ``grab()``), over the fakes.

    .venv/bin/python scripts/render_screens.py OUTDIR [--dark] [--scale 1.25]

Uses a throwaway data folder holding sample sessions (the demo answer run through the real
practice engine with a fake microphone and transcriber), so nothing touches the user's data.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DAY_MS = 86_400_000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--dark", action="store_true", help="a dark palette (as a dark desktop theme would give)")
    ap.add_argument("--scale", type=float, default=None, help="QT_SCALE_FACTOR, e.g. 1.25")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MOCKLOOP_HOME"] = tempfile.mkdtemp(prefix="mockloop-screens-")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    args.outdir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")  # the same look on every machine, so screenshots compare
    if args.dark:
        app.setPalette(_dark_palette(QPalette, QColor))

    from mockloop import paths
    from mockloop import settings as settings_mod
    from mockloop.core.model import Level
    from mockloop.core.session import Phase
    from mockloop.ui.app import build_window
    from mockloop.ui.demo import FakeSpeech, demo_words, fake_session_factory, seed_demo_session
    from mockloop.ui.views.first_run import FirstRunDialog

    words = demo_words()
    sid = seed_demo_session(words, max_probes=2)
    for lv in (Level.SDE1, Level.SENIOR):
        seed_demo_session(words, max_probes=0, level=lv)
    for qid in ("own-fixed-unowned-problem", "dd-root-cause-deep-dive"):  # other principles' lines
        if _has_question(qid):
            seed_demo_session(words, max_probes=0, question_id=qid)
    _spread_over_days(paths.home() / "mockloop.db")
    suffix = ("-dark" if args.dark else "") + (f"-x{args.scale:g}" if args.scale else "")
    settings = settings_mod.Settings(first_run_done=True)

    def spin(cond: Callable[[], bool], timeout_s: float = 20.0) -> None:
        end = time.monotonic() + timeout_s
        while not cond() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()

    def shot(widget: Any, name: str) -> None:
        app.processEvents()
        path = args.outdir / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        print(path)

    def window(mic: str = "demo", **kw: Any) -> Any:
        win = build_window(factory=fake_session_factory(words, mic=mic, **kw), speech=FakeSpeech(),
                           settings=settings, cue=lambda: None)  # fmt: skip
        win.resize(1180, 900)
        win.show()
        return win

    # Recording in progress (the demo answer plays at 6x, so ~12 s of answer in 2 s).
    win = window("fast")
    tab = win.practice
    tab.select_question("tb-scaled-beyond-scope")
    shot(win, "01-practice-idle")
    tab.on_ask()
    spin(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy)
    win.pc.record()
    spin(lambda: win.pc.last_progress is not None and win.pc.last_progress.elapsed_s > 20, 30)
    win.pc.mark()
    spin(lambda: win.pc.last_progress.elapsed_s > 26, 10)
    shot(win, "02-practice-recording")
    win.pc.stop()
    spin(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy)
    win.pc.shutdown(5000)
    win.close()

    # The full answer's report, then a probe, then the summary.
    win = window()
    tab = win.practice
    tab.select_question("tb-scaled-beyond-scope")
    tab.on_record()
    spin(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy)
    shot(win, "03-report")
    win.pc.next()
    spin(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy)
    win.pc.record()
    spin(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy)
    shot(win, "04-probe-report")
    win.pc.finish()
    spin(lambda: tab.summary is not None)
    shot(win, "05-summary")

    win.tabs.setCurrentWidget(win.history)
    spin(lambda: win.history.table.rowCount() >= 5)
    win.history.table.selectRow(1)
    win.history.rescore(win.history.selected_ids())
    spin(lambda: win.history.last_rescore is not None)
    shot(win, "06-history")
    win.open_replay(sid)
    spin(lambda: win.tabs.currentWidget() is win.replay and win.replay.report is not None)
    r = win.replay
    r.seek(r.report.words[60].start_s)
    shot(win, "07-replay")
    win.tabs.setCurrentWidget(win.progress)
    spin(lambda: len(win.progress.points) >= 5)
    shot(win, "08-progress")
    win.tabs.setCurrentWidget(win.learn)
    shot(win, "09-learn-walkthrough")
    win.learn.tabs.setCurrentIndex(1)
    q = win.learn.quiz
    q.options[(win.learn.current().quiz[0].answer + 1) % 4].setChecked(True)
    q.check()
    shot(win, "10-learn-quiz")
    win.tabs.setCurrentWidget(win.settings_view)
    spin(lambda: win.settings_view.device.count() > 1)
    win.settings_view.test_capture()
    spin(lambda: "dBFS" in win.settings_view.test_result.text())
    shot(win, "11-settings")
    win.pc.shutdown(5000)
    win.close()

    from mockloop.speech.base import ModelError

    win = window(model_error=ModelError("no Whisper model at /opt/models/missing (model.bin not found)"))
    win.practice.select_question("tb-scaled-beyond-scope")
    win.practice.on_ask()
    spin(lambda: not win.practice.banner.isHidden())
    shot(win, "12-error-no-model")
    dlg = FirstRunDialog(win)
    dlg.show()
    shot(dlg, "13-first-run")
    dlg.close()
    win.pc.shutdown(5000)
    return 0


def _has_question(qid: str) -> bool:
    from mockloop.core.content import load_bank

    try:
        load_bank().question(qid)
        return True
    except KeyError:
        return False


def _spread_over_days(db: Path) -> None:
    """Sample sessions all start within a second; spread them over the past days so the progress
    charts read like real use (screenshot data only: never done to a user's store)."""
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM sessions ORDER BY id")]
    now = int(time.time() * 1000)
    for n, i in enumerate(ids):
        con.execute("UPDATE sessions SET started_at = ? WHERE id = ?", (now - (len(ids) - n) * 2 * DAY_MS, i))
    con.commit()
    con.close()


def _dark_palette(QPalette: Any, QColor: Any) -> Any:
    p = QPalette()
    R = QPalette.ColorRole
    for role, c in ((R.Window, "#2b2b2b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1e1e1e"),
                    (R.AlternateBase, "#2f2f2f"), (R.Text, "#e6e6e6"), (R.Button, "#353535"),
                    (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d7bd9"), (R.HighlightedText, "#ffffff"),
                    (R.PlaceholderText, "#9a9a9a"), (R.Mid, "#5a5a5a"), (R.ToolTipBase, "#353535"),
                    (R.ToolTipText, "#e6e6e6"), (R.Link, "#7fb0ff")):  # fmt: skip
        p.setColor(role, QColor(c))
    for role in (R.WindowText, R.Text, R.ButtonText):  # a real dark theme greys disabled text
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


if __name__ == "__main__":
    sys.exit(main())
