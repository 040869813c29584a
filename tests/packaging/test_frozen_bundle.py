"""Smoke test of the frozen one-folder bundle (dist/mockloop/), as Friture's smoke test does for
its frozen app: the executable itself, without the network, with no Python path from the checkout.

The bundle is built once per test session (packaging/build_bundle.sh) when it is missing or
older than any source. `demo` and `transcribe` run the real model in the spawned ASR worker, so
they prove the embedded model, the VAD model, the native libraries and freeze_support() all work
frozen (without freeze_support the worker would start a second CLI and the demo would fail).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The first test also pays for the build (about 30-90 s), hence the longer limit.
pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "dist" / "mockloop"
EXE = BUNDLE / "mockloop"
JFK = REPO.parent / "shared" / "audio" / "jfk.flac"
# What the bundle is made of: rebuilding is due when any of it is newer than the executable.
SOURCES = ("src", "content", "assets", "packaging/mockloop.spec", "packaging/build_bundle.sh",
           "pyproject.toml")  # fmt: skip
BROKEN = ("Traceback", "ModuleNotFoundError", "No module named", "ImportError",
          "cannot open shared object file", "error while loading shared libraries",
          "Failed to execute script", "Could not load the Qt platform plugin",
          "usage: mockloop")  # fmt: skip


def _newest_source_mtime() -> float:
    newest = 0.0
    for rel in SOURCES:
        path = REPO / rel
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for f in files:
            if "__pycache__" not in f.parts:
                newest = max(newest, f.stat().st_mtime)
    return newest


def _no_network_prefix() -> list[str]:
    """`unshare -n`: the app must work with no network at all. Not optional, so never skipped."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("unshare (util-linux) is needed to run the frozen app without network")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.fail(
            f"'unshare -n' does not work here (run the tests as root): {probe.stderr.strip()}"
        )
    return [unshare, "-n"]


@pytest.fixture(scope="session")
def bundle() -> Path:
    if not EXE.is_file() or EXE.stat().st_mtime < _newest_source_mtime():
        p = subprocess.run(["bash", str(REPO / "packaging" / "build_bundle.sh"), sys.executable],
                           capture_output=True, text=True, timeout=900)  # fmt: skip
        assert p.returncode == 0, f"bundle build failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    assert EXE.is_file() and os.access(EXE, os.X_OK)
    return EXE


@pytest.fixture
def frozen_env(tmp_path: Path) -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MOCKLOOP_CONTENT", "MOCKLOOP_DEMO_AUDIO",
            "DISPLAY", "WAYLAND_DISPLAY")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(MOCKLOOP_HOME=str(tmp_path / "home"), MOCKLOOP_CONFIG=str(tmp_path / "config"),
               QT_QPA_PLATFORM="offscreen")  # fmt: skip
    return env


def run_frozen(exe: Path, *args: str, env: dict[str, str], cwd: Path, prefix: list[str] | None = None,
               timeout: float = 240) -> str:  # fmt: skip
    """Run the frozen executable offline from a foreign folder; fail on any sign of a broken
    bundle; return stdout + stderr."""
    cmd = [*_no_network_prefix(), *(prefix or []), str(exe), *args]
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    out = p.stdout + p.stderr
    assert p.returncode == 0, f"{' '.join(args)} exited {p.returncode}:\n{out[-4000:]}"
    for bad in BROKEN:
        assert bad not in out, f"{' '.join(args)} printed {bad!r}:\n{out[-4000:]}"
    return out


def test_version_and_bundled_content(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_frozen(bundle, "--version", env=frozen_env, cwd=tmp_path).strip() == "mockloop 0.1.0"
    out = run_frozen(bundle, "questions", env=frozen_env, cwd=tmp_path)
    # The whole bank from the bundle's own copy of content/: all 16 principles, numbered.
    assert "1. Customer Obsession" in out and "16. Success and Scale" in out
    out = run_frozen(bundle, "patterns", "scaled-beyond-scope", env=frozen_env, cwd=tmp_path)
    assert "Situation" in out and "Reflection" in out


def test_voice_driver_loads(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    # pyttsx3 picks its driver by name at run time: the espeak driver must be in the bundle.
    out = run_frozen(bundle, "voices", env=frozen_env, cwd=tmp_path)
    assert "English" in out, out


def test_gui_boots_offscreen(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    run_frozen(bundle, "gui", "--quit-after", "3000", env=frozen_env, cwd=tmp_path)
    home = tmp_path / "home"
    assert home.is_dir() and (home.stat().st_mode & 0o077) == 0


def test_gui_boots_on_xcb(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    """The xcb platform plugin and its libraries, on a real (virtual) X server."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.fail(
            "xvfb-run is needed for the xcb check (apt package xvfb, see packaging/bootstrap.sh)"
        )
    env = {k: v for k, v in frozen_env.items() if k != "QT_QPA_PLATFORM"}
    run_frozen(bundle, "gui", "--quit-after", "3000", env=env, cwd=tmp_path,
               prefix=[xvfb, "-a", "-s", "-screen 0 1280x900x24"])  # fmt: skip


def test_demo_runs_the_frozen_asr_worker(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    out = run_frozen(bundle, "demo", env=frozen_env, cwd=tmp_path, timeout=400)
    assert "report ready" in out and "Session summary" in out, out[-3000:]
    # Every part was heard: timed words from the real transcription of the bundled answer.
    for part in ("Situation", "Task", "Action", "Result", "Reflection"):
        assert re.search(rf"^\s+{part}\s+@\s+\d+\.\ds.*wpm$", out, re.M), out[-3000:]
    assert "speech worker" not in out and "speech model" not in out, out[-3000:]


def test_transcribe_a_real_voice(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    if not JFK.is_file():
        pytest.skip(f"shared speech sample missing: {JFK} (see shared/audio/README.md)")
    out = run_frozen(bundle, "transcribe", str(JFK), env=frozen_env, cwd=tmp_path)
    text = " ".join(out.lower().replace(",", " ").split())
    assert "ask not what your country can do for you" in text, out
