"""services.history: rescore, re-transcribe, snapshots, progress, export, save helpers."""

from __future__ import annotations

import html.parser
import json
import threading
from pathlib import Path

import pytest

from mockloop.core.analyze import ANALYZER_VERSION, analyze
from mockloop.core.content import Bank, question_snapshot
from mockloop.core.model import Level, Transcript
from mockloop.services import history
from mockloop.store import NotFoundError, SessionFilter, Store

from .helpers import ANSWER, FakeTranscriber, timed_words, versioned, write_wav

WEAK = (
    "We had a latency problem. My manager asked me to look at it. We worked on it together as "
    "a team and we fixed it. It went well. I learned that communication is important."
)


def _spoken(store: Store, bank: Bank, text: str = ANSWER, *, version: str | None = None,
            qid: str = "own-beyond-scope", probes: bool = False) -> int:  # fmt: skip
    q = bank.question(qid)
    sid = store.begin_session(question_snapshot(q), level="sde2", source="mock")
    att = store.begin_attempt(sid)
    write_wav(att.audio_path, 0.5)
    words = timed_words(text)
    store.finish_attempt(att.id, duration_s=words[-1].end_s, words=words, asr={"model": "tiny.en"})
    an = versioned(version) if version else history.current_analyzer()
    t = Transcript.from_words(words, duration_s=words[-1].end_s)
    store.add_analysis(att.id, an.fn(t, question=q, level=Level.SDE2, bank=bank))
    if probes:
        p = q.probes[1]
        pa = store.begin_attempt(sid, "probe", probe_id=p.id)
        pw = timed_words("Latency fell from 900 ms to 200 ms and I measured it myself.")
        store.finish_attempt(pa.id, words=pw)
        store.add_analysis(pa.id, an.fn(Transcript.from_words(pw), question=q, probe=p, bank=bank))
    store.finish_session(sid)
    return sid


def test_rescore_skips_current_and_reports_changes(store: Store, bank: Bank) -> None:
    old = _spoken(store, bank, version="0.old", probes=True)
    current = _spoken(store, bank)
    summary = history.rescore(store=store, bank=bank)
    assert summary.total == 2 and summary.analyzer_version == ANALYZER_VERSION
    by_id = {r.session_id: r for r in summary.results}
    assert by_id[current].rescored is False
    assert {c.skipped for c in by_id[current].changes} == {"up to date"}
    assert by_id[old].rescored is True
    assert [c.kind for c in by_id[old].changes] == ["answer", "probe"]
    ch = by_id[old].changes[0]
    assert (ch.version_before, ch.version_after) == ("0.old", ANALYZER_VERSION)
    assert ch.verdict_before == ch.verdict_after  # same logic, new version
    assert ch.flags_added == ch.flags_removed == ()
    new_report = by_id[old].report
    assert new_report is not None and new_report.analyzer_version == ANALYZER_VERSION
    rec = store.get_session(old)
    assert [a.analyzer_version for a in rec.attempts[0].analyses] == ["0.old", ANALYZER_VERSION]
    assert store.summary(old).analyzer_version == ANALYZER_VERSION
    # words are never rewritten: still one transcription
    assert len(store.transcriptions(rec.attempts[0].id)) == 1
    # a second run has nothing to do; --force adds another analysis
    assert history.rescore(store=store, bank=bank).rescored == 0
    assert history.rescore([current], force=True, store=store, bank=bank).rescored == 1
    assert len(store.analyses(store.get_session(current).attempts[0].id)) == 2


def test_rescore_reports_verdict_and_flag_changes(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank, WEAK)
    before = store.get_session(sid).attempts[0].latest
    assert before is not None

    def stricter(transcript, **kw):  # type: ignore[no-untyped-def]
        from dataclasses import replace

        from mockloop.core.model import Flag, Severity, Verdict

        r = analyze(transcript, **kw)
        flags = (
            *tuple(f for f in r.flags if f.code != before.flags[0]),
            Flag("brand_new_rule", Severity.WARNING, None, "", "Do better."),
        )
        return replace(r, analyzer_version="99.x", flags=flags, verdict=Verdict.STRONG)

    summary = history.rescore(
        [sid], analyzer=history.Analyzer(stricter, "99.x"), store=store, bank=bank
    )
    (ch,) = summary.changed
    assert (ch.verdict_before, ch.verdict_after) == (before.verdict, "strong")
    assert ch.flags_added == ("brand_new_rule",)
    assert ch.flags_removed == (before.flags[0],)
    assert store.summary(sid).verdict == "strong"
    assert [p.verdict for p in history.progress_series(store=store)] == ["strong"]


