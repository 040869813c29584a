"""`mockloop sessions ...`: the CLI contract of issue 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockloop.cli import main
from mockloop.core.analyze import ANALYZER_VERSION
from mockloop.core.content import Bank
from mockloop.store import Store

from .helpers import ANSWER
from .test_history import WEAK, _spoken

LIST_KEYS = {"id", "started_at", "question_id", "principle", "status", "verdict",
             "analyzer_version", "audio_s"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_save_then_list_show_export_delete(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    code, out, _ = run(
        capsys, "analyze", str(answer), "--question", "own-beyond-scope", "--save", "--json"
    )
    assert code == 0
    sid = json.loads(out)["session_id"]

    code, out, _ = run(capsys, "sessions", "list", "--json")
    (item,) = json.loads(out)
    assert set(item) == LIST_KEYS
    assert item["id"] == sid and item["principle"] == "ownership" and item["status"] == "complete"
    assert item["analyzer_version"] == ANALYZER_VERSION and item["verdict"] in (
        "strong",
        "mixed",
        "weak",
    )

    code, out, _ = run(capsys, "sessions", "list")
    assert code == 0 and "own-beyond-scope" in out and "ID" in out
    assert json.loads(run(capsys, "sessions", "list", "--principle", "dive", "--json")[1]) == []
    assert len(json.loads(run(capsys, "sessions", "list", "--since", "1d", "--json")[1])) == 1
    assert json.loads(run(capsys, "sessions", "list", "--search", "kubernetes", "--json")[1]) == []

    code, out, _ = run(capsys, "sessions", "show", str(sid))
    assert code == 0 and "Tell me about a time" in out and "Scores" in out
    code, out, _ = run(capsys, "sessions", "show", str(sid), "--json")
    assert json.loads(out)["attempts"][0]["transcription"]["text"] == ANSWER

    target = tmp_path / "out.html"
    code, out, _err = run(
        capsys, "sessions", "export", str(sid), "--format", "html", "-o", str(target)
    )
    assert (
        code == 0 and out == "" and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    )
    code, out, _ = run(capsys, "sessions", "export", str(sid), "--format", "md")
    assert out.startswith("# Session")
    code, out, _ = run(capsys, "sessions", "export", str(sid), str(sid), "--format", "json")
    assert isinstance(json.loads(out), list)

    code, out, _ = run(capsys, "sessions", "delete", str(sid))
    assert code == 0 and f"Deleted session {sid}" in out
    assert json.loads(run(capsys, "sessions", "list", "--json")[1]) == []


def test_rescore_cli(capsys: pytest.CaptureFixture[str], bank: Bank) -> None:
    store = Store.open()
    old = _spoken(store, bank, WEAK, version="0.old")
    cur = _spoken(store, bank)
    store.close()
    code, out, _ = run(capsys, "sessions", "rescore", str(old), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["analyzer_version"] == ANALYZER_VERSION and "verdict" in report
    code, out, _ = run(capsys, "sessions", "rescore", "--all", "--json")
    reports = json.loads(out)
    assert isinstance(reports, list) and len(reports) == 2
    code, out, _ = run(capsys, "sessions", "rescore", "--all", "--force")
    assert code == 0 and "Rescored 2 session(s)" in out
    code, out, _ = run(capsys, "sessions", "rescore", str(cur))
    assert "skipped (up to date)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("sessions", "show", "42"),
        ("sessions", "show", "abc"),
        ("sessions", "show", "-3"),
        ("sessions", "export", "42", "--format", "md"),
        ("sessions", "delete", "42"),
        ("sessions", "rescore", "42"),
        ("sessions", "rescore"),
        ("sessions", "list", "--since", "someday"),
        ("sessions", "list", "--principle", "nonsense"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("mockloop: ") and err.count("\n") == 1 and "Traceback" not in err
