"""A non-editable install (pip / pipx) carries content/ and assets/ inside the package, where
core.content.shipped_path finds them. Built the way `pipx install .` builds it (setup.py's
build_py copies the two folders), installed into a throwaway folder and run from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("mockloop/content/principles.yaml", "mockloop/content/README.md",
           "mockloop/assets/demo/answer.flac", "mockloop/assets/demo/answer.json",
           "mockloop/assets/icon/mockloop.svg", "mockloop/assets/icon/mockloop-256.png")  # fmt: skip


def _pip(*args: str, cwd: Path) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]


def test_wheel_carries_content_and_assets(tmp_path: Path) -> None:
    _pip("wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(REPO), cwd=tmp_path)
    (wheel,) = (tmp_path / "wheel").glob("mockloop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in SHIPPED:
        assert rel in names, f"{rel} is not in the wheel"
    questions = [n for n in names if n.startswith("mockloop/content/questions/")]
    assert len(questions) == len(list((REPO / "content" / "questions").glob("*.yaml")))

    site = tmp_path / "site"
    _pip("install", "--no-deps", "-q", "--target", str(site), str(wheel), cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}  # before the checkout's editable install
    env.pop("MOCKLOOP_CONTENT", None)
    env.pop("MOCKLOOP_DEMO_AUDIO", None)
    code = ("import mockloop, mockloop.core.content as c, mockloop.services.audio as a\n"
            "print(mockloop.__file__); print(c.default_content_dir()); print(a.demo_answer()[0])\n"
            "print(len(c.load_bank().questions))")  # fmt: skip
    p = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    init, content, demo, count = p.stdout.split("\n")[:4]
    pkg = site / "mockloop"
    assert Path(init) == pkg / "__init__.py"
    assert Path(content) == pkg / "content"
    assert Path(demo) == pkg / "assets" / "demo" / "answer.flac"
    assert int(count) > 80
