from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from speech_helpers import DATA, DEMO

from mockloop.core.analyze import analyze
from mockloop.core.model import Part, Transcript, Word
from mockloop.speech.base import TranscriberCrashedError
from mockloop.speech.fakes import FakeTranscriber
from mockloop.speech.live import LiveTranscriber, StreamingVad, choose_transcript
from mockloop.speech.wavfile import read_audio

TRUE_STARTS = {p["part"]: p["start_s"] for p in json.loads(DEMO.with_suffix(".json").read_text())["parts"]}


def _feed(live: LiveTranscriber, audio: np.ndarray, block: int = 800) -> None:
    live.start()
    for i in range(0, len(audio), block):
        live.feed(audio[i : i + block])


@pytest.fixture(scope="module")
def demo_audio() -> np.ndarray:
    return read_audio(DEMO)


def test_pieces_are_cut_at_pauses_and_words_keep_audio_time(demo_audio, golden_words) -> None:
    fake = FakeTranscriber(golden_words)
    live = LiveTranscriber(fake)
    _feed(live, demo_audio)
    res = live.finish(duration_s=len(demo_audio) / 16000)
    t = res.transcript
    assert t.source == "live"
    assert [w.text for w in t.words] == [w.text for w in golden_words]
    assert all(a.start_s <= b.start_s for a, b in zip(t.words, t.words[1:], strict=False))
    lengths = [p["end_s"] - p["start_s"] for p in live.piece_log]
    assert len(lengths) >= 6 and len(fake.calls) == len(lengths)
    assert all(2.0 <= n <= 10.6 for n in lengths[:-1]), lengths  # the tail may be shorter
    # Every cut falls in a pause: no golden word straddles a piece boundary (Whisper's word
    # ends run into the following silence by a few hundred ms, hence the margin).
    for p in live.piece_log[1:]:
        cut = p["start_s"]
        assert not any(w.start_s < cut - 0.15 and w.end_s > cut + 0.3 for w in golden_words), cut
    # Pauses come from VAD (the 0.9 s gaps between STAR parts are among them).
    assert t.pauses and any(a <= TRUE_STARTS["task"] <= b + 0.3 for a, b in t.pauses)


def test_part_starts_from_live_words(demo_audio, golden_words) -> None:
    live = LiveTranscriber(FakeTranscriber(golden_words))
    _feed(live, demo_audio)
    report = analyze(live.finish().transcript)
    for p in report.parts:
        assert p.start_s is not None
        assert abs(p.start_s - TRUE_STARTS[p.part.value]) <= 2.0, (p.part, p.start_s)
    assert {p.part for p in report.parts} == set(Part)


def test_silence_is_no_speech_and_never_transcribed() -> None:
    fake = FakeTranscriber([Word("hallucinated", 1.0, 1.5)])
    live = LiveTranscriber(fake)
    _feed(live, np.zeros(16000 * 12, np.float32))
    res = live.finish()
    assert res.no_speech
    assert fake.calls == []  # the VAD gate kept Whisper away from the silence


def test_long_speech_without_pauses_is_cut_at_max_length(golden_words) -> None:
    rng = np.random.default_rng(1)
    # Noise-like "speech" stand-in: VAD may or may not call it speech; force the segmenter by
    # using the demo audio with its pauses filled with low noise.
    audio = read_audio(DEMO)
    filled = audio + rng.normal(0, 0.05, len(audio)).astype(np.float32)
    fake = FakeTranscriber(golden_words)
    live = LiveTranscriber(fake)
    _feed(live, filled)
    live.finish()
    assert live.piece_log
    assert all(p["end_s"] - p["start_s"] <= 10.6 for p in live.piece_log)
    # Whisper also gets up to 2 s of the audio before each piece as context.
    assert all(c["duration_s"] <= 12.6 for c in fake.calls)


def test_worker_crash_on_a_piece_is_reported_not_hung(demo_audio, golden_words) -> None:
    fake = FakeTranscriber(golden_words, fail_on=range(1, 100))
    live = LiveTranscriber(fake)
    _feed(live, demo_audio[: 16000 * 20])
    with pytest.raises(TranscriberCrashedError):
        live.finish()


def test_streaming_vad_matches_batch(demo_audio) -> None:
    from faster_whisper.vad import get_vad_model

    x = demo_audio[: 16000 * 8]
    n = len(x) // 512 * 512
    batch = np.asarray(get_vad_model()(x[:n])).reshape(-1)
    vad = StreamingVad()
    parts = [vad.process(x[i : i + 700]) for i in range(0, n, 700)]
    stream = np.concatenate(parts)[: len(batch)]
    assert np.allclose(stream, batch, atol=1e-4)


def test_choose_transcript() -> None:
    live = Transcript.from_words([Word("a", 0, 1, 0.9), Word("b", 1, 2, 0.9)], source="live")
    good = Transcript.from_words([Word("a", 0, 1, 0.95), Word("b", 1, 2, 0.9)], source="refined")
    lost = Transcript.from_words([Word("a", 0, 1, 0.99)], source="refined")
    assert choose_transcript(live, good)[0].source == "refined"
    assert choose_transcript(live, lost)[0].source == "live"
    assert choose_transcript(live, Transcript.from_words([], source="refined"))[0].source == "live"


def test_golden_file_is_valid() -> None:
    data = json.loads((DATA / "demo_words.json").read_text())
    assert len(data["words"]) > 150
    assert Path(DEMO).is_file()
