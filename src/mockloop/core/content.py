"""Load and validate the content bank (principles, questions, probes, walkthrough patterns).

The bank is plain YAML under ``content/`` so that coaches can edit it by hand. Every problem is
reported as one :class:`ContentError` naming the file, the item and the field, because a person
fixing a typo needs exactly that and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mockloop.core.model import BASE_TARGETS_S, DEFAULT_BUDGET_S, PARTS, Level, Part

PROBE_KINDS = (
    "influence",
    "tradeoff",
    "do_differently",
    "metrics",
    "depth",
    "mechanism",
    "learning",
    "stakeholder",
)
INITIATIVE_LEVELS = ("required", "helpful", "neutral")
DIFFICULTIES = ("easy", "medium", "hard")
_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ContentError(Exception):
    """A content file is missing, unreadable or does not match the schema."""

    def __init__(self, file: str, item: str, field_name: str, problem: str) -> None:
        self.file = file
        self.item = item
        self.field = field_name
        self.problem = problem
        where = f"{file}: {item}" if item else file
        if field_name:
            where += f": field '{field_name}'"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    number: int
    name: str
    short: str
    higher_probability: bool
    initiative: str
    definition: str
    listen_for: tuple[str, ...]
    self_check: tuple[str, ...]  # yes/no questions, each read after "Do you ..."


@dataclass(frozen=True, slots=True)
class Probe:
    id: str
    question_id: str
    text: str
    kind: str
    intent: str
    weak: str
    weak_why: str
    strong: str
    strong_why: str
    takeaway: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    principle: str
    text: str
    probes: tuple[Probe, ...]
    pattern_id: str | None = None


@dataclass(frozen=True, slots=True)
class PatternPart:
    part: Part
    target_s: float
    example: str
    key_phrases: tuple[str, ...]
    coaching: str
    common_mistake: str


@dataclass(frozen=True, slots=True)
class FlaggedPhrase:
    phrase: str
    why: str


@dataclass(frozen=True, slots=True)
class WeakAnswer:
    text: str
    flagged: tuple[FlaggedPhrase, ...]
    verdict: str


@dataclass(frozen=True, slots=True)
class QuizItem:
    id: str
    difficulty: str
    question: str
    options: tuple[str, ...]
    answer: int
    steps: tuple[str, ...]
    hint: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    principle: str
    angle: str
    emphasize: str
    downplay: str


@dataclass(frozen=True, slots=True)
class LevelVariant:
    level: Level
    focus: str
    reflection: str
    bar: str
    budget_s: float


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    title: str
    principle: str
    question: Question
    scenario: str
    summary: str
    parts: tuple[PatternPart, ...]
    reflections: Mapping[str, str]
    weak_answer: WeakAnswer
    quiz: tuple[QuizItem, ...]
    emphasis: tuple[Emphasis, ...]
    levels: Mapping[Level, LevelVariant]

    def part(self, part: Part) -> PatternPart:
        for p in self.parts:
            if p.part is part:
                return p
        raise KeyError(part)

    def strong_answer(self) -> str:
        """The five strong part examples read in order: a complete model answer."""
        return " ".join(p.example.strip() for p in self.parts)


@dataclass(frozen=True)
class Bank:
    """The whole validated content bank."""

    root: Path
    principles: tuple[Principle, ...]
    questions: tuple[Question, ...]
    patterns: tuple[Pattern, ...]
    digest: str = ""
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for q in self.questions})

    def principle(self, pid: str) -> Principle:
        """By id, short prefix or number (as text), the three ways the CLI lists them."""
        for p in self.principles:
            if pid in (p.id, p.short, str(p.number)):
                return p
        raise KeyError(pid)

    def question(self, qid: str) -> Question:
        return self._by_id[qid]

    def questions_for(self, principle_id: str | None = None) -> list[Question]:
        if principle_id is None:
            return list(self.questions)
        pid = self.principle(principle_id).id
        return [q for q in self.questions if q.principle == pid]

    def probe(self, probe_id: str) -> Probe:
        for q in self.questions:
            for p in q.probes:
                if p.id == probe_id:
                    return p
        raise KeyError(probe_id)

    def pattern(self, pattern_id: str) -> Pattern:
        for p in self.patterns:
            if p.id == pattern_id:
                return p
        raise KeyError(pattern_id)

    def pattern_for(self, question: Question) -> Pattern | None:
        if question.pattern_id is None:
            return None
        return self.pattern(question.pattern_id)

    def budget_s(self, question: Question | None, level: Level) -> float:
        """Whole-answer time budget: the pattern's level variant if it has one."""
        if question is not None and question.pattern_id is not None:
            variant = self.pattern(question.pattern_id).levels.get(level)
            if variant is not None:
                return variant.budget_s
        return DEFAULT_BUDGET_S[level]

    def targets_s(self, question: Question | None, level: Level) -> dict[Part, float]:
        """Per-part targets scaled so they add up to the level's budget."""
        base: Mapping[Part, float] = BASE_TARGETS_S
        if question is not None and question.pattern_id is not None:
            pat = self.pattern(question.pattern_id)
            base = {p.part: p.target_s for p in pat.parts}
        total = sum(base.values())
        scale = self.budget_s(question, level) / total if total else 1.0
        return {part: base[part] * scale for part in PARTS}


