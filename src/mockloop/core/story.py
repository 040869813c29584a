"""Written stories (the worksheet's story bank): analysis, key points and spoken coverage. Pure.

A candidate writes a story in its STAR parts. The same analyzer that judges spoken answers
judges the written story, with the part boundaries the candidate typed and each part's spoken
time estimated from its words. The story's *key points* (its numbers, and the actions it
claims) are what an interviewer should hear; :func:`coverage` checks a spoken transcript
against them, so the report can say what the candidate said out loud and what they left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mockloop.core.analyze import analyze, content_terms
from mockloop.core.content import Bank, Question
from mockloop.core.model import PARTS, Level, Part, Report, Transcript
from mockloop.core.text import normalize

#: An action counts as said when this share of its distinctive terms was spoken (at least 2).
#: Below half on purpose: small speech models garble rarer words ("jittered backoff" came back
#: as "jiddard backup"), and the terms that survive are usually the action's nouns.
ACTION_MATCH_SHARE = 0.4
#: Numbers match within this relative tolerance ("about 300" vs "roughly 290" does not).
NUMBER_TOLERANCE = 0.01
_MAX_ACTION_TERMS = 6


@dataclass(frozen=True, slots=True)
class StoryParts:
    """The five typed parts of a story (empty string = not written yet)."""

    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    reflection: str = ""

    @classmethod
    def from_mapping(cls, parts: Mapping[str, str] | Mapping[Part, str]) -> StoryParts:
        get = {str(k): (v or "") for k, v in parts.items()}
        return cls(**{p.value: get.get(p.value, "").strip() for p in PARTS})

    def text_of(self, part: Part) -> str:
        value: str = getattr(self, part.value)
        return value

    def to_dict(self) -> dict[str, str]:
        return {p.value: self.text_of(p) for p in PARTS}

    @property
    def empty(self) -> bool:
        return not any(self.text_of(p).strip() for p in PARTS)

    def joined(self) -> tuple[str, dict[Part, int]]:
        """The story as one text, and the character offset where each written part begins."""
        pieces: list[str] = []
        offsets: dict[Part, int] = {}
        pos = 0
        for p in PARTS:
            body = " ".join(self.text_of(p).split())
            if not body:
                continue
            if body[-1] not in ".!?":
                body += "."  # a part always ends its sentence, so parts never share one
            offsets[p] = pos
            pieces.append(body)
            pos += len(body) + 1
        return " ".join(pieces), offsets



def analyze_story(
    story: StoryParts,
    *,
    principle: str | None = None,
    question: Question | None = None,
    level: Level = Level.SDE2,
    bank: Bank | None = None,
) -> Report:
    """Judge a written story exactly as a spoken answer, with the candidate's own part split."""
    text, offsets = story.joined()
    return analyze(
        Transcript(text=text, source="story"),
        question=question,
        level=level,
        bank=bank,
        principle=principle,
        part_offsets=offsets,
    )


# --------------------------------------------------------------------------- key points


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """Something from the story an interviewer should hear: a number or an action."""

    kind: str  # "number" | "action"
    part: Part
    text: str  # what to show: the number with its words around it, or the action clause
    value: float | None = None
    unit: str | None = None
    terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "part": self.part.value,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "terms": list(self.terms),
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which of a story's key points a spoken answer contained."""

    said: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]

    @property
    def total(self) -> int:
        return len(self.said) + len(self.missed)

    @property
    def share(self) -> float:
        return len(self.said) / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "said": [k.to_dict() for k in self.said],
            "missed": [k.to_dict() for k in self.missed],
            "share": round(self.share, 3),
        }


