from __future__ import annotations

import pytest

from mockloop.core.content import Probe, Question
from mockloop.core.model import Transcript
from mockloop.core.session import Event, InterviewSession, Phase, TransitionError


def _question(n_probes: int = 2) -> Question:
    probes = tuple(
        Probe(f"p{i}", "q1", f"Probe {i}?", "kind", "intent", "w", "ww", "s", "sw") for i in range(n_probes)
    )
    return Question("q1", "ownership", "Tell me about a time...", probes)


def _report():
    from mockloop.core.analyze import analyze

    return analyze(Transcript(text="I fixed it. Latency fell by 40%. I learned to measure first."))


def test_full_walk_through_all_probes() -> None:
    s = InterviewSession(_question(2))
    assert s.phase is Phase.READY and len(s.steps) == 3
    s.start()
    for i in range(3):
        assert s.phase is Phase.ASKING and s.step.index == i
        s.asked()
        s.stopped()
        assert s.phase is Phase.TRANSCRIBING
        s.reported(_report())
        assert s.phase is Phase.REPORT
        s.next()
    assert s.phase is Phase.SUMMARY
    s.close()
    assert s.phase is Phase.DONE
    summary = s.summary()
    assert summary.answered == 3 and not summary.aborted
    assert [r.step.kind for r in summary.results] == ["answer", "probe", "probe"]


def test_invalid_moves_raise() -> None:
    s = InterviewSession(_question(0))
    with pytest.raises(TransitionError):
        s.stopped()
    s.start()
    assert not s.can(Event.STOPPED) and s.can(Event.ASKED)
    with pytest.raises(TransitionError, match="cannot reported while asking"):
        s.reported(_report())


def test_no_speech_retry_and_skip() -> None:
    s = InterviewSession(_question(1))
    s.start()
    s.asked()
    s.stopped()
    s.no_speech()
    assert s.result(0).status == "no_speech"
    s.retry()
    s.asked()
    s.stopped()
    s.reported(_report())
    assert s.result(0).attempts == 2 and s.result(0).status == "complete"
    s.next()
    s.skip()  # the probe
    assert s.phase is Phase.SUMMARY
    assert s.result(1).status == "skipped"


def test_failure_finish_early_and_refine() -> None:
    s = InterviewSession(_question(2))
    s.start()
    s.asked()
    s.failed("microphone unplugged")
    assert s.phase is Phase.REPORT and s.result(0).error == "microphone unplugged"
    s.retry()
    s.asked()
    s.stopped()
    s.reported(_report())
    better = _report()
    s.refine(0, better)
    assert s.result(0).refined and s.result(0).report is better
    s.finish()
    assert [r.status for r in s.results] == ["complete", "skipped", "skipped"]


def test_abort_from_anywhere() -> None:
    s = InterviewSession(_question(1), max_probes=0)
    assert len(s.steps) == 1
    s.start()
    s.asked()
    s.abort()
    assert s.phase is Phase.DONE and s.summary().aborted
