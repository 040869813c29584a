"""The story bank (the worksheet): stories per principle, self-checks, coverage; CLI and app alike.

A story is written in its STAR parts and judged by the same analyzer as a spoken answer (flags,
estimated spoken time per part against the targets). A story can be linked to questions; a
spoken answer to such a question is then checked against the story's key points (its numbers
and actions): :func:`coverage_for`. Every function opens its own store unless given one, so the
app can call them from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mockloop.core.content import Bank, Principle
from mockloop.core.model import PARTS, Level, Part, PartReport, Report
from mockloop.core.quiz import percent
from mockloop.core.story import (
    Coverage,
    KeyPoint,
    StoryParts,
    analyze_story,
    key_points,
)
from mockloop.services.scope import bank_or_load, store_scope
from mockloop.store import Store
from mockloop.store.errors import NotFoundError, StoreError
from mockloop.store.prep import SELF_CHECK_ANSWERS, StoryRecord


class StoryError(Exception):
    """A user-facing problem with a story request (unknown principle, question or story)."""


def _bank(bank: Bank | None) -> Bank:
    return bank_or_load(bank, StoryError)


def resolve_principle(text: str, bank: Bank) -> Principle:
    """A principle by id, short prefix, number (Bank.principle) or its name (case-insensitive)."""
    t = text.strip().lower()
    try:
        return bank.principle(t)
    except KeyError:
        pass
    for p in bank.principles:
        if p.name.lower() == t:
            return p
    valid = ", ".join(p.id for p in bank.principles)
    raise StoryError(f"no principle {text!r}; use one of: {valid}")


def get_principle(text: str, *, bank: Bank | None = None) -> Principle:
    return resolve_principle(text, _bank(bank))


def _check_questions(question_ids: Iterable[str], bank: Bank) -> list[str]:
    out: list[str] = []
    for qid in question_ids:
        try:
            out.append(bank.question(qid).id)
        except KeyError:
            raise StoryError(f"no question {qid!r} (see `mockloop questions`)") from None
    return out


# --------------------------------------------------------------------------- stories


def add_story(
    principle: str,
    title: str,
    parts: Mapping[str, str],
    *,
    question_ids: Iterable[str] = (),
    bank: Bank | None = None,
    store: Store | None = None,
) -> StoryRecord:
    b = _bank(bank)
    pid = resolve_principle(principle, b).id
    qids = _check_questions(question_ids, b)
    with store_scope(store) as s:
        try:
            sid = s.prep.add_story(pid, title, StoryParts.from_mapping(parts), question_ids=qids)
        except StoreError as e:
            raise StoryError(str(e)) from None
        return s.prep.story(sid)


def update_story(
    story_id: int,
    *,
    principle: str | None = None,
    title: str | None = None,
    parts: Mapping[str, str] | None = None,
    bank: Bank | None = None,
    store: Store | None = None,
) -> StoryRecord:
    pid = None if principle is None else resolve_principle(principle, _bank(bank)).id
    with store_scope(store) as s:
        try:
            return s.prep.update_story(story_id, principle=pid, title=title, parts=parts)
        except (NotFoundError, StoreError) as e:
            raise StoryError(str(e)) from None


def get_story(story_id: int, *, store: Store | None = None) -> StoryRecord:
    with store_scope(store) as s:
        try:
            return s.prep.story(story_id)
        except NotFoundError as e:
            raise StoryError(str(e)) from None


def list_stories(
    principle: str | None = None, *, bank: Bank | None = None, store: Store | None = None
) -> list[StoryRecord]:
    pid = None if principle is None else resolve_principle(principle, _bank(bank)).id
    with store_scope(store) as s:
        return s.prep.stories(principle=pid)


def delete_story(story_id: int, *, store: Store | None = None) -> None:
    with store_scope(store) as s:
        try:
            s.prep.delete_story(story_id)
        except NotFoundError as e:
            raise StoryError(str(e)) from None


def link(
    story_id: int, question_id: str, *, bank: Bank | None = None, store: Store | None = None
) -> StoryRecord:
    (qid,) = _check_questions([question_id], _bank(bank))
    with store_scope(store) as s:
        try:
            s.prep.link(story_id, qid)
            return s.prep.story(story_id)
        except NotFoundError as e:
            raise StoryError(str(e)) from None


def unlink(story_id: int, question_id: str, *, store: Store | None = None) -> StoryRecord:
    with store_scope(store) as s:
        try:
            if not s.prep.unlink(story_id, question_id):
                raise StoryError(f"story #{story_id} is not linked to {question_id}")
            return s.prep.story(story_id)
        except NotFoundError as e:
            raise StoryError(str(e)) from None


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class PartEstimate:
    """A written part's estimated spoken time against its target."""

    part: Part
    words: int
    seconds: float
    target_s: float
    status: str  # "short" | "ok" | "long" | "missing"