def test_rescore_uses_snapshot_when_question_left_the_bank(store: Store, bank: Bank) -> None:
    snap = {"id": "gone-question", "principle": "ownership", "pattern_id": None,
            "text": "Tell me about a time you fixed something nobody owned.",
            "probes": [{"id": "gone-probe", "text": "Why you?", "kind": "influence",
                        "intent": "self-initiated", "weak": "told to", "strong": "nobody else"}]}  # fmt: skip
    sid = store.begin_session(snap, level="senior")
    att = store.begin_attempt(sid)
    store.finish_attempt(att.id, words=timed_words())
    p = store.begin_attempt(sid, "probe", probe_id="gone-probe")
    store.finish_attempt(p.id, transcript="Nobody else was on call, so I took it.")
    store.finish_session(sid)
    summary = history.rescore([sid], store=store, bank=bank)
    assert [c.error for c in summary.results[0].changes] == [None, None]
    rec = store.get_session(sid)
    rep = rec.attempts[0].analyses[0].report()
    assert rep.question is not None and rep.question.id == "gone-question"
    assert rep.level is Level.SENIOR
    prep = rec.attempts[1].analyses[0].report()
    assert prep.probe is not None and prep.probe.id == "gone-probe"
    q = history.question_for(rec, bank)
    assert q is not None and q.text == snap["text"] and q.probes[0].intent == "self-initiated"


def test_rescore_keeps_manual_part_marks(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank, version="0.old")
    aid = store.get_session(sid).attempts[0].id
    store.set_part_starts(aid, {"task": 3.0, "action": 6.0, "result": 20.0, "reflection": 30.0})
    history.rescore([sid], store=store, bank=bank)
    rep = store.get_session(sid).attempts[0].latest
    assert rep is not None
    parts = {p.part.value: p for p in rep.report().parts}
    assert parts["task"].start_s == pytest.approx(3.0, abs=0.5)
    assert parts["action"].start_s == pytest.approx(6.0, abs=0.5)


def test_retranscribe_adds_a_transcription_then_rescores(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank, WEAK)
    aid = store.get_session(sid).attempts[0].id
    fake = FakeTranscriber(ANSWER, model="fake-large")
    summary = history.rescore([sid], retranscribe=True, transcriber=fake, store=store, bank=bank)
    assert len(fake.calls) == 1
    (ch,) = summary.results[0].changes
    assert ch.retranscribed and ch.skipped is None
    trs = store.transcriptions(aid)
    assert [t.asr_model for t in trs] == ["tiny.en", "fake-large"]
    assert trs[1].asr_params == {"beam_size": 5}
    assert store.words(trs[0].id) == tuple(timed_words(WEAK))  # the old words are kept
    rec = store.get_session(sid)
    assert (
        rec.attempts[0].transcription is not None and rec.attempts[0].transcription.id == trs[1].id
    )
    assert (
        rec.attempts[0].latest is not None and rec.attempts[0].latest.transcription_id == trs[1].id
    )
    assert summary.results[0].report is not None
    assert summary.results[0].report.transcript.startswith("In 2022")


def test_retranscribe_without_audio_falls_back_to_stored_words(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank, version="0.old")
    store.discard_audio(store.get_session(sid).attempts[0].id)
    fake = FakeTranscriber()
    summary = history.rescore([sid], retranscribe=True, transcriber=fake, store=store, bank=bank)
    assert fake.calls == [] and summary.rescored == 1


def test_transcriber_failure_is_reported_not_raised(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank)

    def broken(path: Path) -> Transcript:
        raise RuntimeError("model exploded")

    summary = history.rescore([sid], retranscribe=True, transcriber=broken, store=store, bank=bank)
    assert summary.failed and "model exploded" in (summary.failed[0].error or "")


def test_rescore_progress_and_cancel(store: Store, bank: Bank) -> None:
    ids = [_spoken(store, bank, version="0.old") for _ in range(5)]
    seen: list[tuple[int, int, int]] = []
    cancel = threading.Event()

    def progress(done: int, total: int, sid: int) -> None:
        seen.append((done, total, sid))
        if done == 2:
            cancel.set()

    summary = history.rescore(progress=progress, cancel=cancel, store=store, bank=bank)
    assert summary.cancelled and len(summary.results) == 2
    assert seen == [(1, 5, ids[0]), (2, 5, ids[1])]
    # a filter narrows "all"; a callable works as the cancel flag too
    summary = history.rescore(
        filter=SessionFilter(ids=(ids[4],)), cancel=lambda: False, store=store, bank=bank
    )
    assert [r.session_id for r in summary.results] == [ids[4]]


def test_rescore_unknown_id(store: Store, bank: Bank) -> None:
    with pytest.raises(NotFoundError):
        history.rescore([12345], store=store, bank=bank)


