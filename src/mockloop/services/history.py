"""Session history: the calls behind ``mockloop sessions`` and the app's history views.

List, show, rescore (optionally after re-transcribing), recover interrupted sessions, export,
delete, progress series for charts, and the ``--save`` helpers for ``analyze``/``record``.

Every function opens its own :class:`Store` unless one is passed, so the GUI can call them from
a worker thread. Long operations take ``progress(done, total, session_id)`` and a ``cancel``
flag (a ``threading.Event`` or any ``() -> bool``), checked between sessions.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from mockloop.core.content import Bank, Probe, Question, question_snapshot
from mockloop.core.model import Level, Part, Report, Transcript, Word
from mockloop.services.scope import bank_or_load
from mockloop.services.scope import store_scope as _store
from mockloop.store import SessionFilter, SessionRecord, SessionSummary, Store
from mockloop.store import export as export_mod
from mockloop.store.records import AnalysisRecord, AttemptRecord, TranscriptionRecord

ProgressFn = Callable[[int, int, int], None]
CancelFlag = threading.Event | Callable[[], bool] | None


class HistoryError(Exception):
    """A user-facing problem (unknown principle, bad date, nothing to do); one line."""


class AnalyzeFn(Protocol):
    def __call__(
        self,
        transcript: Transcript,
        *,
        question: Question | None = ...,
        probe: Probe | None = ...,
        level: Level = ...,
        bank: Bank | None = ...,
        part_starts: Mapping[Part, float] | None = ...,
        input_path: str | None = ...,
    ) -> Report: ...


@dataclass(frozen=True)
class Analyzer:
    """The analyzer to (re)score with and the version it stamps on reports."""

    fn: AnalyzeFn
    version: str


def current_analyzer() -> Analyzer:
    from mockloop.core.analyze import ANALYZER_VERSION, analyze

    return Analyzer(analyze, ANALYZER_VERSION)


@dataclass(frozen=True)
class FileTranscription:
    """What a transcriber returns for a whole file (re-transcription / recovery)."""

    transcript: Transcript
    model: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


#: A whole-file transcriber: ``path -> FileTranscription``, a bare ``Transcript`` or a
#: ``speech.base.TranscriptResult``.
TranscribeFn = Callable[[Path], Any]


def _bank(bank: Bank | None) -> Bank:
    return bank_or_load(bank, HistoryError)


def _cancelled(cancel: CancelFlag) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


# ---------------------------------------------------------------------- filters


def parse_since(text: str, *, now: datetime | None = None) -> int:
    """``2025-03-01``, ``2025-03-01T14:00`` (local time unless an offset is given), ``7d``,
    ``12h``, ``2w``, ``today`` or ``yesterday`` -> unix ms."""
    t = text.strip().lower()
    now = now or datetime.now().astimezone()
    m = re.fullmatch(r"(\d+)\s*([hdw])", t)
    if m:
        n = int(m.group(1))
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}
        return int((now - delta[m.group(2)]).timestamp() * 1000)
    if t in ("today", "yesterday"):
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if t == "yesterday":
            day -= timedelta(days=1)
        return int(day.timestamp() * 1000)
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HistoryError(
            f"bad date '{text}' (use YYYY-MM-DD, an ISO time, or 7d / 12h / 2w)"
        ) from None
    if dt.tzinfo is None:
        dt = dt.astimezone()  # local time
    return int(dt.timestamp() * 1000)


def resolve_principle(text: str, bank: Bank | None = None) -> str:
    """A principle id from its id, short name or number; unknown text is kept as is when
    sessions still carry it (e.g. a principle removed from the bank)."""
    try:
        bank = _bank(bank)
    except Exception:
        return text
    try:
        return bank.principle(text).id
    except KeyError:
        pass
    raise HistoryError(f"unknown principle '{text}' (see: mockloop questions)")


def make_filter(
    *,
    principle: str | None = None,
    since: str | None = None,
    until: str | None = None,
    status: str | None = None,
    verdict: str | None = None,
    question_id: str | None = None,
    search: str | None = None,
    ids: Sequence[int] | None = None,
    bank: Bank | None = None,
) -> SessionFilter:
    return SessionFilter(
        principle=None if principle is None else resolve_principle(principle, bank),
        since_ms=None if since is None else parse_since(since),
        until_ms=None if until is None else parse_since(until),
        status=status,
        verdict=verdict,
        question_id=question_id,
        search=search or None,
        ids=None if ids is None else tuple(ids),
    )


# ---------------------------------------------------------------------- list / show / delete


def list_sessions(
    filter: SessionFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    store: Store | None = None,
) -> list[SessionSummary]:
    with _store(store) as st:
        return st.list_sessions(filter, limit=limit, offset=offset)


def count_sessions(filter: SessionFilter | None = None, *, store: Store | None = None) -> int:
    with _store(store) as st:
        return st.count_sessions(filter)


def show(session_id: int, *, store: Store | None = None) -> SessionRecord:
    """The whole session (raises :class:`mockloop.store.NotFoundError`)."""
    with _store(store) as st:
        return st.get_session(session_id)


def session_json(session_id: int, *, store: Store | None = None) -> dict[str, Any]:
    with _store(store) as st:
        return export_mod.session_to_dict(st, st.get_session(session_id))


def delete(session_id: int, *, store: Store | None = None) -> list[Path]:
    """Delete a session with its audio; returns the files removed."""
    with _store(store) as st:
        return st.delete_session(session_id)


def audio_path(attempt_id: int, *, store: Store | None = None) -> Path | None:
    """The attempt's audio file for replay (None if not kept or missing)."""
    with _store(store) as st:
        return st.audio_file(attempt_id)


