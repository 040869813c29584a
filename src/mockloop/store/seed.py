"""Bulk-seed a store with synthetic sessions (benchmarks, scale tests, GUI demos).

Uses plain ``executemany`` in one transaction with explicit ids: 10,000 sessions with a few
hundred timed words each take seconds, not minutes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from mockloop.core.model import (
    Delivery,
    Flag,
    InputInfo,
    Level,
    QuestionRef,
    Report,
    Scores,
    Severity,
    Signals,
    Verdict,
)
from mockloop.store.db import Store, _dumps
from mockloop.store.records import now_ms

_VOCAB = [
    "i",
    "we",
    "the",
    "team",
    "latency",
    "customers",
    "dashboard",
    "cache",
    "owned",
    "decided",
    "measured",
    "dropped",
    "percent",
    "because",
    "so",
    "then",
    "result",
    "learned",
    "next",
    "time",
    "would",
    "scope",
    "outside",
    "service",
    "queries",
    "migrated",
    "launched",
    "reduced",
    "increased",
    "stakeholders",
    "convinced",
    "plan",
    "tradeoff",
    "deadline",
    "metric",
]

_FLAGS = ("we_language", "no_metric", "generic_reflection", "part_short", "manager_assigned")


@dataclass(frozen=True)
class SeedQuestion:
    id: str
    principle: str
    text: str


DEFAULT_QUESTIONS: tuple[SeedQuestion, ...] = (
    SeedQuestion(
        "own-beyond-scope", "ownership", "Tell me about a time you went beyond your scope."
    ),
    SeedQuestion("dive-root-cause", "dive-deep", "Tell me about a time you found a root cause."),
    SeedQuestion(
        "customer-obsession-1", "customer-obsession", "Tell me about a customer you helped."
    ),
    SeedQuestion("bias-for-action-1", "bias-for-action", "Tell me about a fast decision."),
    SeedQuestion("deliver-results-1", "deliver-results", "Tell me about a hard deadline."),
)


def seed_sessions(
    store: Store,
    n: int,
    *,
    words_per_answer: int = 200,
    analyzer_version: str = "0.seed",
    questions: Sequence[SeedQuestion] = DEFAULT_QUESTIONS,
    span_days: int = 365,
    random_seed: int = 7,
) -> list[int]:
    """Insert ``n`` complete sessions (one analysed answer each, timed words); returns ids."""
    rng = random.Random(random_seed)
    db = store.db
    conn = db.conn

    def next_id(table: str) -> int:
        row = next(iter(db.query(f"SELECT COALESCE(MAX(rowid), 0) + 1 AS n FROM {table}")))
        return int(row["n"])

    sid0, aid0, tid0, anid0 = (
        next_id(t) for t in ("sessions", "attempts", "transcriptions", "analyses")
    )
    end = now_ms()
    start = end - span_days * 86_400_000
    sessions, attempts, transcriptions, words, analyses = [], [], [], [], []
    for i in range(n):
        sid, aid, tid, anid = sid0 + i, aid0 + i, tid0 + i, anid0 + i
        q = questions[i % len(questions)]
        started = start + (end - start) * i // max(1, n)
        dur_ms = words_per_answer * 400 + rng.randrange(0, 20_000)
        verdict = rng.choice((Verdict.STRONG, Verdict.MIXED, Verdict.WEAK))
        scores = Scores(*(rng.randrange(0, 5) for _ in range(4)))
        flags = tuple(
            Flag(code, Severity.WARNING, None, "", "")
            for code in rng.sample(_FLAGS, rng.randrange(0, 3))
        )
        text_words = [rng.choice(_VOCAB) for _ in range(words_per_answer)]
        text = " ".join(text_words)
        report = Report(
            analyzer_version=analyzer_version,
            input=InputInfo(f"audio/{sid}/01-answer.wav", "audio", dur_ms / 1000),
            question=QuestionRef(q.id, q.principle),
            transcript=text,
            parts=(),
            words=(),
            signals=Signals(),
            delivery=Delivery(),
            flags=flags,
            scores=scores,
            verdict=verdict,
            level=Level.SDE2,
            transcript_source="refined",
        )
        snapshot = {"id": q.id, "principle": q.principle, "text": q.text, "probes": []}
        sessions.append(
            (sid, started, started + dur_ms + 5000, "complete", q.id, q.principle, "sde2", "mock",
             _dumps(snapshot), "seed", 1, anid, verdict.value, analyzer_version, scores.total(),
             dur_ms)
        )  # fmt: skip
        attempts.append((aid, sid, "answer", None, 1, "complete", None, dur_ms, started,
                         started + dur_ms, tid))  # fmt: skip
        transcriptions.append((tid, aid, started + dur_ms, "refined", "tiny.en",
                               '{"beam_size":1}', text, dur_ms, None))  # fmt: skip
        step = dur_ms // max(1, words_per_answer)
        for k, w in enumerate(text_words):
            words.append((tid, k, w, k * step, k * step + step - 40, 0.9))
        analyses.append(
            (anid, aid, tid, analyzer_version, started + dur_ms, verdict.value, scores.ownership,
             scores.metrics, scores.reflection, scores.pacing, None, scores.total(),
             json.dumps([f.code for f in flags]), "refined", _dumps(report.to_dict()))
        )  # fmt: skip
    with db.atomic():
        conn.executemany(
            "INSERT INTO sessions (id, started_at, ended_at, status, question_id, principle, level,"
            " source, question_snapshot, content_hash, keep_audio, answer_analysis_id, verdict,"
            " analyzer_version, score_total, audio_ms) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        conn.executemany(
            "INSERT INTO attempts (id, session_id, kind, probe_id, seq, status, audio_path,"
            " duration_ms, started_at, ended_at, transcription_id) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attempts,
        )
        conn.executemany(
            "INSERT INTO transcriptions (id, attempt_id, created_at, source, asr_model, asr_params,"
            " text, duration_ms, pauses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            transcriptions,
        )
        conn.executemany(
            "INSERT INTO words (transcription_id, idx, text, start_ms, end_ms, probability)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            words,
        )
        conn.executemany(
            "INSERT INTO analyses (id, attempt_id, transcription_id, analyzer_version, created_at,"
            " verdict, score_ownership, score_metrics, score_reflection, score_pacing,"
            " score_intent, score_total, flags, transcript_source, report) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            analyses,
        )
    return [s[0] for s in sessions]
