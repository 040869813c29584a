"""Corrupt databases and bad content files, through the real CLI in a child process: each case
gets one clear line (a warning and a working store, or an error and exit 2), never a traceback.

The store-level behaviour (backups byte for byte, damaged pages, concurrent opens) is tested in
tests/store/test_corrupt.py; content validation messages in tests/core/test_content_bank.py.
This file covers every case end to end from the command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def _cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockloop", *args], env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)  # fmt: skip


def _good_store(home: Path) -> int:
    """A store with one saved session, via the CLI itself."""
    env = dict(os.environ, MOCKLOOP_HOME=str(home))
    r = _cli("analyze", "-", "--save", "--json", env=env,
             stdin="Our alerts were late. I fixed the batch job myself. Delay fell from 60 to 2 minutes.")  # fmt: skip
    assert r.returncode == 0, r.stderr
    return 1


def _garbage(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _foreign(db: Path) -> None:
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()


def _wrecked_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data), 5):
        data[i] = 0xA5
    db.write_bytes(bytes(data))


def _zero_header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:100] = bytes(100)
    db.write_bytes(bytes(data))


DB_CASES: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "truncated": _truncated,
    "foreign": _foreign,
    "wrecked_pages": _wrecked_pages,
    "zero_header": _zero_header,
}


@pytest.mark.parametrize("case", list(DB_CASES))
def test_corrupt_database_from_the_cli(case: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _good_store(home)
    db = home / "mockloop.db"
    env = dict(os.environ, MOCKLOOP_HOME=str(home))
    _cli("sessions", "list", env=env)  # checkpoint the WAL into the main file
    for extra in ("mockloop.db-wal", "mockloop.db-shm"):
        (home / extra).unlink(missing_ok=True)
    DB_CASES[case](db)
    before = db.read_bytes()
    r = _cli("sessions", "list", "--json", env=env)
    assert "Traceback" not in r.stderr, r.stderr
    if r.returncode == 0:  # unreadable: moved aside with a warning, a fresh store works
        assert "warning" in r.stderr and "corrupt-" in r.stderr, r.stderr
        backups = list(home.glob("mockloop.db.corrupt-*"))
        assert len(backups) == 1 and backups[0].read_bytes() == before  # kept byte for byte
        r2 = _cli("analyze", "-", "--save", env=env, stdin="I fixed it myself and delay fell by 90%.")
        assert r2.returncode == 0, r2.stderr
    else:  # readable enough to open, damaged inside: one line, nothing moved or lost
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith("mockloop: ") and r.stderr.count("\n") == 1, r.stderr
        assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        (["sessions", "list"], None),
        (["analyze", "-", "--save"], "I fixed the batch job myself. Delay fell from 60 to 2 minutes."),
        (["stories", "coverage"], None),
        (["quiz"], None),
    ],
)
def test_database_path_taken_by_a_folder(tmp_path: Path, argv: list[str], stdin: str | None) -> None:
    home = tmp_path / "home"
    (home / "mockloop.db").mkdir(parents=True)
    env = dict(os.environ, MOCKLOOP_HOME=str(home))
    r = _cli(*argv, env=env, stdin=stdin)
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 2), r.stderr
    assert r.stderr.startswith("mockloop: ") and r.stderr.count("\n") == 1, r.stderr
    assert (home / "mockloop.db").is_dir()  # left as it was for the user to move


# --------------------------------------------------------------------------- content


def _break(root: Path, case: str) -> str:
    """Break one file of a content copy; returns the file name the message must carry."""
    q = root / "questions" / "dive-deep.yaml"
    if case == "bad_yaml":
        q.write_text("principle: dive-deep\nquestions: [\n  - id: x\n")
    elif case == "binary":
        q.write_bytes(os.urandom(2048))
    elif case == "empty":
        q.write_text("")
    elif case == "missing_field":
        q.write_text(q.read_text().replace("kind:", "kind_typo:", 1))
    elif case == "wrong_type":
        q.write_text("principle: dive-deep\nquestions: 42\n")
    elif case == "no_principles":
        (root / "principles.yaml").unlink()
        return "principles.yaml"
    return "dive-deep.yaml"


CONTENT_CASES = ["bad_yaml", "binary", "empty", "missing_field", "wrong_type", "no_principles"]


@pytest.mark.parametrize("case", CONTENT_CASES)
def test_bad_content_from_the_cli(case: str, tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    name = _break(root, case)
    env = dict(os.environ, MOCKLOOP_CONTENT=str(root), MOCKLOOP_HOME=str(tmp_path / "home"))
    for argv in (["questions"], ["mock", "--no-voice"], ["analyze", "-", "--question", "dd-x"]):
        r = _cli(*argv, env=env, stdin="I traced it myself.")
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr.startswith("mockloop: ") and r.stderr.count("\n") == 1, (argv, r.stderr)
        assert name in r.stderr and "Traceback" not in r.stderr, (argv, r.stderr)
    # An answer analysed on its own needs no bank: a warning, and the report still comes.
    r = _cli("analyze", "-", env=env, stdin="I traced the delay myself and cut it from 60 to 2 minutes.")
    assert r.returncode == 0, r.stderr
    assert "warning: content not loaded" in r.stderr and name in r.stderr
