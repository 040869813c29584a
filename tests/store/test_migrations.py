"""Upgrades from every earlier schema version keep every row and fill the new columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from mockloop.store import SCHEMA_VERSION, NewerSchemaError, SessionFilter, Store
from mockloop.store.migrations import MIGRATION_NAMES, migrate

FIXTURES = Path(__file__).parent / "fixtures"
OLD_VERSIONS = list(range(1, SCHEMA_VERSION))
TABLES = ("sessions", "attempts", "transcriptions", "words", "analyses")


def _load_dump(version: int, target: Path) -> None:
    conn = sqlite3.connect(target)
    conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    conn.commit()
    conn.close()


def _rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    db = Database(path)
    out = {t: list(db.query(f"SELECT * FROM {t} ORDER BY 1, 2")) for t in TABLES if db[t].exists()}
    db.close()
    return out


def _schema(db: Database) -> dict[str, str]:
    return {
        r["name"]: " ".join(str(r["sql"]).split())
        for r in db.query("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        if r["name"] != "_sqlite_migrations"
        and not str(r["name"]).startswith("idx__sqlite_migrations")
    }


def test_every_earlier_version_has_a_frozen_fixture() -> None:
    assert OLD_VERSIONS, "a schema history needs at least one upgrade"
    for v in OLD_VERSIONS:
        assert (FIXTURES / f"schema_v{v}.sql").is_file(), (
            f"run tests/store/fixtures/make_fixtures.py for v{v}"
        )


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_frozen_fixture_matches_the_old_migration_steps(version: int) -> None:
    """A released migration must never change: its output must still equal the frozen dump."""
    frozen = Database(sqlite3.connect(":memory:"))
    frozen.conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    fresh = Database(sqlite3.connect(":memory:", isolation_level=None))
    migrate(fresh, to_version=version)
    assert _schema(frozen) == _schema(fresh)
    assert [
        r["name"] for r in frozen.query("SELECT name FROM _sqlite_migrations ORDER BY id")
    ] == list(MIGRATION_NAMES[:version])


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_upgrade_preserves_data(version: int, mockloop_home: Path) -> None:
    db_path = mockloop_home / "mockloop.db"
    _load_dump(version, db_path)
    before = _rows(db_path)

    store = Store.open()
    assert store.schema_version == SCHEMA_VERSION
    assert store.corrupt_backup is None
    after = _rows(db_path)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table  # every old column unchanged

    # v2: the denormalised answer summary is backfilled from the analyses
    s1 = store.summary(1)
    assert (s1.verdict, s1.analyzer_version, s1.score_total, s1.audio_ms) == (
        "mixed",
        "0.2",
        7,
        5000,
    )
    s2 = store.summary(2)
    assert (s2.verdict, s2.audio_ms, s2.status) == (None, 5250, "interrupted")
    assert [s.id for s in store.list_sessions(SessionFilter(verdict="mixed"))] == [1]

    # v3: existing transcripts are searchable
    assert [s.id for s in store.list_sessions(SessionFilter(search="latency"))] == [1]
    assert [s.id for s in store.list_sessions(SessionFilter(search="nobody"))] == [1]

    # the old rows read back through the API
    rec = store.get_session(1)
    assert rec.question_text is not None and rec.question_text.startswith("Tell me")
    answer = rec.answer
    assert answer is not None and answer.transcription is not None
    assert [w.text for w in answer.transcription.words] == ["I", "owned", "the", "latency", "fix"]
    assert answer.transcription.words[1].start_s == 0.5
    assert [a.analyzer_version for a in answer.analyses] == ["0.1", "0.2"]
    assert answer.latest is not None and answer.latest.report().verdict.value == "mixed"
    assert rec.probe_text("own-beyond-scope-why") == "Why did you decide it was yours to fix?"
    store.close()

    # and the upgraded store keeps working: new rows, new analyses
    store = Store.open()
    sid = store.begin_session(None)
    store.finish_session(sid)
    assert store.count_sessions() == 3
    store.close()


def test_newer_schema_is_refused_not_moved(mockloop_home: Path) -> None:
    Store.open().close()
    db_path = mockloop_home / "mockloop.db"
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('mockloop.store', 'm999_from_the_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match="newer mockloop"):
        Store.open()
    assert db_path.exists()
    assert not list(mockloop_home.glob("mockloop.db.corrupt-*"))
