"""``mockloop gui``: the desktop app (PySide6)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)  # smoke tests
    p.set_defaults(func=run_gui)


def has_display() -> bool:
    """Qt aborts the process without a display; check first so the user gets one line."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # e.g. offscreen, or a platform the user chose on purpose
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(args: argparse.Namespace) -> int:
    if not has_display():
        print("mockloop: no display found (DISPLAY/WAYLAND_DISPLAY unset); run it in a desktop "
              "session, or use 'mockloop mock' in a terminal", file=sys.stderr)  # fmt: skip
        return 2
    try:
        from mockloop.desktop.app import main
    except ImportError as e:
        print(f"mockloop: the desktop app needs PySide6 ({e})", file=sys.stderr)
        return 2
    return main([sys.argv[0]], quit_after_ms=getattr(args, "quit_after", None))
