"""Listing stays instant at scale: every list filter is answered from an index."""

from __future__ import annotations

import pytest

from mockloop.services import history
from mockloop.store import SessionFilter, Store
from mockloop.store.seed import seed_sessions

FILTERS = {
    "all": SessionFilter(),
    "principle": SessionFilter(principle="ownership"),
    "principle+since": SessionFilter(principle="ownership", since_ms=1_700_000_000_000),
    "since": SessionFilter(since_ms=1_700_000_000_000),
    "status": SessionFilter(status="interrupted"),
    "verdict": SessionFilter(verdict="weak"),
    "question": SessionFilter(question_id="dive-root-cause"),
}


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    home = tmp_path_factory.mktemp("scale-home")
    store = Store.open(home=home)
    ids = seed_sessions(store, 2000, words_per_answer=20)
    assert len(ids) == 2000
    return store


@pytest.mark.parametrize("name", list(FILTERS))
def test_list_query_plan_uses_an_index(big_store: Store, name: str) -> None:
    sql, params = big_store.list_sql(FILTERS[name], limit=50)
    plan = [r["detail"] for r in big_store.db.query("EXPLAIN QUERY PLAN " + sql, params)]
    joined = " | ".join(plan)
    assert "USING INDEX idx_sessions_" in joined, joined
    assert not any(p.startswith("SCAN s") and "INDEX" not in p for p in plan), joined
    assert "TEMP B-TREE" not in joined, joined  # ordered straight from the index


def test_count_and_progress_use_indexes(big_store: Store) -> None:
    f = SessionFilter(principle="ownership")
    assert big_store.count_sessions(f) == 400
    plan = " | ".join(
        r["detail"]
        for r in big_store.db.query(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM sessions s WHERE s.principle = ?",
            ["ownership"],
        )
    )
    assert "idx_sessions_principle" in plan
    pts = history.progress_series(f, store=big_store)
    assert len(pts) == 400 and pts[0].started_at_ms <= pts[-1].started_at_ms


def test_list_results_at_scale(big_store: Store) -> None:
    rows = big_store.list_sessions(FILTERS["principle"], limit=50)
    assert len(rows) == 50 and all(r.principle == "ownership" for r in rows)
    assert [r.started_at for r in rows] == sorted((r.started_at for r in rows), reverse=True)
    assert big_store.count_sessions() == 2000
    found = big_store.list_sessions(SessionFilter(search="latency", principle="ownership"), limit=5)
    assert found and all(r.principle == "ownership" for r in found)
