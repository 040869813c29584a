"""Start-up timing hook for benchmarks: ``MOCKLOOP_REPORT_FIRST_WINDOW=1``.

When the variable is set, the app prints one line ``first-window <seconds>`` on stderr the first
time anything in the main window is painted, the seconds counted from the start of the process
(so interpreter start and imports are included). ``benchmarks/bench_startup.py`` reads it.
Unset, nothing is installed and nothing is printed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

ENV = "MOCKLOOP_REPORT_FIRST_WINDOW"
_FALLBACK_T0 = time.perf_counter()  # only used where /proc is missing (not Linux)


def seconds_since_process_start() -> float:
    """Wall time since this process was started (Linux: from /proc, 10 ms resolution).

    Elsewhere, the time since this module was imported, which misses interpreter start-up.
    """
    try:
        stat = Path("/proc/self/stat").read_text()
        # Field 22 (starttime, clock ticks after boot); fields after the ')' begin at field 3.
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime_s - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _FALLBACK_T0


class _FirstPaint(QObject):
    """App-wide filter that waits for the first paint of any widget in ``window``."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and obj.window() is self._window):  # fmt: skip
            print(f"first-window {seconds_since_process_start():.3f}", file=sys.stderr, flush=True)
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        return False


def install_if_requested(window: QWidget) -> None:
    """Call before ``window.show()``; does nothing unless ``MOCKLOOP_REPORT_FIRST_WINDOW=1``."""
    if os.environ.get(ENV) != "1":
        return
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(_FirstPaint(window))