# ---------------------------------------------------------------------- export


def export(
    session_ids: Sequence[int],
    fmt: str,
    *,
    output: Path | None = None,
    store: Store | None = None,
) -> str:
    """Render sessions as ``md``, ``html`` or ``json``; writes ``output`` if given, returns the
    text. JSON is one object for one id, a list for several."""
    if fmt not in export_mod.FORMATS:
        raise HistoryError(f"unknown format '{fmt}' (one of: {', '.join(export_mod.FORMATS)})")
    with _store(store) as st:
        data = [export_mod.session_to_dict(st, st.get_session(i)) for i in session_ids]
    text = export_mod.render(data, fmt, single=len(session_ids) == 1)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    return text


# ---------------------------------------------------------------------- progress series


@dataclass(frozen=True)
class ProgressPoint:
    session_id: int
    started_at_ms: int
    principle: str | None
    question_id: str | None
    level: str
    verdict: str
    analyzer_version: str
    scores: Mapping[str, int]
    total: int
    audio_s: float | None


def progress_series(
    filter: SessionFilter | None = None, *, store: Store | None = None
) -> list[ProgressPoint]:
    """One point per analysed session, oldest first: the answer's current verdict and scores
    (ownership, metrics, reflection, pacing, total) for the app's progress charts."""
    with _store(store) as st:
        rows = st.progress_rows(filter)
    return [
        ProgressPoint(
            session_id=int(r["session_id"]),
            started_at_ms=int(r["started_at"]),
            principle=r["principle"],
            question_id=r["question_id"],
            level=str(r["level"]),
            verdict=str(r["verdict"]),
            analyzer_version=str(r["analyzer_version"]),
            scores={k: int(r[k] or 0) for k in ("ownership", "metrics", "reflection", "pacing")},
            total=int(r["total"] or 0),
            audio_s=None if r["audio_ms"] is None else r["audio_ms"] / 1000,
        )
        for r in rows
    ]


# ---------------------------------------------------------------------- saving (--save)



@dataclass(frozen=True)
class PartTiming:
    """One analysed session's answer: per part (seconds spoken, target seconds)."""

    session_id: int
    started_at_ms: int
    principle: str | None
    parts: dict[Part, tuple[float, float]]


def part_timing_series(
    points: Sequence[ProgressPoint] | None = None, *, store: Store | None = None
) -> list[PartTiming]:
    """Per-part timing of every analysed session's answer, oldest first (from stored reports)."""
    out: list[PartTiming] = []
    with _store(store) as st:
        for p in progress_series(store=st) if points is None else points:
            an = headline_analysis(st.get_session(p.session_id, words=False))
            if an is None:
                continue
            parts: dict[Part, tuple[float, float]] = {}
            for d in (an.report_json or {}).get("parts") or ():
                try:
                    parts[Part(d["part"])] = (
                        float(d.get("duration_s") or 0.0),
                        float(d.get("target_s") or 0.0),
                    )
                except (KeyError, ValueError, TypeError):
                    continue  # a report written by another analyzer version
            out.append(PartTiming(p.session_id, p.started_at_ms, p.principle, parts))
    return out


