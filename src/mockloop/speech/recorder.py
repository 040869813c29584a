"""Record from an input device (or a file posing as one) to a crash-safe 16 kHz WAV.

The PortAudio callback only copies the block into a queue: anything slower there (resampling,
disk, Python locks held by other threads) causes input overflows. A writer thread resamples to
16 kHz mono with soxr, streams int16 to :class:`StreamingWavWriter`, updates the level and hands
the 16 kHz block to subscribers (the live transcriber, which must only enqueue it).

A vanished device rarely raises: most backends simply stop calling back (measured by others on
CoreAudio/ALSA/PulseAudio), or end the stream (PortAudio's ALSA host API when the PulseAudio
daemon dies, measured here). So the writer also watches for blocks that stop arriving, and for a
device stream that ends by itself (``finished_callback``); only streams marked ``finite`` (a file
posing as a microphone) may end without it being an error.
"""

from __future__ import annotations

import errno
import math
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mockloop.speech.base import (
    SAMPLE_RATE,
    BlockCallback,
    DeviceError,
    DeviceLostError,
    InputStream,
    RecordingResult,
    RecordingWriteError,
    SpeechError,
    StreamFactory,
)
from mockloop.speech.wavfile import SYNC_INTERVAL_S, StreamingWavWriter, read_audio_native

#: No block for this long while recording means the device is gone.
STALL_TIMEOUT_S = 2.0
SILENCE_DBFS = -100.0

_END = object()  # queue sentinel: stop requested
_FINISHED = object()  # queue sentinel: the stream ended by itself


def rms_dbfs(samples: np.ndarray) -> float:
    if samples.size == 0:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(SILENCE_DBFS, 20.0 * math.log10(rms)) if rms > 0 else SILENCE_DBFS


