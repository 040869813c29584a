"""Hand-set part boundaries: services.history.rescore_with_part_starts and
`mockloop sessions rescore ID --part-starts ...` (issue 5: edit the boundaries and rescore)."""

from __future__ import annotations

import json

import pytest

from mockloop.cli import main
from mockloop.core.analyze import ANALYZER_VERSION
from mockloop.core.content import Bank
from mockloop.core.model import Part
from mockloop.services import history
from mockloop.store import Store

from .test_history import _spoken


def _starts(report: object) -> dict[str, float | None]:
    return {p.part.value: p.start_s for p in report.parts}  # type: ignore[attr-defined]


def test_rescore_with_part_starts_stores_marks_and_adds_an_analysis(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank, probes=True)
    marks = {"task": 3.0, "action": 6.0, "result": 20.0, "reflection": 30.0}
    res = history.rescore_with_part_starts(sid, marks, store=store, bank=bank)
    (ch,) = res.changes  # only the answer, not the probe
    assert ch.kind == "answer" and ch.skipped is None and ch.error is None
    assert ch.version_after == ANALYZER_VERSION
    assert res.report is not None
    got = _starts(res.report)
    for part, t in marks.items():
        assert got[part] == pytest.approx(t, abs=0.45)  # words start every 0.4 s
    rec = store.get_session(sid)
    answer, probe = rec.attempts
    assert answer.part_starts == marks
    assert len(answer.analyses) == 2 and len(probe.analyses) == 1  # added, never rewritten
    # A later plain rescore keeps the hand-set boundaries.
    history.rescore([sid], force=True, store=store, bank=bank)
    latest = store.get_session(sid).attempts[0].latest
    assert latest is not None and _starts(latest.report())["action"] == pytest.approx(6.0, abs=0.45)
    # Clearing them hands the split back to detection.
    res = history.rescore_with_part_starts(sid, None, store=store, bank=bank)
    assert not store.get_session(sid).attempts[0].part_starts
    assert res.report is not None and _starts(res.report)["action"] != pytest.approx(6.0, abs=0.45)


def test_part_starts_are_validated(store: Store, bank: Bank) -> None:
    sid = _spoken(store, bank)
    with pytest.raises(history.HistoryError, match="STAR order"):
        history.rescore_with_part_starts(sid, {"task": 10, "action": 5}, store=store, bank=bank)
    with pytest.raises(history.HistoryError, match="unknown part"):
        history.rescore_with_part_starts(sid, {"middle": 10}, store=store, bank=bank)
    with pytest.raises(history.HistoryError, match="0 s or later"):
        history.rescore_with_part_starts(sid, {"task": -1}, store=store, bank=bank)
    assert history.check_part_starts({Part.ACTION: 9, "task": 2}) == {Part.TASK: 2.0, Part.ACTION: 9.0}
    assert not store.get_session(sid).attempts[0].part_starts  # nothing stored on error


def test_cli_rescore_with_part_starts(capsys: pytest.CaptureFixture[str], bank: Bank) -> None:
    store = Store.open()
    sid = _spoken(store, bank)
    store.close()
    code = main(["sessions", "rescore", str(sid), "--part-starts", "task=3,action=6.5,result=20,reflection=30"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert f"session {sid} answer:" in out and "Part starts: situation 0.0s, task 3.2s, action 6.8s" in out
    with Store.open() as st:
        att = st.get_session(sid).attempts[0]
        assert att.part_starts == {"task": 3.0, "action": 6.5, "result": 20.0, "reflection": 30.0}
        assert len(att.analyses) == 2
    code = main(["sessions", "rescore", str(sid), "--part-starts", "action=12", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    report = json.loads(out)
    action = next(p for p in report["parts"] if p["part"] == "action")
    assert action["start_s"] == pytest.approx(12.0, abs=0.45)
    code = main(["sessions", "rescore", str(sid), "--part-starts", "none"])
    out, _ = capsys.readouterr()
    assert code == 0 and "(detected)" in out
    with Store.open() as st:
        assert not st.get_session(sid).attempts[0].part_starts


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--part-starts", "task=abc"], "bad --part-starts time"),
        (["--part-starts", "task"], "bad --part-starts item"),
        (["--part-starts", "result=5,action=9"], "STAR order"),
        (["--part-starts", "tsak=5"], "unknown part"),
        (["--all", "--part-starts", "task=5"], "not both"),
    ],
)
def test_cli_part_starts_bad_input(
    capsys: pytest.CaptureFixture[str], bank: Bank, extra: list[str], message: str
) -> None:
    store = Store.open()
    sid = _spoken(store, bank)
    store.close()
    code = main(["sessions", "rescore", str(sid), *extra])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("mockloop: ") and message in err and err.count("\n") == 1
