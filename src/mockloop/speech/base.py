"""Small Protocols for the speech adapters, the values they exchange and their typed errors.

Everything a user can cause (no microphone, busy device, missing model, unreadable file) is a
:class:`SpeechError` whose message is one readable line with what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from mockloop.core.model import Transcript, Word

#: Everything downstream of the recorder runs on 16 kHz mono float32 (what Whisper expects).
SAMPLE_RATE = 16_000

AudioArray = np.ndarray  # float32, mono, SAMPLE_RATE


# --------------------------------------------------------------------------- errors


class SpeechError(Exception):
    """Base of every speech error; ``str(e)`` is a one-line message for the user."""


class DeviceError(SpeechError):
    """The audio input device cannot be used."""


class NoInputDeviceError(DeviceError):
    pass


class DeviceNotFoundError(DeviceError):
    pass


class DeviceBusyError(DeviceError):
    pass


class InvalidSampleRateError(DeviceError):
    pass


class DeviceLostError(DeviceError):
    """The device vanished (unplugged) while recording; the audio so far is kept."""


class RecordingWriteError(SpeechError):
    """The recording could not be written on (disk full); the audio so far is kept."""


class AudioFileError(SpeechError):
    """An audio file cannot be read or decoded."""


class ModelError(SpeechError):
    """The Whisper model folder is missing or invalid."""


class TranscriberCrashedError(SpeechError):
    """The transcription worker process died; the next call starts a fresh one."""


class TranscriptionCancelled(SpeechError):
    pass


class VoiceUnavailableError(SpeechError):
    """No text-to-speech voice; callers show the text instead."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class AsrResult:
    """One transcription run (a live piece or a whole file), words in audio time."""

    words: tuple[Word, ...]
    duration_s: float
    #: Silent stretches (start, end) in audio time, from voice activity detection.
    pauses: tuple[tuple[float, float], ...] = ()
    speech_s: float = 0.0
    #: Segments dropped as likely hallucinations (silence with text).
    dropped_segments: int = 0
    elapsed_s: float = 0.0
    model: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def no_speech(self) -> bool:
        return not self.words

    @property
    def text(self) -> str:
        return " ".join(w.text.strip() for w in self.words if w.text.strip())


@dataclass(frozen=True, slots=True)
class TranscriptResult:
    """The transcript of one recording, plus how it was obtained."""

    transcript: Transcript
    model: str
    params: Mapping[str, Any]
    elapsed_s: float = 0.0
    dropped_segments: int = 0

    @property
    def no_speech(self) -> bool:
        return not self.transcript.words

    @property
    def source(self) -> str:
        return self.transcript.source

    def asr_info(self) -> dict[str, Any]:
        """The ``asr`` mapping the store keeps with a transcription."""
        return {"model": self.model, "params": dict(self.params), "source": self.source}


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    default_samplerate: float
    is_default: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "hostapi": self.hostapi,
            "max_input_channels": self.max_input_channels,
            "default_samplerate": self.default_samplerate,
            "is_default": self.is_default,
        }


@dataclass(frozen=True, slots=True)
class RecordingResult:
    path: Path
    duration_s: float
    samplerate_in: float
    #: Set when the device failed mid-recording (audio up to then is in ``path``).
    error: SpeechError | None = None
    overflows: int = 0
    #: Set by a file source that reached its end (the "microphone" ran out).
    source_ended: bool = False


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "languages": list(self.languages)}


# --------------------------------------------------------------------------- protocols

BlockCallback = Callable[[np.ndarray], None]


class InputStream(Protocol):
    """What the recorder needs from a stream (sounddevice.InputStream or a fake/file source).

    The stream calls ``callback(indata, frames, time, status)`` from its own thread; a stream
    that stops by itself (device gone, file ended) calls ``finished_callback()``.
    """

    samplerate: float

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class StreamFactory(Protocol):
    def __call__(
        self,
        *,
        samplerate: float | None,
        callback: Callable[[np.ndarray, int, Any, Any], None],
        finished_callback: Callable[[], None],
    ) -> InputStream: ...


@runtime_checkable
class Transcriber(Protocol):
    """Speech to timed words, off the caller's thread (a worker process for the real one)."""

    @property
    def model_name(self) -> str: ...

    def preload(self) -> None: ...

    def transcribe(
        self,
        audio: AudioArray | Path,
        *,
        offset_s: float = 0.0,
        vad: bool = True,
        prompt: str | None = None,
    ) -> AsrResult: ...

    def close(self) -> None: ...


class Voice(Protocol):
    available: bool

    def speak(self, text: str, rate_wpm: int | None = None) -> bool:
        """Say ``text`` (at ``rate_wpm``, else the voice's own rate) and block until done;
        False if nothing was played (text only)."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class RecorderLike(Protocol):
    path: Path | None

    @property
    def level_dbfs(self) -> float: ...

    @property
    def elapsed_s(self) -> float: ...

    @property
    def running(self) -> bool: ...

    def subscribe(self, fn: BlockCallback) -> None: ...

    def start(self, path: Path) -> None: ...

    def stop(self) -> RecordingResult: ...

    def wait_ended(self, timeout: float | None = None) -> bool: ...


def words_text(words: Sequence[Word]) -> str:
    return " ".join(w.text.strip() for w in words if w.text.strip())