def progress_with_part_timings(
    *, store: Store | None = None
) -> tuple[list[ProgressPoint], list[PartTiming]]:
    """The score points and the per-part timings, through one store connection."""
    with _store(store) as st:
        points = progress_series(store=st)
        return points, part_timing_series(points, store=st)


def _snapshot(question: Question | None) -> dict[str, Any] | None:
    return None if question is None else question_snapshot(question)


def save_text_analysis(
    report: Report,
    *,
    text: str,
    bank: Bank | None = None,
    question: Question | None = None,
    probe: Probe | None = None,
    level: Level | str | None = None,
    input_path: str | None = None,
    store: Store | None = None,
) -> int:
    """``mockloop analyze FILE --save`` for text: store the report as a complete session."""
    del probe  # the report names its probe; the snapshot holds the probe texts
    with _store(store) as st:
        return st.save_text_analysis(
            report, text=text, question=_snapshot(question),
            level=str(level or report.level.value), input_path=input_path,
        )  # fmt: skip


def save_audio_analysis(
    report: Report,
    *,
    audio_path: Path,
    bank: Bank | None = None,
    question: Question | None = None,
    probe: Probe | None = None,
    level: Level | str | None = None,
    transcript: Transcript | None = None,
    asr: Mapping[str, Any] | None = None,
    source: str = "analyze",
    keep_audio: bool | None = None,
    store: Store | None = None,
) -> int:
    """``analyze AUDIO --save`` / ``record --save``: store the session with a copy of the audio
    (unless the user chose not to keep audio), its timed words and the report.

    Pass the ``transcript`` the report was made from (it keeps word probabilities and pauses)
    and ``asr`` = ``{"model": ..., "params": {...}}``; without it the words are taken from
    the report.
    """
    del probe
    if asr is None and isinstance(report.extra.get("asr"), Mapping):
        asr = dict(report.extra["asr"])
    if transcript is None:
        words = tuple(Word(w.text, w.start_s, w.end_s) for w in report.words)
        transcript = Transcript(
            text=report.transcript, words=words, duration_s=report.input.duration_s,
            source=report.transcript_source,
        )  # fmt: skip
    with _store(store) as st:
        return st.save_analysis(
            report, transcript, question=_snapshot(question),
            level=str(level or report.level.value), source=source, audio=Path(audio_path),
            asr=asr, input_path=str(audio_path), keep_audio=keep_audio,
        )  # fmt: skip


def save_report(
    report: Report,
    transcript: Transcript,
    *,
    bank: Bank | None = None,
    question: Question | None = None,
    level: Level | str | None = None,
    source: str = "analyze",
    audio: Path | None = None,
    asr: Mapping[str, Any] | None = None,
    part_starts: Mapping[Part, float] | None = None,
    store: Store | None = None,
) -> int:
    """The general form of the two above (any transcript, optional audio, manual part marks)."""
    with _store(store) as st:
        return st.save_analysis(
            report, transcript, question=_snapshot(question),
            level=str(level or report.level.value), source=source, audio=audio, asr=asr,
            input_path=None if audio is None else str(audio),
            part_starts=None if part_starts is None
            else {Part(k).value: v for k, v in part_starts.items()},
        )  # fmt: skip


# ---------------------------------------------------------------------- rescore


@dataclass(frozen=True)
class AttemptChange:
    """What a rescore did to one attempt (``skipped`` says why nothing was done)."""

    session_id: int
    attempt_id: int
    kind: str
    probe_id: str | None
    version_before: str | None
    version_after: str | None
    verdict_before: str | None
    verdict_after: str | None
    total_before: int | None
    total_after: int | None
    flags_added: tuple[str, ...] = ()
    flags_removed: tuple[str, ...] = ()
    retranscribed: bool = False
    skipped: str | None = None
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.verdict_before != self.verdict_after or bool(
            self.flags_added or self.flags_removed
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "attempt_id": self.attempt_id,
            "kind": self.kind,
            "probe_id": self.probe_id,
            "version_before": self.version_before,
            "version_after": self.version_after,
            "verdict_before": self.verdict_before,
            "verdict_after": self.verdict_after,
            "total_before": self.total_before,
            "total_after": self.total_after,
            "flags_added": list(self.flags_added),
            "flags_removed": list(self.flags_removed),
            "retranscribed": self.retranscribed,
            "skipped": self.skipped,
            "error": self.error,
        }


