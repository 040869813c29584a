"""The spoken interview as a pure state machine (no I/O, no clocks, no threads).

    ready -> asking -> recording -> transcribing -> report -> asking (next probe) ... -> summary -> done

Step 0 is the main answer; steps 1..n are the question's probes. From ``report`` the candidate
can go on (``next``), answer again (``retry``) or stop; ``skip`` leaves a step unanswered; a
refined report (the whole-file pass) may replace a step's report at any later time. The practice
service and the GUI controller drive it; invalid moves raise :class:`TransitionError`, so a
stray button press cannot corrupt a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from mockloop.core.content import Probe, Question
from mockloop.core.model import Report


class Phase(StrEnum):
    READY = "ready"
    ASKING = "asking"
    RECORDING = "recording"
    TRANSCRIBING = "transcribing"
    REPORT = "report"
    SUMMARY = "summary"
    DONE = "done"


class Event(StrEnum):
    START = "start"
    ASKED = "asked"
    STOPPED = "stopped"
    REPORTED = "reported"
    NO_SPEECH = "no_speech"
    FAILED = "failed"
    NEXT = "next"
    RETRY = "retry"
    SKIP = "skip"
    FINISH = "finish"
    CLOSE = "close"
    ABORT = "abort"


#: Which events each phase accepts (``refine`` is separate: it never changes the phase).
TRANSITIONS: dict[Phase, frozenset[Event]] = {
    Phase.READY: frozenset({Event.START, Event.ABORT}),
    Phase.ASKING: frozenset({Event.ASKED, Event.SKIP, Event.FINISH, Event.ABORT}),
    Phase.RECORDING: frozenset({Event.STOPPED, Event.SKIP, Event.FAILED, Event.ABORT}),
    Phase.TRANSCRIBING: frozenset({Event.REPORTED, Event.NO_SPEECH, Event.FAILED, Event.ABORT}),
    Phase.REPORT: frozenset({Event.NEXT, Event.RETRY, Event.SKIP, Event.FINISH, Event.ABORT}),
    Phase.SUMMARY: frozenset({Event.CLOSE, Event.ABORT}),
    Phase.DONE: frozenset(),
}


class TransitionError(RuntimeError):
    """An event that is not valid in the current phase."""


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    kind: str  # "answer" | "probe"
    prompt: str
    probe: Probe | None = None

    @property
    def probe_id(self) -> str | None:
        return None if self.probe is None else self.probe.id


@dataclass(frozen=True, slots=True)
class StepResult:
    step: Step
    status: str  # "complete" | "no_speech" | "skipped" | "failed" | "pending"
    report: Report | None = None
    attempts: int = 0
    error: str | None = None
    refined: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    question_id: str
    results: tuple[StepResult, ...]
    aborted: bool

    @property
    def answered(self) -> int:
        return sum(1 for r in self.results if r.status == "complete")

    @property
    def main_report(self) -> Report | None:
        return self.results[0].report if self.results else None


class InterviewSession:
    """One question and (up to ``max_probes``) of its probes, step by step."""

    def __init__(
        self,
        question: Question,
        *,
        probes: Sequence[Probe] | None = None,
        max_probes: int | None = None,
    ) -> None:
        chosen = list(question.probes if probes is None else probes)
        if max_probes is not None:
            chosen = chosen[: max(0, max_probes)]
        self.question = question
        self.steps: tuple[Step, ...] = (
            Step(0, "answer", question.text),
            *(Step(i + 1, "probe", p.text, p) for i, p in enumerate(chosen)),
        )
        self.phase = Phase.READY
        self.index = 0
        self.aborted = False
        self._results: list[StepResult] = [StepResult(s, "pending") for s in self.steps]
        self.history: list[tuple[Phase, Event, Phase]] = []

    # ------------------------------------------------------------------ queries

    @property
    def step(self) -> Step:
        return self.steps[min(self.index, len(self.steps) - 1)]

    @property
    def results(self) -> tuple[StepResult, ...]:
        return tuple(self._results)

    def result(self, index: int | None = None) -> StepResult:
        return self._results[self.index if index is None else index]

    def can(self, event: Event) -> bool:
        return event in TRANSITIONS[self.phase]

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.steps)

    def summary(self) -> Summary:
        return Summary(self.question.id, self.results, self.aborted)

    # ------------------------------------------------------------------ events

    def _go(self, event: Event, to: Phase) -> Phase:
        if not self.can(event):
            raise TransitionError(f"cannot {event.value} while {self.phase.value}")
        self.history.append((self.phase, event, to))
        self.phase = to
        return to

    def start(self) -> Phase:
        return self._go(Event.START, Phase.ASKING)

    def asked(self) -> Phase:
        """The prompt was said (or shown): recording begins."""
        return self._go(Event.ASKED, Phase.RECORDING)

    def stopped(self) -> Phase:
        r = self._results[self.index]
        self._go(Event.STOPPED, Phase.TRANSCRIBING)
        self._results[self.index] = replace(r, attempts=r.attempts + 1)
        return self.phase

    def reported(self, report: Report) -> Phase:
        self._go(Event.REPORTED, Phase.REPORT)
        r = self._results[self.index]
        self._results[self.index] = replace(
            r, status="complete", report=report, error=None, refined=False
        )
        return self.phase

    def no_speech(self) -> Phase:
        self._go(Event.NO_SPEECH, Phase.REPORT)
        r = self._results[self.index]
        self._results[self.index] = replace(r, status="no_speech", report=None)
        return self.phase

    def failed(self, message: str) -> Phase:
        """Recording or transcription failed; the step can be retried or skipped."""
        if self.phase is Phase.RECORDING:
            r = self._results[self.index]
            self._results[self.index] = replace(r, attempts=r.attempts + 1)
        self._go(Event.FAILED, Phase.REPORT)
        r = self._results[self.index]
        self._results[self.index] = replace(r, status="failed", error=message)
        return self.phase

    def retry(self) -> Phase:
        """Answer the same step again (asked again, then recorded)."""
        return self._go(Event.RETRY, Phase.ASKING)

    def next(self) -> Phase:
        """On to the next probe, or the summary after the last step."""
        if not self.has_next:
            return self._go(Event.NEXT, Phase.SUMMARY)
        self._go(Event.NEXT, Phase.ASKING)
        self.index += 1
        return self.phase

    def skip(self) -> Phase:
        r = self._results[self.index]
        if r.status == "pending":
            self._results[self.index] = replace(r, status="skipped")
        if not self.has_next:
            return self._go(Event.SKIP, Phase.SUMMARY)
        self._go(Event.SKIP, Phase.ASKING)
        self.index += 1
        return self.phase

    def finish(self) -> Phase:
        """End early: the remaining steps are marked skipped."""
        self._go(Event.FINISH, Phase.SUMMARY)
        for i, r in enumerate(self._results):
            if r.status == "pending":
                self._results[i] = replace(r, status="skipped")
        return self.phase

    def close(self) -> Phase:
        return self._go(Event.CLOSE, Phase.DONE)

    def abort(self) -> Phase:
        self.aborted = True
        return self._go(Event.ABORT, Phase.DONE)

    def refine(self, index: int, report: Report) -> None:
        """A better (whole-file) report for an answered step arrived; keep the phase."""
        r = self._results[index]
        if r.status != "complete":
            return
        self._results[index] = replace(r, report=report, refined=True)
