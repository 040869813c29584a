"""`mockloop analyze` on text: the JSON contract and bad input (one line, exit 2, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockloop.core.content import load_bank

#: A complete, realistic-length strong answer: the Think Big pattern's model answer.
STRONG = load_bank().pattern("scaled-beyond-scope").strong_answer()
SHORT = (
    "While working as an SDE2 at a bank, our fraud alerts were arriving an hour late. "
    "It was not my team's system and there was no ticket, but I decided to fix it. "
    "I traced the delay to a batch job. I rewrote it as a stream consumer. I added an alarm on lag. "
    "As a result alert delay went from 60 minutes to 2 minutes, saving $40K a month, and the payments team adopted the consumer. "
    "Looking back, the real gap was that no team owned alert latency, so I now ask who owns each latency budget."
)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mockloop", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def test_json_contract(tmp_path: Path) -> None:
    f = tmp_path / "answer.txt"
    f.write_text(STRONG)
    r = run(
        "analyze",
        str(f),
        "--json",
        "--question",
        "own-outside-scope" if False else "tb-scaled-beyond-scope",
        "--level",
        "senior",
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema_version"] == 1 and d["analyzer_version"]
    assert d["input"] == {"path": str(f), "kind": "text", "duration_s": None}
    assert d["question"] == {"id": "tb-scaled-beyond-scope", "principle": "think-big"}
    assert [p["part"] for p in d["parts"]] == [
        "situation",
        "task",
        "action",
        "result",
        "reflection",
    ]
    for p in d["parts"]:
        assert set(p) >= {"part", "text", "start_s", "end_s", "duration_s", "target_s", "status"}
        assert p["status"] in ("short", "ok", "long")
    assert d["words"] == []
    assert set(d["signals"]) >= {
        "i_count",
        "we_count",
        "self_initiated",
        "scope_boundary",
        "metric_delta",
        "business_impact",
        "second_order",
        "specific_reflection",
        "numbers",
    }
    assert set(d["delivery"]) >= {"wpm", "fillers", "hedges", "long_pauses"}
    assert set(d["scores"]) == {"ownership", "metrics", "reflection", "pacing"}
    assert all(0 <= v <= 4 for v in d["scores"].values())
    assert d["verdict"] == "strong"
    for fl in d["flags"]:
        assert set(fl) == {"code", "severity", "part", "quote", "advice"}


def test_readable_report_from_stdin() -> None:
    r = run("analyze", "-", stdin=STRONG.encode())
    assert r.returncode == 0, r.stderr
    assert "Situation" in r.stdout and "verdict STRONG" in r.stdout


def test_probe_answer(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text("I pinged their lead on chat and they took it from there.")
    r = run("analyze", str(f), "--probe", "tb-scaled-beyond-scope-p1", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["probe"]["id"] == "tb-scaled-beyond-scope-p1"
    assert d["verdict"] == "weak"


def test_latin1_text_is_read(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes(
        "I fixed the caf\xe9 ordering service; latency went from 900 ms to 200 ms.".encode(
            "latin-1"
        )
    )
    r = run("analyze", str(f), "--json")
    assert r.returncode == 0, r.stderr
    assert "café" in json.loads(r.stdout)["transcript"]


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "nope.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "empty.txt").write_text("   \n") and d / "empty.txt", "is empty"),
        (lambda d: (d / "bin.txt").write_bytes(bytes(range(256)) * 8) and d / "bin.txt", "binary"),
    ],
    ids=["missing", "directory", "empty", "binary"],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    r = run("analyze", str(path))
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_unknown_question_and_probe(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(STRONG)
    for flag, value in (("--question", "nope"), ("--probe", "nope-p1")):
        r = run("analyze", str(f), flag, value)
        assert r.returncode == 2 and "no " in r.stderr and "Traceback" not in r.stderr


def test_questions_listing() -> None:
    r = run("questions", "--principle", "ownership", "--json")
    assert r.returncode == 0, r.stderr
    qs = json.loads(r.stdout)
    assert len(qs) >= 4 and all(q["principle"] == "ownership" for q in qs)
    assert all(len(q["probes"]) >= 2 for q in qs)
    r = run("questions", "--principle", "nonsense")
    assert r.returncode == 2 and "unknown principle" in r.stderr
    r = run("questions")
    assert r.returncode == 0 and "Ownership" in r.stdout
