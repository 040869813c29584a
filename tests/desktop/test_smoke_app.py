"""Smoke test of the real app process: the composition root boots with the real adapters, shows
its window and exits cleanly (as Friture's smoke test does for its frozen app). Under Xvfb when
it is installed, so a real X server and its platform plugin are exercised; offscreen otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_real_app_boots_and_quits(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MOCKLOOP_HOME"] = str(tmp_path / "home")
    cmd = [sys.executable, "-m", "mockloop", "gui", "--quit-after", "2500"]
    if shutil.which("xvfb-run"):
        env.pop("QT_QPA_PLATFORM", None)
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", *cmd]
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Traceback" not in p.stderr
    # It really started: the data folder exists, created private.
    home = tmp_path / "home"
    assert home.is_dir() and (home.stat().st_mode & 0o077) == 0
