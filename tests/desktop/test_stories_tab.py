"""The Stories tab: write a story by typing, see it judged as you type, save, reload, link,
self-check, coverage and export; and the linked story's coverage under a spoken answer's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from conftest import idle
from mockloop.core.model import PARTS, Part
from mockloop.core.timing import ESTIMATED_WPM
from mockloop.services import stories as story_service
from mockloop.store import Store

PRINCIPLE = "ownership"
QUESTION = "own-fixed-unowned-problem"
TEXT = {
    Part.SITUATION: "Last year our merchant saw 2 million webhooks a day and half a percent never arrived.",
    Part.TASK: "It was not my team's service and nobody asked me, but I decided to find the cause.",
    Part.ACTION: "I traced the drops to connection resets that the dispatcher never retried. "
    "I wrote a runbook for the support rotation and trained four engineers.",
    Part.RESULT: "Lost webhooks fell by 75 percent within a month.",
    Part.REFLECTION: "I learned to measure delivery from the receiver's side.",
}


def _open(win: Any, qtbot: Any) -> Any:
    win.tabs.setCurrentWidget(win.stories)
    tab = win.stories
    tab.confirm_discard = lambda: True  # never a modal dialog in a test
    qtbot.waitUntil(lambda: tab.data is not None and tab.coverage.rowCount() == 16, timeout=10_000)
    return tab


def _coverage_row(tab: Any, pid: str) -> list[str]:
    for r in range(tab.coverage.rowCount()):
        if tab.coverage.item(r, 0).data(Qt.ItemDataRole.UserRole) == pid:
            return [tab.coverage.item(r, c).text() for c in range(3)]
    raise AssertionError(pid)


def _check_button(tab: Any, qtbot: Any, item: int, answer: int) -> Any:
    """A self-check radio button once shown (new child widgets are shown by a queued call)."""
    qtbot.waitUntil(lambda: tab.check_groups[item].button(answer).isVisible(), timeout=5_000)
    return tab.check_groups[item].button(answer)


def _expected_label(text: str, target: float) -> str:
    return f"~{len(text.split()) / ESTIMATED_WPM * 60:.0f} s of {target:.0f} s"


def _time_label(tab: Any, part: Part) -> str:
    return str(tab.time_labels[part].text())


def test_write_a_story_by_typing_save_reload_and_link(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = _open(win, qtbot)
    assert _coverage_row(tab, PRINCIPLE)[1] == "no story"
    tab.principle.setCurrentIndex(tab.principle.findData(PRINCIPLE))
    qtbot.keyClicks(tab.title, "Webhooks nobody owned")

    # Typing: the labels follow once typing pauses (debounced), not on every key.
    qtbot.keyClicks(tab.part_edits[Part.SITUATION], TEXT[Part.SITUATION])
    assert tab.timer.isActive()
    qtbot.waitUntil(lambda: _time_label(tab, Part.SITUATION).startswith(_expected_label(TEXT[Part.SITUATION], 30)),
                    timeout=3_000)  # fmt: skip
    assert tab.time_labels[Part.SITUATION].property("status") == "short"  # 15 words: ~6 s of 30 s
    assert tab.time_labels[Part.ACTION].property("status") == "missing"
    assert tab.last_analysis_ms < 20  # cheap enough for the GUI thread
    for part in PARTS[1:]:
        qtbot.keyClicks(tab.part_edits[part], TEXT[part])
    qtbot.waitUntil(lambda: tab.time_labels[Part.REFLECTION].property("status") != "missing", timeout=3_000)
    for part in PARTS:
        assert _time_label(tab, part).startswith(_expected_label(TEXT[part], tab.analysis.estimates[part.order].target_s))
    assert tab.time_labels[Part.ACTION].property("status") == "short"  # 25 words of a 90 s action
    codes = [tab.flags.item(i).text().split(":")[0] for i in range(tab.flags.count())]
    assert codes and any(c.startswith("part_short [Action]") for c in codes)
    points = [tab.points.item(i).text() for i in range(tab.points.count())]
    assert any("2 million webhooks" in p for p in points) and any("I traced the drops" in p for p in points)
    # More action: its estimate grows as they type.
    before = _time_label(tab, Part.ACTION)
    qtbot.keyClicks(tab.part_edits[Part.ACTION], " I then added a dead letter queue and alerting on the retry rate"
                    " so the other team saw every failed delivery the same day.")  # fmt: skip
    qtbot.waitUntil(lambda: _time_label(tab, Part.ACTION) != before, timeout=3_000)
    assert "unsaved" in tab.state.text()

    # Link a question, save.
    tab.link_pick.setCurrentIndex(tab.link_pick.findData(QUESTION))
    qtbot.mouseClick(tab.link_btn, Qt.MouseButton.LeftButton)
    assert tab.links.count() == 1
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.story_id is not None and not tab.dirty, timeout=10_000)
    with Store.open() as st:
        (rec,) = st.prep.stories()
    assert rec.title == "Webhooks nobody owned" and rec.principle == PRINCIPLE
    assert rec.parts.text_of(Part.RESULT) == TEXT[Part.RESULT] and rec.question_ids == (QUESTION,)
    # Coverage: the principle now has its story.
    qtbot.waitUntil(lambda: _coverage_row(tab, PRINCIPLE)[1] == "1", timeout=10_000)
    assert tab.coverage.item(0, 1).text() == "no story"  # customer obsession: still none

    # Edit and save again: an update, and unlinking is kept too.
    qtbot.keyClicks(tab.title, " (v2)")
    tab.links.setCurrentRow(0)
    qtbot.mouseClick(tab.unlink_btn, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.dirty, timeout=10_000)
    rec2 = story_service.get_story(rec.id)
    assert rec2.title == "Webhooks nobody owned (v2)" and rec2.question_ids == ()
    idle(qtbot, win)

    # Reload in a fresh window: the story is listed under its principle and opens in the editor.
    win2 = make_window()
    tab2 = _open(win2, qtbot)
    group = tab2.tree.topLevelItem(0)
    assert group.text(0).startswith("2. Ownership") and group.childCount() == 1
    tab2.tree.setCurrentItem(group.child(0))
    assert tab2.story_id == rec.id and tab2.title.text() == "Webhooks nobody owned (v2)"
    assert tab2.part_edits[Part.TASK].toPlainText() == TEXT[Part.TASK]
    assert tab2.principle.currentData() == PRINCIPLE and not tab2.dirty
    assert _time_label(tab2, Part.TASK).startswith(_expected_label(TEXT[Part.TASK], 20))
    idle(qtbot, win2)


def test_self_check_export_and_delete(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    rec = story_service.add_story(PRINCIPLE, "Saved before", {p.value: t for p, t in TEXT.items()})
    win = make_window()
    tab = _open(win, qtbot)
    tab.principle.setCurrentIndex(tab.principle.findData(PRINCIPLE))
    qtbot.waitUntil(lambda: "Ownership" in tab.checks_box.title() and bool(tab.check_groups), timeout=10_000)
    n = len(tab.check_groups)
    assert f"(0/{n} answered)" in tab.checks_box.title()
    qtbot.mouseClick(_check_button(tab, qtbot, 1, 0), Qt.MouseButton.LeftButton)  # item 2: yes
    qtbot.waitUntil(lambda: f"(1/{n} answered)" in tab.checks_box.title(), timeout=10_000)
    assert tab.check_groups[1].button(0).isChecked()
    item2 = story_service.self_check(PRINCIPLE)[1]
    assert item2.answer == "yes"
    qtbot.waitUntil(lambda: _coverage_row(tab, PRINCIPLE)[2] == f"1/{n} answered (1 yes)", timeout=10_000)
    qtbot.mouseClick(_check_button(tab, qtbot, 1, 2), Qt.MouseButton.LeftButton)  # changed: unsure
    qtbot.waitUntil(lambda: story_service.self_check(PRINCIPLE)[1].answer == "unsure", timeout=10_000)

    out = tmp_path / "prep.md"
    tab.save_path = lambda: str(out)
    qtbot.mouseClick(tab.export_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# mockloop preparation") and "### Saved before" in md
    assert f"- [unsure] {item2.text}" in md
    qtbot.waitUntil(lambda: "Exported to" in tab.banner.text, timeout=5_000)

    # Delete, after confirming.
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0).child(0))
    assert tab.story_id == rec.id
    asked: list[str] = []
    tab.confirm_delete = lambda text: asked.append(text) or False
    qtbot.mouseClick(tab.delete_btn, Qt.MouseButton.LeftButton)
    assert asked and story_service.list_stories() != []  # declined: kept
    tab.confirm_delete = lambda _text: True
    qtbot.mouseClick(tab.delete_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.story_id is None, timeout=10_000)
    assert story_service.list_stories() == []
    qtbot.waitUntil(lambda: _coverage_row(tab, PRINCIPLE)[1] == "no story", timeout=10_000)
    idle(qtbot, win)


def test_save_without_a_title_is_refused_visibly(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    tab = _open(win, qtbot)
    qtbot.keyClicks(tab.part_edits[Part.SITUATION], "Something happened.")
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    assert "title" in tab.banner.text and tab.story_id is None
    idle(qtbot, win)
    assert story_service.list_stories() == []


def test_report_shows_said_and_left_out_points_of_a_linked_story(make_window: Any, qtbot: Any) -> None:
    from mockloop.core.session import Phase

    story_service.add_story(PRINCIPLE, "Webhooks", {p.value: t for p, t in TEXT.items()}, question_ids=[QUESTION])
    win = make_window()
    tab = win.practice
    tab.principle.setCurrentIndex(tab.principle.findData(PRINCIPLE))
    tab.questions.setCurrentIndex(tab.questions.findData(QUESTION))
    qtbot.mouseClick(tab.record_btn, Qt.MouseButton.LeftButton)  # asks, then records the demo answer
    qtbot.waitUntil(lambda: win.pc.phase is Phase.REPORT and not win.pc.busy, timeout=60_000)
    view = tab.report
    qtbot.waitUntil(lambda: bool(view.story_coverage), timeout=10_000)
    (cov,) = view.story_coverage
    said = [k.text for k in cov.coverage.said]
    missed = [k.text for k in cov.coverage.missed]
    assert any("I traced the drops" in t for t in said) and any("2 million" in t for t in said)
    assert any("runbook" in t for t in missed) and any("75 percent" in t for t in missed)
    text = view.details.toPlainText()
    assert "Your stories for this question" in text
    assert f"said {len(said)} of {len(said) + len(missed)} key points" in text
    assert "left out: (action) I wrote a runbook" in text and "said: (action) I traced the drops" in text

    # Replay of the stored session shows the same section.
    sid = win.pc.session.session_id
    win.pc.finish()
    qtbot.waitUntil(lambda: not win.pc.busy, timeout=30_000)
    win.open_replay(sid)
    qtbot.waitUntil(lambda: win.replay.stories.isVisible(), timeout=10_000)
    assert f"said {len(said)} of" in win.replay.stories.text() and "runbook" in win.replay.stories.text()
    idle(qtbot, win)
