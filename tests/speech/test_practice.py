"""The practice session end to end over fakes (stream, transcriber, voice) and the real store."""

from __future__ import annotations

import numpy as np
import pytest
from speech_helpers import DEMO, tone

from mockloop.core.content import Probe, Question
from mockloop.core.model import Word
from mockloop.core.session import Phase
from mockloop.services import practice as pr
from mockloop.speech.base import DeviceBusyError
from mockloop.speech.fakes import ArraySource, FakeTranscriber, FakeVoice
from mockloop.speech.recorder import FileSource
from mockloop.store import Store


def _question() -> Question:
    probe = Probe("q1-p1", "q1", "What would you do differently?", "do_differently", "i", "w", "ww", "s", "sw")
    return Question("q1", "ownership", "Tell me about a time you owned a problem.", (probe,))


def _session(golden, *, store=None, voice=None, probe_audio=None, refine=None, events=None):
    def source_for(step):
        if step.kind == "answer":
            return FileSource(DEMO)
        return ArraySource(probe_audio if probe_audio is not None else np.zeros(16000 * 3, np.float32), 16000)

    cfg = pr.PracticeConfig(question=_question(), refine=refine is not None, source="mock")
    return pr.PracticeSession(
        cfg, transcriber=FakeTranscriber(golden), voice=voice or FakeVoice(), store=store,
        listener=(events.append if events is not None else None), source_for=source_for,
        refine_factory=refine,
    )


def test_headless_run_saves_everything(golden_words) -> None:
    events: list = []
    store = Store.open()
    voice = FakeVoice()
    s = _session(golden_words, store=store, voice=voice, events=events)
    summary = s.run()
    assert voice.spoken == [_question().text, _question().probes[0].text]
    main, probe = summary.results
    assert main.status == "complete" and main.report is not None
    assert main.report.transcript_source == "live"
    assert [p.part.value for p in main.report.parts] == ["situation", "task", "action", "result", "reflection"]
    assert probe.status == "no_speech"  # the probe "answer" was silence
    kinds = [type(e).__name__ for e in events]
    for name in ("PromptShown", "RecordingStarted", "ReportReady", "NoSpeech", "SessionFinished"):
        assert name in kinds
    ready = next(e for e in events if isinstance(e, pr.ReportReady))
    assert ready.audio_s > 70
    rec = store.get_session(s.session_id)
    assert rec.status == "complete" and rec.source == "mock"
    a0, a1 = rec.attempts
    assert a0.status == "complete" and a0.transcription is not None
    assert len(a0.transcription.words) == len(golden_words)
    assert a0.transcription.source == "live" and len(a0.analyses) == 1
    assert a1.status == "no_speech" and a1.probe_id == "q1-p1"
    assert store.audio_file(a0.id) is not None  # the answer audio is kept
    store.close()


def test_refine_replaces_the_report_when_better(golden_words) -> None:
    events: list = []
    store = Store.open()
    better = [Word(w.text, w.start_s, w.end_s, 0.99) for w in golden_words]
    s = _session(golden_words, store=store, events=events, refine=lambda: FakeTranscriber(better))
    s.config.max_probes = 0
    s.state = type(s.state)(_question(), max_probes=0)
    summary = s.run()
    refined = [e for e in events if isinstance(e, pr.ReportRefined)]
    assert refined and refined[0].used == "refined"
    assert summary.results[0].refined
    att = store.get_session(s.session_id).attempts[0]
    assert att.transcription.source == "refined"
    assert [a.transcript_source for a in att.analyses] == ["live", "refined"]
    store.close()


def test_no_voice_shows_the_text_and_goes_on(golden_words) -> None:
    events: list = []
    s = _session(golden_words, voice=FakeVoice(available=False), events=events)
    s.run()
    shown = [e for e in events if isinstance(e, pr.PromptShown)]
    assert shown and not shown[0].spoken and shown[0].voice_note


def test_step_by_step_api_for_the_gui(golden_words) -> None:
    s = _session(golden_words, probe_audio=tone(2.0, 16000))
    s.begin()
    assert s.phase is Phase.ASKING
    s.ask()
    s.start_recording()
    assert s.phase is Phase.RECORDING
    while s.wait(0.05) is None:
        assert s.progress() is not None
    result = s.stop_recording()
    assert result.status == "complete" and s.phase is Phase.REPORT
    s.retry()
    assert s.phase is Phase.ASKING and s.step.index == 0
    s.skip()
    assert s.step.index == 1
    s.skip()
    assert s.phase is Phase.SUMMARY
    summary = s.close()
    assert summary.results[0].attempts == 1 and summary.results[1].status == "skipped"


def test_busy_device_is_raised_and_session_closed(golden_words) -> None:
    store = Store.open()
    cfg = pr.PracticeConfig(question=_question())
    s = pr.PracticeSession(
        cfg, transcriber=FakeTranscriber(golden_words), voice=FakeVoice(), store=store,
        source_for=lambda step: ArraySource(tone(1.0), start_error=RuntimeError("Device unavailable")),
    )
    with pytest.raises(DeviceBusyError):
        s.run()
    rec = store.get_session(s.session_id)
    assert rec.status == "abandoned"
    assert rec.attempts[0].status == "failed"
    store.close()


def test_time_limit_stops_the_answer(golden_words) -> None:
    cfg = pr.PracticeConfig(question=_question(), max_answer_s=5.0, max_probes=0, refine=False)
    s = pr.PracticeSession(
        cfg, transcriber=FakeTranscriber(golden_words), voice=FakeVoice(),
        source_for=lambda step: FileSource(DEMO, realtime=True, speed=8.0),
    )
    summary = s.run()
    rep = summary.results[0].report
    assert rep is not None and rep.input.duration_s is not None and rep.input.duration_s < 12


def test_closing_mid_answer_keeps_and_scores_the_recording(golden_words, mockloop_home) -> None:
    store = Store.open()
    s = _session(golden_words, store=store)
    s.begin()
    s.ask()
    path = s.start_recording()
    # Let some audio and live words arrive, then close as the window would.
    for _ in range(200):
        p = s.progress()
        if p is not None and p.words >= 5:
            break
        s.wait(0.05)
    assert p is not None and p.caption  # live captions come through the public snapshot
    s.close()
    rec = store.get_session(s.session_id)
    assert rec.status == "interrupted"
    answer = rec.attempts[0]
    assert answer.status == "complete"
    assert answer.transcription is not None and answer.transcription.words
    assert path.exists() and path.stat().st_size > 44
    assert answer.analyses, "the partial answer must be analysed, not dropped"


def test_model_failing_at_start_leaves_no_stuck_recording(golden_words, mockloop_home) -> None:
    from mockloop.speech.base import ModelError

    class BrokenModel(FakeTranscriber):
        def preload(self) -> None:
            raise ModelError("model folder is not a CTranslate2 Whisper model")

    store = Store.open()
    events: list = []
    cfg = pr.PracticeConfig(question=_question(), refine=False, source="mock")
    s = pr.PracticeSession(cfg, transcriber=BrokenModel(golden_words), voice=FakeVoice(), store=store,
                           listener=events.append, source_for=lambda step: FileSource(DEMO))
    s.begin()
    s.ask()
    with pytest.raises(ModelError):
        s.start_recording()
    assert s.phase is not Phase.RECORDING and s.progress() is None
    assert any(isinstance(e, pr.StepFailed) for e in events)
    s.close()
    answer = store.get_session(s.session_id).attempts[0]
    assert answer.status == "failed"