def test_recover_and_analyze_respects_keep_audio_false(store: Store, bank: Bank) -> None:
    sid = store.begin_session(None, keep_audio=False)
    att = store.begin_attempt(sid)
    write_wav(att.audio_path, 0.5)
    from mockloop.store import db as dbmod

    dbmod._LIVE.clear()  # as if the process had died
    store.db.execute("UPDATE sessions SET owner_pid = NULL WHERE id = ?", [sid])
    assert store.recover_stale() == [sid]
    result = history.recover_and_analyze(sid, transcriber=FakeTranscriber(), store=store, bank=bank)
    assert result.report is not None
    rec = store.get_session(sid)
    assert rec.attempts[0].audio_path is None and not att.audio_path.exists()


def test_progress_series(store: Store, bank: Bank) -> None:
    a = _spoken(store, bank, WEAK)
    b = _spoken(store, bank, ANSWER, qid="dive-root-cause")
    pts = history.progress_series(store=store)
    assert [p.session_id for p in pts] == [a, b]
    assert set(pts[0].scores) == {"ownership", "metrics", "reflection", "pacing"}
    assert pts[0].total == sum(pts[0].scores.values())
    only = history.progress_series(history.make_filter(principle="dive", bank=bank), store=store)
    assert [p.session_id for p in only] == [b]


def test_make_filter_validates(bank: Bank) -> None:
    assert history.make_filter(principle="own", bank=bank).principle == "ownership"
    assert history.make_filter(principle="7", bank=bank).principle == "dive-deep"
    with pytest.raises(history.HistoryError, match="unknown principle"):
        history.make_filter(principle="nope", bank=bank)
    with pytest.raises(history.HistoryError, match="bad date"):
        history.make_filter(since="last tuesday")
    f = history.make_filter(since="2025-03-01")
    assert f.since_ms is not None and f.since_ms > 1_740_000_000_000
    assert history.parse_since("7d") < history.parse_since("1d") < history.parse_since("1h")


class _Checker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_export_formats(store: Store, bank: Bank, tmp_path: Path) -> None:
    evil = ANSWER + " <script>alert('x')</script> | # not a heading"
    a = _spoken(store, bank, evil, probes=True)
    b = _spoken(store, bank, WEAK)

    one = json.loads(history.export([a], "json", store=store))
    assert one["id"] == a and one["question"]["id"] == "own-beyond-scope"
    assert [x["kind"] for x in one["attempts"]] == ["answer", "probe"]
    assert one["attempts"][0]["report"]["analyzer_version"] == ANALYZER_VERSION
    assert one["attempts"][0]["transcription"]["words"][0]["text"] == "In"
    assert one["attempts"][1]["probe_text"] == bank.question("own-beyond-scope").probes[1].text
    many = json.loads(history.export([a, b], "json", store=store))
    assert [s["id"] for s in many] == [a, b]

    md = history.export([a, b], "md", store=store)
    assert md.count("\n# Session") + md.startswith("# Session") == 2
    assert "### Flags" in md and "| Part |" in md and "<script>" not in md

    out = tmp_path / "x" / "report.html"
    page = history.export([a], "html", output=out, store=store)
    assert out.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert 'class="timeline"' in page and "background:#d79b00" in page  # action bar colour
    assert "http" not in page  # self-contained: no external assets
    checker = _Checker()
    checker.feed(page)
    assert "section" in checker.tags and "script" not in checker.tags
    with pytest.raises(history.HistoryError):
        history.export([a], "pdf", store=store)


def test_save_helpers_for_analyze_save(store: Store, bank: Bank, tmp_path: Path) -> None:
    q = bank.question("own-beyond-scope")
    report = analyze(Transcript(text=ANSWER), question=q, bank=bank)
    sid = history.save_text_analysis(
        report, text=ANSWER, bank=bank, question=q, level=Level.SDE2, store=store
    )
    assert store.get_session(sid).question_snapshot == question_snapshot(q)

    wav = write_wav(tmp_path / "mine.wav", 1.0)
    words = timed_words()
    t = Transcript.from_words(words, duration_s=1.0, source="refined")
    rep = analyze(t, question=q, bank=bank, input_path=str(wav))
    sid2 = history.save_audio_analysis(rep, audio_path=wav, bank=bank, question=q, level="sde2",
                                       transcript=t, asr={"model": "tiny.en", "params": {}}, store=store)  # fmt: skip
    rec = store.get_session(sid2)
    (att,) = rec.attempts
    stored = store.audio_file(att)
    assert stored is not None and stored != wav and stored.read_bytes() == wav.read_bytes()
    assert att.input_path == str(wav) and att.duration_ms == 1000
    assert att.transcription is not None and att.transcription.words == tuple(words)
    assert rec.source == "analyze" and store.summary(sid2).audio_s == 1.0
    # without the transcript the report's labelled words are used
    sid3 = history.save_audio_analysis(rep, audio_path=wav, bank=bank, question=q, store=store,
                                       keep_audio=False)  # fmt: skip
    att3 = store.get_session(sid3).attempts[0]
    assert att3.audio_path is None
    assert att3.transcription is not None and len(att3.transcription.words) == len(words)
