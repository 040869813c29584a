"""Schema history of the session store, applied on open with sqlite-utils ``Migrations``.

Rules: never edit a migration once released (tests keep a frozen dump of every earlier schema and
upgrade it); add a new function instead. Each runs in a transaction with its bookkeeping row, so a
failed upgrade leaves the database at the previous version.

v1 ``m001_initial``            sessions, attempts, transcriptions, words, analyses + list indexes
v2 ``m002_session_summary``    denormalised answer verdict/version/score/audio length on sessions
                               (indexed) so listing and progress never touch the analyses table
v3 ``m003_transcript_search``  FTS5 (porter) index over transcriptions, kept in sync by triggers
v4 ``m004_preparation``        the preparation loop: written stories (+ links to questions),
                               principle self-check answers, quiz attempts and their answers
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "mockloop.store"
migrations = Migrations(MIGRATION_SET)


def _script(db: Database, sql: str) -> None:
    # sqlite-utils runs the statements one by one inside the migration's transaction
    db.executescript(sql)


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at INTEGER NOT NULL,            -- unix ms (UTC)
            ended_at INTEGER,
            status TEXT NOT NULL DEFAULT 'recording',
            question_id TEXT,
            principle TEXT,
            level TEXT NOT NULL DEFAULT 'sde2',
            source TEXT NOT NULL DEFAULT 'mock',    -- mock | record | analyze | import
            question_snapshot TEXT,                 -- JSON: the question as asked
            content_hash TEXT,
            keep_audio INTEGER NOT NULL DEFAULT 1,
            owner_pid INTEGER                       -- process writing a 'recording' session
        );
        CREATE INDEX idx_sessions_started ON sessions(started_at);
        CREATE INDEX idx_sessions_principle ON sessions(principle, started_at);
        CREATE INDEX idx_sessions_status ON sessions(status, started_at);
        CREATE INDEX idx_sessions_question ON sessions(question_id, started_at);

        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('answer', 'probe')),
            probe_id TEXT,
            seq INTEGER NOT NULL,                   -- order within the session; retries are new rows
            status TEXT NOT NULL DEFAULT 'recording',
            audio_path TEXT,                        -- relative to the data folder
            duration_ms INTEGER,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            input_path TEXT,                        -- the user's file for analyze --save
            part_starts TEXT,                       -- JSON {part: seconds} manual marks
            transcription_id INTEGER,               -- the current transcription
            UNIQUE (session_id, seq)
        );

        CREATE TABLE transcriptions (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            source TEXT NOT NULL,                   -- text | live | refined | retranscribed
            asr_model TEXT,
            asr_params TEXT,                        -- JSON
            text TEXT NOT NULL DEFAULT '',
            duration_ms INTEGER,
            pauses TEXT                             -- JSON [[start_s, end_s], ...] or NULL
        );
        CREATE INDEX idx_transcriptions_attempt ON transcriptions(attempt_id);

        CREATE TABLE words (
            transcription_id INTEGER NOT NULL REFERENCES transcriptions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            probability REAL NOT NULL DEFAULT 1.0,
            PRIMARY KEY (transcription_id, idx)
        ) WITHOUT ROWID;

        CREATE TABLE analyses (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            transcription_id INTEGER REFERENCES transcriptions(id) ON DELETE SET NULL,
            analyzer_version TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            verdict TEXT NOT NULL,
            score_ownership INTEGER,
            score_metrics INTEGER,
            score_reflection INTEGER,
            score_pacing INTEGER,
            score_intent INTEGER,
            score_total INTEGER,
            flags TEXT NOT NULL DEFAULT '[]',       -- JSON list of flag codes
            transcript_source TEXT,
            report TEXT NOT NULL                    -- Report.to_dict() JSON
        );
        CREATE INDEX idx_analyses_attempt ON analyses(attempt_id, id);
        CREATE INDEX idx_analyses_transcription ON analyses(transcription_id);
        CREATE INDEX idx_analyses_version ON analyses(analyzer_version)
        """,
    )


