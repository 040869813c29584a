"""`mockloop principles [ID]`: the list, one principle with its self-check, JSON, bad ids."""

from __future__ import annotations

import json

import pytest

from mockloop.cli import main
from mockloop.core.content import load_bank


def test_one_principle_shows_its_self_check(capsys: pytest.CaptureFixture[str]) -> None:
    dd = load_bank().principle("dive-deep")
    for ref in ("dive-deep", "dd", "12"):
        assert main(["principles", ref]) == 0
        out = capsys.readouterr().out
        assert out.startswith("12. Dive Deep")
        assert "Self-check: do you ..." in out
        flat = " ".join(out.split())  # undo line wrapping
        assert all(f"[ ] {q}" in flat for q in dd.self_check)
        assert flat.count("[ ]") == len(dd.self_check)
        assert all(item in flat for item in dd.listen_for)


def test_json_carries_the_checklist(capsys: pytest.CaptureFixture[str]) -> None:
    bank = load_bank()
    assert main(["principles", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["self_check"] for r in rows] == [list(p.self_check) for p in bank.principles]
    assert main(["principles", "frugality", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["id"] == "frugality" and one["self_check"] == list(
        bank.principle("frugality").self_check
    )


def test_unknown_principle_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["principles", "kindness"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("mockloop: unknown principle 'kindness'; one of: customer-obsession")
    assert main(["questions", "--principle", "kindness"]) == 2
    assert "unknown principle 'kindness'" in capsys.readouterr().err
