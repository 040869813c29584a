"""A crash-safe streaming WAV writer, its repair, and audio file reading.

The writer appends int16 PCM frames straight to the file (no user-space buffer, so a SIGKILL
loses only the block being written) and, every half second, rewrites the RIFF/data sizes and
fsyncs (so even a power cut loses at most ~0.5 s). A killed recording leaves a readable file whose
header may under-count; :func:`repair_wav` makes the header match the bytes on disk. A full disk
keeps every whole frame written before it and raises ``OSError(ENOSPC)``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import time
from pathlib import Path

import numpy as np

from mockloop.speech.base import SAMPLE_RATE, AudioFileError

_HEADER_SIZE = 44
_MAX_U32 = 0xFFFFFFFF
#: Header rewrite + fsync cadence (seconds).
SYNC_INTERVAL_S = 0.5


def _header(samplerate: int, channels: int, data_bytes: int) -> bytes:
    block_align = channels * 2
    riff = min(_MAX_U32, 36 + data_bytes)
    return (
        b"RIFF"
        + struct.pack("<I", riff)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, samplerate, samplerate * block_align, block_align, 16)
        + b"data"
        + struct.pack("<I", min(_MAX_U32, data_bytes))
    )


class StreamingWavWriter:
    """Append-only 16-bit PCM WAV whose header is kept (nearly) current on disk."""

    def __init__(
        self,
        path: Path,
        samplerate: int = SAMPLE_RATE,
        channels: int = 1,
        *,
        sync_interval_s: float = SYNC_INTERVAL_S,
    ) -> None:
        self.path = Path(path)
        self.samplerate = samplerate
        self.channels = channels
        self.sync_interval_s = sync_interval_s
        self.frames = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_CREAT|O_TRUNC with 0600: answers are private recordings.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._f = os.fdopen(fd, "wb", buffering=0)
        self._f.write(_header(samplerate, channels, 0))
        os.fsync(self._f.fileno())
        self._last_sync = time.monotonic()
        self._closed = False

    @property
    def duration_s(self) -> float:
        return self.frames / self.samplerate

    def write(self, samples: np.ndarray) -> None:
        """Write float32 samples in [-1, 1] (or int16), shape (n,) or (n, channels)."""
        if self._closed:
            raise ValueError("write to a closed WAV writer")
        if samples.dtype != np.int16:
            samples = float_to_int16(samples)
        data = memoryview(np.ascontiguousarray(samples).tobytes())
        frame = 2 * self.channels
        done = 0
        try:
            while done < len(data):  # a nearly full disk takes part of a write, then refuses
                n = self._f.write(data[done:])
                if not n:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += n
        finally:
            self.frames += done // frame
            if done % frame:  # never leave half a frame behind
                with contextlib.suppress(OSError):
                    self._f.truncate(_HEADER_SIZE + self.frames * frame)
                    self._f.seek(0, os.SEEK_END)
        if time.monotonic() - self._last_sync >= self.sync_interval_s:
            self.sync()

    def sync(self) -> None:
        """Rewrite the sizes in the header and push everything to disk."""
        if self._closed:
            return
        data_bytes = self.frames * 2 * self.channels
        self._f.seek(4)
        self._f.write(struct.pack("<I", min(_MAX_U32, 36 + data_bytes)))
        self._f.seek(40)
        self._f.write(struct.pack("<I", min(_MAX_U32, data_bytes)))
        self._f.seek(0, os.SEEK_END)
        os.fsync(self._f.fileno())
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """Final header and fsync; the file is closed even if that fails (disk full)."""
        if self._closed:
            return
        try:
            self.sync()
        finally:
            self._closed = True
            self._f.close()

    def __enter__(self) -> StreamingWavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    out: np.ndarray = (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
    return out


def repair_wav(path: Path) -> int:
    """Make a streamed WAV's header match its data; returns the number of frames it holds.

    Only files in the writer's own layout (44-byte header, PCM data chunk last) are rewritten;
    a consistent file is left untouched. A trailing partial frame is cut off.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("r+b") as f:
        head = f.read(_HEADER_SIZE)
        if len(head) < _HEADER_SIZE or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise AudioFileError(f"{path}: not a WAV file this app wrote")
        if head[12:16] != b"fmt " or head[36:40] != b"data":
            raise AudioFileError(f"{path}: unexpected WAV layout; cannot repair")
        channels = int(struct.unpack_from("<H", head, 22)[0])
        block = max(1, channels * 2)
        data_bytes = size - _HEADER_SIZE
        whole = int(data_bytes - data_bytes % block)
        if whole != data_bytes:
            f.truncate(_HEADER_SIZE + whole)
        riff_decl, data_decl = struct.unpack_from("<I", head, 4)[0], struct.unpack_from("<I", head, 40)[0]
        if riff_decl != min(_MAX_U32, 36 + whole) or data_decl != min(_MAX_U32, whole):
            f.seek(4)
            f.write(struct.pack("<I", min(_MAX_U32, 36 + whole)))
            f.seek(40)
            f.write(struct.pack("<I", min(_MAX_U32, whole)))
            f.flush()
            os.fsync(f.fileno())
    return whole // block