@dataclass(frozen=True)
class StoryAnalysis:
    report: Report
    estimates: tuple[PartEstimate, ...]
    key_points: tuple[KeyPoint, ...]

    @property
    def total_s(self) -> float:
        return sum(e.seconds for e in self.estimates)


def analyze(
    parts: StoryParts | Mapping[str, str],
    principle: str,
    *,
    question_id: str | None = None,
    level: Level = Level.SDE2,
    bank: Bank | None = None,
) -> StoryAnalysis:
    """Flags, verdict and per-part spoken-time estimates for a (possibly half-written) story."""
    b = _bank(bank)
    story = parts if isinstance(parts, StoryParts) else StoryParts.from_mapping(parts)
    pid = resolve_principle(principle, b).id
    question = None
    if question_id is not None:
        (qid,) = _check_questions([question_id], b)
        question = b.question(qid)
    report = analyze_story(story, principle=pid, question=question, level=level, bank=b)
    by_part: dict[Part, PartReport] = {p.part: p for p in report.parts}
    targets = b.targets_s(question, level)
    estimates = []
    for part in PARTS:
        pr = by_part.get(part)
        words = len(story.text_of(part).split())
        if pr is None:
            estimates.append(PartEstimate(part, words, 0.0, targets[part], "missing"))
        else:
            estimates.append(PartEstimate(part, words, pr.duration_s, pr.target_s, pr.status))
    return StoryAnalysis(report, tuple(estimates), tuple(key_points(story)))


@dataclass(frozen=True)
class StoryCoverage:
    story: StoryRecord
    coverage: Coverage


def coverage_for(
    question_id: str | None,
    spoken_text: str,
    *,
    store: Store | None = None,
) -> list[StoryCoverage]:
    """For each story linked to the question: which of its key points the answer said."""
    if not question_id or not spoken_text.strip():
        return []  # no store to open for a free answer
    with store_scope(store) as s:
        return [StoryCoverage(st, cov) for st, cov in s.prep.linked_coverage(question_id, spoken_text)]


# --------------------------------------------------------------------------- worksheet


@dataclass(frozen=True)
class SelfCheckItem:
    number: int  # 1-based, as shown
    text: str
    answer: str | None  # "yes" | "no" | "unsure" | None (not answered)


def self_check(
    principle: str, *, bank: Bank | None = None, store: Store | None = None
) -> list[SelfCheckItem]:
    p = resolve_principle(principle, _bank(bank))
    with store_scope(store) as s:
        answers = s.prep.self_checks(p.id).get(p.id, {})
    return [SelfCheckItem(i, text, answers.get(text)) for i, text in enumerate(p.self_check, 1)]


def set_self_check(
    principle: str,
    item: int,
    answer: str | None,
    *,
    bank: Bank | None = None,
    store: Store | None = None,
) -> SelfCheckItem:
    """Answer checklist item ``item`` (1-based) with yes/no/unsure, or clear it with None."""
    p = resolve_principle(principle, _bank(bank))
    if not 1 <= item <= len(p.self_check):
        raise StoryError(f"{p.id} has checklist items 1 to {len(p.self_check)}, not {item}")
    if answer is not None and answer not in SELF_CHECK_ANSWERS:
        raise StoryError(f"answer one of {', '.join(SELF_CHECK_ANSWERS)}")
    text = p.self_check[item - 1]
    with store_scope(store) as s:
        s.prep.set_self_check(p.id, text, answer)
    return SelfCheckItem(item, text, answer)


