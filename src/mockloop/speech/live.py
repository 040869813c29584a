"""Live transcription: cut the answer at pauses while it is spoken, transcribe each piece at once.

Whisper costs about the same for any clip up to 30 s (it pads to a 30 s window), so a 3-minute
answer transcribed after Stop takes ~10 s on 2 cores, while pieces of 4-10 s transcribed as they
finish leave only the last piece for after Stop (a few hundred ms).

Threads: the recorder's writer thread calls :meth:`LiveTranscriber.feed` (enqueue only, so the
writer never waits for VAD); a segmenter thread runs silero VAD on 32 ms windows and cuts
pieces at pauses; a transcription thread sends finished pieces to the (worker-process)
transcriber and offsets their word times to audio time.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockloop.core.model import Transcript, Word
from mockloop.speech.base import SAMPLE_RATE, SpeechError, TranscriptResult

WINDOW = 512  # silero's window at 16 kHz (32 ms)
_CONTEXT = 64
_WIN_S = WINDOW / SAMPLE_RATE


class StreamingVad:
    """Silero VAD (the model faster-whisper ships) over a stream, state kept between calls.

    Feeds the ONNX model exactly as ``faster_whisper.vad`` does for a whole file (each window
    preceded by the last 64 samples of the previous one; LSTM state carried), so streaming and
    batch probabilities agree.
    """

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Speech probability of every complete 512-sample window now available."""
        buf = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        n = len(buf) // WINDOW
        self._pending = buf[n * WINDOW :]
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        wins = buf[: n * WINDOW].reshape(n, WINDOW)
        ctx = np.empty((n, _CONTEXT), dtype=np.float32)
        ctx[0] = self._context
        if n > 1:
            ctx[1:] = wins[:-1, -_CONTEXT:]
        self._context = wins[-1, -_CONTEXT:].copy()
        batch = np.concatenate([ctx, wins], axis=1)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        return np.asarray(out, dtype=np.float32).reshape(-1)


@dataclass(frozen=True)
class LiveOptions:
    min_piece_s: float = 4.0
    max_piece_s: float = 10.0
    #: A pause this long ends a piece once it is at least ``min_piece_s`` long.
    cut_pause_s: float = 0.3
    threshold: float = 0.5
    neg_threshold: float = 0.35
    #: Silence reported as a pause (Transcript.pauses) when at least this long.
    pause_min_s: float = 0.5
    #: Pieces with less speech than this are not transcribed (VAD gate against hallucination).
    min_speech_s: float = 0.25
    #: Leading silence kept before the first speech of a piece.
    lead_s: float = 0.3
    #: Give Whisper the previous piece's last words as a prompt (measured: it made Whisper skip
    #: words in pieces, so it is off).
    context_words: int = 0
    #: Audio before the piece given to Whisper as acoustic context; words in it are dropped
    #: (they belong to the previous piece).
    overlap_s: float = 2.0


@dataclass(frozen=True)
class Piece:
    index: int
    start: int  # samples
    end: int
    speech_s: float

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


_EOF = object()


