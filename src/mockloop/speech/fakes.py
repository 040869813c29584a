"""Test doubles for the speech adapters: a scripted input stream, a transcriber that replays
golden words, and a voice that records what it was asked to say.

They follow the same contracts as the real adapters (threads, callbacks, errors), so the recorder,
the live transcriber and the practice session are tested without devices or models.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mockloop.core.model import Word
from mockloop.speech.base import (
    SAMPLE_RATE,
    AsrResult,
    AudioArray,
    SpeechError,
    TranscriberCrashedError,
)


class ArraySource:
    """A stream factory playing a numpy array as a microphone (like FileSource, no file).

    ``stall_after_s``: stop delivering blocks there without finishing (an unplugged USB mic);
    ``start_error``: raised by ``start()`` (busy device); ``status_every``: pass a truthy status
    flag every n blocks (input overflow); ``lost_after_s``: end the stream there as a vanished
    device does (``finished_callback`` on a stream that is not ``finite``), and make ``stop()``
    raise the PortAudio error such a stream gives. ``finite``: reaching the end of the array is
    the end of the input (like a file), not a lost device.
    """

    def __init__(
        self,
        audio: np.ndarray,
        samplerate: float = 48_000,
        *,
        block: int = 1024,
        realtime: bool = False,
        stall_after_s: float | None = None,
        start_error: Exception | None = None,
        status_every: int = 0,
        channels: int = 1,
        lost_after_s: float | None = None,
        finite: bool = True,
    ) -> None:
        self.audio = np.asarray(audio, dtype=np.float32)
        self.lost_after_s = lost_after_s
        self.finite = finite and lost_after_s is None
        self.samplerate = float(samplerate)
        self.block = block
        self.realtime = realtime
        self.stall_after_s = stall_after_s
        self.start_error = start_error
        self.status_every = status_every
        self.channels = channels
        self.ended_at: float | None = None
        self.streams: list[_ArrayStream] = []

    def __call__(
        self,
        *,
        samplerate: float | None,
        callback: Callable[[np.ndarray, int, Any, Any], None],
        finished_callback: Callable[[], None],
    ) -> _ArrayStream:
        s = _ArrayStream(self, callback, finished_callback)
        self.streams.append(s)
        return s


class _ArrayStream:
    def __init__(self, src: ArraySource, callback: Any, finished: Any) -> None:
        self.src = src
        self.samplerate = src.samplerate
        self.finite = src.finite
        self._cb = callback
        self._finished = finished
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.stopped = False
        self.closed = False

    def start(self) -> None:
        if self.src.start_error is not None:
            raise self.src.start_error
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        src = self.src
        t0 = time.monotonic()
        limit = len(src.audio)
        for cut in (src.stall_after_s, src.lost_after_s):
            if cut is not None:
                limit = min(limit, int(cut * src.samplerate))
        pos = 0
        n = 0
        while pos < limit and not self._stop.is_set():
            chunk = src.audio[pos : min(limit, pos + src.block)]
            pos += len(chunk)
            n += 1
            if src.realtime:
                delay = t0 + pos / src.samplerate - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
            status = 1 if src.status_every and n % src.status_every == 0 else 0
            data = np.repeat(chunk.reshape(-1, 1), src.channels, axis=1)
            self._cb(data, len(chunk), None, status)
        src.ended_at = time.monotonic()
        if src.stall_after_s is None and not self._stop.is_set():
            self._finished()

    def stop(self) -> None:
        self._stop.set()
        self.stopped = True
        if self._thread is not None:
            self._thread.join()
        if self.src.lost_after_s is not None:
            raise RuntimeError("Error stopping stream: Unanticipated host error [PaErrorCode -9999]")

    def close(self) -> None:
        self.closed = True


def load_golden_words(path: Path) -> list[Word]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data["words"] if isinstance(data, dict) else data
    return [Word.from_dict(w) for w in items]


class FakeTranscriber:
    """Replays golden words (in recording time): a piece gets the words that start inside it.

    ``fail_on``: call numbers (1-based) that raise TranscriberCrashedError, to test recovery.
    """

    def __init__(
        self,
        words: Sequence[Word] = (),
        *,
        fail_on: Sequence[int] = (),
        delay_s: float = 0.0,
        model_name: str = "fake",
    ) -> None:
        self.words = list(words)
        self.fail_on = set(fail_on)
        self.delay_s = delay_s
        self._model = model_name
        self.calls: list[dict[str, Any]] = []
        self.preloaded = 0
        self.closed = False
        self.options = None
        self.load_s: float | None = None  # as WhisperTranscriber: set once loaded
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._model

    def preload(self) -> None:
        self.preloaded += 1

    def wait_ready(self) -> None:
        self.preload()
        self.load_s = 0.0

    def transcribe(
        self,
        audio: AudioArray | Path,
        *,
        offset_s: float = 0.0,
        vad: bool = True,
        prompt: str | None = None,
        options: Any = None,
    ) -> AsrResult:
        with self._lock:
            n = len(self.calls) + 1
            if isinstance(audio, Path):
                from mockloop.speech.wavfile import read_audio

                samples = read_audio(audio)
            else:
                samples = np.asarray(audio)
            duration = len(samples) / SAMPLE_RATE
            self.calls.append({"offset_s": offset_s, "duration_s": duration, "path": isinstance(audio, Path)})
        if self.delay_s:
            time.sleep(self.delay_s)
        if n in self.fail_on:
            raise TranscriberCrashedError("fake worker crash")
        lo, hi = offset_s, offset_s + duration
        words = tuple(w for w in self.words if lo <= w.start_s < hi)
        return AsrResult(words=words, duration_s=duration, speech_s=duration if words else 0.0,
                         model=self._model, params={"fake": True})  # fmt: skip

    def close(self) -> None:
        self.closed = True


class FakeVoice:
    """Records what it says; ``available=False`` behaves like a machine without a voice."""

    def __init__(self, available: bool = True, *, seconds_per_word: float = 0.0) -> None:
        self.available = available
        self.spoken: list[str] = []
        self.rates: list[int | None] = []  # the rate asked for with each spoken text
        self.seconds_per_word = seconds_per_word
        self.stopped = 0
        self.closed = False
        self._stop = threading.Event()

    def speak(self, text: str, rate_wpm: int | None = None) -> bool:
        if not self.available:
            return False
        self._stop.clear()
        self.spoken.append(text)
        self.rates.append(rate_wpm)
        if self.seconds_per_word:
            self._stop.wait(self.seconds_per_word * len(text.split()))  # stop() cuts it short
        return True

    def stop(self) -> None:
        self.stopped += 1
        self._stop.set()

    def close(self) -> None:
        self.closed = True


class FailingTranscriber(FakeTranscriber):
    def __init__(self, error: SpeechError) -> None:
        super().__init__()
        self.error = error

    def transcribe(self, audio: AudioArray | Path, **kwargs: Any) -> AsrResult:
        raise self.error