@migrations(name="m002_session_summary")
def m002_session_summary(db: Database) -> None:
    _script(
        db,
        """
        ALTER TABLE sessions ADD COLUMN answer_analysis_id INTEGER;
        ALTER TABLE sessions ADD COLUMN verdict TEXT;
        ALTER TABLE sessions ADD COLUMN analyzer_version TEXT;
        ALTER TABLE sessions ADD COLUMN score_total INTEGER;
        ALTER TABLE sessions ADD COLUMN audio_ms INTEGER;
        CREATE INDEX idx_sessions_verdict ON sessions(verdict, started_at);
        UPDATE sessions SET
            audio_ms = (SELECT SUM(duration_ms) FROM attempts WHERE session_id = sessions.id),
            answer_analysis_id = (
                SELECT an.id FROM analyses an JOIN attempts a ON a.id = an.attempt_id
                WHERE a.session_id = sessions.id
                ORDER BY a.kind = 'answer' DESC, a.status != 'skipped' DESC, a.seq DESC, an.id DESC
                LIMIT 1);
        UPDATE sessions SET
            verdict = (SELECT verdict FROM analyses WHERE id = sessions.answer_analysis_id),
            analyzer_version =
                (SELECT analyzer_version FROM analyses WHERE id = sessions.answer_analysis_id),
            score_total = (SELECT score_total FROM analyses WHERE id = sessions.answer_analysis_id)
        WHERE answer_analysis_id IS NOT NULL
        """,
    )


@migrations(name="m003_transcript_search")
def m003_transcript_search(db: Database) -> None:
    db["transcriptions"].enable_fts(  # type: ignore[union-attr]
        ["text"], fts_version="FTS5", create_triggers=True, tokenize="porter"
    )


@migrations(name="m004_preparation")
def m004_preparation(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            principle TEXT NOT NULL,
            title TEXT NOT NULL,
            situation TEXT NOT NULL DEFAULT '',
            task TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL DEFAULT '',
            result TEXT NOT NULL DEFAULT '',
            reflection TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX idx_stories_principle ON stories(principle, updated_at);

        CREATE TABLE story_links (
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            PRIMARY KEY (story_id, question_id)
        ) WITHOUT ROWID;
        CREATE INDEX idx_story_links_question ON story_links(question_id);

        -- keyed by the item's text, so editing the checklist never misattributes an answer
        CREATE TABLE self_checks (
            principle TEXT NOT NULL,
            item TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'unsure')),
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (principle, item)
        ) WITHOUT ROWID;

        CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            pattern_id TEXT NOT NULL,
            difficulty TEXT,                        -- NULL = all difficulties
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            correct INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL
        );
        CREATE INDEX idx_quiz_attempts_pattern ON quiz_attempts(pattern_id, started_at);

        CREATE TABLE quiz_answers (
            attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            difficulty TEXT NOT NULL,
            chosen INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            hint_used INTEGER NOT NULL DEFAULT 0,
            answered_at INTEGER NOT NULL,
            PRIMARY KEY (attempt_id, item_id)
        ) WITHOUT ROWID
        """,
    )


#: Names in order; the schema version is the count applied.
MIGRATION_NAMES: tuple[str, ...] = tuple(m.name for m in migrations._migrations)
SCHEMA_VERSION = len(MIGRATION_NAMES)


def applied_names(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]


def schema_version(db: Database) -> int:
    return len(applied_names(db))


def migrate(db: Database, *, to_version: int | None = None) -> list[str]:
    """Apply pending migrations (all, or up to ``to_version``); returns the names applied."""
    before = set(applied_names(db))
    if to_version is None or to_version >= SCHEMA_VERSION:
        migrations.apply(db)
    else:
        migrations.apply(db, stop_before=MIGRATION_NAMES[to_version])
    return [n for n in applied_names(db) if n not in before]
