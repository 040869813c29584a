"""Helpers shared by the store tests: timed words, WAV writing, a fake transcriber."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

from mockloop.core.model import Transcript, Word
from mockloop.services.history import Analyzer, FileTranscription, current_analyzer

CONTENT = Path(__file__).parent / "content"

ANSWER = (
    "In 2022 I was a backend engineer on the payments team. Checkout latency was 900 ms and "
    "nobody owned it, although it was outside my scope. I decided to take it on myself. "
    "I profiled the service, found the N plus one queries, wrote a caching layer and convinced "
    "two other teams to adopt it. As a result latency dropped from 900 ms to 200 ms and "
    "conversion rose 3 percent. I learned that I should measure before I optimise, so now I "
    "add a latency dashboard before every performance change."
)


def timed_words(text: str = ANSWER, *, wps: float = 2.5) -> list[Word]:
    out = []
    t = 0.0
    for w in text.split():
        out.append(Word(w, round(t, 3), round(t + 0.3, 3), 0.91))
        t += 1 / wps
    return out


def write_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    """A valid 16-bit mono PCM WAV of a quiet tone-ish ramp."""
    frames = int(seconds * rate)
    data = b"".join(struct.pack("<h", (i * 37) % 2000 - 1000) for i in range(frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_header(len(data), rate) + data)
    return path


def wav_header(data_len: int, rate: int = 16000, channels: int = 1, bits: int = 16) -> bytes:
    block = channels * bits // 8
    return (
        b"RIFF" + struct.pack("<I", 36 + data_len) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, bits)
        + b"data" + struct.pack("<I", data_len)
    )  # fmt: skip


class FakeTranscriber:
    """Whole-file transcriber: returns fixed words, counts calls."""

    def __init__(self, text: str = ANSWER, model: str = "fake-large") -> None:
        self.text = text
        self.model = model
        self.calls: list[Path] = []

    def __call__(self, path: Path) -> FileTranscription:
        self.calls.append(path)
        words = timed_words(self.text)
        return FileTranscription(
            Transcript.from_words(words, duration_s=words[-1].end_s + 0.5, source="refined"),
            model=self.model,
            params={"beam_size": 5},
        )


def versioned(version: str) -> Analyzer:
    """The real analyzer, stamping another version (as if the analyzer had been upgraded)."""
    real = current_analyzer()

    def fn(transcript, **kw):  # type: ignore[no-untyped-def]
        return replace(real.fn(transcript, **kw), analyzer_version=version)

    return Analyzer(fn, version)