@dataclass
class SessionRescore:
    session_id: int
    changes: list[AttemptChange] = field(default_factory=list)
    headline: AnalysisRecord | None = None

    @property
    def report(self) -> Report | None:
        """The answer's report after the rescore (the current one if nothing needed doing)."""
        return None if self.headline is None else self.headline.report()

    @property
    def rescored(self) -> bool:
        return any(c.skipped is None and c.error is None for c in self.changes)

    @property
    def errors(self) -> list[str]:
        return [c.error for c in self.changes if c.error]


@dataclass
class RescoreSummary:
    results: list[SessionRescore] = field(default_factory=list)
    total: int = 0
    cancelled: bool = False
    analyzer_version: str = ""

    @property
    def rescored(self) -> int:
        return sum(1 for r in self.results if r.rescored)

    @property
    def changed(self) -> list[AttemptChange]:
        return [c for r in self.results for c in r.changes if c.skipped is None and c.changed]

    @property
    def failed(self) -> list[AttemptChange]:
        return [c for r in self.results for c in r.changes if c.error]


def question_for(record: SessionRecord, bank: Bank) -> Question | None:
    """The session's question: the bank's current item if it still exists, else rebuilt from
    the snapshot stored with the session."""
    if record.question_id is None:
        return None
    try:
        return bank.question(record.question_id)
    except KeyError:
        pass
    snap = record.question_snapshot
    if not snap or not snap.get("text"):
        return None
    qid = str(snap.get("id", record.question_id))
    probes = tuple(_probe_from_snapshot(p, qid) for p in snap.get("probes", ()) or ())
    pattern_id = snap.get("pattern_id")
    if pattern_id is not None:
        try:
            bank.pattern(str(pattern_id))
        except KeyError:
            pattern_id = None  # the pattern went too; budgets fall back to the level default
    return Question(
        id=qid,
        principle=str(snap.get("principle", record.principle or "")),
        text=str(snap["text"]),
        probes=probes,
        pattern_id=None if pattern_id is None else str(pattern_id),
    )


def _probe_from_snapshot(p: Mapping[str, Any], qid: str) -> Probe:
    return Probe(
        id=str(p.get("id", "")),
        question_id=qid,
        text=str(p.get("text", "")),
        kind=str(p.get("kind", "depth")),
        intent=str(p.get("intent", "")),
        weak=str(p.get("weak", "")),
        weak_why=str(p.get("weak_why", "")),
        strong=str(p.get("strong", "")),
        strong_why=str(p.get("strong_why", "")),
        takeaway=str(p.get("takeaway", "")),
    )


def probe_for(probe_id: str | None, bank: Bank, question: Question | None) -> Probe | None:
    """The probe from the current bank, else from the question (possibly its stored snapshot)."""
    if probe_id is None:
        return None
    try:
        return bank.probe(probe_id)
    except KeyError:
        pass
    if question is not None:
        for p in question.probes:
            if p.id == probe_id:
                return p
    return None


def transcript_of(tr: TranscriptionRecord) -> Transcript:
    """Rebuild the analyzer input exactly as stored (timed words, pauses, source)."""
    duration = None if tr.duration_ms is None else tr.duration_ms / 1000
    if tr.words:
        return Transcript.from_words(
            tr.words, duration_s=duration, pauses=tr.pauses, source=tr.source
        )
    return Transcript(text=tr.text, duration_s=duration, pauses=tr.pauses, source=tr.source)


def _level(text: str) -> Level:
    try:
        return Level(text)
    except ValueError:
        return Level.SDE2