class LiveTranscriber:
    """Subscribe :meth:`feed` to a recorder; :meth:`finish` after Stop returns the transcript.

    ``on_words(all_words_so_far)`` is called (on the transcription thread) whenever a piece
    is done, for a live "current STAR part" display.
    """

    def __init__(
        self,
        transcriber: Any,
        *,
        options: LiveOptions | None = None,
        on_words: Callable[[tuple[Word, ...]], None] | None = None,
        asr_options: Any = None,
        piece_vad: bool = True,
    ) -> None:
        self.transcriber = transcriber
        self.piece_vad = piece_vad
        self.options = options or LiveOptions()
        self.on_words = on_words
        self.asr_options = asr_options
        self._in: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._pieces: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._chunks: list[np.ndarray] = []
        self._audio = np.zeros(0, dtype=np.float32)
        self._n = 0  # samples received
        self._lock = threading.Lock()
        self._words: list[Word] = []
        self._pauses: list[tuple[float, float]] = []
        self._error: SpeechError | None = None
        self._dropped = 0
        self._seg_thread: threading.Thread | None = None
        self._asr_thread: threading.Thread | None = None
        self._started = False
        self.pieces_done = 0
        self.pieces_skipped = 0
        self.busy_s = 0.0
        self.finish_s = 0.0
        self.piece_log: list[dict[str, float]] = []

    # ------------------------------------------------------------------ input side

    def feed(self, block: np.ndarray) -> None:
        """16 kHz mono float32 block from the recorder (called on its writer thread)."""
        self._in.put(block)

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._seg_thread = threading.Thread(target=self._segment_loop, name="mockloop-vad", daemon=True)
        self._asr_thread = threading.Thread(target=self._asr_loop, name="mockloop-live-asr", daemon=True)
        self._seg_thread.start()
        self._asr_thread.start()

    @property
    def words(self) -> tuple[Word, ...]:
        with self._lock:
            return tuple(self._words)

    @property
    def audio(self) -> np.ndarray:
        """Everything received so far (16 kHz float32)."""
        self._compact()
        return self._audio

    def _compact(self) -> None:
        with self._lock:
            if self._chunks:
                self._audio = np.concatenate([self._audio, *self._chunks])
                self._chunks = []

    # ------------------------------------------------------------------ segmenter

    def _segment_loop(self) -> None:
        o = self.options
        try:
            vad = StreamingVad()
        except Exception as e:  # onnxruntime missing/broken: one piece per max_piece_s
            self._error = SpeechError(f"voice activity detection unavailable: {e}")
            vad = None
        win_total = 0  # windows processed
        piece_start = 0
        piece_speech = 0  # speech windows in the current piece
        triggered = False
        silence_run = 0  # windows of silence since the last speech
        pause_start: int | None = None  # window index where the current silence began
        any_speech = False
        index = 0
        probs_piece: list[float] = []
        ended = False
        while not ended:
            item = self._in.get()
            blocks = [item]
            # Drain what is queued so VAD runs on bigger batches when it falls behind.
            while True:
                try:
                    blocks.append(self._in.get_nowait())
                except queue.Empty:
                    break
            data: list[np.ndarray] = []
            for b in blocks:
                if b is _EOF:
                    ended = True
                    break
                data.append(np.asarray(b, dtype=np.float32).reshape(-1))
            if data:
                arr = np.concatenate(data)
                with self._lock:
                    self._chunks.append(arr)
                    self._n += len(arr)
                probs = vad.process(arr) if vad is not None else np.ones(len(arr) // WINDOW, np.float32)
            else:
                probs = np.zeros(0, np.float32)
            for p in probs:
                w = win_total
                win_total += 1
                is_speech = p >= o.threshold or (triggered and p >= o.neg_threshold)
                if is_speech:
                    if not triggered and pause_start is not None and any_speech:
                        a, b = pause_start * _WIN_S, w * _WIN_S
                        if b - a >= o.pause_min_s:
                            self._pauses.append((round(a, 3), round(b, 3)))
                    triggered = True
                    any_speech = True
                    silence_run = 0
                    pause_start = None
                    piece_speech += 1
                else:
                    if triggered:
                        triggered = False
                        pause_start = w
                    silence_run += 1
                probs_piece.append(float(p))
                end_sample = win_total * WINDOW
                length_s = (end_sample - piece_start) / SAMPLE_RATE
                # Leading silence of a piece: slide its start forward (keep a little lead-in).
                if piece_speech == 0 and length_s > o.lead_s + 0.5:
                    new_start = end_sample - int(o.lead_s * SAMPLE_RATE)
                    drop = (new_start - piece_start) // WINDOW
                    piece_start += drop * WINDOW
                    probs_piece = probs_piece[drop:]
                    continue
                cut: int | None = None
                if length_s >= o.min_piece_s and silence_run * _WIN_S >= o.cut_pause_s and piece_speech:
                    # Cut inside the pause, a little after the speech ends (Whisper needs the
                    # word's tail) but well before the next word can start.
                    cut = end_sample - int(silence_run * WINDOW / 2)
                elif length_s >= o.max_piece_s:
                    cut = self._forced_cut(piece_start, probs_piece)
                if cut is not None:
                    speech_s = piece_speech * _WIN_S
                    self._emit(index, piece_start, cut, speech_s)
                    index += 1
                    consumed = (cut - piece_start) // WINDOW
                    rest = probs_piece[consumed:]
                    piece_start = piece_start + consumed * WINDOW
                    probs_piece = rest
                    piece_speech = sum(1 for q in rest if q >= o.threshold)
        # End of input: the tail (everything after the last cut) is the last piece.
        with self._lock:
            total = self._n
        if total > piece_start:
            self._emit(index, piece_start, total, piece_speech * _WIN_S)
        self._pieces.put(_EOF)

    def _forced_cut(self, piece_start: int, probs: list[float]) -> int:
        """No pause long enough: cut at the quietest window of the piece's second half."""
        half = len(probs) // 2
        tail = probs[half:]
        if not tail:
            return piece_start + len(probs) * WINDOW
        i = half + int(np.argmin(np.asarray(tail)))
        return piece_start + (i + 1) * WINDOW

    def _emit(self, index: int, start: int, end: int, speech_s: float) -> None:
        piece = Piece(index, start, end, speech_s)
        if speech_s < self.options.min_speech_s:
            self.pieces_skipped += 1
            return
        self._pieces.put(piece)

    # ------------------------------------------------------------------ transcription

    def _asr_loop(self) -> None:
        while True:
            piece = self._pieces.get()
            if piece is _EOF:
                return
            if self._error is not None and not isinstance(self._error, SpeechError):
                continue
            self._compact()
            lead = min(piece.start, int(self.options.overlap_s * SAMPLE_RATE))
            audio = self._audio[piece.start - lead : piece.end]
            prompt = None
            if self.options.context_words:
                with self._lock:
                    prev = [w.text for w in self._words[-self.options.context_words :]]
                prompt = " ".join(prev) or None
            t0 = time.perf_counter()
            try:
                kwargs: dict[str, Any] = {
                    "offset_s": (piece.start - lead) / SAMPLE_RATE,
                    "vad": self.piece_vad,
                    "prompt": prompt,
                }
                if self.asr_options is not None:
                    kwargs["options"] = self.asr_options
                res = self.transcriber.transcribe(audio, **kwargs)
            except SpeechError as e:
                self._error = e
                continue
            dt = time.perf_counter() - t0
            self.busy_s += dt
            self.pieces_done += 1
            self._dropped += res.dropped_segments
            self.piece_log.append({"start_s": piece.start_s, "end_s": piece.end_s, "asr_s": dt,
                                   "words": float(len(res.words))})  # fmt: skip
            with self._lock:
                # Whisper can put a word a hair before the piece start; keep audio order.
                last = self._words[-1].end_s if self._words else 0.0
                for w in res.words:
                    if lead and w.start_s < piece.start_s - 0.1:
                        continue  # context audio: already transcribed with the previous piece
                    start = max(w.start_s, piece.start_s, min(last, w.end_s))
                    self._words.append(Word(w.text, round(start, 3), max(start, w.end_s), w.probability))
                snapshot = tuple(self._words)
            if self.on_words is not None:
                try:
                    self.on_words(snapshot)
                except Exception:
                    pass  # a display problem must not stop transcription

    # ------------------------------------------------------------------ end

    def finish(self, duration_s: float | None = None, timeout: float | None = 120.0) -> TranscriptResult:
        """After Stop: transcribe the tail, wait for all pieces, return the live transcript."""
        t0 = time.perf_counter()
        if not self._started:
            self.start()
        self._in.put(_EOF)
        assert self._seg_thread is not None and self._asr_thread is not None
        self._seg_thread.join(timeout)
        self._asr_thread.join(timeout)
        self.finish_s = time.perf_counter() - t0
        if self._error is not None and not self._words:
            raise self._error
        with self._lock:
            total_s = self._n / SAMPLE_RATE
            words = tuple(self._words)
            pauses = tuple(self._pauses)
        transcript = Transcript.from_words(
            words, duration_s=duration_s if duration_s is not None else total_s,
            pauses=pauses, source="live",
        )  # fmt: skip
        model = getattr(self.transcriber, "model_name", "")
        params: dict[str, Any] = {"mode": "live", "pieces": self.pieces_done}
        opts = self.asr_options or getattr(self.transcriber, "options", None)
        if opts is not None and hasattr(opts, "params"):
            params.update(opts.params())
        return TranscriptResult(
            transcript=transcript, model=str(model), params=params,
            elapsed_s=self.busy_s, dropped_segments=self._dropped,
        )  # fmt: skip

    def abort(self) -> None:
        self._in.put(_EOF)


def choose_transcript(live: Transcript, refined: Transcript) -> tuple[Transcript, str]:
    """Keep the refined (whole-file) transcript unless it looks worse than the live one.

    The whole-file pass sees full context, so it usually wins; it is rejected when it lost a
    good share of the words (a dropped segment) or is clearly less confident.
    """
    if not refined.words:
        return (live, "refined pass found no speech; kept live") if live.words else (refined, "no speech")
    if not live.words:
        return refined, "live had no words"
    if len(refined.words) < 0.85 * len(live.words):
        return live, f"refined lost words ({len(refined.words)} vs {len(live.words)}); kept live"
    pl = float(np.mean([w.probability for w in live.words]))
    pr = float(np.mean([w.probability for w in refined.words]))
    if pr < pl - 0.05:
        return live, f"refined less confident ({pr:.2f} vs {pl:.2f}); kept live"
    return refined, f"refined (confidence {pr:.2f} vs live {pl:.2f})"
