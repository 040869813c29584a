"""The Store API as other modules use it (docs/CONTRACTS.md)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
import soundfile as sf

from mockloop.core.analyze import ANALYZER_VERSION, analyze
from mockloop.core.content import Bank
from mockloop.core.model import Level, Transcript
from mockloop.store import SCHEMA_VERSION, NotFoundError, SessionFilter, Store

from .helpers import ANSWER, timed_words, write_wav


def _record(store: Store, snapshot: dict[str, object] | None, bank: Bank, *, seconds: float = 1.0,
            keep_audio: bool = True) -> tuple[int, int]:  # fmt: skip
    sid = store.begin_session(question=snapshot, level="sde2", source="mock", keep_audio=keep_audio)
    att = store.begin_attempt(sid, kind="answer")
    write_wav(att.audio_path, seconds)
    words = timed_words()
    store.finish_attempt(
        att.id, duration_s=seconds, words=words, transcript=None,
        asr={"model": "tiny.en", "params": {"beam_size": 1}, "source": "refined"},
    )  # fmt: skip
    q = bank.question("own-beyond-scope") if snapshot else None
    report = analyze(Transcript.from_words(words, duration_s=seconds, source="refined"),
                     question=q, level=Level.SDE2, bank=bank)  # fmt: skip
    store.add_analysis(att.id, report)
    store.finish_session(sid, status="complete")
    return sid, att.id


def test_open_creates_private_home_wal_and_schema(mockloop_home: Path) -> None:
    store = Store.open()
    assert store.path == mockloop_home / "mockloop.db"
    assert store.schema_version == SCHEMA_VERSION
    assert next(iter(store.db.query("PRAGMA journal_mode")))["journal_mode"] == "wal"
    assert next(iter(store.db.query("PRAGMA foreign_keys")))["foreign_keys"] == 1
    if sys.platform != "win32":
        assert stat.S_IMODE(mockloop_home.stat().st_mode) == 0o700
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.close()
    # reopening is idempotent
    again = Store.open()
    assert again.schema_version == SCHEMA_VERSION
    again.close()


def test_recording_flow_round_trip(store: Store, snapshot: dict[str, object], bank: Bank) -> None:
    sid = store.begin_session(question=snapshot, level="sde2", source="mock")
    assert store.summary(sid).status == "recording"  # written before any audio
    att = store.begin_attempt(sid, kind="answer", probe_id=None)
    assert att.audio_path.parent.is_dir()
    assert att.audio_path.is_relative_to(store.home / "audio" / str(sid))
    assert store.get_session(sid).attempts[0].status == "recording"
    write_wav(att.audio_path, 2.0)
    words = timed_words()
    tid = store.finish_attempt(
        att.id, duration_s=2.0, words=words, transcript="custom text",
        asr={"model": "tiny.en", "params": {"beam_size": 1}, "source": "live"},
        pauses=[(0.5, 1.25)],
    )  # fmt: skip
    assert tid is not None
    report = analyze(
        Transcript.from_words(words, duration_s=2.0),
        question=bank.question("own-beyond-scope"),
        bank=bank,
    )
    store.add_analysis(att.id, report)
    store.finish_session(sid, status="complete")

    rec = store.get_session(sid)
    assert rec.status == "complete" and rec.ended_at is not None
    assert rec.question_snapshot == snapshot and rec.content_hash == snapshot["content_hash"]
    assert rec.question_id == "own-beyond-scope" and rec.principle == "ownership"
    a = rec.attempts[0]
    assert a.audio_path == f"audio/{sid}/01-answer.wav"  # relative to the data folder
    assert a.duration_ms == 2000
    assert a.transcription is not None
    assert a.transcription.asr_model == "tiny.en"
    assert a.transcription.asr_params == {"beam_size": 1}
    assert a.transcription.source == "live"
    assert a.transcription.text == "custom text"
    assert a.transcription.pauses == ((0.5, 1.25),)
    assert a.transcription.words == tuple(words)  # ms precision round-trips these exactly
    assert a.latest is not None and a.latest.analyzer_version == ANALYZER_VERSION
    assert a.latest.report().to_dict() == report.to_dict()
    summary = store.summary(sid)
    assert summary.verdict == report.verdict.value
    assert summary.analyzer_version == ANALYZER_VERSION
    assert summary.audio_s == 2.0
    assert store.audio_file(a) == store.home / a.audio_path


def test_words_stored_as_integer_ms(store: Store) -> None:
    sid = store.begin_session(None)
    att = store.begin_attempt(sid)
    store.finish_attempt(att.id, words=timed_words("one two three"))
    rows = list(
        store.db.query("SELECT start_ms, end_ms, typeof(start_ms) AS t FROM words ORDER BY idx")
    )
    assert [(r["start_ms"], r["end_ms"]) for r in rows] == [(0, 300), (400, 700), (800, 1100)]
    assert {r["t"] for r in rows} == {"integer"}


def test_retries_and_probes_are_new_attempts(store: Store) -> None:
    sid = store.begin_session(None)
    a1 = store.begin_attempt(sid, "answer")
    store.finish_attempt(a1.id, status="skipped")
    a2 = store.begin_attempt(sid, "answer")
    p1 = store.begin_attempt(sid, "probe", probe_id="own-beyond-scope-why")
    assert (a1.seq, a2.seq, p1.seq) == (1, 2, 3)
    assert a1.audio_path != a2.audio_path
    assert "probe-own-beyond-scope-why" in p1.audio_path.name
    store.finish_session(sid)
    rec = store.get_session(sid)
    assert rec.answer is not None and rec.answer.id == a2.id
    assert [p.id for p in rec.probes] == [p1.id]
    # attempts still 'recording' when the session ends are closed as interrupted
    assert rec.attempts[1].status == "interrupted"
    with pytest.raises(ValueError):
        store.begin_attempt(sid, "retry")


def test_analyses_are_added_never_replaced(
    store: Store, bank: Bank, snapshot: dict[str, object]
) -> None:
    sid, aid = _record(store, snapshot, bank)
    rec = store.get_session(sid)
    report = rec.attempts[0].analyses[0].report()
    from dataclasses import replace

    store.add_analysis(aid, replace(report, analyzer_version="9.new"))
    analyses = store.analyses(aid)
    assert [a.analyzer_version for a in analyses] == [ANALYZER_VERSION, "9.new"]
    assert store.summary(sid).analyzer_version == "9.new"
    assert store.words(analyses[0].transcription_id or 0) == tuple(timed_words())


def test_save_text_analysis(store: Store, bank: Bank, snapshot: dict[str, object]) -> None:
    report = analyze(Transcript(text=ANSWER), question=bank.question("own-beyond-scope"), bank=bank)
    sid = store.save_text_analysis(report, text=ANSWER, question=snapshot, level="sde2")
    rec = store.get_session(sid)
    assert rec.status == "complete" and rec.source == "analyze"
    (a,) = rec.attempts
    assert a.audio_path is None and a.transcription is not None
    assert a.transcription.text == ANSWER and a.transcription.source == "text"
    assert a.latest is not None and a.latest.report().to_dict() == report.to_dict()
    assert store.list_sessions()[0].verdict == report.verdict.value
    # a probe answer becomes a probe attempt
    probe = bank.probe("own-beyond-scope-metric")
    pr = analyze(
        Transcript(text="Latency fell from 900 ms to 200 ms."),
        question=bank.question("own-beyond-scope"),
        probe=probe,
        bank=bank,
    )
    sid2 = store.save_text_analysis(
        pr, text="Latency fell from 900 ms to 200 ms.", question=snapshot
    )
    (p,) = store.get_session(sid2).attempts
    assert p.kind == "probe" and p.probe_id == probe.id
    assert store.summary(sid2).verdict == pr.verdict.value


def test_list_filters_and_search(store: Store, bank: Bank, snapshot: dict[str, object]) -> None:
    s1, _ = _record(store, snapshot, bank)
    s2 = store.begin_session(None, source="mock", started_at_ms=1_000)
    att = store.begin_attempt(s2)
    store.finish_attempt(att.id, transcript="the kafka migration went sideways", status="complete")
    store.finish_session(s2, "abandoned")
    assert [s.id for s in store.list_sessions()] == [s1, s2]  # newest first
    assert [s.id for s in store.list_sessions(SessionFilter(principle="ownership"))] == [s1]
    assert [s.id for s in store.list_sessions(SessionFilter(since_ms=2_000))] == [s1]
    assert [s.id for s in store.list_sessions(SessionFilter(until_ms=2_000))] == [s2]
    assert [s.id for s in store.list_sessions(SessionFilter(status="abandoned"))] == [s2]
    assert [s.id for s in store.list_sessions(SessionFilter(search="kafka"))] == [s2]
    assert [s.id for s in store.list_sessions(SessionFilter(search="dashboards"))] == [s1]  # porter
    assert [s.id for s in store.list_sessions(SessionFilter(search='"quote" OR (bad'))] == []
    assert store.list_sessions(SessionFilter(ids=())) == []
    assert store.count_sessions() == 2
    assert [s.id for s in store.list_sessions(limit=1, offset=1)] == [s2]
    item = store.list_sessions(SessionFilter(ids=(s1,)))[0].to_json()
    assert set(item) == {"id", "started_at", "question_id", "principle", "status", "verdict",
                         "analyzer_version", "audio_s"}  # fmt: skip
    assert item["audio_s"] == 1.0 and item["started_at"].endswith("+00:00")


def test_delete_removes_rows_and_audio(
    store: Store, bank: Bank, snapshot: dict[str, object]
) -> None:
    sid, aid = _record(store, snapshot, bank)
    audio = store.audio_file(aid)
    assert audio is not None and audio.exists()
    removed = store.delete_session(sid)
    assert removed == [audio] and not audio.exists() and not audio.parent.exists()
    assert store.counts() == {
        "analyses": 0,
        "attempts": 0,
        "sessions": 0,
        "transcriptions": 0,
        "words": 0,
    }
    assert (
        list(
            store.db.query(
                "SELECT * FROM transcriptions_fts WHERE transcriptions_fts MATCH 'latency'"
            )
        )
        == []
    )
    with pytest.raises(NotFoundError):
        store.delete_session(sid)
    with pytest.raises(NotFoundError):
        store.get_session(sid)


def test_keep_audio_false_discards_after_transcription(
    store: Store, bank: Bank, snapshot: dict[str, object]
) -> None:
    sid, _aid = _record(store, snapshot, bank, keep_audio=False)
    rec = store.get_session(sid)
    assert rec.keep_audio is False
    assert rec.attempts[0].audio_path is None
    assert not (store.home / "audio" / str(sid)).exists()
    assert rec.attempts[0].duration_ms == 1000  # length and words kept
    assert rec.attempts[0].transcription is not None and rec.attempts[0].transcription.words


def test_keep_audio_default_comes_from_settings(store: Store) -> None:
    from mockloop import settings

    settings.save(settings.Settings(keep_audio=False))
    sid = store.begin_session(None)
    assert store.get_session(sid).keep_audio is False


def test_discard_audio_explicit(store: Store, bank: Bank, snapshot: dict[str, object]) -> None:
    _sid, aid = _record(store, snapshot, bank)
    assert store.discard_audio(aid) is True
    assert store.audio_file(aid) is None
    assert store.discard_audio(aid) is False


def test_finish_attempt_measures_wav_length(store: Store) -> None:
    sid = store.begin_session(None)
    att = store.begin_attempt(sid)
    write_wav(att.audio_path, 1.5)
    store.finish_attempt(att.id, status="no_speech")
    assert store.get_session(sid).attempts[0].duration_ms == 1500


def test_unknown_ids_raise_not_found(store: Store) -> None:
    for call in (
        lambda: store.get_session(99),
        lambda: store.begin_attempt(99),
        lambda: store.finish_attempt(99),
        lambda: store.finish_session(99),
        lambda: store.summary(99),
        lambda: store.discard_audio(99),
    ):
        with pytest.raises(NotFoundError, match="99"):
            call()


def test_store_in_explicit_home(tmp_path: Path) -> None:
    s = Store.open(home=tmp_path / "elsewhere")
    assert s.path == tmp_path / "elsewhere" / "mockloop.db"
    s.close()
    (tmp_path / "x").mkdir()
    s = Store.open(tmp_path / "x" / "my.db")
    assert s.home == tmp_path / "x"
    s.close()


def test_store_imports_no_qt_or_audio() -> None:
    import subprocess

    code = (
        "import sys, mockloop.store, mockloop.store.export, mockloop.store.seed, "
        "mockloop.services.history, mockloop.cli.sessions_cmd\n"
        "bad = [m for m in ('PySide6', 'sounddevice', 'faster_whisper', 'pyttsx3', 'ctranslate2')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ})  # fmt: skip
    assert out.stdout.strip() == ""


def test_audio_written_is_readable(store: Store) -> None:
    sid = store.begin_session(None)
    att = store.begin_attempt(sid)
    write_wav(att.audio_path, 0.5)
    data, rate = sf.read(att.audio_path)
    assert rate == 16000 and len(data) == 8000