# --------------------------------------------------------------------------- reading


#: The longest audio file mockloop reads (an answer is minutes long; a 30-minute file decoded
#: at once would hold ~115 MB of samples twice over and keep the worker busy for minutes).
MAX_AUDIO_S = 20 * 60


def _existing_file(path: Path) -> Path:
    """The path, if it is a non-empty audio file of at most MAX_AUDIO_S: the one check every
    audio reader makes first (before anything is decoded)."""
    path = Path(path)
    if not path.exists():
        raise AudioFileError(f"{path}: no such file")
    if path.is_dir():
        raise AudioFileError(f"{path}: is a directory, not an audio file")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise AudioFileError(f"{path}: cannot read ({e.strerror})") from None
    if size == 0:
        raise AudioFileError(f"{path}: is empty; nothing to analyse")
    seconds = audio_duration_s(path)
    if seconds is not None and seconds > MAX_AUDIO_S:
        raise AudioFileError(
            f"{path}: {seconds / 60:.1f} minutes of audio; mockloop takes answers up to "
            f"{MAX_AUDIO_S // 60} minutes (cut it, e.g.: sox IN OUT trim 0 5:00)"
        )
    return path


def audio_duration_s(path: Path) -> float | None:
    """The length a file declares, read from its header only (None if it cannot tell)."""
    try:
        import soundfile as sf

        info = sf.info(str(path))
        return float(info.frames) / float(info.samplerate) if info.samplerate else None
    except Exception:
        pass
    try:
        import av

        with av.open(str(path)) as container:
            if container.duration:
                return float(container.duration) / 1_000_000
    except Exception:
        pass
    return None


def read_audio_native(path: Path) -> tuple[np.ndarray, int]:
    """Decode a file to mono float32 at its own sample rate (soundfile, else PyAV at 16 kHz)."""
    path = _existing_file(path)
    try:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        return np.ascontiguousarray(data.mean(axis=1), dtype=np.float32), int(rate)
    except Exception:
        pass  # not a format libsndfile reads (m4a, webm, ...): PyAV below
    return read_audio(path), SAMPLE_RATE


def read_audio(path: Path) -> np.ndarray:
    """Decode any audio file to 16 kHz mono float32 (what Whisper takes)."""
    path = _existing_file(path)
    try:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        mono = np.ascontiguousarray(data.mean(axis=1), dtype=np.float32)
        return resample(mono, int(rate), SAMPLE_RATE)
    except Exception:
        pass
    try:
        from faster_whisper.audio import decode_audio

        return np.asarray(decode_audio(str(path), sampling_rate=SAMPLE_RATE), dtype=np.float32)
    except Exception as e:
        raise AudioFileError(f"{path}: cannot decode audio (not a supported audio file, or damaged: "
                             f"{type(e).__name__})") from None


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    import soxr

    return np.asarray(soxr.resample(samples, rate_in, rate_out, quality="HQ"), dtype=np.float32)