# --------------------------------------------------------------------------- loading


def shipped_path(rel: str) -> Path | None:
    """A file shipped with mockloop (``content/...``, ``assets/...``), or None if missing.

    In a checkout it is at the top of the repository; a wheel and the frozen bundle put it next
    to the package (``mockloop/content``, ``mockloop/assets``), so one lookup serves all three.
    """
    here = Path(__file__).resolve()
    for base in (here.parents[3], here.parents[1]):
        if (base / rel).exists():
            return base / rel
    return None


def default_content_dir() -> Path:
    """``MOCKLOOP_CONTENT`` if set, else the bundled ``content/`` (checkout or installed copy)."""
    env = os.environ.get("MOCKLOOP_CONTENT")
    if env:
        return Path(env)
    found = shipped_path("content/principles.yaml")
    return found.parent if found else Path(__file__).resolve().parents[3] / "content"


_CACHE: dict[Path, Bank] = {}


def load_bank(root: Path | None = None, *, use_cache: bool = True) -> Bank:
    root = (root or default_content_dir()).resolve()
    if use_cache and root in _CACHE:
        return _CACHE[root]
    bank = _load(root)
    if use_cache:
        _CACHE[root] = bank
    return bank


def _load(root: Path) -> Bank:
    if not (root / "principles.yaml").is_file():
        raise ContentError(str(root), "", "", "no principles.yaml here (is this a content folder?)")
    digest = hashlib.sha256()
    principles_doc = _read_yaml(root / "principles.yaml", root, digest)
    principles = _parse_principles(principles_doc, _rel(root / "principles.yaml", root))
    pids = {p.id for p in principles}

    questions: list[Question] = []
    seen: dict[str, str] = {}  # id -> file, for duplicate reporting
    qdir = root / "questions"
    for path in sorted(qdir.glob("*.yaml")) if qdir.is_dir() else []:
        rel = _rel(path, root)
        doc = _read_yaml(path, root, digest)
        for q in _parse_question_file(doc, rel, pids):
            _claim(seen, q.id, rel)
            for p in q.probes:
                _claim(seen, p.id, rel)
            questions.append(q)

    patterns: list[Pattern] = []
    pdir = root / "patterns"
    for path in sorted(pdir.glob("*.yaml")) if pdir.is_dir() else []:
        rel = _rel(path, root)
        doc = _read_yaml(path, root, digest)
        pat = _parse_pattern(doc, rel, pids)
        _claim(seen, pat.id, rel)
        _claim(seen, pat.question.id, rel)
        for p in pat.question.probes:
            _claim(seen, p.id, rel)
        for qi in pat.quiz:
            _claim(seen, qi.id, rel)
        patterns.append(pat)
        questions.append(pat.question)

    order = {p.id: p.number for p in principles}
    questions.sort(key=lambda q: (order[q.principle], q.pattern_id is None, q.id))
    return Bank(
        root=root,
        principles=tuple(principles),
        questions=tuple(questions),
        patterns=tuple(patterns),
        digest=digest.hexdigest()[:16],
    )


