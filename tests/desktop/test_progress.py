"""Progress: the score chart and the per-part timing chart (spoken vs target) from the store."""

from __future__ import annotations

from typing import Any

import pytest

from mockloop.core.content import load_bank
from mockloop.core.model import PARTS, Part
from mockloop.desktop.fakes import seed_demo_session
from mockloop.store import Store


def _seed(golden_words: Any) -> tuple[str, str]:
    bank = load_bank()
    by_principle: dict[str, list[str]] = {}
    for q in bank.questions:
        by_principle.setdefault(q.principle, []).append(q.id)
    a, b = [p for p, qs in by_principle.items() if len(qs) >= 2][:2]
    for qid in (by_principle[a][0], by_principle[b][0], by_principle[a][1]):
        seed_demo_session(golden_words, question_id=qid, max_probes=0)
    return a, b


def _points(series: Any) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in series.points()]


def test_part_timing_chart_from_stored_reports(make_window: Any, qtbot: Any, golden_words: Any) -> None:
    a, b = _seed(golden_words)
    win = make_window()
    tab = win.progress
    win.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded >= 1 and len(tab.timings) == 3, timeout=10_000)

    with Store.open() as st:
        reports = [st.get_session(s.id).answer.latest.report() for s in reversed(st.list_sessions())]
    # Default: Action, spoken (solid) and target (dashed), one point per session.
    chart = tab.timing_view.chart()
    names = [s.name() for s in chart.series()]
    assert names == ["Action spoken", "Action target"]
    spoken, target = chart.series()
    want = [next((p.duration_s, p.target_s) for p in r.parts if p.part is Part.ACTION) for r in reports]
    assert [y for _x, y in _points(spoken)] == pytest.approx([d for d, _ in want], abs=0.01)
    assert [y for _x, y in _points(target)] == pytest.approx([t for _, t in want], abs=0.01)
    assert [x for x, _ in _points(spoken)] == sorted(x for x, _ in _points(spoken))  # oldest first

    # All parts: a spoken and a target line per part.
    tab.part.setCurrentIndex(tab.part.findData("all"))
    chart = tab.timing_view.chart()
    assert len(chart.series()) == 2 * len(PARTS)
    assert all(len(s.points()) == 3 for s in chart.series())

    # Filter by principle: both charts follow.
    assert {tab.principle.itemData(i) for i in range(tab.principle.count())} == {None, a, b}
    tab.principle.setCurrentIndex(tab.principle.findData(a))
    chart = tab.timing_view.chart()
    assert len(chart.series()) == 2 * len(PARTS)
    assert all(len(s.points()) == 2 for s in chart.series())
    assert [s.name() for s in tab.view.chart().series()] == [a]
    tab.principle.setCurrentIndex(tab.principle.findData(b))
    assert all(len(s.points()) == 1 for s in tab.timing_view.chart().series())
    tab.part.setCurrentIndex(tab.part.findData(Part.RESULT.value))
    assert [s.name() for s in tab.timing_view.chart().series()] == ["Result spoken", "Result target"]


def test_progress_charts_when_empty(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = win.progress
    win.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded >= 1, timeout=10_000)
    assert tab.empty.isVisibleTo(tab)
    assert all(len(s.points()) == 0 for s in tab.timing_view.chart().series())
