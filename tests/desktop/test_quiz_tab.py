"""The Test tab: a whole pattern quiz taken by clicking, stored as answered, standings after."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from conftest import idle
from mockloop.desktop.quiz_tab import WEAK_BG
from mockloop.store import Store
from mockloop.store.errors import StoreError

PATTERN = "commitment-at-risk"


def _open(win: Any, qtbot: Any) -> Any:
    win.tabs.setCurrentWidget(win.quiz)
    tab = win.quiz
    qtbot.waitUntil(lambda: tab.table.rowCount() == len(win.practice.bank.patterns), timeout=10_000)
    return tab


def _row(tab: Any, pattern_id: str) -> list[str]:
    for r in range(tab.table.rowCount()):
        if tab.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == pattern_id:
            return [tab.table.item(r, c).text() for c in range(tab.table.columnCount())]
    raise AssertionError(pattern_id)


def _start(tab: Any, qtbot: Any, difficulty: str | None = None) -> None:
    tab.pattern.setCurrentIndex(tab.pattern.findData(PATTERN))
    tab.difficulty.setCurrentIndex(tab.difficulty.findData(difficulty))
    qtbot.mouseClick(tab.start_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.session is not None and tab.options.count() > 0, timeout=10_000)


def _click_option(tab: Any, qtbot: Any, index: int, *, double: bool = False) -> None:
    pos = tab.options.visualItemRect(tab.options.item(index)).center()
    qtbot.mouseClick(tab.options.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    if double:  # a real double-click: press/release, then the double-click event
        qtbot.mouseDClick(tab.options.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_take_a_whole_quiz_by_clicking(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = _open(win, qtbot)
    assert "to work on" in _row(tab, PATTERN)[4]  # never tried
    _start(tab, qtbot)
    run = tab.session.run
    total = len(run.items)
    assert total == 8 and tab.progress.text().startswith("Question 1 of 8")
    wrong_at = {1, 5}  # answer these two wrongly: 6 of 8 passes (the pass mark is 75%)
    for i in range(total):
        item = run.current
        assert tab.question.text() == item.question
        assert tab.options.item(item.answer).text().startswith(f"{chr(65 + item.answer)})")
        if i == 0:
            qtbot.mouseClick(tab.hint_btn, Qt.MouseButton.LeftButton)
            assert tab.hint_label.text() == f"Hint: {item.hint}"
        choice = (item.answer + 1) % len(item.options) if i in wrong_at else item.answer
        if i % 2:
            _click_option(tab, qtbot, choice, double=True)  # a double-click answers
        else:
            _click_option(tab, qtbot, choice)
            assert tab.answer_btn.isEnabled()
            qtbot.mouseClick(tab.answer_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.feedback is not None, timeout=10_000)
        text = tab.result.text()
        if i in wrong_at:
            assert "Not quite" in text and f"the answer is <b>{chr(65 + item.answer)})</b>" in text
        else:
            assert text.startswith("<b>Correct.</b>")
        assert all(s.split()[0] in text for s in item.steps)  # the solution steps are shown
        assert not tab.answer_btn.isEnabled() and not tab.hint_btn.isEnabled()  # answered once
        # Stored as it is given, before the feedback appeared.
        with Store.open() as st:
            (att,) = st.prep.quiz_attempts(PATTERN)
            assert att.answered == i + 1
        assert f"score {run.correct}/{i + 1} so far" in tab.progress.text()
        qtbot.mouseClick(tab.next_btn, Qt.MouseButton.LeftButton)

    final = tab.result.text()
    assert "Score 6/8 (75%): passed" in final
    for d, (c, n) in run.by_difficulty().items():
        assert f"{d}: {c}/{n}" in final
    with Store.open() as st:
        (att,) = st.prep.quiz_attempts(PATTERN)
        full = st.prep.quiz_attempt(att.id)
    assert full.finished and full.correct == 6 and full.total == 8
    assert [a.hint_used for a in full.answers].count(True) == 1
    qtbot.waitUntil(lambda: _row(tab, PATTERN)[4] == "passed", timeout=10_000)  # standings refreshed
    assert _row(tab, PATTERN)[1:4] == ["1", "75%", "75%"]
    idle(qtbot, win)


def test_a_failed_quiz_marks_the_pattern_weak(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = _open(win, qtbot)
    _start(tab, qtbot, "easy")
    run = tab.session.run
    assert {it.difficulty for it in run.items} == {"easy"}
    while not run.done:
        item = run.current
        _click_option(tab, qtbot, (item.answer + 1) % len(item.options), double=True)
        qtbot.waitUntil(lambda: tab.feedback is not None, timeout=10_000)
        qtbot.mouseClick(tab.next_btn, Qt.MouseButton.LeftButton)
    assert f"Score 0/{len(run.items)} (0%): not yet passed" in tab.result.text()
    qtbot.waitUntil(lambda: _row(tab, PATTERN)[4] == "weak · to work on", timeout=10_000)
    r = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == PATTERN)
    assert tab.table.item(r, 4).background().color() == WEAK_BG
    assert "To work on" in tab.weak_note.text()
    idle(qtbot, win)


def test_a_store_error_is_shown_not_raised(make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockloop.store.prep import PrepStore

    win = make_window()
    tab = _open(win, qtbot)
    _start(tab, qtbot)

    def broken(*_a: Any, **_k: Any) -> None:
        raise StoreError("database is locked")

    monkeypatch.setattr(PrepStore, "record_quiz_answer", broken)
    _click_option(tab, qtbot, 0, double=True)
    qtbot.waitUntil(lambda: bool(tab.banner.text), timeout=10_000)
    assert "database is locked" in tab.banner.text
    assert not win.tasks.errors  # handled, not an unhandled task failure
    idle(qtbot, win)