def _claim(seen: dict[str, str], item_id: str, rel: str) -> None:
    if item_id in seen:
        raise ContentError(rel, item_id, "id", f"duplicate id (also used in {seen[item_id]})")
    seen[item_id] = rel


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path, digest: Any) -> Any:
    rel = _rel(path, root)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ContentError(rel, "", "", f"cannot read: {e.strerror}") from None
    digest.update(rel.encode())
    digest.update(raw)
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ContentError(rel, "", "", "not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ContentError(rel, "", "", f"invalid YAML{at}: {problem}") from None


class _Item:
    """Typed field access on one mapping, with errors that name file, item and field."""

    def __init__(self, data: Any, file: str, item: str) -> None:
        if not isinstance(data, Mapping):
            raise ContentError(file, item, "", "expected a mapping of fields")
        self.data = data
        self.file = file
        self.item = item

    def fail(self, name: str, problem: str) -> ContentError:
        return ContentError(self.file, self.item, name, problem)

    def text(self, name: str, *, optional: bool = False) -> str:
        v = self.data.get(name)
        if v is None:
            if optional:
                return ""
            raise self.fail(name, "missing")
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise self.fail(name, "expected text")
        s = " ".join(str(v).split())
        if not s and not optional:
            raise self.fail(name, "is empty")
        return s

    def ident(self, name: str) -> str:
        s = self.text(name)
        if not _ID_RE.match(s):
            raise self.fail(name, f"'{s}' is not a lowercase-kebab-case id")
        return s

    def number(self, name: str, *, lo: float, hi: float) -> float:
        v = self.data.get(name)
        if v is None:
            raise self.fail(name, "missing")
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.fail(name, "expected a number")
        if not lo <= v <= hi:
            raise self.fail(name, f"{v} is outside {lo:g}..{hi:g}")
        return float(v)

    def flag(self, name: str) -> bool:
        v = self.data.get(name, False)
        if not isinstance(v, bool):
            raise self.fail(name, "expected true or false")
        return v

    def choice(self, name: str, allowed: Sequence[str]) -> str:
        s = self.text(name)
        if s not in allowed:
            raise self.fail(name, f"'{s}' is not one of {', '.join(allowed)}")
        return s

    def texts(self, name: str, *, min_items: int = 1) -> tuple[str, ...]:
        v = self.data.get(name)
        if v is None:
            raise self.fail(name, "missing")
        if not isinstance(v, list):
            raise self.fail(name, "expected a list")
        if len(v) < min_items:
            raise self.fail(name, f"needs at least {min_items} item(s), has {len(v)}")
        out = []
        for i, x in enumerate(v):
            if not isinstance(x, str | int | float) or isinstance(x, bool) or not str(x).strip():
                raise self.fail(f"{name}[{i}]", "expected non-empty text")
            out.append(" ".join(str(x).split()))
        return tuple(out)

    def checklist(self, name: str, *, min_items: int, max_items: int) -> tuple[str, ...]:
        """A list of distinct yes/no questions, each ending in '?'."""
        out = self.texts(name, min_items=min_items)
        if len(out) > max_items:
            raise self.fail(name, f"allows at most {max_items} items, has {len(out)}")
        seen: dict[str, int] = {}
        for i, q in enumerate(out):
            if not q.endswith("?"):
                raise self.fail(f"{name}[{i}]", "must be a question ending in '?'")
            key = q.casefold()
            if key in seen:
                raise self.fail(f"{name}[{i}]", f"repeats {name}[{seen[key]}]")
            seen[key] = i
        return out

    def items(self, name: str, *, min_items: int = 1) -> list[Any]:
        v = self.data.get(name)
        if v is None:
            raise self.fail(name, "missing")
        if not isinstance(v, list):
            raise self.fail(name, "expected a list")
        if len(v) < min_items:
            raise self.fail(name, f"needs at least {min_items} item(s), has {len(v)}")
        return v

    def sub(self, name: str) -> _Item:
        v = self.data.get(name)
        if v is None:
            raise self.fail(name, "missing")
        return _Item(v, self.file, f"{self.item}.{name}" if self.item else name)


def _item_label(data: Any, fallback: str) -> str:
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return str(data["id"])
    return fallback


def _parse_principles(doc: Any, rel: str) -> list[Principle]:
    top = _Item(doc, rel, "")
    out: list[Principle] = []
    for i, raw in enumerate(top.items("principles", min_items=1)):
        it = _Item(raw, rel, _item_label(raw, f"principles[{i}]"))
        out.append(
            Principle(
                id=it.ident("id"),
                number=int(it.number("number", lo=1, hi=99)),
                name=it.text("name"),
                short=it.ident("short"),
                higher_probability=it.flag("higher_probability"),
                initiative=it.choice("initiative", INITIATIVE_LEVELS),
                definition=it.text("definition"),
                listen_for=it.texts("listen_for", min_items=1),
                self_check=it.checklist("self_check", min_items=5, max_items=10),
            )
        )
    ids = [p.id for p in out]
    for p in out:
        if ids.count(p.id) > 1:
            raise ContentError(rel, p.id, "id", "duplicate principle id")
    return sorted(out, key=lambda p: p.number)


def _parse_probe(raw: Any, rel: str, label: str, question_id: str, *, takeaway: bool) -> Probe:
    it = _Item(raw, rel, _item_label(raw, label))
    return Probe(
        id=it.ident("id"),
        question_id=question_id,
        text=it.text("text"),
        kind=it.choice("kind", PROBE_KINDS),
        intent=it.text("intent"),
        weak=it.text("weak"),
        weak_why=it.text("weak_why"),
        strong=it.text("strong"),
        strong_why=it.text("strong_why"),
        takeaway=it.text("takeaway", optional=not takeaway),
    )


def _parse_question(
    raw: Any, rel: str, label: str, principle: str, *, pattern_id: str | None = None
) -> Question:
    it = _Item(raw, rel, _item_label(raw, label))
    qid = it.ident("id")
    probes = tuple(
        _parse_probe(p, rel, f"{qid}.probes[{j}]", qid, takeaway=False)
        for j, p in enumerate(it.items("probes", min_items=2))
    )
    return Question(qid, principle, it.text("text"), probes, pattern_id)


def _parse_question_file(doc: Any, rel: str, pids: set[str]) -> Iterator[Question]:
    top = _Item(doc, rel, "")
    principle = top.text("principle")
    if principle not in pids:
        raise top.fail("principle", f"unknown principle '{principle}'")
    for i, raw in enumerate(top.items("questions", min_items=1)):
        yield _parse_question(raw, rel, f"questions[{i}]", principle)


def _parse_pattern(doc: Any, rel: str, pids: set[str]) -> Pattern:
    top = _Item(doc, rel, _item_label(doc, "pattern"))
    pid = top.ident("id")
    principle = top.text("principle")
    if principle not in pids:
        raise top.fail("principle", f"unknown principle '{principle}'")

    q = top.sub("question")
    qid = q.ident("id")
    probes = tuple(
        _parse_probe(p, rel, f"{pid}.probes[{j}]", qid, takeaway=True)
        for j, p in enumerate(top.items("probes", min_items=3))
    )
    question = Question(qid, principle, q.text("text"), probes, pid)

    parts_it = top.sub("parts")
    parts: list[PatternPart] = []
    for part in PARTS:
        pi = parts_it.sub(part.value)
        example = pi.text("example")
        phrases = pi.texts("key_phrases", min_items=1)
        for k, phrase in enumerate(phrases):
            if phrase.lower() not in example.lower():
                raise pi.fail(f"key_phrases[{k}]", f"'{phrase}' does not occur in the example")
        parts.append(
            PatternPart(
                part=part,
                target_s=pi.number("target_s", lo=1, hi=600),
                example=example,
                key_phrases=phrases,
                coaching=pi.text("coaching"),
                common_mistake=pi.text("common_mistake"),
            )
        )

    refl = top.sub("reflections")
    reflections = {"sde2": refl.text("sde2"), "senior": refl.text("senior")}

    wa = top.sub("weak_answer")
    wtext = wa.text("text")
    flagged: list[FlaggedPhrase] = []
    for k, raw in enumerate(wa.items("flagged", min_items=1)):
        fi = _Item(raw, rel, f"{pid}.weak_answer.flagged[{k}]")
        phrase = fi.text("phrase")
        if phrase.lower() not in wtext.lower():
            raise fi.fail("phrase", f"'{phrase}' does not occur in the weak answer text")
        flagged.append(FlaggedPhrase(phrase, fi.text("why")))
    weak = WeakAnswer(wtext, tuple(flagged), wa.text("verdict"))

    quiz: list[QuizItem] = []
    for k, raw in enumerate(top.items("quiz", min_items=8)):
        qi = _Item(raw, rel, _item_label(raw, f"{pid}.quiz[{k}]"))
        options = qi.texts("options", min_items=2)
        answer = int(qi.number("answer", lo=0, hi=len(options) - 1))
        quiz.append(
            QuizItem(
                id=qi.ident("id"),
                difficulty=qi.choice("difficulty", DIFFICULTIES),
                question=qi.text("question"),
                options=options,
                answer=answer,
                steps=qi.texts("steps", min_items=1),
                hint=qi.text("hint"),
            )
        )
    for diff in DIFFICULTIES:
        if not any(x.difficulty == diff for x in quiz):
            raise top.fail("quiz", f"needs at least one '{diff}' question")

    emphasis: list[Emphasis] = []
    for k, raw in enumerate(top.items("emphasis", min_items=1)):
        ei = _Item(raw, rel, f"{pid}.emphasis[{k}]")
        ep = ei.text("principle")
        if ep not in pids:
            raise ei.fail("principle", f"unknown principle '{ep}'")
        emphasis.append(Emphasis(ep, ei.text("angle"), ei.text("emphasize"), ei.text("downplay")))

    lv = top.sub("levels")
    levels: dict[Level, LevelVariant] = {}
    for level in Level:
        li = lv.sub(level.value)
        levels[level] = LevelVariant(
            level=level,
            focus=li.text("focus"),
            reflection=li.text("reflection"),
            bar=li.text("bar"),
            budget_s=li.number("budget_s", lo=30, hi=900),
        )

    return Pattern(
        id=pid,
        title=top.text("title"),
        principle=principle,
        question=question,
        scenario=top.text("scenario"),
        summary=top.text("summary"),
        parts=tuple(parts),
        reflections=reflections,
        weak_answer=weak,
        quiz=tuple(quiz),
        emphasis=tuple(emphasis),
        levels=levels,
    )


#: Higher-probability principles are this many times as likely in a random pick.
HIGH_PROBABILITY_WEIGHT = 3


def pick_question(
    bank: Bank, principle: str | None = None, rng: random.Random | None = None
) -> Question:
    """A random question: of ``principle`` if given, else of a principle picked with weight
    HIGH_PROBABILITY_WEIGHT for the ones interviewers ask more often, then uniformly within it
    (so a principle with many questions is not favoured)."""
    rng = rng or random.Random()
    if principle is not None:
        pool = bank.questions_for(principle)
    else:
        principles = [p for p in bank.principles if bank.questions_for(p.id)]
        if not principles:
            raise KeyError("no questions in the content bank")
        weights = [HIGH_PROBABILITY_WEIGHT if p.higher_probability else 1 for p in principles]
        chosen = rng.choices(principles, weights=weights, k=1)[0]
        pool = bank.questions_for(chosen.id)
    if not pool:
        raise KeyError(f"no questions for principle '{principle}'")
    return rng.choice(pool)


def probe_to_dict(p: Probe) -> dict[str, Any]:
    """A probe as plain JSON (the CLI's listing and the stored question snapshot)."""
    d: dict[str, Any] = {
        "id": p.id,
        "text": p.text,
        "kind": p.kind,
        "intent": p.intent,
        "weak": p.weak,
        "weak_why": p.weak_why,
        "strong": p.strong,
        "strong_why": p.strong_why,
    }
    if p.takeaway:
        d["takeaway"] = p.takeaway
    return d


def question_snapshot(question: Question) -> dict[str, Any]:
    """A JSON snapshot of a question (and its pattern id) plus a stable content hash.

    Stored with each session so an old session still shows the question it was asked even
    after the bank is edited.
    """
    data = {
        "id": question.id,
        "principle": question.principle,
        "text": question.text,
        "pattern_id": question.pattern_id,
        "probes": [probe_to_dict(p) for p in question.probes],
    }
    blob = json.dumps(data, sort_keys=True).encode()
    data["content_hash"] = hashlib.sha256(blob).hexdigest()[:16]
    return data