def _as_file_transcription(result: Any) -> FileTranscription:
    """Accept a :class:`FileTranscription`, a bare ``Transcript`` or anything shaped like
    ``speech.base.TranscriptResult`` (``.transcript``, ``.model``, ``.params``)."""
    if isinstance(result, FileTranscription):
        return result
    if isinstance(result, Transcript):
        return FileTranscription(result)
    transcript = getattr(result, "transcript", None)
    if isinstance(transcript, Transcript):
        return FileTranscription(
            transcript,
            model=getattr(result, "model", None),
            params=dict(getattr(result, "params", None) or {}),
        )
    raise TypeError(f"a transcriber returned {type(result).__name__}, not a transcript")


class WhisperFileTranscriber:
    """Whole-file transcription with the local Whisper model (``services.audio``), loading the
    model once for a whole batch. Call :meth:`close` when done."""

    def __init__(self, model_path: str | None = None) -> None:
        self.model_path = model_path
        self._t: Any = None

    def __call__(self, path: Path) -> FileTranscription:
        from mockloop.services import audio

        if self._t is None:
            from mockloop.speech.asr import WhisperTranscriber

            self._t = WhisperTranscriber(self.model_path)
        return _as_file_transcription(audio.transcribe_file(path, transcriber=self._t))

    def close(self) -> None:
        if self._t is not None:
            self._t.close()
            self._t = None


def default_transcriber(model_path: str | None = None) -> WhisperFileTranscriber:
    """The local Whisper model (``model_path`` or the embedded default) for re-transcription."""
    try:
        import mockloop.services.audio  # noqa: F401
    except ImportError as e:
        raise HistoryError(f"re-transcription is unavailable: {e}") from None
    return WhisperFileTranscriber(model_path)


def rescore_session(
    session_id: int,
    *,
    store: Store,
    analyzer: Analyzer,
    bank: Bank,
    force: bool = False,
    transcriber: TranscribeFn | None = None,
) -> SessionRescore:
    """Rescore every attempt of one session with ``analyzer`` (adds analyses, never rewrites).

    With ``transcriber`` each attempt with audio is transcribed again first (a new
    transcription becomes current) and then scored. Attempts already scored at the analyzer's
    version on their current transcription are skipped unless ``force``.
    """
    record = store.get_session(session_id, words=False)  # words only where needed
    question = question_for(record, bank)
    level = _level(record.level)
    result = SessionRescore(session_id)
    for att in record.attempts:
        result.changes.append(
            _rescore_attempt(
                store, record, att, question, level, analyzer, bank, force, transcriber
            )
        )
    if result.rescored:
        record = store.get_session(session_id, words=False)
    result.headline = headline_analysis(record)
    return result


def check_part_starts(part_starts: Mapping[Part | str, float]) -> dict[Part, float]:
    """Manual part boundaries ``{part: start second}`` validated: known parts, not negative,
    in STAR order (Situation always starts at 0 and may be left out)."""
    out: dict[Part, float] = {}
    for k, v in part_starts.items():
        try:
            part = Part(k)
        except ValueError:
            raise HistoryError(
                f"unknown part '{k}' (one of: {', '.join(p.value for p in Part)})"
            ) from None
        t = float(v)
        if not t >= 0.0:  # also rejects NaN
            raise HistoryError(f"{part.value} starts at {v}: a start must be 0 s or later")
        out[part] = t
    ordered = sorted(out.items(), key=lambda kv: kv[0].order)
    for (a, ta), (b, tb) in itertools.pairwise(ordered):
        if tb < ta:
            raise HistoryError(
                f"{b.value} ({tb:g} s) starts before {a.value} ({ta:g} s); parts follow STAR order"
            )
    return dict(ordered)


def rescore_with_part_starts(
    session_id: int,
    part_starts: Mapping[Part | str, float] | None,
    *,
    attempt_id: int | None = None,
    analyzer: Analyzer | None = None,
    bank: Bank | None = None,
    store: Store | None = None,
) -> SessionRescore:
    """Store hand-set part boundaries on an attempt (default: the session's answer) and rescore
    that attempt with them. ``None`` or ``{}`` clears the marks (detection decides again).

    The marks stay with the attempt, so later rescores keep using them. The result's
    ``changes`` holds the one attempt's change; ``report`` is the session's headline report.
    """
    starts = check_part_starts(part_starts or {})
    analyzer = analyzer or current_analyzer()
    bank = _bank(bank)
    with _store(store) as st:
        record = st.get_session(session_id, words=False)
        if attempt_id is None:
            att = record.answer
            if att is None:
                raise HistoryError(f"session {session_id} has no answer to mark")
        else:
            att = next((a for a in record.attempts if a.id == attempt_id), None)
            if att is None:
                raise HistoryError(f"attempt {attempt_id} is not part of session {session_id}")
        st.set_part_starts(att.id, {p.value: t for p, t in starts.items()} or None)
        record = st.get_session(session_id, words=False)
        att = next(a for a in record.attempts if a.id == att.id)
        question = question_for(record, bank)
        result = SessionRescore(session_id)
        result.changes.append(
            _rescore_attempt(
                st, record, att, question, _level(record.level), analyzer, bank, True, None
            )
        )
        result.headline = headline_analysis(st.get_session(session_id, words=False))
        return result