class Recorder:
    """One recording at a time into ``path``; restartable for the next answer."""

    def __init__(
        self,
        stream_factory: StreamFactory | None = None,
        *,
        device: str | int | None = None,
        sync_interval_s: float = SYNC_INTERVAL_S,
        stall_timeout_s: float = STALL_TIMEOUT_S,
    ) -> None:
        self._factory = stream_factory
        self.device = device
        self.sync_interval_s = sync_interval_s
        self.stall_timeout_s = stall_timeout_s
        self.path: Path | None = None
        self._subscribers: list[BlockCallback] = []
        self._q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stream: InputStream | None = None
        self._writer: StreamingWavWriter | None = None
        self._thread: threading.Thread | None = None
        self._ended = threading.Event()
        self._stop_requested = False
        self._level = SILENCE_DBFS
        self._frames_in = 0
        self._overflows = 0
        self._error: SpeechError | None = None
        self._source_ended = False
        self._rate_in = float(SAMPLE_RATE)
        self._finite = False

    # ------------------------------------------------------------------ observers

    def subscribe(self, fn: BlockCallback) -> None:
        """``fn(block16k)`` is called on the writer thread for every block; keep it quick."""
        self._subscribers.append(fn)

    def unsubscribe(self, fn: BlockCallback) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    @property
    def level_dbfs(self) -> float:
        """RMS level of the latest block (dBFS, -100 for silence): for a meter."""
        return self._level

    @property
    def elapsed_s(self) -> float:
        """Seconds of audio captured so far (device time, not wall clock)."""
        return self._frames_in / self._rate_in if self._rate_in else 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def error(self) -> SpeechError | None:
        return self._error

    def wait_ended(self, timeout: float | None = None) -> bool:
        """Wait until the source stopped by itself (file end, device lost). True if it did."""
        return self._ended.wait(timeout)

    # ------------------------------------------------------------------ control

    def start(self, path: Path) -> None:
        if self.running:
            raise RuntimeError("already recording")
        self.path = Path(path)
        self._q = queue.SimpleQueue()
        self._ended.clear()
        self._stop_requested = False
        self._level = SILENCE_DBFS
        self._frames_in = 0
        self._overflows = 0
        self._error = None
        self._source_ended = False
        factory = self._factory
        if factory is None:
            from mockloop.speech.devices import sounddevice_factory

            factory = sounddevice_factory(self.device)
        stream = factory(samplerate=None, callback=self._callback, finished_callback=self._on_finished)
        self._rate_in = float(stream.samplerate)
        self._finite = bool(getattr(stream, "finite", False))
        # The file exists (header written) before the first block: a crash leaves a valid WAV.
        try:
            self._writer = StreamingWavWriter(self.path, SAMPLE_RATE, 1, sync_interval_s=self.sync_interval_s)
        except OSError as e:
            try:
                stream.close()
            except Exception:
                pass
            raise SpeechError(f"cannot write the recording to {self.path}: {e.strerror or e}") from None
        self._thread = threading.Thread(target=self._run, name="mockloop-recorder", daemon=True)
        self._thread.start()
        try:
            stream.start()
        except Exception as e:
            self._q.put(_END)
            self._thread.join()
            self._writer.close()
            try:
                stream.close()
            except Exception:
                pass
            if isinstance(e, SpeechError):
                raise
            from mockloop.speech.devices import device_error

            raise device_error(e, self.device) from None
        self._stream = stream

    def stop(self) -> RecordingResult:
        """Stop, flush everything to disk and return what was recorded (also after a failure)."""
        if self._writer is None or self.path is None:
            raise RuntimeError("not recording")
        self._stop_requested = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            except Exception as e:  # unplugged devices often fail here; keep the audio
                if self._error is None:
                    self._error = DeviceLostError(f"the microphone stopped working ({e}); the answer so far is kept")
            try:
                stream.close()
            except Exception:
                pass
        self._q.put(_END)
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        writer, self._writer = self._writer, None
        try:
            writer.close()
        except OSError as e:  # the final header/fsync hit a full disk: the frames are on disk
            if self._error is None:
                self._error = _write_error(e)
        return RecordingResult(
            path=self.path,
            duration_s=writer.duration_s,
            samplerate_in=self._rate_in,
            error=self._error,
            overflows=self._overflows,
            source_ended=self._source_ended,
        )

    # ------------------------------------------------------------------ threads

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Real-time thread: copy and queue, nothing else (no locks, no I/O, no resampling).
        if status:
            self._overflows += 1
        self._q.put_nowait(indata.copy())

    def _on_finished(self) -> None:
        self._q.put_nowait(_FINISHED)

    def _run(self) -> None:
        import soxr

        writer = self._writer
        assert writer is not None
        rs: Any = None
        if int(self._rate_in) != SAMPLE_RATE:
            rs = soxr.ResampleStream(self._rate_in, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        last_block = time.monotonic()
        while True:
            try:
                item = self._q.get(timeout=0.25)
            except queue.Empty:
                if (
                    not self._stop_requested
                    and not self._source_ended
                    and self._error is None
                    and time.monotonic() - last_block > self.stall_timeout_s
                ):
                    self._fail(DeviceLostError(
                        "no sound from the microphone for "
                        f"{self.stall_timeout_s:.0f} s (unplugged?); the answer so far is kept"
                    ))
                continue
            if item is _END:
                break
            if item is _FINISHED:
                if self._stop_requested:
                    continue
                if self._finite:
                    self._source_ended = True
                    self._ended.set()
                else:
                    self._fail(DeviceLostError(
                        f"the microphone stopped after {self.elapsed_s:.1f} s (disconnected, or the "
                        "sound server stopped?); the answer so far is kept"
                    ))
                continue
            last_block = time.monotonic()
            block = np.asarray(item, dtype=np.float32)
            if block.ndim > 1:
                block = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
            self._frames_in += len(block)
            out = rs.resample_chunk(block) if rs is not None else block
            self._deliver(writer, out)
        if rs is not None:
            self._deliver(writer, rs.resample_chunk(np.zeros(0, np.float32), last=True))

    def _deliver(self, writer: StreamingWavWriter, block: np.ndarray) -> None:
        if block.size == 0:
            return
        block = np.ascontiguousarray(block, dtype=np.float32)
        try:
            writer.write(block)
        except OSError as e:  # disk full etc.: stop cleanly, keep what is on disk
            self._fail(_write_error(e))
            return
        self._level = rms_dbfs(block)
        for fn in list(self._subscribers):
            fn(block)

    def _fail(self, error: SpeechError) -> None:
        if self._error is None:
            self._error = error
        self._ended.set()


def _write_error(e: OSError) -> SpeechError:
    why = "the disk is full" if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else e.strerror or str(e)
    return RecordingWriteError(f"the recording stopped: cannot write it ({why}); the answer so far is kept")


# --------------------------------------------------------------------------- file source


class FileSource:
    """An audio file played into the recorder as if it were a microphone.

    Use it as the recorder's stream factory: ``Recorder(FileSource(path, realtime=True))``.
    Blocks come from a thread at the file's own sample rate, paced in real time or as fast as
    possible; at the end ``finished_callback`` fires, like a stream that stops by itself.
    """

    def __init__(
        self,
        path: Path,
        *,
        realtime: bool = False,
        block_s: float = 0.05,
        speed: float = 1.0,
        lead_silence_s: float = 0.0,
        tail_silence_s: float = 0.0,
    ) -> None:
        self.path = Path(path)
        self.audio, rate = read_audio_native(self.path)
        if lead_silence_s or tail_silence_s:
            self.audio = np.concatenate([
                np.zeros(int(lead_silence_s * rate), np.float32),
                self.audio,
                np.zeros(int(tail_silence_s * rate), np.float32),
            ])
        self.samplerate = float(rate)
        self.realtime = realtime
        self.block = max(1, int(rate * block_s))
        self.speed = speed
        #: monotonic time at which the last block was delivered (end of the "speech").
        self.ended_at: float | None = None

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.samplerate

    def __call__(
        self,
        *,
        samplerate: float | None,
        callback: Callable[[np.ndarray, int, Any, Any], None],
        finished_callback: Callable[[], None],
    ) -> _FileStream:
        return _FileStream(self, callback, finished_callback)


class _FileStream:
    finite = True  # reaching the end of the file is not a lost device

    def __init__(
        self,
        source: FileSource,
        callback: Callable[[np.ndarray, int, Any, Any], None],
        finished_callback: Callable[[], None],
    ) -> None:
        self.source = source
        self.samplerate = source.samplerate
        self._callback = callback
        self._finished = finished_callback
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mockloop-filesource", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        src = self.source
        audio = src.audio
        t0 = time.monotonic()
        pos = 0
        while pos < len(audio) and not self._stop.is_set():
            chunk = audio[pos : pos + src.block]
            pos += len(chunk)
            if src.realtime:
                due = t0 + pos / src.samplerate / src.speed
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
            self._callback(chunk.reshape(-1, 1).copy(), len(chunk), None, None)
        src.ended_at = time.monotonic()
        if not self._stop.is_set():
            self._finished()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def close(self) -> None:
        self.stop()


def ensure_device_error(e: Exception) -> SpeechError:
    return e if isinstance(e, SpeechError) else DeviceError(str(e))