_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9,
           "billion": 1e9, "hundred": 1e2}  # fmt: skip
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "half": 0.5, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_UNIT_WORDS: Sequence[tuple[str, str]] = (
    ("percent", "%"), ("per cent", "%"), ("%", "%"), ("percentage points", "%"),
    ("dollars", "$"), ("usd", "$"), ("milliseconds", "ms"), ("ms", "ms"), ("seconds", "s"),
    ("minutes", "min"), ("hours", "h"), ("days", "d"), ("weeks", "wk"), ("months", "mo"),
    ("years", "yr"), ("times", "x"), ("x", "x"),
)  # fmt: skip
_SMALL_ALT = "|".join(sorted((re.escape(w) for w in _SMALL), key=len, reverse=True))
_SCALE_ALT = "|".join(sorted(_SCALES, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?P<cur>\$)?\s?(?:(?<![a-z0-9])(?P<digits>\d[\d,]*(?:\.\d+)?)|\b(?P<words>(?:"
    + _SMALL_ALT
    + r")"
    r"(?:[\s-](?:" + _SMALL_ALT + r"))?(?:\s+point\s+(?:" + _SMALL_ALT + r"))?))"
    r"(?:\s?(?P<scale>" + _SCALE_ALT + r")\b)?"
    r"(?:\s?(?P<unit>%|percent|per cent|percentage points|dollars|usd|milliseconds|ms\b|seconds"
    r"|minutes|hours|days|weeks|months|years|times\b|x\b))?",
)


_DATE_OR_LEVEL = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|sde|sde-|l|level|q|v"
    r"|version|iphone|python)\s?$"
)


@dataclass(frozen=True, slots=True)
class _Num:
    value: float
    unit: str | None
    start: int
    end: int


def _word_value(words: str) -> float | None:
    whole, _, frac = words.partition(" point ")
    total = 0.0
    for w in re.split(r"[\s-]+", whole.strip()):
        if w not in _SMALL:
            return None
        total += _SMALL[w]
    if frac:
        f = _SMALL.get(frac.strip())
        if f is None or f >= 10:
            return None
        total += f / 10
    return total


def spoken_numbers(text: str) -> list[_Num]:
    """Numbers in speech or writing, as values: '$1.8 million', '12,000', 'forty percent'."""
    norm = normalize(text)
    out: list[_Num] = []
    for m in _NUMBER.finditer(norm):
        if m.group("digits"):
            if _DATE_OR_LEVEL.search(norm[max(0, m.start() - 12) : m.start()]):
                continue  # "March 31", "SDE 2", "L5": labels, not quantities
            try:
                value = float(m.group("digits").replace(",", ""))
            except ValueError:
                continue
        else:
            words = m.group("words")
            parsed = _word_value(words)
            # Bare "one"/"two" are everyday words; count them only with a scale or unit.
            if parsed is None or not (m.group("scale") or m.group("unit") or m.group("cur")):
                continue
            value = parsed
        scale = m.group("scale")
        if scale:
            value *= _SCALES[scale]
        unit_word = m.group("unit")
        unit = "$" if m.group("cur") else _unit_of(unit_word)
        out.append(_Num(value, unit, m.start(), m.end()))
    return out


def _unit_of(word: str | None) -> str | None:
    if not word:
        return None
    for alias, unit in _UNIT_WORDS:
        if word == alias:
            return unit
    return None


def _context(text: str, start: int, end: int, words: int = 2) -> str:
    """The number with a few words either side, cut from ``text`` at word boundaries."""
    left = start
    for _ in range(words):
        prev = text.rfind(" ", 0, max(0, left - 1))
        left = prev + 1 if prev >= 0 else 0
        if left == 0:
            break
    right = end
    for _ in range(words):
        nxt = text.find(" ", right + 1)
        right = nxt if nxt >= 0 else len(text)
        if right == len(text):
            break
    # Stay inside the number's sentence.
    cut = text.rfind(". ", left, start)
    left = cut + 2 if cut >= 0 else left
    cut = text.find(". ", end, right)
    right = cut + 1 if cut >= 0 else right
    return text[left:right].strip(" ,.;:")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


_I_ACTION = re.compile(r"\bI\s+(?:also\s+|then\s+|first\s+|personally\s+)?([a-z]+)", re.IGNORECASE)
_NOT_ACTIONS = {"was", "am", "had", "think", "thought", "felt", "feel", "knew", "know", "believe",
                "learned", "learnt", "realized", "realised", "wanted", "would", "could", "should",
                "might", "will", "can", "did", "do", "have", "need", "needed", "mean", "guess"}  # fmt: skip


def key_points(story: StoryParts) -> list[KeyPoint]:
    """The story's numbers (every part) and its claimed actions (Action part), in story order."""
    points: list[KeyPoint] = []
    seen: set[float] = set()  # a number told twice is one key point (said once covers both)
    for part in PARTS:
        # normalize() only lowercases and collapses spaces, so offsets in it index ``body``
        body = " ".join(story.text_of(part).split())
        if not body:
            continue
        for n in spoken_numbers(body):
            if n.value in seen:
                continue
            seen.add(n.value)
            points.append(KeyPoint("number", part, _context(body, n.start, n.end), n.value, n.unit))
        if part is not Part.ACTION:
            continue
        for sentence in _sentences(body):
            for clause in _CLAUSE_SPLIT.split(sentence):
                m = _I_ACTION.search(clause)
                if not m or m.group(1).lower() in _NOT_ACTIONS:
                    continue
                core = _action_core(clause[m.start() :])
                terms = _distinctive_terms(core)
                if len(terms) >= 2:
                    points.append(KeyPoint("action", part, core, terms=terms))
    return points


_CLAUSE_SPLIT = re.compile(r";|,?\s+and then\s+|,\s+then\s+|,?\s+and (?=I\b)|,\s+(?=I\b)")
# Where the action itself ends and its explanation begins ("..., because ...").
_CORE_END = re.compile(r",\s|\s(?:because|so that|so|which|while|rather than|after|since|until)\s")


def _action_core(clause: str) -> str:
    for m in _CORE_END.finditer(clause):
        if len(clause[: m.start()].split()) >= 5:
            return clause[: m.start()].strip(" ,.;:")
    return clause.strip(" ,.;:")


def _distinctive_terms(clause: str) -> tuple[str, ...]:
    # Longer words carry the content of an action ("conformance", "burn-down"); keep the first
    # few in their order so the shown terms read like the clause.
    terms = [t for t in content_terms(normalize(clause)) if not t[:1].isdigit()]
    return tuple(terms[:_MAX_ACTION_TERMS])


_SPLIT_DECIMAL = re.compile(r"(\d)\s+\.(\d)")


def coverage(points: Iterable[KeyPoint], spoken: str) -> Coverage:
    """Which key points the spoken answer contains: numbers by value, actions by their terms."""
    said: list[KeyPoint] = []
    missed: list[KeyPoint] = []
    # ASR word tokens can split a decimal ("0 .3 %"); rejoin before reading values
    numbers = spoken_numbers(_SPLIT_DECIMAL.sub(r"\1.\2", spoken))
    spoken_terms = set(content_terms(normalize(spoken)))
    for kp in points:
        hit = _number_said(kp, numbers) if kp.kind == "number" else _action_said(kp, spoken_terms)
        (said if hit else missed).append(kp)
    return Coverage(tuple(said), tuple(missed))


def _number_said(kp: KeyPoint, numbers: Sequence[_Num]) -> bool:
    assert kp.value is not None
    for n in numbers:
        if kp.unit and n.unit and kp.unit != n.unit:
            continue
        if abs(n.value - kp.value) <= NUMBER_TOLERANCE * max(1.0, abs(kp.value)):
            return True
    return False


def _action_said(kp: KeyPoint, spoken_terms: set[str]) -> bool:
    hits = sum(1 for t in kp.terms if t in spoken_terms)
    return hits >= 2 and hits >= ACTION_MATCH_SHARE * len(kp.terms)



_PART_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?\s*(situation|task|actions?|results?|reflections?|learnings?"
    r"|lessons?(?: learned)?)\s*(?:\*\*)?\s*[:\-\u2013\u2014]?\s*(?:\*\*)?\s*(?=\S|$)",
    re.IGNORECASE,
)


_HEADING_PART = {"situ": Part.SITUATION, "task": Part.TASK, "acti": Part.ACTION,
                 "resu": Part.RESULT, "refl": Part.REFLECTION, "lear": Part.REFLECTION,
                 "less": Part.REFLECTION}  # fmt: skip


def parse_story_text(text: str) -> StoryParts:
    """A story typed as one text with part headings ("Situation: ...", "## Action", "**TASK:**").

    Text before the first heading, or with no headings at all, is the situation; a heading
    must start its line.
    """
    current = Part.SITUATION
    parts: dict[Part, list[str]] = {p: [] for p in PARTS}
    for line in text.splitlines():
        m = _PART_HEADING.match(line)
        if m and (line[m.end() :].strip() == "" or re.search(r"[:\-\u2013\u2014]", m.group(0))):
            current = _HEADING_PART[m.group(1).lower()[:4]]
            line = line[m.end() :]
        if line.strip():
            parts[current].append(line.strip().strip("*").strip())
    return StoryParts.from_mapping({p.value: " ".join(v) for p, v in parts.items()})