def _rescore_attempt(
    store: Store,
    record: SessionRecord,
    att: AttemptRecord,
    question: Question | None,
    level: Level,
    analyzer: Analyzer,
    bank: Bank,
    force: bool,
    transcriber: TranscribeFn | None,
) -> AttemptChange:
    latest = att.latest
    before: dict[str, Any] = {
        "version_before": None if latest is None else latest.analyzer_version,
        "verdict_before": None if latest is None else latest.verdict,
        "total_before": None if latest is None else latest.score_total,
    }

    def change(**kw: Any) -> AttemptChange:
        base: dict[str, Any] = {
            "session_id": record.id, "attempt_id": att.id, "kind": att.kind,
            "probe_id": att.probe_id, "version_after": before["version_before"],
            "verdict_after": before["verdict_before"], "total_after": before["total_before"],
        }  # fmt: skip
        base.update(before)
        base.update(kw)
        return AttemptChange(**base)

    tr = att.transcription
    retranscribed = False
    if transcriber is not None:
        audio = store.audio_file(att)
        if audio is None:
            if tr is None:
                return change(skipped="no audio to transcribe")
        else:
            try:
                ft = _as_file_transcription(transcriber(audio))
            except Exception as e:  # one bad file must not stop a batch
                return change(error=f"transcription failed: {e}")
            t = ft.transcript
            params = dict(ft.params)
            tid = store.add_transcription(
                att.id, words=t.words, text=t.text, duration_s=t.duration_s or att.duration_s,
                pauses=t.pauses, asr={"model": ft.model, "params": params},
                source=t.source if t.source != "text" else "refined",
            )  # fmt: skip
            tr = store.transcription(tid)
            retranscribed = True
    if tr is None:
        return change(skipped="not transcribed (use --retranscribe)")
    if not tr.text.strip():
        return change(skipped="no speech")
    if (
        not force
        and not retranscribed
        and latest is not None
        and latest.analyzer_version == analyzer.version
        and latest.transcription_id == tr.id
    ):
        return change(skipped="up to date")
    if not tr.words:
        tr = store.transcription(tr.id)  # now load the timed words
    probe = probe_for(att.probe_id, bank, question)
    if att.kind == "probe" and probe is None:
        return change(skipped=f"probe '{att.probe_id}' not found in the bank or the snapshot")
    part_starts = None
    if att.part_starts:
        part_starts = {Part(k): float(v) for k, v in att.part_starts.items()}
    audio_file = store.audio_file(att)
    input_path = att.input_path or (None if audio_file is None else str(audio_file))
    try:
        report = analyzer.fn(
            transcript_of(tr), question=question, probe=probe, level=level, bank=bank,
            part_starts=part_starts, input_path=input_path,
        )  # fmt: skip
    except Exception as e:
        return change(
            error=f"analysis failed: {type(e).__name__}: {e}", retranscribed=retranscribed
        )
    store.add_analysis(att.id, report, transcription_id=tr.id)
    old_flags = set(() if latest is None else latest.flags)
    new_flags = set(report.flag_codes())
    return change(
        version_after=report.analyzer_version,
        verdict_after=report.verdict.value,
        total_after=report.scores.total(),
        flags_added=tuple(sorted(new_flags - old_flags)),
        flags_removed=tuple(sorted(old_flags - new_flags)),
        retranscribed=retranscribed,
    )


