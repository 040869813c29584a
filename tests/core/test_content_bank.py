"""The content bank: complete, valid, and bad files give one clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mockloop.core.content import PROBE_KINDS, ContentError, default_content_dir, load_bank
from mockloop.core.model import Level


def test_bank_is_complete() -> None:
    bank = load_bank()
    assert len(bank.principles) == 16
    assert [p.number for p in bank.principles] == list(range(1, 17))
    assert {p.id for p in bank.principles if p.higher_probability} == {
        "customer-obsession", "ownership", "invent-and-simplify",
        "insist-on-the-highest-standards", "earn-trust", "dive-deep",
    }  # fmt: skip
    for p in bank.principles:
        assert len(bank.questions_for(p.id)) >= 4, p.id
        assert p.definition and p.listen_for
        _assert_good_checklist(p.id, p.self_check)
    assert len(bank.questions) >= 64
    for q in bank.questions:
        assert len(q.probes) >= 2
        for pr in q.probes:
            assert pr.kind in PROBE_KINDS and pr.intent and pr.weak and pr.strong
    assert len(bank.patterns) >= 6
    assert "scaled-beyond-scope" in {p.id for p in bank.patterns}
    for pat in bank.patterns:
        assert len(pat.quiz) >= 8
        assert {q.difficulty for q in pat.quiz} == {"easy", "medium", "hard"}
        assert len(pat.question.probes) >= 3
        assert set(pat.levels) == set(Level)
        assert pat.reflections["sde2"] and pat.reflections["senior"]
        assert pat.emphasis and pat.weak_answer.flagged


def _assert_good_checklist(pid: str, items: tuple[str, ...]) -> None:
    """What a candidate needs from a self-check: 6-8 distinct yes/no questions, each one a
    habit read after "Do you ..." (so it must not repeat those words itself)."""
    assert 6 <= len(items) <= 8, pid
    assert len({q.casefold() for q in items}) == len(items), pid
    for q in items:
        assert q.endswith("?") and q.count("?") == 1, (pid, q)
        assert q[0].isupper() and not q.lower().startswith(("do you", "are you", "have you")), q
        assert 5 <= len(q.split()) <= 25, q


def test_pattern_budgets_scale_targets() -> None:
    bank = load_bank()
    q = bank.question("tb-scaled-beyond-scope")
    targets = bank.targets_s(q, Level.SENIOR)
    assert abs(sum(targets.values()) - bank.budget_s(q, Level.SENIOR)) < 1e-6


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(default_content_dir(), dst)
    return dst


def _error(root: Path) -> str:
    with pytest.raises(ContentError) as exc:
        load_bank(root, use_cache=False)
    return str(exc.value)


def test_missing_field_names_file_item_field(content_copy: Path) -> None:
    path = content_copy / "questions" / "dive-deep.yaml"
    text = path.read_text()
    first_probe_kind = text.index("kind:")
    line_end = text.index("\n", first_probe_kind)
    path.write_text(
        text[:first_probe_kind]
        + "kind_typo:"
        + text[first_probe_kind + 5 : line_end]
        + text[line_end:]
    )
    msg = _error(content_copy)
    assert "questions/dive-deep.yaml" in msg and "field 'kind'" in msg and "missing" in msg
    assert "dd-" in msg  # the item id


def test_bad_yaml_names_file_and_line(content_copy: Path) -> None:
    (content_copy / "questions" / "frugality.yaml").write_text(
        "principle: frugality\nquestions: [\n  - id: x\n"
    )
    msg = _error(content_copy)
    assert "questions/frugality.yaml" in msg and "invalid YAML" in msg


def test_bad_probe_kind_and_duplicate_id(content_copy: Path) -> None:
    path = content_copy / "questions" / "earn-trust.yaml"
    text = path.read_text()
    for kind in PROBE_KINDS:
        text = text.replace(f"kind: {kind}", "kind: vibes", 1)
    path.write_text(text)
    assert "is not one of" in _error(content_copy)


def test_key_phrase_must_occur_in_example(content_copy: Path) -> None:
    path = content_copy / "patterns" / "scaled-beyond-scope.yaml"
    text = path.read_text()
    idx = text.index("key_phrases:")
    nl = text.index("\n", idx)
    path.write_text(
        text[: nl + 1] + "      - a phrase that is nowhere in the example\n" + text[nl + 1 :]
    )
    msg = _error(content_copy)
    assert (
        "patterns/scaled-beyond-scope.yaml" in msg
        and "key_phrases" in msg
        and "does not occur" in msg
    )


def _edit_principle(root: Path, pid: str, **fields: object) -> None:
    """Rewrite one principle's fields in the copied principles.yaml (None drops the field)."""
    path = root / "principles.yaml"
    doc = yaml.safe_load(path.read_text())
    entry = next(p for p in doc["principles"] if p["id"] == pid)
    for name, value in fields.items():
        if value is None:
            entry.pop(name)
        else:
            entry[name] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_missing_self_check_names_principle_and_field(content_copy: Path) -> None:
    _edit_principle(content_copy, "frugality", self_check=None)
    msg = _error(content_copy)
    assert msg == "content/principles.yaml: frugality: field 'self_check': missing"


@pytest.mark.parametrize(
    ("self_check", "field", "problem"),
    [
        ("Spend less?", "self_check", "expected a list"),
        (["A?", "B?", "C?", "D?"], "self_check", "needs at least 5"),
        ([f"Save {i}?" for i in range(11)], "self_check", "at most 10 items, has 11"),
        (["A?", "B?", "Reuse old code", "D?", "E?"], "self_check[2]", "ending in '?'"),
        (["A?", "B?", "   ", "D?", "E?"], "self_check[2]", "expected non-empty text"),
        (["A?", "B?", "C?", "D?", "E?", {"q": "F?"}], "self_check[5]", "non-empty text"),
        (["Cut waste?", "B?", "C?", "cut  WASTE?", "E?"], "self_check[3]", "repeats self_check[0]"),
    ],
)
def test_malformed_self_check_names_the_item(
    content_copy: Path, self_check: object, field: str, problem: str
) -> None:
    _edit_principle(content_copy, "frugality", self_check=self_check)
    msg = _error(content_copy)
    assert msg.startswith(f"content/principles.yaml: frugality: field '{field}': "), msg
    assert problem in msg


def test_not_a_content_folder(tmp_path: Path) -> None:
    assert "no principles.yaml" in _error(tmp_path)


def test_random_pick_weights_higher_probability_principles() -> None:
    import random

    from mockloop.core.content import pick_question

    bank = load_bank()
    rng = random.Random(7)
    high = {p.id for p in bank.principles if p.higher_probability}
    picks = [pick_question(bank, None, rng).principle for _ in range(3000)]
    share = sum(p in high for p in picks) / len(picks)
    # 6 principles at weight 3 against 10 at weight 1: expected 18/28 = 0.64.
    assert 0.59 < share < 0.69
    assert {pick_question(bank, "dive-deep", rng).principle for _ in range(20)} == {"dive-deep"}
