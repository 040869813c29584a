"""The real model (embedded tiny.en) on real and synthesized speech. Marked `integration`."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml
from speech_helpers import DEMO, JFK_TEXT, REPO, need_espeak, need_jfk

from mockloop.speech.base import TranscriberCrashedError
from mockloop.speech.metrics import word_error_rate
from mockloop.speech.wavfile import read_audio

pytestmark = pytest.mark.integration




def test_jfk_words_and_timestamps(real_transcriber) -> None:
    res = real_transcriber.transcribe(need_jfk())
    assert word_error_rate(JFK_TEXT, res.text) <= 0.1, res.text
    starts = [w.start_s for w in res.words]
    assert starts == sorted(starts)
    assert 0.0 <= res.words[0].start_s < 0.6
    assert 9.0 < res.words[-1].end_s <= 11.1
    assert res.pauses  # the speaker's pauses are found by VAD


def test_silence_and_noise_yield_no_speech(real_transcriber) -> None:
    assert real_transcriber.transcribe(np.zeros(16000 * 6, np.float32)).no_speech
    noise = np.random.default_rng(0).normal(0, 0.01, 16000 * 6).astype(np.float32)
    assert real_transcriber.transcribe(noise).no_speech


def _truth(meta_parts: list[dict]) -> dict[str, float]:
    return {p["part"]: p["start_s"] for p in meta_parts}


def _assert_starts(report, truth: dict[str, float]) -> None:
    found = {p.part.value: p.start_s for p in report.parts}
    assert set(found) == set(truth), found
    for part, start in found.items():
        assert abs(start - truth[part]) <= 2.0, (part, start, truth[part])


def test_demo_answer_batch_part_starts(real_transcriber) -> None:
    from mockloop.services.audio import analyze_audio_file

    truth = _truth(json.loads(DEMO.with_suffix(".json").read_text())["parts"])
    report = analyze_audio_file(DEMO)
    assert report.input.kind == "audio" and report.transcript_source == "refined"
    _assert_starts(report, truth)


@pytest.fixture(scope="module")
def seed_answer(tmp_path_factory: pytest.TempPathFactory):
    """The walkthrough seed's strong answer, spoken by espeak-ng part by part."""
    need_espeak()
    from mockloop.speech.synth import synthesize_answer

    d = yaml.safe_load((REPO / "tests" / "core" / "data" / "seed_strong.yaml").read_text())
    parts = [(k, d[k]) for k in ("situation", "task", "action", "result", "reflection")]
    return synthesize_answer(parts, tmp_path_factory.mktemp("synth") / "seed.wav", wpm=170)


def test_synthesized_answer_live_pipeline(real_transcriber, seed_answer) -> None:
    from mockloop.services.audio import record_from_file

    res = record_from_file(seed_answer.path, transcriber=real_transcriber)
    assert res.report.transcript_source == "live"
    assert res.timing["pieces"] >= 6
    _assert_starts(res.report, seed_answer.part_starts())
    # Words are in audio time and labelled with their part.
    assert res.report.words[0].part is not None
    assert abs(res.report.words[-1].end_s - seed_answer.duration_s) < 2.0


def test_demo_answer_live_pipeline(real_transcriber) -> None:
    from mockloop.services.audio import record_from_file

    truth = _truth(json.loads(DEMO.with_suffix(".json").read_text())["parts"])
    res = record_from_file(DEMO, transcriber=real_transcriber)
    _assert_starts(res.report, truth)


def test_worker_crash_is_typed_and_recovers(real_transcriber) -> None:
    long_audio = np.tile(read_audio(DEMO), 2)
    real_transcriber.wait_ready()
    pid = real_transcriber.pid
    timer = threading.Timer(0.5, lambda: os.kill(pid, signal.SIGKILL))
    timer.start()
    with pytest.raises(TranscriberCrashedError, match="restarts"):
        real_transcriber.transcribe(long_audio)
    timer.join()
    res = real_transcriber.transcribe(need_jfk())  # a fresh worker
    assert word_error_rate(JFK_TEXT, res.text) <= 0.1
    assert real_transcriber.pid != pid


def test_transcribe_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from mockloop.cli import main

    assert main(["transcribe", str(need_jfk()), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "tiny.en (embedded)" and word_error_rate(JFK_TEXT, data["text"]) <= 0.1
    assert data["words"][0]["start_s"] < 0.6


def test_voice_renders_and_caches(tmp_path: Path) -> None:
    need_espeak()
    from mockloop.speech.voice import EspeakVoice

    v = EspeakVoice(cache_dir=tmp_path, play=False)
    if not v.available:
        pytest.skip(f"pyttsx3/espeak voice unavailable: {v.error}")
    long_text = "Tell me about a time you disagreed with your manager and what happened next. " * 4
    p1 = v.render(long_text)
    mtime = p1.stat().st_mtime_ns
    import soundfile as sf

    data, rate = sf.read(str(p1))
    assert len(data) / rate > 15  # the whole long prompt, not an early-cut fragment
    assert v.render(long_text) == p1 and p1.stat().st_mtime_ns == mtime  # cached
    assert v.render("Short one.") != p1
    assert v.speak("Hello") is True  # play=False: rendered only
