"""One spoken practice session over the speech adapters, the analyzer and the store.

Used by ``mockloop mock``/``mockloop demo`` and by the GUI controller, so it has no terminal I/O:
it reports through ``listener(event)`` callbacks (called from worker threads; a GUI re-posts
them to its main thread) and offers both step-by-step calls (``ask``, ``start_recording``,
``stop_recording``, ``next``...) and a headless :meth:`run` loop.

Per step: the prompt is said (or shown) -> the recorder streams to the attempt's WAV (the store
row exists before the first block) -> pieces are transcribed live -> at Stop only the tail is
left, so the report is ready in about a second -> a whole-file refine pass runs in a low-priority
worker and may replace the report later (``ReportRefined``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockloop.core.analyze import analyze
from mockloop.core.content import Bank, Question, question_snapshot
from mockloop.core.model import Level, Part, Report, Transcript, Word
from mockloop.core.session import InterviewSession, Phase, Step, StepResult, Summary
from mockloop.speech.base import SpeechError, StreamFactory, TranscriptResult
from mockloop.speech.live import LiveTranscriber, choose_transcript
from mockloop.speech.recorder import Recorder

# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class PracticeEvent:
    step: Step | None


@dataclass(frozen=True)
class PhaseChanged(PracticeEvent):
    phase: Phase


@dataclass(frozen=True)
class PromptShown(PracticeEvent):
    text: str
    spoken: bool
    #: Why it was not said aloud (no voice, no output device), if it was not.
    voice_note: str | None = None


@dataclass(frozen=True)
class RecordingStarted(PracticeEvent):
    path: Path
    limit_s: float


@dataclass(frozen=True)
class Progress(PracticeEvent):
    elapsed_s: float
    level_dbfs: float
    part: Part | None
    words: int
    limit_s: float
    #: The last words recognised so far, for live captions.
    caption: str = ""


@dataclass(frozen=True)
class ReportReady(PracticeEvent):
    report: Report
    latency_s: float
    audio_s: float


@dataclass(frozen=True)
class NoSpeech(PracticeEvent):
    audio_s: float


@dataclass(frozen=True)
class ReportRefined(PracticeEvent):
    report: Report | None
    used: str  # "refined" | "live"
    why: str


@dataclass(frozen=True)
class StepFailed(PracticeEvent):
    message: str
    recoverable: bool = True


@dataclass(frozen=True)
class Notice(PracticeEvent):
    message: str


@dataclass(frozen=True)
class SessionFinished(PracticeEvent):
    summary: Summary
    session_id: int | None


Listener = Callable[[PracticeEvent], None]


# --------------------------------------------------------------------------- config


@dataclass
class PracticeConfig:
    question: Question
    level: Level = Level.SDE2
    bank: Bank | None = None
    max_answer_s: float = 300.0
    max_probe_s: float = 120.0
    max_probes: int | None = None
    refine: bool = True
    #: Wait at most this long at the end of the session for refine passes still running.
    refine_wait_s: float = 60.0
    source: str = "mock"  # the store's session source ("mock", "demo", "gui")
    keep_audio: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Attempt:
    step: Step
    attempt_id: int | None
    path: Path
    recorder: Recorder
    live: LiveTranscriber
    limit_s: float
    started: float
    words: tuple[Word, ...] = ()
    part: Part | None = None


class PracticeSession:
    """Drive one question (and its probes) end to end.

    ``source_for(step)`` returns the recorder's stream factory for a step (None: the real
    microphone ``device``); the demo and tests give a FileSource/ArraySource. ``store`` may be
    None (nothing saved). ``refine_transcriber`` is made on demand by ``refine_factory``.
    """

    def __init__(
        self,
        config: PracticeConfig,
        *,
        transcriber: Any,
        voice: Any,
        store: Any = None,
        listener: Listener | None = None,
        source_for: Callable[[Step], StreamFactory | None] | None = None,
        device: str | int | None = None,
        refine_factory: Callable[[], Any] | None = None,
        audio_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.bank = config.bank
        self.transcriber = transcriber
        self.voice = voice
        self.store = store
        self.listener = listener
        self.source_for = source_for
        self.device = device
        self.refine_factory = refine_factory
        self.audio_dir = audio_dir
        self.state = InterviewSession(config.question, max_probes=config.max_probes)
        self.session_id: int | None = None
        self._attempt: _Attempt | None = None
        self._store_lock = threading.Lock()
        self._refine_pool: ThreadPoolExecutor | None = None
        self._refine_tx: Any = None
        self._refines: list[Future[Any]] = []
        self._live_results: dict[int, TranscriptResult] = {}
        self._closed = False
        self.timings: list[dict[str, float]] = []

    # ------------------------------------------------------------------ helpers

    def _emit(self, event: PracticeEvent) -> None:
        if self.listener is not None:
            try:
                self.listener(event)
            except Exception:
                pass  # a display bug must not break the session

    def _phase(self) -> None:
        self._emit(PhaseChanged(self.state.step, self.state.phase))

    def _store_call(self, fn: Callable[[], Any]) -> Any:
        if self.store is None:
            return None
        with self._store_lock:
            try:
                return fn()
            except Exception as e:  # a storage error is reported, the practice goes on
                self._emit(Notice(self.state.step, f"could not save: {e}"))
                return None

    @property
    def phase(self) -> Phase:
        return self.state.phase

    @property
    def step(self) -> Step:
        return self.state.step

    # ------------------------------------------------------------------ steps

    def begin(self) -> None:
        if self.store is not None and self.session_id is None:
            snap = None
            if self.bank is not None:
                try:
                    snap = question_snapshot(self.config.question)
                except Exception:
                    snap = None
            self.session_id = self._store_call(
                lambda: self.store.begin_session(
                    question=snap,
                    level=self.config.level.value,
                    source=self.config.source,
                    keep_audio=self.config.keep_audio,
                )
            )
        self.state.start()
        self._phase()

    def ask(self) -> bool:
        """Say the current prompt (blocks while speaking). Returns whether it was spoken."""
        step = self.state.step
        spoken = False
        note = None
        if getattr(self.voice, "available", False):
            try:
                spoken = bool(self.voice.speak(step.prompt))
            except Exception as e:
                note = f"voice failed: {e}"
            if not spoken and note is None:
                note = getattr(self.voice, "playback_error", None) or getattr(self.voice, "error", None)
        else:
            note = getattr(self.voice, "error", None) or "no voice available"
        self._emit(PromptShown(step, step.prompt, spoken, note))
        return spoken

    def start_recording(self) -> Path:
        """Open the attempt (store row first) and start recording into its file."""
        step = self.state.step
        self.state.asked()
        self._phase()
        limit = self.config.max_answer_s if step.kind == "answer" else self.config.max_probe_s
        attempt_id = None
        path: Path | None = None
        if self.store is not None and self.session_id is not None:
            handle = self._store_call(
                lambda: self.store.begin_attempt(self.session_id, kind=step.kind, probe_id=step.probe_id)
            )
            if handle is not None:
                attempt_id, path = handle.id, Path(handle.audio_path)
        if path is None:
            base = self.audio_dir
            if base is None:
                import tempfile

                base = Path(tempfile.mkdtemp(prefix="mockloop-practice-"))
                self.audio_dir = base
            path = base / f"{step.index:02d}-{step.kind}-{int(time.time() * 1000)}.wav"
        factory = self.source_for(step) if self.source_for is not None else None
        recorder = Recorder(factory, device=self.device)
        att = _Attempt(step, attempt_id, path, recorder, None, limit, time.monotonic())  # type: ignore[arg-type]
        live = LiveTranscriber(self.transcriber, on_words=lambda ws: self._on_words(att, ws))
        att.live = live
        recorder.subscribe(live.feed)
        live.start()
        try:
            recorder.start(path)
            # Load the model while the candidate speaks, but only once the device is open: the
            # worker's start-up saturates the CPU and can make a device probe time out.
            self.transcriber.preload()
        except SpeechError as e:
            if recorder.running:  # the device opened before the failure: keep what it recorded
                recorder.stop()
            live.abort()
            if attempt_id is not None:
                self._store_call(lambda: self.store.finish_attempt(attempt_id, status="failed"))
            self.state.failed(str(e))
            self._emit(StepFailed(step, str(e), recoverable=True))
            self._phase()
            raise
        self._attempt = att
        self._emit(RecordingStarted(step, path, limit))
        return path

    def _on_words(self, att: _Attempt, words: tuple[Word, ...]) -> None:
        att.words = words
        if att.step.kind != "answer" or not words:
            return
        try:
            rep = analyze(Transcript.from_words(words, source="live"), question=self._question(),
                          level=self.config.level, bank=self.bank, in_progress=True)  # fmt: skip
            if rep.words:
                att.part = rep.words[-1].part
        except Exception:
            pass

    def progress(self) -> Progress | None:
        """A snapshot for the timer/meter (call it as often as you like)."""
        att = self._attempt
        if att is None:
            return None
        words = att.words
        caption = " ".join(w.text.strip() for w in words[-30:])
        return Progress(att.step, att.recorder.elapsed_s, att.recorder.level_dbfs, att.part,
                        len(words), att.limit_s, caption)  # fmt: skip

    def wait(self, timeout: float) -> str | None:
        """Wait up to ``timeout`` for a reason to stop by itself: 'ended' (file end or device
        lost) or 'limit' (time limit). None if still recording."""
        att = self._attempt
        if att is None:
            return "ended"
        remaining = att.limit_s - att.recorder.elapsed_s
        if remaining <= 0:
            return "limit"
        if att.recorder.wait_ended(min(timeout, max(0.01, remaining))):
            return "ended"
        return "limit" if att.recorder.elapsed_s >= att.limit_s else None

    def stop_recording(self) -> StepResult:
        """Stop, finish the live transcript, analyze and save. Blocks ~1 s (the last piece)."""
        att = self._attempt
        if att is None:
            raise RuntimeError("not recording")
        self._attempt = None
        step = att.step
        t_stop = time.perf_counter()
        rec = att.recorder.stop()
        self.state.stopped()
        self._phase()
        if rec.error is not None:
            self._emit(Notice(step, str(rec.error)))
        try:
            result = att.live.finish(duration_s=rec.duration_s)
        except SpeechError as e:
            return self._fail(att, rec.duration_s, str(e))
        if result.no_speech:
            if att.attempt_id is not None:
                aid0 = att.attempt_id
                self._store_call(lambda: self.store.finish_attempt(
                    aid0, duration_s=rec.duration_s, status="no_speech", asr=result.asr_info(),
                ))  # fmt: skip
            self.state.no_speech()
            self._emit(NoSpeech(step, rec.duration_s))
            self._phase()
            return self.state.result()
        report = self._analyze(result.transcript, step, str(rec.path))
        latency = time.perf_counter() - t_stop
        self.timings.append({"step": float(step.index), "audio_s": rec.duration_s,
                             "stop_to_report_s": latency})  # fmt: skip
        if att.attempt_id is not None:
            aid = att.attempt_id
            self._store_call(lambda: self.store.finish_attempt(
                aid, duration_s=rec.duration_s, words=result.transcript.words,
                transcript=result.transcript.text, asr=result.asr_info(),
                status="complete" if rec.error is None else "interrupted",  # cut short, kept
                pauses=result.transcript.pauses,
            ))  # fmt: skip
            self._store_call(lambda: self.store.add_analysis(aid, report))
        self.state.reported(report)
        self._live_results[step.index] = result
        self._emit(ReportReady(step, report, latency, rec.duration_s))
        self._phase()
        if self.config.refine and self.refine_factory is not None:
            self._schedule_refine(step, rec.path, result, att.attempt_id)
        return self.state.result()

    def _fail(self, att: _Attempt, duration: float, message: str) -> StepResult:
        if att.attempt_id is not None:
            aid = att.attempt_id
            self._store_call(lambda: self.store.finish_attempt(aid, duration_s=duration, status="failed"))
        self.state.failed(message)
        self._emit(StepFailed(att.step, message))
        self._phase()
        return self.state.result()

    def _question(self) -> Question | None:
        # Without a content bank (e.g. the demo's own question) the analyzer uses default targets.
        return self.config.question if self.bank is not None else None

    def _analyze(self, transcript: Transcript, step: Step, path: str) -> Report:
        return analyze(
            transcript,
            question=self._question(),
            probe=step.probe,
            level=self.config.level,
            bank=self.bank,
            input_path=path,
        )

    def cancel_recording(self) -> None:
        """Abandon the current recording (the audio file is kept, the attempt is 'skipped')."""
        att = self._attempt
        if att is None:
            return
        self._attempt = None
        att.recorder.stop()
        att.live.abort()
        if att.attempt_id is not None:
            aid = att.attempt_id
            self._store_call(lambda: self.store.finish_attempt(aid, status="skipped"))

    # ------------------------------------------------------------------ refine

    def _schedule_refine(self, step: Step, path: Path, live: TranscriptResult, attempt_id: int | None) -> None:
        if self._refine_pool is None:
            self._refine_pool = ThreadPoolExecutor(1, thread_name_prefix="mockloop-refine")
        self._refines.append(self._refine_pool.submit(self._refine, step, path, live, attempt_id))

    def _refine(self, step: Step, path: Path, live: TranscriptResult, attempt_id: int | None) -> None:
        try:
            if self._refine_tx is None:
                self._refine_tx = self.refine_factory() if self.refine_factory else None
            if self._refine_tx is None:
                return
            res = self._refine_tx.transcribe(Path(path), vad=True)
        except SpeechError as e:
            self._emit(ReportRefined(step, None, "live", f"refine pass failed: {e}"))
            return
        refined = Transcript.from_words(res.words, duration_s=live.transcript.duration_s or res.duration_s,
                                        pauses=res.pauses, source="refined")  # fmt: skip
        chosen, why = choose_transcript(live.transcript, refined)
        used = chosen.source
        report = None
        if used == "refined":
            report = self._analyze(chosen, step, str(path))
            self.state.refine(step.index, report)
        if attempt_id is not None and refined.words:
            asr = {"model": res.model, "params": dict(res.params), "source": "refined"}
            tid = self._store_call(lambda: self.store.add_transcription(
                attempt_id, words=refined.words, asr=asr, duration_s=refined.duration_s,
                pauses=refined.pauses, source="refined", make_current=used == "refined",
            ))  # fmt: skip
            if report is not None:
                self._store_call(lambda: self.store.add_analysis(attempt_id, report, transcription_id=tid))
        self._emit(ReportRefined(step, report, used, why))

    def wait_refines(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        for fut in list(self._refines):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                fut.result(left)
            except Exception:
                return False
        return True

    # ------------------------------------------------------------------ navigation

    def next(self) -> Phase:
        phase = self.state.next()
        self._phase()
        return phase

    def retry(self) -> Phase:
        phase = self.state.retry()
        self._phase()
        return phase

    def skip(self) -> Phase:
        if self._attempt is not None:
            self.cancel_recording()
        phase = self.state.skip()
        self._phase()
        return phase

    def finish(self) -> Phase:
        phase = self.state.finish()
        self._phase()
        return phase

    def close(self, *, aborted: bool = False) -> Summary:
        """End the session: wait (bounded) for refine passes, save, emit the summary."""
        if self._closed:
            return self.state.summary()
        self._closed = True
        interrupted = False
        if self._attempt is not None:
            # Closing mid-answer keeps the answer: stop, transcribe and store what was said.
            interrupted = True
            try:
                self.stop_recording()
            except Exception:  # the audio file is on disk either way; keep the attempt
                att, self._attempt = self._attempt, None
                if att is not None:
                    att.recorder.stop()
                    att.live.abort()
                    if att.attempt_id is not None:
                        aid = att.attempt_id
                        self._store_call(
                            lambda: self.store.finish_attempt(aid, status="interrupted")
                        )
        if not aborted:
            self.wait_refines(self.config.refine_wait_s)
        if aborted or self.state.phase not in (Phase.SUMMARY, Phase.DONE):
            if self.state.phase is not Phase.DONE:
                self.state.abort()
        else:
            self.state.close()
        status = "interrupted" if interrupted else "abandoned" if self.state.aborted else "complete"
        if self.session_id is not None:
            sid = self.session_id
            self._store_call(lambda: self.store.finish_session(sid, status=status))
        if self._refine_pool is not None:
            self._refine_pool.shutdown(wait=not aborted, cancel_futures=aborted)
        if self._refine_tx is not None:
            try:
                self._refine_tx.close()
            except Exception:
                pass
        summary = self.state.summary()
        self._emit(SessionFinished(None, summary, self.session_id))
        self._phase()
        return summary

    # ------------------------------------------------------------------ headless loop

    def run(self, should_stop: Callable[[], bool] | None = None, *, poll_s: float = 0.1) -> Summary:
        """The whole session without a GUI: each step is asked, recorded until ``should_stop()``
        returns True (Enter pressed), the source ends, or the time limit; then reported."""
        try:
            self.begin()
            while self.state.phase is Phase.ASKING:
                self.ask()
                self.start_recording()  # a device error ends the session (raised to caller)
                while True:
                    reason = self.wait(poll_s)
                    prog = self.progress()
                    if prog is not None:
                        self._emit(prog)
                    if reason is not None or (should_stop is not None and should_stop()):
                        break
                self.stop_recording()
                self.next()
            return self.close()
        except BaseException:
            self.close(aborted=True)
            raise