@dataclass(frozen=True)
class PrincipleCoverage:
    principle: Principle
    stories: int
    checks_answered: int
    checks_total: int
    checks_yes: int

    @property
    def covered(self) -> bool:
        return self.stories > 0


def principle_coverage(
    *, bank: Bank | None = None, store: Store | None = None
) -> list[PrincipleCoverage]:
    """Every principle in order: how many stories it has and how far its checklist is done."""
    b = _bank(bank)
    with store_scope(store) as s:
        counts = s.prep.story_counts()
        checks = s.prep.self_checks()
    out = []
    for p in b.principles:
        answered = {k: v for k, v in checks.get(p.id, {}).items() if k in p.self_check}
        out.append(
            PrincipleCoverage(
                principle=p,
                stories=counts.get(p.id, 0),
                checks_answered=len(answered),
                checks_total=len(p.self_check),
                checks_yes=sum(1 for v in answered.values() if v == "yes"),
            )
        )
    return out


# --------------------------------------------------------------------------- export


def export_markdown(
    *, output: Path | None = None, bank: Bank | None = None, store: Store | None = None
) -> str:
    """The whole preparation as Markdown: coverage, each principle's stories (with their
    analysis and key points) and checklist, and the quiz standings; also written to ``output``
    when given (a write failure is one :class:`StoryError` line)."""
    from mockloop.services import quiz as quiz_service

    b = _bank(bank)
    with store_scope(store) as s:
        cov = principle_coverage(bank=b, store=s)
        stories = s.prep.stories()
        checks = s.prep.self_checks()
        standings = quiz_service.standings(bank=b, store=s)
    lines = ["# mockloop preparation", ""]
    missing = [c.principle.name for c in cov if not c.covered]
    lines += [
        f"Stories: {len(stories)} across {sum(1 for c in cov if c.covered)} of {len(cov)} "
        "principles.",
        "",
        "No story yet: " + (", ".join(missing) if missing else "none, every principle has one."),
        "",
    ]
    by_principle: dict[str, list[StoryRecord]] = {}
    for st in stories:
        by_principle.setdefault(st.principle, []).append(st)
    for c in cov:
        p = c.principle
        lines += [f"## {p.number}. {p.name}", ""]
        answers = checks.get(p.id, {})
        if p.self_check:
            lines += [f"Self-check ({c.checks_answered}/{c.checks_total} answered):", ""]
            lines += [f"- [{answers.get(item, ' ')}] {item}" for item in p.self_check]
            lines.append("")
        for st in by_principle.get(p.id, []):
            lines += _story_markdown(st, b)
        if not by_principle.get(p.id):
            lines += ["_No story yet._", ""]
    lines += ["## Quiz results", "", "| pattern | attempts | best | last | status |",
              "|---|---:|---:|---:|---|"]  # fmt: skip
    for sd in standings:
        lines.append(
            f"| {sd.pattern_id} | {sd.attempts} | {percent(sd.best)} | {percent(sd.last)} | {sd.status} |"
        )
    text = "\n".join(lines) + "\n"
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as e:
            raise StoryError(f"{output}: cannot write ({e.strerror or e})") from None
    return text


def _story_markdown(st: StoryRecord, bank: Bank) -> list[str]:
    qid = st.question_ids[0] if st.question_ids else None
    a = analyze(st.parts, st.principle, question_id=qid, bank=bank)
    out = [f"### {st.title}", ""]
    for e in a.estimates:
        text = st.parts.text_of(e.part) or "_(not written)_"
        out += [
            f"**{e.part.label}** (~{e.seconds:.0f} s of {e.target_s:.0f} s, {e.status}): {text}",
            "",
        ]
    out.append(f"Verdict if told like this: **{a.report.verdict}**.")
    if a.report.flags:
        out += ["", "Flags:"] + [f"- {f.code}: {f.advice}" for f in a.report.flags]
    if a.key_points:
        out += ["", "Key points:"] + [f"- ({k.kind}) {k.text}" for k in a.key_points]
    if st.question_ids:
        out += ["", "Linked questions: " + ", ".join(st.question_ids)]
    return [*out, ""]