def rescore(
    session_ids: Sequence[int] | None = None,
    *,
    filter: SessionFilter | None = None,
    force: bool = False,
    retranscribe: bool = False,
    transcriber: TranscribeFn | None = None,
    model_path: str | None = None,
    analyzer: Analyzer | None = None,
    bank: Bank | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFlag = None,
    store: Store | None = None,
) -> RescoreSummary:
    """Rescore the given sessions, or those matching ``filter`` (all when both are None), with
    the current analyzer. ``retranscribe`` transcribes the audio again first (``transcriber``,
    default: the local Whisper model at ``model_path``). ``progress(done, total, id)`` is
    called after each session; ``cancel`` is checked before each one."""
    analyzer = analyzer or current_analyzer()
    bank = _bank(bank)
    owned = None
    if retranscribe and transcriber is None:
        transcriber = owned = default_transcriber(model_path)
    summary = RescoreSummary(analyzer_version=analyzer.version)
    try:
        _rescore_all(
            summary, session_ids, filter=filter, force=force,
            transcriber=transcriber if retranscribe else None, analyzer=analyzer, bank=bank,
            progress=progress, cancel=cancel, store=store,
        )  # fmt: skip
    finally:
        if owned is not None:
            owned.close()
    return summary


def _rescore_all(
    summary: RescoreSummary,
    session_ids: Sequence[int] | None,
    *,
    filter: SessionFilter | None,
    force: bool,
    transcriber: TranscribeFn | None,
    analyzer: Analyzer,
    bank: Bank,
    progress: ProgressFn | None,
    cancel: CancelFlag,
    store: Store | None,
) -> None:
    with _store(store) as st:
        ids = list(session_ids) if session_ids is not None else st.session_ids(filter)
        for sid in ids:
            st.summary(sid)  # NotFoundError before any work for a bad id
        summary.total = len(ids)
        for done, sid in enumerate(ids, 1):
            if _cancelled(cancel):
                summary.cancelled = True
                break
            summary.results.append(
                rescore_session(
                    sid,
                    store=st,
                    analyzer=analyzer,
                    bank=bank,
                    force=force,
                    transcriber=transcriber,
                )
            )
            if progress is not None:
                progress(done, len(ids), sid)


def recover_and_analyze(
    session_id: int,
    *,
    transcriber: TranscribeFn | None = None,
    model_path: str | None = None,
    analyzer: Analyzer | None = None,
    bank: Bank | None = None,
    store: Store | None = None,
) -> SessionRescore:
    """Transcribe and analyse an interrupted session from the audio kept up to the crash.

    Attempts without a transcription are transcribed (``transcriber`` or the local model);
    then every attempt is scored. Audio of a ``keep_audio=False`` session is discarded after.
    """
    analyzer = analyzer or current_analyzer()
    bank = _bank(bank)
    with _store(store) as st:
        record = st.get_session(session_id, words=False)
        needs = [a for a in record.attempts if a.transcription is None and st.audio_file(a)]
        owned = None
        if needs and transcriber is None:
            transcriber = owned = default_transcriber(model_path)
        try:
            for att in needs:
                assert transcriber is not None
                audio = st.audio_file(att)
                assert audio is not None
                ft = _as_file_transcription(transcriber(audio))
                t = ft.transcript
                st.add_transcription(
                    att.id, words=t.words, text=t.text,
                    duration_s=t.duration_s or att.duration_s, pauses=t.pauses,
                    asr={"model": ft.model, "params": dict(ft.params)},
                    source=t.source if t.source != "text" else "refined",
                )  # fmt: skip
        finally:
            if owned is not None:
                owned.close()
        result = rescore_session(session_id, store=st, analyzer=analyzer, bank=bank)
        if not record.keep_audio:
            for att in st.get_session(session_id, words=False).attempts:
                if att.transcription is not None:
                    st.discard_audio(att.id)
        return result


def headline_analysis(record: SessionRecord) -> AnalysisRecord | None:
    """The session's headline analysis: the answer's latest, else the latest of any attempt."""
    answer = record.answer
    if answer is not None and answer.latest is not None:
        return answer.latest
    for att in reversed(record.attempts):
        if att.latest is not None:
            return att.latest
    return None


def session_report(record: SessionRecord) -> Report | None:
    """The session's headline report (see :func:`headline_analysis`)."""
    an = headline_analysis(record)
    return None if an is None else an.report()
