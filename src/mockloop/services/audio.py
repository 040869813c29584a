"""Audio-file services: analyze a recorded answer, transcribe it, or replay it as a microphone.

``analyze_audio_file`` is what ``mockloop analyze FILE.wav`` calls. ``record_from_file`` feeds a
file through the same recorder -> live transcription -> analyzer pipeline a real device uses
and measures the feedback latency from the end of the audio to the report.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockloop.core.analyze import analyze
from mockloop.core.content import Bank, Probe, Question, load_bank
from mockloop.core.model import Level, Report, Transcript
from mockloop.speech.base import SpeechError, TranscriptResult


def _input_error(e: SpeechError) -> Exception:
    # The analyze command turns InputError into one line on stderr (exit 2).
    from mockloop.services.analysis import InputError

    err = InputError(str(e))
    err.__cause__ = e
    return err


def transcribe_file(
    path: Path | str,
    *,
    model_path: str | Path | None = None,
    transcriber: Any = None,
    initial_prompt: str | None = None,
) -> TranscriptResult:
    """Whole-file transcription (VAD-gated, word timestamps); ``source='refined'``."""
    from mockloop.speech.asr import WhisperTranscriber
    from mockloop.speech.wavfile import read_audio

    own = transcriber is None
    p = Path(path)
    audio = read_audio(p)  # decode here: a bad file is an error before the model loads
    t = transcriber or WhisperTranscriber(model_path)
    try:
        t0 = time.perf_counter()
        if initial_prompt is not None and hasattr(t, "with_options"):
            res = t.transcribe(audio, vad=True, options=t.with_options(initial_prompt=initial_prompt))
        else:
            res = t.transcribe(audio, vad=True)
        elapsed = time.perf_counter() - t0
    finally:
        if own:
            t.close()
    transcript = Transcript.from_words(
        res.words, duration_s=res.duration_s, pauses=res.pauses, source="refined"
    )
    return TranscriptResult(
        transcript=transcript,
        model=res.model,
        params=dict(res.params),
        elapsed_s=elapsed,
        dropped_segments=res.dropped_segments,
    )


def analyze_audio_file(
    path: Path | str,
    *,
    question: Question | None = None,
    probe: Probe | None = None,
    level: Level = Level.SDE2,
    bank: Bank | None = None,
    model_path: str | Path | None = None,
) -> Report:
    """Transcribe an answer recording locally and analyze it (timed parts, words, flags).

    Speech errors (undecodable file, missing model, worker crash) are raised as
    ``services.analysis.InputError`` with a one-line message. Silence gives a report of an
    empty answer with ``extra["no_speech"] = True``.
    """
    try:
        result = transcribe_file(path, model_path=model_path)
    except SpeechError as e:
        raise _input_error(e) from None
    if bank is None and (question is not None or probe is not None):
        bank = load_bank()
    report = analyze(
        result.transcript,
        question=question,
        probe=probe,
        level=level,
        bank=bank,
        input_path=str(path),
    )
    return with_extra(report, asr=result.asr_info(), no_speech=result.no_speech)


def with_extra(report: Report, **extra: Any) -> Report:
    from dataclasses import replace

    merged = dict(report.extra)
    merged.update(extra)
    return replace(report, extra=merged)


# --------------------------------------------------------------------------- record from file


@dataclass
class FileRunResult:
    report: Report
    timing: dict[str, float | None]
    recording_path: Path
    transcript: Transcript
    refined: Report | None = None
    session_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def record_from_file(path: Path | str, *, realtime: bool = False, **kwargs: Any) -> FileRunResult:
    """Play ``path`` into the recorder as a microphone, through live transcription, and analyze.

    ``timing.feedback_latency_s`` runs from the end of the audio (the source's last block) to
    the report being ready.
    """
    from mockloop.speech.recorder import FileSource

    try:
        source = FileSource(Path(path), realtime=realtime)
    except SpeechError as e:
        raise _input_error(e) from None
    return record_answer(source, input_label=str(path), **kwargs)


def record_answer(
    source: Any = None,
    *,
    device: str | int | None = None,
    should_stop: Any = None,
    max_s: float | None = None,
    input_label: str | None = None,
    question: Question | None = None,
    probe: Probe | None = None,
    level: Level = Level.SDE2,
    bank: Bank | None = None,
    model_path: str | Path | None = None,
    save: bool = False,
    refine: bool = False,
    transcriber: Any = None,
    out_path: Path | None = None,
    on_progress: Any = None,
) -> FileRunResult:
    """Record one answer (a stream factory such as FileSource, or the microphone ``device``)
    through the live pipeline until the source ends, ``should_stop()`` or ``max_s``."""
    import tempfile

    from mockloop.speech.asr import WhisperTranscriber
    from mockloop.speech.live import LiveTranscriber
    from mockloop.speech.recorder import Recorder

    if bank is None and (question is not None or probe is not None):
        bank = load_bank()
    own = transcriber is None
    try:
        t = transcriber or WhisperTranscriber(model_path)
    except SpeechError as e:
        raise _input_error(e) from None
    store = None
    attempt = None
    sid = None
    tmpdir = None
    wav: Path | None = None
    try:
        if save:
            from mockloop.core.content import question_snapshot
            from mockloop.store import Store

            store = Store.open()
            snap = question_snapshot(question) if question is not None and bank else None
            sid = store.begin_session(question=snap, level=level.value, source="record")
            attempt = store.begin_attempt(sid, kind="probe" if probe else "answer",
                                          probe_id=probe.id if probe else None)  # fmt: skip
            wav = attempt.audio_path
        elif out_path is not None:
            wav = Path(out_path)
        else:
            tmpdir = tempfile.TemporaryDirectory(prefix="mockloop-rec-")
            wav = Path(tmpdir.name) / "answer.wav"
        t.preload()
        recorder = Recorder(source, device=device)
        live = LiveTranscriber(t)
        recorder.subscribe(live.feed)
        live.start()
        t_start = time.perf_counter()
        recorder.start(wav)
        while not recorder.wait_ended(0.1):
            if on_progress is not None:
                on_progress(recorder.elapsed_s, recorder.level_dbfs)
            if should_stop is not None and should_stop():
                break
            if max_s is not None and recorder.elapsed_s >= max_s:
                break
        rec = recorder.stop()
        t_stop = time.perf_counter()
        result = live.finish(duration_s=rec.duration_s)
        report = analyze(result.transcript, question=question, probe=probe, level=level,
                         bank=bank, input_path=input_label or str(wav))  # fmt: skip
        t_ready = time.perf_counter()
        end_of_audio = getattr(source, "ended_at", None) or t_stop
        timing: dict[str, float | None] = {
            "feedback_latency_s": round(t_ready - end_of_audio, 3),
            "audio_s": round(rec.duration_s, 3),
            "transcribe_s": round(live.busy_s, 3),
            "stop_to_transcript_s": round(live.finish_s, 3),
            "wall_s": round(t_ready - t_start, 3),
            "pieces": float(live.pieces_done),
        }
        extra: dict[str, Any] = {"asr": result.asr_info(), "no_speech": result.no_speech}
        if rec.error is not None:
            extra["device_error"] = str(rec.error)
        report = with_extra(report, **extra)
        refined_report = None
        if refine and not result.no_speech:
            ref = transcribe_file(wav, transcriber=t)
            refined_report = analyze(ref.transcript, question=question, probe=probe, level=level,
                                     bank=bank, input_path=input_label or str(wav))  # fmt: skip
        if store is not None and attempt is not None and sid is not None:
            # Cut short by the device or the disk: kept and analysed, and marked as such.
            cut = rec.error is not None
            store.finish_attempt(
                attempt.id, duration_s=rec.duration_s, words=result.transcript.words,
                transcript=result.transcript.text, asr=result.asr_info(),
                status="interrupted" if cut else "no_speech" if result.no_speech else "complete",
                pauses=result.transcript.pauses,
            )  # fmt: skip
            store.add_analysis(attempt.id, report)
            store.finish_session(sid, status="interrupted" if cut else "complete")
        return FileRunResult(
            report=report, timing=timing, recording_path=wav, transcript=result.transcript,
            refined=refined_report, session_id=sid,
        )  # fmt: skip
    except SpeechError as e:
        if store is not None and sid is not None:
            store.finish_session(sid, status="failed")
        raise _input_error(e) from None
    except (OSError, sqlite3.Error) as e:  # the store's disk is full or gone: say so, keep the audio
        raise _input_error(SpeechError(
            f"cannot save the session ({e}); the recording is kept in {wav}" if wav else f"cannot save the session ({e})"
        )) from None
    finally:
        if own:
            t.close()
        if store is not None:
            store.close()
        if tmpdir is not None:
            tmpdir.cleanup()


# --------------------------------------------------------------------------- demo answer


def demo_answer() -> tuple[Path, dict[str, Any]]:
    """The bundled demo recording and its metadata (true part starts, text, question)."""
    import json
    import os

    from mockloop.core.content import shipped_path

    env = os.environ.get("MOCKLOOP_DEMO_AUDIO")
    candidates = [Path(env)] if env else []
    candidates += [p for p in [shipped_path("assets/demo/answer.flac")] if p is not None]
    for c in candidates:
        if c.is_file():
            meta_path = c.with_suffix(".json")
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
            return c, meta
    from mockloop.services.analysis import InputError

    raise InputError("the bundled demo answer (assets/demo/answer.flac) is missing from this install")
