"""Value types shared by every layer: transcripts in, reports out.

Everything here is immutable and serialisable to plain JSON (``to_dict``/``from_dict``) so that
the CLI, the store and the GUI all see the same report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class Part(StrEnum):
    SITUATION = "situation"
    TASK = "task"
    ACTION = "action"
    RESULT = "result"
    REFLECTION = "reflection"

    @property
    def order(self) -> int:
        return PARTS.index(self)

    @property
    def label(self) -> str:
        return self.value.capitalize()


PARTS: tuple[Part, ...] = tuple(Part)

#: Target seconds per part at the reference budget (175 s, the SDE2 answer).
BASE_TARGETS_S: Mapping[Part, float] = {
    Part.SITUATION: 30.0,
    Part.TASK: 20.0,
    Part.ACTION: 90.0,
    Part.RESULT: 20.0,
    Part.REFLECTION: 15.0,
}
REFERENCE_BUDGET_S = sum(BASE_TARGETS_S.values())


class Level(StrEnum):
    SDE1 = "sde1"
    SDE2 = "sde2"
    SENIOR = "senior"


#: Default whole-answer budget per level, used when a question has no pattern of its own.
DEFAULT_BUDGET_S: Mapping[Level, float] = {
    Level.SDE1: 120.0,
    Level.SDE2: 175.0,
    Level.SENIOR: 180.0,
}


class Severity(StrEnum):
    DISQUALIFIER = "disqualifier"
    WARNING = "warning"


class Verdict(StrEnum):
    STRONG = "strong"
    MIXED = "mixed"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its audio time (seconds from the start of the recording)."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "probability": round(self.probability, 4),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Word:
        return cls(
            text=str(d["text"]),
            start_s=float(d["start_s"]),
            end_s=float(d["end_s"]),
            probability=float(d.get("probability", 1.0)),
        )


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the analyzer reads: plain text, or timed words from speech recognition.

    ``source`` says where the words came from: ``text`` (typed/pasted), ``live`` (pieces
    transcribed while the candidate spoke) or ``refined`` (a whole-file pass after the end).
    ``pauses`` are silent stretches (start, end) from voice activity detection, if known.
    """

    text: str
    words: tuple[Word, ...] = ()
    duration_s: float | None = None
    pauses: tuple[tuple[float, float], ...] | None = None
    source: str = "text"

    @property
    def timed(self) -> bool:
        return bool(self.words)

    @classmethod
    def from_words(
        cls,
        words: Sequence[Word],
        *,
        duration_s: float | None = None,
        pauses: Sequence[tuple[float, float]] | None = None,
        source: str = "live",
    ) -> Transcript:
        text = " ".join(w.text.strip() for w in words if w.text.strip())
        return cls(
            text=text,
            words=tuple(words),
            duration_s=duration_s,
            pauses=None if pauses is None else tuple(pauses),
            source=source,
        )


@dataclass(frozen=True, slots=True)
class PartReport:
    part: Part
    text: str
    start_s: float | None
    end_s: float | None
    duration_s: float
    target_s: float
    status: str  # "short" | "ok" | "long" | "missing"
    wpm: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part.value,
            "text": self.text,
            "start_s": _r(self.start_s),
            "end_s": _r(self.end_s),
            "duration_s": round(self.duration_s, 2),
            "target_s": round(self.target_s, 2),
            "status": self.status,
            "wpm": _r(self.wpm, 1),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PartReport:
        return cls(
            part=Part(d["part"]),
            text=str(d["text"]),
            start_s=_f(d.get("start_s")),
            end_s=_f(d.get("end_s")),
            duration_s=float(d["duration_s"]),
            target_s=float(d["target_s"]),
            status=str(d["status"]),
            wpm=_f(d.get("wpm")),
        )


