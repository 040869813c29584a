"""Build spoken STAR answers with espeak-ng, part by part, so the true part starts are known.

Used by ``scripts/make_demo_answer.py`` (the bundled demo answer), the integration tests and
the benchmarks. Not used at run time by the app itself.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockloop.speech.base import SpeechError


@dataclass(frozen=True)
class SynthAnswer:
    path: Path
    samplerate: int
    duration_s: float
    #: (part name, start seconds of its first sound, text), in order.
    parts: tuple[tuple[str, float, str], ...]

    def part_starts(self) -> dict[str, float]:
        return {name: start for name, start, _ in self.parts}

    @property
    def text(self) -> str:
        return " ".join(t for _, _, t in self.parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.path.name,
            "samplerate": self.samplerate,
            "duration_s": round(self.duration_s, 3),
            "parts": [{"part": n, "start_s": round(s, 3), "text": t} for n, s, t in self.parts],
            "text": self.text,
        }


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak_to_array(text: str, *, voice: str = "en-us", wpm: int = 165, pitch: int = 45) -> tuple[np.ndarray, int]:
    """One espeak-ng utterance as float32 mono at espeak's own rate (22050 Hz)."""
    import soundfile as sf

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechError("espeak-ng is not installed (apt install espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="mockloop-synth-") as tmp:
        out = Path(tmp) / "u.wav"
        subprocess.run(
            [exe, "-v", voice, "-s", str(wpm), "-p", str(pitch), "-w", str(out), text],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        data, rate = sf.read(str(out), dtype="float32", always_2d=True)
    return np.ascontiguousarray(data.mean(axis=1)), int(rate)


def _first_sound(x: np.ndarray, threshold: float = 0.01) -> int:
    idx = np.flatnonzero(np.abs(x) > threshold)
    return int(idx[0]) if idx.size else 0


def synthesize_answer(
    parts: Sequence[tuple[str, str]],
    out_path: Path,
    *,
    voice: str = "en-us",
    wpm: int = 165,
    gap_s: float = 0.9,
    lead_s: float = 0.5,
    tail_s: float = 0.5,
    sentence_gap_s: float = 0.35,
    fmt: str | None = None,
) -> SynthAnswer:
    """Speak each (part, text) with pauses between parts; write WAV/FLAC; return true starts.

    Sentences are synthesised one by one with short gaps (a person breathes between sentences,
    and the live splitter relies on such pauses just as with real speech).
    """
    import soundfile as sf

    rate = 22050
    pieces: list[np.ndarray] = [np.zeros(int(lead_s * rate), np.float32)]
    pos = len(pieces[0])
    out_parts: list[tuple[str, float, str]] = []
    for i, (name, text) in enumerate(parts):
        if i:
            gap = np.zeros(int(gap_s * rate), np.float32)
            pieces.append(gap)
            pos += len(gap)
        start: float | None = None
        for j, sentence in enumerate(_sentences(text)):
            if j:
                g = np.zeros(int(sentence_gap_s * rate), np.float32)
                pieces.append(g)
                pos += len(g)
            audio, rate = speak_to_array(sentence, voice=voice, wpm=wpm)
            if start is None:
                start = (pos + _first_sound(audio)) / rate
            pieces.append(audio * 0.8)
            pos += len(audio)
        out_parts.append((name, float(start or pos / rate), " ".join(text.split())))
    pieces.append(np.zeros(int(tail_s * rate), np.float32))
    audio = np.concatenate(pieces)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fmt = fmt or ("FLAC" if out_path.suffix.lower() == ".flac" else "WAV")
    sf.write(str(out_path), audio, rate, format=fmt, subtype="PCM_16")
    return SynthAnswer(out_path, rate, len(audio) / rate, tuple(out_parts))


def _sentences(text: str) -> list[str]:
    import re

    flat = " ".join(text.split())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip()]
