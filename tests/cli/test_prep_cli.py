"""`mockloop quiz` and `mockloop stories`: the terminal side of the preparation loop."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mockloop.cli import main
from mockloop.core.content import load_bank
from mockloop.core.quiz import quiz_items
from mockloop.store import Store

STORY = """**Situation:** Checkout timed out for about 4% of orders at peak, costing roughly $20,000 a week.
**Task:** Nobody owned the timeout budget, so I took it on myself.
**Action:** I traced the slow calls with distributed tracing and found a retry storm in the payment
client. I rewrote the retry policy with jittered backoff, and I added a circuit breaker around the
fraud check. I wrote a runbook and set up an alert on p99 latency.
**Result:** Timeouts fell from 4% to 0.3% of orders within two weeks, recovering about $18,000 a
week, and two other teams adopted the breaker.
**Reflection:** Looking back, I should have load-tested the retry policy before the holiday peak;
now I test failure modes of every client before launch.
"""
QID = "own-fixed-unowned-problem"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None,
         monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:  # fmt: skip
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_quiz_by_piped_answers_is_stored_and_changes_the_standing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    items = quiz_items(load_bank().pattern("commitment-at-risk"))
    letters = "".join(f"{chr(ord('a') + q.answer)}\n" for q in items)
    code, out, _ = _run(capsys, "quiz", "commitment-at-risk", stdin="h\n" + letters,
                        monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    assert "Hint:" in out and f"Score: {len(items)}/{len(items)} (100%): passed" in out
    code, out, _ = _run(capsys, "quiz", "--json")
    rows = {r["pattern"]: r for r in json.loads(out)}
    assert rows["commitment-at-risk"]["status"] == "passed"
    assert rows["root-cause-deep-dive"]["status"] == "not tried"
    with Store.open() as s:
        (attempt,) = s.prep.quiz_attempts()
        full = s.prep.quiz_attempt(attempt.id)
    assert full.finished and full.answers[0].hint_used and not full.answers[1].hint_used


def test_quiz_stopped_halfway_keeps_answers_but_does_not_count(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _run(capsys, "quiz", "root-cause-deep-dive", "--difficulty", "easy",
                        stdin="a\nzz\nq\n", monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0 and "type a letter" in out and "answers so far are saved" in out
    with Store.open() as s:
        (attempt,) = s.prep.quiz_attempts()
    assert attempt.answered == 1 and not attempt.finished
    _, out, _ = _run(capsys, "quiz")
    assert "root-cause-deep-dive" in out.split("To work on")[1]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["quiz", "no-such-pattern"], "no pattern 'no-such-pattern'"),
        (["stories", "show", "99"], "no story #99"),
        (["stories", "add", "--principle", "nope", "--title", "t"], "no principle 'nope'"),
        (["stories", "add", "--principle", "own", "--title", "t", "--question", "zz"], "no question 'zz'"),
        (["stories", "add", "--principle", "own", "--title", "t", "--file", "/nonexistent.md"], "no such file"),
        (["stories", "add", "--principle", "own", "--title", "t", "--file", "/"], "is a folder"),
        (["stories", "check", "own", "--set", "99=yes"], "checklist items 1 to"),
        (["stories", "check", "own", "--set", "1=maybe"], "--set takes"),
        (["stories", "edit", "1"], "nothing to change"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2 and needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_story_lifecycle_and_coverage_in_the_answer_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "story.md"
    f.write_text(STORY, encoding="utf-8")
    code, out, _ = _run(capsys, "stories", "add", "--principle", "own", "--title", "Checkout timeouts",
                        "--file", str(f), "--question", QID)  # fmt: skip
    assert code == 0 and "Saved story #1 for ownership" in out
    assert "Situation" in out and "of   30 s" in out and "Key points" in out

    code, out, _ = _run(capsys, "stories", "show", "1", "--json")
    data = json.loads(out)
    assert data["question_ids"] == [QID]
    assert [e["part"] for e in data["estimates"]] == ["situation", "task", "action", "result", "reflection"]
    assert {k["value"] for k in data["key_points"] if k["kind"] == "number"} >= {4.0, 18000.0}

    answer = tmp_path / "answer.txt"
    answer.write_text(
        "Checkout timed out for 4 percent of orders. I traced the slow calls and found a retry "
        "storm, and I rewrote the retry policy with jittered backoff. Timeouts fell to 0.3% of orders.",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "analyze", str(answer), "--question", QID)
    assert code == 0
    block = out.split("Your stories for this question")[1]
    assert "Story #1 'Checkout timeouts': said" in block
    said = [ln for ln in block.splitlines() if ln.strip().startswith("said:")]
    left = [ln for ln in block.splitlines() if ln.strip().startswith("left out:")]
    assert any("retry policy" in ln for ln in said)
    assert any("circuit breaker" in ln for ln in left) and any("18,000" in ln for ln in left)

    # another question's answer shows no story block
    code, out, _ = _run(capsys, "analyze", str(answer), "--question", "own-chose-long-term-fix")
    assert "Your stories" not in out

    assert _run(capsys, "stories", "unlink", "1", QID)[0] == 0
    _, out, _ = _run(capsys, "analyze", str(answer), "--question", QID)
    assert "Your stories" not in out


def test_self_check_coverage_and_markdown_export(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bank = load_bank()
    own = bank.principle("ownership")
    code, out, _ = _run(capsys, "stories", "check", "own", "--set", "1=yes", "--set", "2=no")
    assert code == 0 and f"2/{len(own.self_check)} answered" in out
    code, out, _ = _run(capsys, "stories", "check", "own", "--ask", stdin="u\nq\n", monkeypatch=monkeypatch)
    assert f"3/{len(own.self_check)} answered" in out and "[unsure]" in out

    _, out, _ = _run(capsys, "stories", "coverage", "--json")
    rows = {r["principle"]: r for r in json.loads(out)}
    assert rows["ownership"]["checks_answered"] == 3 and rows["ownership"]["stories"] == 0
    _, out, _ = _run(capsys, "stories", "coverage")
    assert "No story yet (16)" in out

    _run(capsys, "stories", "add", "--principle", "dive-deep", "--title", "Proxy limit",
         "--action", "I traced the request path and found a 10 megabyte proxy limit.")  # fmt: skip
    _, out, _ = _run(capsys, "stories", "coverage")
    assert "No story yet (15)" in out and "Dive Deep" not in out.split("No story yet")[1]

    target = tmp_path / "prep.md"
    code, out, _ = _run(capsys, "stories", "export", "--out", str(target))
    md = target.read_text(encoding="utf-8")
    assert code == 0 and md.startswith("# mockloop preparation")
    assert "### Proxy limit" in md and "_(not written)_" in md and "[yes] " + own.self_check[0] in md
    assert "| commitment-at-risk | 0 | - | - | not tried |" in md
    code, _, err = _run(capsys, "stories", "export", "--out", str(tmp_path / "no" / "dir" / "x.md"))
    assert code == 2 and "cannot write" in err


def test_saved_answer_export_carries_story_coverage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "story.md"
    f.write_text(STORY, encoding="utf-8")
    _run(capsys, "stories", "add", "--principle", "own", "--title", "Checkout timeouts",
         "--file", str(f), "--question", QID)  # fmt: skip
    answer = tmp_path / "answer.txt"
    answer.write_text("I added a circuit breaker around the fraud check, and timeouts fell to 0.3%.",
                      encoding="utf-8")  # fmt: skip
    code, out, _ = _run(capsys, "analyze", str(answer), "--question", QID, "--save")
    assert code == 0
    sid = out.rsplit("Saved as session ", 1)[1].split(".")[0]
    _, out, _ = _run(capsys, "sessions", "show", sid, "--json")
    (cov,) = json.loads(out)["attempts"][0]["story_coverage"]
    assert cov["title"] == "Checkout timeouts"
    assert any("circuit breaker" in k["text"] for k in cov["said"])
    assert any("retry policy" in k["text"] for k in cov["missed"])
    for fmt in ("md", "html"):
        target = tmp_path / f"s.{fmt}"
        assert _run(capsys, "sessions", "export", sid, "--format", fmt, "-o", str(target))[0] == 0
        text = target.read_text(encoding="utf-8")
        assert "Your story “Checkout timeouts”: said" in text and "left out:" in text
    _, out, _ = _run(capsys, "sessions", "show", sid)
    assert "Your stories for this question" in out
