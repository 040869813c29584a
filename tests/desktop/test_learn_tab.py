"""The Learn tab over the fakes: steps, highlighting, Hear it (pace, Stop, no voice), Practice."""

from __future__ import annotations

from typing import Any

from conftest import idle
from mockloop.core.content import load_bank
from mockloop.core.learn import hear_it_rate, learn_steps
from mockloop.desktop.fakes import FakeSpeech
from mockloop.desktop.learn_tab import FLAG_STYLE, KEY_STYLE, step_html


def _open(win: Any, qtbot: Any) -> Any:
    win.tabs.setCurrentWidget(win.learn)
    tab = win.learn
    idle(qtbot, win)  # the voice check has answered
    return tab


def test_tab_sits_after_practice_and_walks_the_steps(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    assert win.tabs.widget(1) is win.learn and win.tabs.tabText(1) == "&Learn"
    tab = _open(win, qtbot)
    bank = load_bank()
    assert tab.picker.count() == len(bank.patterns)
    tab.select_pattern("scaled-beyond-scope")
    steps = learn_steps(bank.pattern("scaled-beyond-scope"), bank)
    labels = [tab.step_list.item(i).text() for i in range(tab.step_list.count())]
    assert labels[:3] == ["Overview", "Situation (30 s)", "Task (20 s)"]
    assert labels[-3:] == ["The weak answer", "Level variants", "Other principles"]
    assert [tab.step_list.item(i).toolTip() for i in range(len(labels))] == [s.title for s in steps]
    assert tab.step_list.currentRow() == 0 and not tab.back_btn.isEnabled()
    assert not tab.hear_btn.isVisible()  # the overview has nothing to hear
    tab.next_btn.click()
    assert tab.step.title.startswith("Situation") and tab.back_btn.isEnabled()
    assert "I noticed" in tab.view.toPlainText() and "Common mistake" in tab.view.toPlainText()
    tab.go(len(steps) - 1)
    assert not tab.next_btn.isEnabled()
    tab.back_btn.click()
    assert tab.step_list.currentRow() == len(steps) - 2


def test_key_and_flagged_phrases_highlighted_with_why() -> None:
    bank = load_bank()
    pat = bank.pattern("scaled-beyond-scope")
    steps = learn_steps(pat, bank)
    situation, _ = step_html(steps[1])
    assert f'<span style="{KEY_STYLE}">I noticed</span>' in situation
    weak = next(s for s in steps if s.kind == "weak")
    text, notes = step_html(weak)
    assert notes == [f.why for f in pat.weak_answer.flagged]
    first = pat.weak_answer.flagged[0].phrase
    assert f'<a href="note:1" style="{FLAG_STYLE}">{first}</a><sup>1</sup>' in text
    assert "Why each flagged phrase hurts" in text


def test_flag_hover_shows_the_why(make_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtCore import QUrl

    from mockloop.desktop import learn_tab

    shown: list[str] = []
    monkeypatch.setattr(learn_tab.QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    tab = _open(make_window(), qtbot)
    tab.go(next(i for i, s in enumerate(tab.steps) if s.kind == "weak"))
    tab.view.highlighted.emit(QUrl("note:2"))
    assert shown == [tab.pattern.weak_answer.flagged[1].why]


def test_hear_it_plays_at_the_target_pace_and_stops(make_window: Any, qtbot: Any) -> None:
    speech = FakeSpeech(speak_s=30.0)
    win = make_window(speech=speech)
    tab = _open(win, qtbot)
    tab.select_pattern("scaled-beyond-scope")
    tab.next_btn.click()
    assert tab.hear_btn.isVisible() and tab.hear_btn.isEnabled() and not tab.stop_btn.isVisible()
    tab.hear_btn.click()
    h = hear_it_rate(tab.step.example, 30)
    qtbot.waitUntil(lambda: speech.spoken == [tab.step.example], timeout=10_000)
    assert speech.rates == [h.rate_wpm]
    assert tab.hear_note.text() == f"Playing at {h.rate_wpm} wpm ≈ 30 s (target 30 s)"
    assert tab.stop_btn.isVisible() and not tab.hear_btn.isEnabled()
    tab.stop_btn.click()
    idle(qtbot, win, 5_000)  # stopped long before the 30 s the fake would take
    assert speech.stops == 1 and not tab.stop_btn.isVisible() and tab.hear_btn.isEnabled()


def test_hear_it_disabled_with_a_reason_without_a_voice(make_window: Any, qtbot: Any) -> None:
    tab = _open(make_window(speech=FakeSpeech(voice=False)), qtbot)
    tab.next_btn.click()
    assert tab.hear_btn.isVisible() and not tab.hear_btn.isEnabled()
    assert "No text-to-speech voice" in tab.hear_note.text()


def test_hear_it_off_when_the_voice_is_off_in_settings(make_window: Any, qtbot: Any) -> None:
    from mockloop import settings as settings_mod

    win = make_window()
    tab = _open(win, qtbot)
    win._settings_saved(settings_mod.Settings(first_run_done=True, voice_enabled=False))
    tab.next_btn.click()
    assert not tab.hear_btn.isEnabled() and "turned off in Settings" in tab.hear_note.text()


def test_practice_this_question_switches_tab_with_it_selected(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = _open(win, qtbot)
    tab.select_pattern("root-cause-deep-dive")
    tab.practice_btn.click()
    q = load_bank().pattern("root-cause-deep-dive").question
    assert win.tabs.currentWidget() is win.practice
    assert win.practice.question is not None and win.practice.question.id == q.id
    assert win.practice.prompt.text() == q.text
