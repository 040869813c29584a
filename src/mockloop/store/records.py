"""Plain, immutable records the store hands out (no sqlite rows leak out of the store)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mockloop.core.model import Report, Word

SESSION_STATUSES = ("recording", "complete", "interrupted", "abandoned", "failed")
ATTEMPT_STATUSES = ("recording", "complete", "no_speech", "skipped", "interrupted", "failed")
ATTEMPT_KINDS = ("answer", "probe")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def ms_to_iso(ms: int | None) -> str | None:
    """UTC ISO-8601 with offset, second precision (the JSON form of every timestamp)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="seconds")


def ms_to_local(ms: int | None) -> str:
    """Local wall-clock time for people: ``2025-03-01 14:05``."""
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M")


def s_to_ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def ms_to_s(ms: int | None) -> float | None:
    return None if ms is None else ms / 1000


@dataclass(frozen=True, slots=True)
class AttemptHandle:
    """What ``begin_attempt`` returns: the row id and the file to stream audio into."""

    id: int
    session_id: int
    kind: str
    probe_id: str | None
    seq: int
    audio_path: Path


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Filters shared by list, rescore, export and the progress series (all optional, ANDed)."""

    principle: str | None = None
    question_id: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None
    status: str | None = None
    verdict: str | None = None
    source: str | None = None
    search: str | None = None  # full-text query over transcripts
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list (read from indexed columns only, so listing stays instant)."""

    id: int
    started_at: int
    ended_at: int | None
    status: str
    question_id: str | None
    principle: str | None
    level: str
    source: str
    verdict: str | None
    analyzer_version: str | None
    audio_ms: int | None
    score_total: int | None

    @property
    def audio_s(self) -> float | None:
        return ms_to_s(self.audio_ms)

    def to_json(self) -> dict[str, Any]:
        """The ``sessions list --json`` item (exactly these keys)."""
        return {
            "id": self.id,
            "started_at": ms_to_iso(self.started_at),
            "question_id": self.question_id,
            "principle": self.principle,
            "status": self.status,
            "verdict": self.verdict,
            "analyzer_version": self.analyzer_version,
            "audio_s": None if self.audio_ms is None else round(self.audio_ms / 1000, 2),
        }


@dataclass(frozen=True, slots=True)
class TranscriptionRecord:
    """One speech-recognition run over an attempt (or the typed text). Never rewritten."""

    id: int
    attempt_id: int
    created_at: int
    source: str  # text | live | refined | retranscribed | recovered
    asr_model: str | None
    asr_params: Mapping[str, Any]
    text: str
    duration_ms: int | None
    pauses: tuple[tuple[float, float], ...] | None
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalysisRecord:
    id: int
    attempt_id: int
    transcription_id: int | None
    analyzer_version: str
    created_at: int
    verdict: str
    scores: Mapping[str, int | None]
    score_total: int
    flags: tuple[str, ...]
    transcript_source: str
    report_text: str = field(repr=False, default="{}")  # parsed on demand (can be large)

    @property
    def report_json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.report_text)
        return parsed

    def report(self) -> Report:
        return Report.from_dict(self.report_json)


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    id: int
    session_id: int
    kind: str
    probe_id: str | None
    seq: int
    status: str
    audio_path: str | None  # relative to the data folder; None once discarded or never kept
    duration_ms: int | None
    started_at: int
    ended_at: int | None
    input_path: str | None
    part_starts: Mapping[str, float] | None
    transcription: TranscriptionRecord | None
    analyses: tuple[AnalysisRecord, ...] = ()  # oldest first

    @property
    def latest(self) -> AnalysisRecord | None:
        return self.analyses[-1] if self.analyses else None

    @property
    def duration_s(self) -> float | None:
        return ms_to_s(self.duration_ms)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A whole session: the question as asked, every attempt, every transcription and analysis."""

    id: int
    started_at: int
    ended_at: int | None
    status: str
    question_id: str | None
    principle: str | None
    level: str
    source: str
    question_snapshot: Mapping[str, Any] | None
    content_hash: str | None
    keep_audio: bool
    verdict: str | None
    analyzer_version: str | None
    audio_ms: int | None
    attempts: tuple[AttemptRecord, ...] = ()

    @property
    def answer(self) -> AttemptRecord | None:
        """The main answer: the latest non-skipped answer attempt (retries are new attempts)."""
        answers = [a for a in self.attempts if a.kind == "answer"]
        for a in reversed(answers):
            if a.status != "skipped":
                return a
        return answers[-1] if answers else None

    @property
    def probes(self) -> tuple[AttemptRecord, ...]:
        return tuple(a for a in self.attempts if a.kind == "probe")

    @property
    def question_text(self) -> str | None:
        if self.question_snapshot is None:
            return None
        text = self.question_snapshot.get("text")
        return None if text is None else str(text)

    def probe_text(self, probe_id: str | None) -> str | None:
        if probe_id is None or self.question_snapshot is None:
            return None
        for p in self.question_snapshot.get("probes", ()):
            if isinstance(p, Mapping) and p.get("id") == probe_id:
                return str(p.get("text", ""))
        return None
