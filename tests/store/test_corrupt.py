"""A damaged or foreign database file is moved aside (never deleted) and reported."""

from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path

import pytest

from mockloop.store import CorruptStoreError, CorruptStoreWarning, Store


def _open_warned() -> tuple[Store, CorruptStoreWarning]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = Store.open()
    found = [w.message for w in caught if isinstance(w.message, CorruptStoreWarning)]
    assert len(found) == 1
    return store, found[0]


def test_garbage_file_is_backed_up(mockloop_home: Path) -> None:
    db = mockloop_home / "mockloop.db"
    garbage = os.urandom(4096)
    db.write_bytes(garbage)
    store, warning = _open_warned()
    assert warning.backup.name.startswith("mockloop.db.corrupt-")
    assert warning.backup.read_bytes() == garbage  # kept byte for byte
    assert store.corrupt_backup == warning.backup
    assert "not an SQLite database" in str(warning)
    assert store.count_sessions() == 0  # a fresh, working store
    store.begin_session(None)
    store.close()


def test_foreign_sqlite_database_is_backed_up(mockloop_home: Path) -> None:
    db = mockloop_home / "mockloop.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    conn.commit()
    conn.close()
    store, warning = _open_warned()
    assert "not a mockloop database" in warning.reason and "recipes" in warning.reason
    old = sqlite3.connect(warning.backup)
    assert old.execute("SELECT name FROM recipes").fetchall() == [("soup",)]
    old.close()
    assert store.schema_version >= 1
    store.close()


def test_damaged_pages_are_backed_up(mockloop_home: Path) -> None:
    store = Store.open()
    for _ in range(50):
        store.begin_session({"id": "q", "principle": "p", "text": "x" * 2000})
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    db = mockloop_home / "mockloop.db"
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data) - 4096, 7):  # keep the header page, wreck the rest
        data[i] = 0xFF
    db.write_bytes(bytes(data))
    store, warning = _open_warned()
    assert warning.backup.exists()
    assert store.count_sessions() == 0
    store.close()


def test_raise_mode_leaves_file_in_place(mockloop_home: Path) -> None:
    db = mockloop_home / "mockloop.db"
    db.write_bytes(b"definitely not sqlite" * 100)
    with pytest.raises(CorruptStoreError, match="not an SQLite database"):
        Store.open(on_corrupt="raise")
    assert db.read_bytes().startswith(b"definitely")


def test_two_backups_never_overwrite(mockloop_home: Path) -> None:
    db = mockloop_home / "mockloop.db"
    for n in range(2):
        Store.open().close() if n < 0 else None
        db.write_bytes(b"junk%d" % n * 100)
        store, _ = _open_warned()
        store.close()
    backups = sorted(mockloop_home.glob("mockloop.db.corrupt-*"))
    backups = [b for b in backups if not b.name.endswith(("-wal", "-shm"))]
    assert len(backups) == 2
    assert {b.read_bytes()[:5] for b in backups} == {b"junk0", b"junk1"}


def test_empty_file_is_a_new_store(mockloop_home: Path) -> None:
    (mockloop_home / "mockloop.db").write_bytes(b"")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store = Store.open()
    assert store.count_sessions() == 0
    store.close()


def test_cli_reports_the_backup(mockloop_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mockloop.cli import main

    (mockloop_home / "mockloop.db").write_bytes(os.urandom(2048))
    assert main(["sessions", "list", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "[]"
    assert "warning" in captured.err and "corrupt-" in captured.err


def test_concurrent_first_opens_never_collide(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The app opens the store from several threads at start-up; a fresh database must come
    out migrated once, never locked, never moved aside as 'corrupt'."""
    import threading
    import warnings as _w

    from mockloop.store import Store

    home = tmp_path / "fresh"
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def opener() -> None:
        try:
            barrier.wait()
            with _w.catch_warnings():
                _w.simplefilter("error")  # a CorruptStoreWarning would fail the test
                st = Store.open(home=home)
            st.list_sessions()
            st.close()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert not list(home.glob("mockloop.db.corrupt-*"))
