"""`mockloop learn`: listing, walking through, marks, --part, --hear with and without a voice."""

from __future__ import annotations

import io
from typing import Any

import pytest

from mockloop.cli import learn_cmd, main
from mockloop.core.content import load_bank
from mockloop.core.learn import hear_it_rate
from mockloop.speech.fakes import FakeVoice


def test_lists_patterns_with_principle_and_title(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["learn"]) == 0
    out = capsys.readouterr().out
    bank = load_bank()
    for p in bank.patterns:
        line = next(x for x in out.splitlines() if x.startswith(p.id))
        assert bank.principle(p.principle).name in line and p.title in line


def test_unknown_pattern_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["learn", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope" in err and "scaled-beyond-scope" in err


def test_whole_walkthrough_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["learn", "scaled-beyond-scope"]) == 0
    out = capsys.readouterr().out
    pat = load_bank().pattern("scaled-beyond-scope")
    assert "\033[" not in out and "Enter for next" not in out
    assert "[[I noticed]]" in out and "[[not my team]]" in out
    # flagged phrases of the weak answer, each with its numbered why
    for i, f in enumerate(pat.weak_answer.flagged, 1):
        assert f"({i}) " + " ".join(f.why.split()[:4]) in " ".join(out.split())
    for heading in ("Situation - target 30 s", "Common mistake", "Probe 1 of", "Bar raiser's verdict",
                    "Level variants", "Emphasize", "Downplay"):  # fmt: skip
        assert heading in out
    steps = [x for x in out.splitlines() if x.startswith("[")]
    assert steps[0].startswith("[1/") and len(steps) == 9 + len(pat.question.probes)


def test_part_jumps_to_one_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["learn", "scaled-beyond-scope", "--part", "result"]) == 0
    out = capsys.readouterr().out
    assert "Result - target" in out and "Situation - target" not in out and "Probe 1" not in out


def test_interactive_steps_and_quit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty("\nq\n"))
    monkeypatch.setattr("sys.stdout", Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    import sys

    assert main(["learn", "root-cause-deep-dive"]) == 0
    out = sys.stdout.getvalue()
    assert out.count("Enter for next, q to quit") == 2  # Enter, then q on the second prompt
    assert "[2/" in out and "[3/" not in out


def test_ansi_marks_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(learn_cmd, "_use_ansi", lambda: True)
    assert main(["learn", "scaled-beyond-scope", "--part", "task", "--all"]) == 0
    out = capsys.readouterr().out
    assert "\033[1;4mnot my team\033[0m" in out and "[[" not in out


def test_hear_reads_each_part_at_its_target_pace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    voice = FakeVoice()
    monkeypatch.setattr(learn_cmd, "_make_voice", lambda: voice)
    assert main(["learn", "scaled-beyond-scope", "--hear", "--all"]) == 0
    pat = load_bank().pattern("scaled-beyond-scope")
    assert voice.spoken == [pp.example for pp in pat.parts]
    assert voice.rates == [hear_it_rate(pp.example, pp.target_s).rate_wpm for pp in pat.parts]
    out = capsys.readouterr().out
    sit = hear_it_rate(pat.parts[0].example, pat.parts[0].target_s)
    assert f"Playing at {sit.rate_wpm} wpm, about 30 s (target 30 s)" in out


def test_hear_without_a_voice_says_so_once_and_continues(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(learn_cmd, "_make_voice", lambda: FakeVoice(available=False))
    assert main(["learn", "scaled-beyond-scope", "--hear", "--all"]) == 0
    out = capsys.readouterr().out
    assert out.count("Cannot read aloud") == 1 and "install espeak-ng" in out
    assert "Continuing in text" in out
    assert "Emphasize" in out  # the walkthrough went on to the end


def test_hear_stops_after_a_playback_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    voice: Any = FakeVoice()
    voice.playback_error = "no audio output (no device)"
    monkeypatch.setattr(learn_cmd, "_make_voice", lambda: voice)
    assert main(["learn", "scaled-beyond-scope", "--hear", "--all"]) == 0
    assert len(voice.spoken) == 1
    out = capsys.readouterr().out
    assert "Cannot read aloud: no audio output (no device); check that a speaker" in out