@dataclass(frozen=True, slots=True)
class LabelledWord:
    """A timed word with the STAR part it was assigned to (None for probe answers)."""

    text: str
    start_s: float
    end_s: float
    part: Part | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "part": None if self.part is None else self.part.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LabelledWord:
        part = d.get("part")
        return cls(
            str(d["text"]),
            float(d["start_s"]),
            float(d["end_s"]),
            None if part is None else Part(part),
        )


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: Severity
    part: Part | None
    quote: str
    advice: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "part": None if self.part is None else self.part.value,
            "quote": self.quote,
            "advice": self.advice,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Flag:
        part = d.get("part")
        return cls(
            code=str(d["code"]),
            severity=Severity(d["severity"]),
            part=None if part is None else Part(part),
            quote=str(d.get("quote", "")),
            advice=str(d.get("advice", "")),
        )


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number found in the transcript, with its unit when one follows it."""

    text: str
    value: float | None
    unit: str | None
    part: Part | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "part": None if self.part is None else self.part.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NumberMention:
        part = d.get("part")
        value = d.get("value")
        return cls(
            text=str(d["text"]),
            value=None if value is None else float(value),
            unit=d.get("unit"),
            part=None if part is None else Part(part),
        )


@dataclass(frozen=True, slots=True)
class Signals:
    i_count: int = 0
    we_count: int = 0
    self_initiated: bool = False
    scope_boundary: bool = False
    metric_delta: bool = False
    business_impact: bool = False
    second_order: bool = False
    specific_reflection: bool = False
    numbers: tuple[NumberMention, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "i_count": self.i_count,
            "we_count": self.we_count,
            "self_initiated": self.self_initiated,
            "scope_boundary": self.scope_boundary,
            "metric_delta": self.metric_delta,
            "business_impact": self.business_impact,
            "second_order": self.second_order,
            "specific_reflection": self.specific_reflection,
            "numbers": [n.to_dict() for n in self.numbers],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Signals:
        return cls(
            i_count=int(d["i_count"]),
            we_count=int(d["we_count"]),
            self_initiated=bool(d["self_initiated"]),
            scope_boundary=bool(d["scope_boundary"]),
            metric_delta=bool(d["metric_delta"]),
            business_impact=bool(d["business_impact"]),
            second_order=bool(d["second_order"]),
            specific_reflection=bool(d["specific_reflection"]),
            numbers=tuple(NumberMention.from_dict(n) for n in d.get("numbers", ())),
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    wpm: float | None = None
    fillers: int = 0
    hedges: int = 0
    long_pauses: int | None = None
    repeated_phrases: tuple[str, ...] = ()
    filler_words: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "wpm": _r(self.wpm, 1),
            "fillers": self.fillers,
            "hedges": self.hedges,
            "long_pauses": self.long_pauses,
            "repeated_phrases": list(self.repeated_phrases),
            "filler_words": list(self.filler_words),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Delivery:
        lp = d.get("long_pauses")
        return cls(
            wpm=_f(d.get("wpm")),
            fillers=int(d.get("fillers", 0)),
            hedges=int(d.get("hedges", 0)),
            long_pauses=None if lp is None else int(lp),
            repeated_phrases=tuple(d.get("repeated_phrases", ())),
            filler_words=tuple(d.get("filler_words", ())),
        )


@dataclass(frozen=True, slots=True)
class Scores:
    ownership: int
    metrics: int
    reflection: int
    pacing: int
    #: Only for probe answers: how well the answer meets the probe's intent (0-4).
    intent: int | None = None

    def total(self) -> int:
        return self.ownership + self.metrics + self.reflection + self.pacing

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "ownership": self.ownership,
            "metrics": self.metrics,
            "reflection": self.reflection,
            "pacing": self.pacing,
        }
        if self.intent is not None:
            d["intent"] = self.intent
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scores:
        intent = d.get("intent")
        return cls(
            ownership=int(d["ownership"]),
            metrics=int(d["metrics"]),
            reflection=int(d["reflection"]),
            pacing=int(d["pacing"]),
            intent=None if intent is None else int(intent),
        )


@dataclass(frozen=True, slots=True)
class InputInfo:
    path: str | None
    kind: str  # "text" | "audio"
    duration_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "duration_s": _r(self.duration_s)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> InputInfo:
        return cls(path=d.get("path"), kind=str(d["kind"]), duration_s=_f(d.get("duration_s")))


@dataclass(frozen=True, slots=True)
class QuestionRef:
    id: str
    principle: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "principle": self.principle}


@dataclass(frozen=True, slots=True)
class ProbeRef:
    id: str
    kind: str
    question_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "question_id": self.question_id}


@dataclass(frozen=True, slots=True)
class Report:
    analyzer_version: str
    input: InputInfo
    question: QuestionRef | None
    transcript: str
    parts: tuple[PartReport, ...]
    words: tuple[LabelledWord, ...]
    signals: Signals
    delivery: Delivery
    flags: tuple[Flag, ...]
    scores: Scores
    verdict: Verdict
    level: Level = Level.SDE2
    probe: ProbeRef | None = None
    transcript_source: str = "text"
    budget_s: float = REFERENCE_BUDGET_S
    extra: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def part(self, part: Part) -> PartReport | None:
        for p in self.parts:
            if p.part is part:
                return p
        return None

    def flag_codes(self) -> list[str]:
        return [f.code for f in self.flags]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema_version": self.schema_version,
            "analyzer_version": self.analyzer_version,
            "input": self.input.to_dict(),
            "question": None if self.question is None else self.question.to_dict(),
            "probe": None if self.probe is None else self.probe.to_dict(),
            "level": self.level.value,
            "budget_s": round(self.budget_s, 1),
            "transcript_source": self.transcript_source,
            "transcript": self.transcript,
            "parts": [p.to_dict() for p in self.parts],
            "words": [w.to_dict() for w in self.words],
            "signals": self.signals.to_dict(),
            "delivery": self.delivery.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
            "scores": self.scores.to_dict(),
            "verdict": self.verdict.value,
        }
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Report:
        q = d.get("question")
        pr = d.get("probe")
        known = {
            "schema_version", "analyzer_version", "input", "question", "probe", "level",
            "budget_s", "transcript_source", "transcript", "parts", "words", "signals",
            "delivery", "flags", "scores", "verdict",
        }  # fmt: skip
        return cls(
            schema_version=int(d.get("schema_version", SCHEMA_VERSION)),
            analyzer_version=str(d["analyzer_version"]),
            input=InputInfo.from_dict(d["input"]),
            question=None if q is None else QuestionRef(str(q["id"]), str(q["principle"])),
            probe=None
            if pr is None
            else ProbeRef(str(pr["id"]), str(pr["kind"]), str(pr["question_id"])),
            level=Level(d.get("level", Level.SDE2.value)),
            budget_s=float(d.get("budget_s", REFERENCE_BUDGET_S)),
            transcript_source=str(d.get("transcript_source", "text")),
            transcript=str(d["transcript"]),
            parts=tuple(PartReport.from_dict(p) for p in d["parts"]),
            words=tuple(LabelledWord.from_dict(w) for w in d.get("words", ())),
            signals=Signals.from_dict(d["signals"]),
            delivery=Delivery.from_dict(d["delivery"]),
            flags=tuple(Flag.from_dict(f) for f in d["flags"]),
            scores=Scores.from_dict(d["scores"]),
            verdict=Verdict(d["verdict"]),
            extra={k: v for k, v in d.items() if k not in known},
        )


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def _f(x: Any) -> float | None:
    return None if x is None else float(x)
