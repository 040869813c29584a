"""The session store: one SQLite database (WAL) plus audio files, in the per-user data folder.

Layout under the data folder (``MOCKLOOP_HOME`` or platformdirs, created 0700)::

    mockloop.db                     sessions, attempts, transcriptions, words, analyses
    audio/<session>/<seq>-<kind>.wav  one file per attempt, paths stored relative to the folder

A ``Store`` wraps one connection; open one per thread (opening is cheap and WAL lets readers
and a writer work side by side). Every write is its own transaction, so a crash never leaves
half a row set behind; audio is streamed by the recorder straight to the attempt's file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from mockloop import paths
from mockloop.core.model import Report, Transcript, Word
from mockloop.store import migrations as mig
from mockloop.store.errors import (
    CorruptStoreError,
    CorruptStoreWarning,
    NewerSchemaError,
    NotFoundError,
    StoreError,
)
from mockloop.store.prep import PrepStore
from mockloop.store.records import (
    ATTEMPT_KINDS,
    AnalysisRecord,
    AttemptHandle,
    AttemptRecord,
    SessionFilter,
    SessionRecord,
    SessionSummary,
    TranscriptionRecord,
    now_ms,
    s_to_ms,
)
from mockloop.store.recovery import WavRepairError, pid_alive, repair_wav, wav_info

DB_NAME = "mockloop.db"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_REQUIRED_TABLES = {"sessions", "attempts", "transcriptions", "words", "analyses"}

# Sessions being recorded by Store objects of this process: (db path, session id).
_LIVE: set[tuple[str, int]] = set()
_LIVE_LOCK = threading.Lock()

OnCorrupt = Literal["backup", "raise"]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class Store:
    """The session database. Create with :meth:`Store.open`."""

    def __init__(
        self,
        db: Database,
        path: Path,
        home: Path,
        *,
        corrupt_backup: Path | None = None,
    ) -> None:
        self.db = db
        self.path = path
        self.home = home
        #: Where a damaged/foreign database was moved on open (None if it was fine).
        self.corrupt_backup = corrupt_backup
        #: Sessions found still 'recording' from a dead process and marked 'interrupted' on open.
        self.recovered: list[int] = []
        self._key = str(path.resolve())

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        home: Path | None = None,
        on_corrupt: OnCorrupt = "backup",
        recover: bool = True,
    ) -> Store:
        """Open (creating and migrating as needed) the store.

        ``path`` defaults to ``<home>/mockloop.db``; ``home`` to :func:`mockloop.paths.home`
        (or the database's folder when only ``path`` is given). A damaged or foreign file is
        moved to ``mockloop.db.corrupt-<timestamp>`` (never deleted) with a
        :class:`CorruptStoreWarning`, or raises :class:`CorruptStoreError` with
        ``on_corrupt="raise"``. Then stale 'recording' sessions become 'interrupted'.
        """
        if home is None:
            home = Path(path).parent if path is not None else paths.home()
        else:
            home.mkdir(parents=True, exist_ok=True, mode=0o700)
        db_path = Path(path) if path is not None else home / DB_NAME
        backup: Path | None = None
        try:
            db = _connect(db_path)
        except CorruptStoreError as e:
            if on_corrupt == "raise":
                raise
            backup = _move_aside(db_path)
            warnings.warn(CorruptStoreWarning(db_path, backup, e.reason), stacklevel=2)
            db = _connect(db_path)
        store = cls(db, db_path, home, corrupt_backup=backup)
        if recover:
            store.recovered = store.recover_stale()
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def prep(self) -> PrepStore:
        """Stories, self-check answers and quiz attempts (see :mod:`mockloop.store.prep`)."""
        return PrepStore(self)

    @property
    def schema_version(self) -> int:
        return mig.schema_version(self.db)

    # ------------------------------------------------------------------ helpers

    def _query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Rows as dicts, straight from the connection (no per-query savepoint)."""
        cur = self.db.conn.execute(sql, params)
        keys = [d[0] for d in cur.description or ()]
        for row in cur:
            yield dict(zip(keys, row, strict=True))

    def _one(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> dict[str, Any] | None:
        for row in self._query(sql, params):
            return row
        return None

    def _rows(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[dict[str, Any]]:
        return list(self._query(sql, params))

    def _insert(self, table: str, row: Mapping[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
        rowid = cur.lastrowid
        assert rowid is not None
        return rowid

    def _session_row(self, session_id: int) -> dict[str, Any]:
        row = self._one("SELECT * FROM sessions WHERE id = ?", [session_id])
        if row is None:
            raise NotFoundError("session", session_id)
        return row

    def _attempt_row(self, attempt_id: int) -> dict[str, Any]:
        row = self._one("SELECT * FROM attempts WHERE id = ?", [attempt_id])
        if row is None:
            raise NotFoundError("attempt", attempt_id)
        return row

    def abspath(self, rel: str | None) -> Path | None:
        """The absolute path of a stored (relative) audio path."""
        if rel is None:
            return None
        p = Path(rel)
        return p if p.is_absolute() else self.home / p

    def audio_file(self, attempt: AttemptRecord | int) -> Path | None:
        """The attempt's audio file if it still exists on disk."""
        if isinstance(attempt, int):
            rel = self._attempt_row(attempt)["audio_path"]
        else:
            rel = attempt.audio_path
        p = self.abspath(rel)
        return p if p is not None and p.is_file() else None

    # ------------------------------------------------------------------ writing: recording flow

    def begin_session(
        self,
        question: Mapping[str, Any] | None = None,
        level: str = "sde2",
        source: str = "mock",
        *,
        keep_audio: bool | None = None,
        started_at_ms: int | None = None,
    ) -> int:
        """Write a session with status 'recording' (before any audio) and return its id.

        ``question`` is :func:`mockloop.core.content.question_snapshot` output (or None).
        ``keep_audio`` defaults to the user's setting.
        """
        if keep_audio is None:
            keep_audio = _settings_keep_audio()
        snap = dict(question) if question is not None else None
        content_hash = None
        if snap is not None:
            content_hash = str(snap.get("content_hash") or _hash_snapshot(snap))
        with self.db.atomic():
            sid = self._insert(
                "sessions",
                {
                    "started_at": started_at_ms if started_at_ms is not None else now_ms(),
                    "status": "recording",
                    "question_id": None if snap is None else snap.get("id"),
                    "principle": None if snap is None else snap.get("principle"),
                    "level": str(level),
                    "source": source,
                    "question_snapshot": None if snap is None else _dumps(snap),
                    "content_hash": content_hash,
                    "keep_audio": int(keep_audio),
                    "owner_pid": os.getpid(),
                },
            )
        with _LIVE_LOCK:
            _LIVE.add((self._key, sid))
        return sid

    def begin_attempt(
        self,
        session_id: int,
        kind: str = "answer",
        probe_id: str | None = None,
        *,
        audio_ext: str = "wav",
    ) -> AttemptHandle:
        """Write an attempt row ('recording') and create its audio folder; stream audio into
        ``handle.audio_path``. Retries are new attempts (the next ``seq``)."""
        if kind not in ATTEMPT_KINDS:
            raise ValueError(f"kind must be one of {ATTEMPT_KINDS}, not {kind!r}")
        self._session_row(session_id)
        with self.db.atomic():
            row = self._one(
                "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM attempts WHERE session_id = ?",
                [session_id],
            )
            seq = int(row["seq"]) if row else 1
            suffix = kind if probe_id is None else f"{kind}-{_safe_name(probe_id)}"
            rel = f"audio/{session_id}/{seq:02d}-{suffix}.{audio_ext}"
            aid = self._insert(
                "attempts",
                {
                    "session_id": session_id,
                    "kind": kind,
                    "probe_id": probe_id,
                    "seq": seq,
                    "status": "recording",
                    "audio_path": rel,
                    "started_at": now_ms(),
                },
            )
        audio = self.home / rel
        paths.ensure_private_dir(audio.parent.parent)
        paths.ensure_private_dir(audio.parent)
        return AttemptHandle(aid, session_id, kind, probe_id, seq, audio)

    def finish_attempt(
        self,
        attempt_id: int,
        *,
        duration_s: float | None = None,
        words: Sequence[Word] = (),
        transcript: str | None = None,
        asr: Mapping[str, Any] | None = None,
        status: str = "complete",
        pauses: Sequence[tuple[float, float]] | None = None,
        discard_audio: bool | None = None,
    ) -> int | None:
        """Close an attempt: its length, status and (if given) its transcription.

        Returns the new transcription id (None if neither words nor text were given). With
        ``discard_audio=None`` the audio file is deleted when the session was started with
        ``keep_audio=False`` and the attempt has been transcribed (or had no speech).
        """
        att = self._attempt_row(attempt_id)
        if duration_s is None:
            audio = self.abspath(att["audio_path"])
            info = wav_info(audio) if audio is not None and audio.is_file() else None
            duration_s = None if info is None else info.duration_s
        tid: int | None = None
        with self.db.atomic():
            if words or transcript is not None:
                tid = self.add_transcription(
                    attempt_id, words=words, text=transcript, asr=asr,
                    duration_s=duration_s, pauses=pauses,
                )  # fmt: skip
            self.db.execute(
                "UPDATE attempts SET status = ?, duration_ms = ?, ended_at = ? WHERE id = ?",
                [status, s_to_ms(duration_s), now_ms(), attempt_id],
            )
            self._refresh_summary(int(att["session_id"]))
        if discard_audio is None:
            keep = self._one("SELECT keep_audio FROM sessions WHERE id = ?", [att["session_id"]])
            discard_audio = bool(keep is not None and not keep["keep_audio"]) and (
                tid is not None or status in ("no_speech", "skipped")
            )
        if discard_audio:
            self.discard_audio(attempt_id)
        return tid

    def add_transcription(
        self,
        attempt_id: int,
        *,
        words: Sequence[Word] = (),
        text: str | None = None,
        asr: Mapping[str, Any] | None = None,
        duration_s: float | None = None,
        pauses: Sequence[tuple[float, float]] | None = None,
        source: str | None = None,
        make_current: bool = True,
    ) -> int:
        """Add a transcription (words kept forever) and make it the attempt's current one."""
        self._attempt_row(attempt_id)
        asr = dict(asr or {})
        if text is None:
            text = " ".join(w.text.strip() for w in words if w.text.strip())
        src = source or str(asr.get("source") or ("live" if words else "text"))
        with self.db.atomic():
            tid = self._insert(
                "transcriptions",
                {
                    "attempt_id": attempt_id,
                    "created_at": now_ms(),
                    "source": src,
                    "asr_model": asr.get("model"),
                    "asr_params": _dumps(asr.get("params") or {}),
                    "text": text,
                    "duration_ms": s_to_ms(duration_s),
                    "pauses": None if pauses is None else _dumps([list(p) for p in pauses]),
                },
            )
            if words:
                self.db.conn.executemany(
                    "INSERT INTO words (transcription_id, idx, text, start_ms, end_ms, probability)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (tid, i, w.text, round(w.start_s * 1000), round(w.end_s * 1000),
                         float(w.probability))
                        for i, w in enumerate(words)
                    ),
                )  # fmt: skip
            if make_current:
                self.db.execute(
                    "UPDATE attempts SET transcription_id = ? WHERE id = ?", [tid, attempt_id]
                )
        return tid

    def add_analysis(
        self, attempt_id: int, report: Report, *, transcription_id: int | None = None
    ) -> int:
        """Store a report for an attempt (tagged with its ``analyzer_version``); never replaces
        an earlier one. Updates the session's verdict/score summary for the answer."""
        att = self._attempt_row(attempt_id)
        if transcription_id is None:
            transcription_id = att["transcription_id"]
        s = report.scores
        with self.db.atomic():
            aid = self._insert(
                "analyses",
                {
                    "attempt_id": attempt_id,
                    "transcription_id": transcription_id,
                    "analyzer_version": report.analyzer_version,
                    "created_at": now_ms(),
                    "verdict": report.verdict.value,
                    "score_ownership": s.ownership,
                    "score_metrics": s.metrics,
                    "score_reflection": s.reflection,
                    "score_pacing": s.pacing,
                    "score_intent": s.intent,
                    "score_total": s.total(),
                    "flags": _dumps(report.flag_codes()),
                    "transcript_source": report.transcript_source,
                    "report": _dumps(report.to_dict()),
                },
            )
            self._refresh_summary(int(att["session_id"]))
        return aid

    def set_part_starts(self, attempt_id: int, part_starts: Mapping[str, float] | None) -> None:
        """Keep manual part marks (seconds) so a rescore uses them again."""
        self._attempt_row(attempt_id)
        value = (
            None
            if part_starts is None
            else _dumps({str(k): float(v) for k, v in part_starts.items()})
        )
        with self.db.atomic():
            self.db.execute("UPDATE attempts SET part_starts = ? WHERE id = ?", [value, attempt_id])

    def set_attempt_status(self, attempt_id: int, status: str) -> None:
        self._attempt_row(attempt_id)
        with self.db.atomic():
            self.db.execute("UPDATE attempts SET status = ? WHERE id = ?", [status, attempt_id])

    def finish_session(self, session_id: int, status: str = "complete") -> None:
        """Close a session; attempts still 'recording' become 'interrupted'."""
        self._session_row(session_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE attempts SET status = 'interrupted', ended_at = COALESCE(ended_at, ?)"
                " WHERE session_id = ? AND status = 'recording'",
                [now_ms(), session_id],
            )
            self.db.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, owner_pid = NULL WHERE id = ?",
                [status, now_ms(), session_id],
            )
            self._refresh_summary(session_id)
        with _LIVE_LOCK:
            _LIVE.discard((self._key, session_id))

    def save_text_analysis(
        self,
        report: Report,
        *,
        text: str,
        question: Mapping[str, Any] | None = None,
        level: str = "sde2",
        source: str = "analyze",
        input_path: str | None = None,
    ) -> int:
        """Store an analysis of typed/pasted text as a complete one-attempt session."""
        return self.save_analysis(
            report, Transcript(text=text), question=question, level=level, source=source,
            input_path=input_path,
        )  # fmt: skip

    def save_analysis(
        self,
        report: Report,
        transcript: Transcript,
        *,
        question: Mapping[str, Any] | None = None,
        level: str | None = None,
        source: str = "analyze",
        audio: Path | None = None,
        asr: Mapping[str, Any] | None = None,
        input_path: str | None = None,
        part_starts: Mapping[str, float] | None = None,
        keep_audio: bool | None = None,
        started_at_ms: int | None = None,
    ) -> int:
        """Store an already-analysed answer (``analyze --save``, ``record --save``) as a complete
        session: question, one attempt, its transcription (timed words if any), the report.

        ``audio`` is copied into the store (unless ``keep_audio`` is False) so replay works even
        if the user's file moves.
        """
        if keep_audio is None:
            keep_audio = _settings_keep_audio()
        if question is None and report.question is not None:
            question = {"id": report.question.id, "principle": report.question.principle}
        kind = "probe" if report.probe is not None else "answer"
        probe_id = None if report.probe is None else report.probe.id
        duration_s = transcript.duration_s
        if duration_s is None and report.input.duration_s is not None:
            duration_s = report.input.duration_s
        sid = self.begin_session(
            question, level=str(level or report.level.value), source=source,
            keep_audio=keep_audio, started_at_ms=started_at_ms,
        )  # fmt: skip
        with _LIVE_LOCK:
            _LIVE.discard((self._key, sid))  # not a live recording: nothing to recover
        try:
            handle = self.begin_attempt(
                sid,
                kind,
                probe_id,
                audio_ext=(audio.suffix.lstrip(".") or "wav") if audio else "wav",
            )
            stored_audio = False
            if audio is not None and keep_audio:
                _copy_file(audio, handle.audio_path)
                stored_audio = True
            with self.db.atomic():
                if not stored_audio:
                    self.db.execute(
                        "UPDATE attempts SET audio_path = NULL WHERE id = ?", [handle.id]
                    )
                self.db.execute(
                    "UPDATE attempts SET input_path = ? WHERE id = ?",
                    [input_path if input_path is not None else report.input.path, handle.id],
                )
                if part_starts:
                    self.set_part_starts(handle.id, part_starts)
                asr_meta = dict(asr or {})
                asr_meta.setdefault("source", transcript.source)
                tid = self.finish_attempt(
                    handle.id, duration_s=duration_s, words=transcript.words,
                    transcript=transcript.text, asr=asr_meta,
                    pauses=transcript.pauses, discard_audio=False,
                )  # fmt: skip
                self.add_analysis(handle.id, report, transcription_id=tid)
                self.finish_session(sid, "complete")
        except BaseException:
            self.delete_session(sid)
            raise
        return sid

    def discard_audio(self, attempt_id: int) -> bool:
        """Delete an attempt's audio file (privacy); the row keeps its words and length."""
        att = self._attempt_row(attempt_id)
        path = self.abspath(att["audio_path"])
        with self.db.atomic():
            self.db.execute("UPDATE attempts SET audio_path = NULL WHERE id = ?", [attempt_id])
        if path is None:
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _rmdir_if_empty(path.parent)
        return True

    def delete_session(self, session_id: int) -> list[Path]:
        """Delete a session, its rows (cascade) and its audio. Returns the files removed."""
        self._session_row(session_id)
        files = [
            p
            for r in self._rows(
                "SELECT audio_path FROM attempts WHERE session_id = ?", [session_id]
            )
            if (p := self.abspath(r["audio_path"])) is not None
        ]
        with self.db.atomic():
            self.db.execute("DELETE FROM sessions WHERE id = ?", [session_id])
        removed = []
        for p in files:
            try:
                p.unlink()
                removed.append(p)
            except FileNotFoundError:
                pass
        folder = self.home / "audio" / str(session_id)
        if folder.is_dir():
            for p in folder.iterdir():  # leftovers such as a partial recording never registered
                if p.is_file():
                    p.unlink()
                    removed.append(p)
            _rmdir_if_empty(folder)
        with _LIVE_LOCK:
            _LIVE.discard((self._key, session_id))
        return removed

    def _refresh_summary(self, session_id: int) -> None:
        """Recompute the session's denormalised answer verdict/score/version and audio length."""
        self.db.execute(
            """
            UPDATE sessions SET
                audio_ms = (SELECT SUM(duration_ms) FROM attempts WHERE session_id = sessions.id),
                answer_analysis_id = (
                    SELECT an.id FROM analyses an JOIN attempts a ON a.id = an.attempt_id
                    WHERE a.session_id = sessions.id
                    ORDER BY a.kind = 'answer' DESC, a.status != 'skipped' DESC,
                        a.seq DESC, an.id DESC LIMIT 1)
            WHERE id = ?
            """,
            [session_id],
        )
        self.db.execute(
            """
            UPDATE sessions SET
                verdict = (SELECT verdict FROM analyses WHERE id = sessions.answer_analysis_id),
                analyzer_version =
                    (SELECT analyzer_version FROM analyses WHERE id = sessions.answer_analysis_id),
                score_total =
                    (SELECT score_total FROM analyses WHERE id = sessions.answer_analysis_id)
            WHERE id = ?
            """,
            [session_id],
        )

    # ------------------------------------------------------------------ crash recovery

    def is_live(self, session_id: int, owner_pid: int | None) -> bool:
        """Is this 'recording' session still being written (here or by another process)?"""
        if owner_pid == os.getpid():
            with _LIVE_LOCK:
                return (self._key, session_id) in _LIVE
        return pid_alive(owner_pid)

    def recover_stale(self) -> list[int]:
        """Mark 'recording' sessions whose writer is gone as 'interrupted', keeping their audio
        up to the crash (WAV headers repaired, lengths measured). Returns their ids."""
        recovered: list[int] = []
        for row in self._rows("SELECT id, owner_pid FROM sessions WHERE status = 'recording'"):
            sid = int(row["id"])
            if self.is_live(sid, row["owner_pid"]):
                continue
            last = int(self._session_row(sid)["started_at"])
            updates: list[tuple[str, int | None, int, int]] = []
            for att in self._rows(
                "SELECT id, status, audio_path, duration_ms, ended_at FROM attempts"
                " WHERE session_id = ?",
                [sid],
            ):
                if att["ended_at"] is not None:
                    last = max(last, int(att["ended_at"]))
                if att["status"] != "recording":
                    continue
                audio = self.abspath(att["audio_path"])
                duration_ms: int | None = att["duration_ms"]
                ended = last
                if audio is not None and audio.is_file():
                    ended = max(ended, int(audio.stat().st_mtime * 1000))
                    try:
                        duration_ms = s_to_ms(repair_wav(audio).duration_s)
                    except (WavRepairError, OSError):
                        pass  # unreadable audio: keep the file, no length
                last = max(last, ended)
                updates.append(("interrupted", duration_ms, ended, int(att["id"])))
            with self.db.atomic():
                for status, duration_ms, ended, aid in updates:
                    self.db.execute(
                        "UPDATE attempts SET status = ?, duration_ms = ?, ended_at = ? WHERE id = ?",
                        [status, duration_ms, ended, aid],
                    )
                self.db.execute(
                    "UPDATE sessions SET status = 'interrupted', ended_at = ?, owner_pid = NULL"
                    " WHERE id = ? AND status = 'recording'",
                    [last, sid],
                )
                self._refresh_summary(sid)
            recovered.append(sid)
        return recovered

    # ------------------------------------------------------------------ reading

    def _where(self, f: SessionFilter | None) -> tuple[str, list[Any]]:
        if f is None:
            return "", []
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("principle", f.principle),
            ("question_id", f.question_id),
            ("status", f.status),
            ("verdict", f.verdict),
            ("source", f.source),
        ):
            if value is not None:
                clauses.append(f"s.{column} = ?")
                params.append(value)
        if f.since_ms is not None:
            clauses.append("s.started_at >= ?")
            params.append(f.since_ms)
        if f.until_ms is not None:
            clauses.append("s.started_at < ?")
            params.append(f.until_ms)
        if f.ids is not None:
            clauses.append(f"s.id IN ({', '.join('?' for _ in f.ids) or 'NULL'})")
            params.extend(f.ids)
        if f.search:
            clauses.append(
                "s.id IN (SELECT a.session_id FROM attempts a JOIN transcriptions t"
                " ON t.attempt_id = a.id WHERE t.id IN (SELECT rowid FROM transcriptions_fts"
                " WHERE transcriptions_fts MATCH ?))"
            )
            params.append(self.db.quote_fts(f.search))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    _SUMMARY_COLS = (
        "s.id, s.started_at, s.ended_at, s.status, s.question_id, s.principle, s.level,"
        " s.source, s.verdict, s.analyzer_version, s.audio_ms, s.score_total"
    )

    def list_sessions(
        self,
        filter: SessionFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[SessionSummary]:
        """Sessions matching the filter, newest first; reads indexed session columns only."""
        return list(
            self.iter_sessions(filter, limit=limit, offset=offset, newest_first=newest_first)
        )

    def list_sql(
        self, filter: SessionFilter | None = None, *, limit: int | None = None, offset: int = 0,
        newest_first: bool = True,
    ) -> tuple[str, list[Any]]:  # fmt: skip
        """The SQL behind :meth:`list_sessions` (tests check its query plan)."""
        where, params = self._where(filter)
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT {self._SUMMARY_COLS} FROM sessions s{where}"
            f" ORDER BY s.started_at {order}, s.id {order}"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return sql, params

    def iter_sessions(
        self, filter: SessionFilter | None = None, *, limit: int | None = None, offset: int = 0,
        newest_first: bool = True,
    ) -> Iterator[SessionSummary]:  # fmt: skip
        sql, params = self.list_sql(filter, limit=limit, offset=offset, newest_first=newest_first)
        for r in self._query(sql, params):
            yield SessionSummary(**r)

    def count_sessions(self, filter: SessionFilter | None = None) -> int:
        where, params = self._where(filter)
        row = self._one(f"SELECT COUNT(*) AS n FROM sessions s{where}", params)
        return int(row["n"]) if row else 0

    def session_ids(self, filter: SessionFilter | None = None) -> list[int]:
        """Ids matching a filter, oldest first (the order rescore walks them)."""
        where, params = self._where(filter)
        return [
            int(r["id"])
            for r in self._query(f"SELECT s.id FROM sessions s{where} ORDER BY s.id", params)
        ]

    def summary(self, session_id: int) -> SessionSummary:
        row = self._one(f"SELECT {self._SUMMARY_COLS} FROM sessions s WHERE s.id = ?", [session_id])
        if row is None:
            raise NotFoundError("session", session_id)
        return SessionSummary(**row)

    def exists(self, session_id: int) -> bool:
        return self._one("SELECT 1 AS x FROM sessions WHERE id = ?", [session_id]) is not None

    def words(self, transcription_id: int) -> tuple[Word, ...]:
        return tuple(
            Word(text, start / 1000, end / 1000, prob)
            for text, start, end, prob in self.db.conn.execute(
                "SELECT text, start_ms, end_ms, probability FROM words"
                " WHERE transcription_id = ? ORDER BY idx",
                [transcription_id],
            )
        )

    def transcription(self, transcription_id: int, *, words: bool = True) -> TranscriptionRecord:
        r = self._one("SELECT * FROM transcriptions WHERE id = ?", [transcription_id])
        if r is None:
            raise NotFoundError("transcription", transcription_id)
        return self._transcription_record(r, words=words)

    def transcriptions(self, attempt_id: int) -> list[TranscriptionRecord]:
        """Every transcription of an attempt, oldest first (re-transcriptions add rows)."""
        return [
            self._transcription_record(r, words=False)
            for r in self._rows(
                "SELECT * FROM transcriptions WHERE attempt_id = ? ORDER BY id", [attempt_id]
            )
        ]

    def _transcription_record(self, r: Mapping[str, Any], *, words: bool) -> TranscriptionRecord:
        pauses = _loads(r["pauses"])
        return TranscriptionRecord(
            id=int(r["id"]),
            attempt_id=int(r["attempt_id"]),
            created_at=int(r["created_at"]),
            source=str(r["source"]),
            asr_model=r["asr_model"],
            asr_params=_loads(r["asr_params"]) or {},
            text=str(r["text"]),
            duration_ms=r["duration_ms"],
            pauses=None if pauses is None else tuple((float(a), float(b)) for a, b in pauses),
            words=self.words(int(r["id"])) if words else (),
        )

    def analyses(self, attempt_id: int) -> list[AnalysisRecord]:
        return [
            _analysis_record(r)
            for r in self._rows(
                "SELECT * FROM analyses WHERE attempt_id = ? ORDER BY id", [attempt_id]
            )
        ]

    def get_session(self, session_id: int, *, words: bool = True) -> SessionRecord:
        """The whole session: question snapshot, attempts with current transcription (and its
        words unless ``words=False``) and every analysis."""
        s = self._session_row(session_id)
        attempts = []
        for a in self._rows(
            "SELECT * FROM attempts WHERE session_id = ? ORDER BY seq", [session_id]
        ):
            tr = None
            if a["transcription_id"] is not None:
                row = self._one(
                    "SELECT * FROM transcriptions WHERE id = ?", [a["transcription_id"]]
                )
                if row is not None:
                    tr = self._transcription_record(row, words=words)
            attempts.append(
                AttemptRecord(
                    id=int(a["id"]),
                    session_id=session_id,
                    kind=str(a["kind"]),
                    probe_id=a["probe_id"],
                    seq=int(a["seq"]),
                    status=str(a["status"]),
                    audio_path=a["audio_path"],
                    duration_ms=a["duration_ms"],
                    started_at=int(a["started_at"]),
                    ended_at=a["ended_at"],
                    input_path=a["input_path"],
                    part_starts=_loads(a["part_starts"]),
                    transcription=tr,
                    analyses=tuple(self.analyses(int(a["id"]))),
                )
            )
        return SessionRecord(
            id=session_id,
            started_at=int(s["started_at"]),
            ended_at=s["ended_at"],
            status=str(s["status"]),
            question_id=s["question_id"],
            principle=s["principle"],
            level=str(s["level"]),
            source=str(s["source"]),
            question_snapshot=_loads(s["question_snapshot"]),
            content_hash=s["content_hash"],
            keep_audio=bool(s["keep_audio"]),
            verdict=s["verdict"],
            analyzer_version=s["analyzer_version"],
            audio_ms=s["audio_ms"],
            attempts=tuple(attempts),
        )

    def progress_rows(self, filter: SessionFilter | None = None) -> list[dict[str, Any]]:
        """Per session (oldest first) the answer's current scores, for progress charts."""
        where, params = self._where(filter)
        return self._rows(
            "SELECT s.id AS session_id, s.started_at, s.principle, s.question_id, s.level,"
            " s.status, an.verdict, an.analyzer_version, an.score_ownership AS ownership,"
            " an.score_metrics AS metrics, an.score_reflection AS reflection,"
            " an.score_pacing AS pacing, an.score_total AS total, s.audio_ms"
            f" FROM sessions s JOIN analyses an ON an.id = s.answer_analysis_id{where}"
            " ORDER BY s.started_at, s.id",
            params,
        )

    def counts(self) -> dict[str, int]:
        out = {}
        for table in sorted(_REQUIRED_TABLES):
            row = self._one(f"SELECT COUNT(*) AS n FROM {table}")
            out[table] = int(row["n"]) if row else 0
        return out


# ---------------------------------------------------------------------- module helpers


def _analysis_record(r: Mapping[str, Any]) -> AnalysisRecord:
    return AnalysisRecord(
        id=int(r["id"]),
        attempt_id=int(r["attempt_id"]),
        transcription_id=r["transcription_id"],
        analyzer_version=str(r["analyzer_version"]),
        created_at=int(r["created_at"]),
        verdict=str(r["verdict"]),
        scores={
            "ownership": r["score_ownership"],
            "metrics": r["score_metrics"],
            "reflection": r["score_reflection"],
            "pacing": r["score_pacing"],
            "intent": r["score_intent"],
        },
        score_total=int(r["score_total"] or 0),
        flags=tuple(_loads(r["flags"]) or ()),
        transcript_source=str(r["transcript_source"] or ""),
        report_text=str(r["report"]),
    )


def _hash_snapshot(snap: Mapping[str, Any]) -> str:
    blob = json.dumps({k: v for k, v in snap.items() if k != "content_hash"}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]


def _settings_keep_audio() -> bool:
    try:
        from mockloop import settings

        return bool(settings.load().keep_audio)
    except Exception:  # settings must never stop a recording
        return True


def _copy_file(src: Path, dst: Path) -> None:
    import shutil

    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, dst)


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


_OPEN_LOCK = threading.Lock()


@contextlib.contextmanager
def _open_lock(path: Path) -> Iterator[None]:
    """Serialise validate-and-migrate: two connections opening a fresh database at once (the
    app's history and progress views do on first run) must not both create the schema, and a
    half-migrated file must never be mistaken for a corrupt one."""
    with _OPEN_LOCK:
        try:
            import fcntl
        except ImportError:  # not POSIX: the in-process lock is what we have
            yield
            return
        lock_path = path.with_name(path.name + ".lock")
        with open(lock_path, "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _connect(path: Path) -> Database:
    """Open, validate and migrate under the open lock (see :func:`_open_lock`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open_lock(path):
        return _connect_unlocked(path)


def _connect_unlocked(path: Path) -> Database:
    """Open, validate and migrate; raises CorruptStoreError for a damaged/foreign file."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database: move it away or choose another data folder")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            magic = f.read(len(_SQLITE_MAGIC))
        if magic != _SQLITE_MAGIC:
            raise CorruptStoreError(path, "not an SQLite database")
    try:
        conn = sqlite3.connect(
            str(path), timeout=10.0, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as e:
        raise StoreError(f"cannot open {path}: {e}") from e
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    db = Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 10000")
        tables = {
            r["name"]
            for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not str(r["name"]).startswith("sqlite_")
        }
        applied = mig.applied_names(db) if mig.migrations.migrations_table in tables else []
        ours = tables - {mig.migrations.migrations_table}
        if ours and not applied:
            raise CorruptStoreError(
                path, f"not a mockloop database (has tables: {', '.join(sorted(ours)[:5])})"
            )
        unknown = [n for n in applied if n not in mig.MIGRATION_NAMES]
        if unknown:
            raise NewerSchemaError(
                f"{path} was written by a newer mockloop (schema {', '.join(unknown)});"
                " please update mockloop"
            )
        # Only now that the file is known to be ours: WAL rewrites the header of a foreign one.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        mig.migrate(db)
        have = {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = _REQUIRED_TABLES - have
        if missing:
            raise CorruptStoreError(path, f"tables missing: {', '.join(sorted(missing))}")
        for table in ("sessions", "attempts"):  # what every listing reads; O(those tables)
            row = db.conn.execute(f"PRAGMA quick_check({table})").fetchone()
            if row is not None and row[0] != "ok":
                raise CorruptStoreError(path, f"integrity check failed: {row[0]}")
    except CorruptStoreError:
        db.close()
        raise
    except NewerSchemaError:
        db.close()
        raise
    except sqlite3.DatabaseError as e:
        db.close()
        if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
            raise StoreError(f"{path} is locked by another program: {e}") from e
        if type(e) is sqlite3.DatabaseError or "malformed" in str(e) or "not a database" in str(e):
            raise CorruptStoreError(path, str(e)) from e
        raise
    return db


def _move_aside(path: Path) -> Path:
    """Rename a bad database (and its -wal/-shm) to ``<name>.corrupt-<timestamp>``."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, backup.with_name(backup.name + suffix))
    return backup


def iter_chunks(items: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
