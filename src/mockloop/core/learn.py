"""Learn mode: a walkthrough pattern as an ordered list of steps, plus the "Hear it" pace.

The CLI and the desktop tab render the same :class:`LearnStep` values, so both show the same
text with the same phrases marked. Marks are character ranges into a section's text: the key
phrases of a strong example, or the flagged phrases of the weak answer with why they hurt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mockloop.core.content import Bank, Pattern, PatternPart
from mockloop.core.model import Level, Part
from mockloop.core.text import tokens_from_text

#: espeak sounds natural between these rates; outside them "Hear it" keeps the nearest end.
HEAR_IT_WPM = (100, 220)
#: A token with digits ("0.5%", "$1.8", "2026") is read as several words; counting it twice kept
#: espeak-ng's real duration within -14%..+9% of the estimate over all bundled examples, against
#: -14%..+18% counting it once.
_NUMBER_WEIGHT = 2.0
_DIGIT = re.compile(r"\d")

STEP_KINDS = ("overview", "part", "probe", "weak", "levels", "emphasis")


@dataclass(frozen=True, slots=True)
class Mark:
    """``text[start:end]`` of a section is a key phrase (``key``) or a flagged phrase (``flag``,
    with ``note`` saying why it hurts)."""

    start: int
    end: int
    kind: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    text: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class LearnStep:
    kind: str  # one of STEP_KINDS
    title: str
    sections: tuple[Section, ...]
    part: Part | None = None
    target_s: float | None = None
    #: What "Hear it" reads aloud (the strong example of a part step), else "".
    example: str = ""


@dataclass(frozen=True, slots=True)
class HearIt:
    rate_wpm: int
    clamped: bool
    estimated_s: float
    target_s: float


def spoken_words(text: str) -> float:
    """Words as spoken: numbers count double (see _NUMBER_WEIGHT)."""
    return sum(_NUMBER_WEIGHT if _DIGIT.search(t.raw) else 1.0 for t in tokens_from_text(text))


def hear_it_rate(example: str, target_s: float) -> HearIt:
    """The rate at which ``example`` lasts ``target_s`` seconds, kept inside HEAR_IT_WPM."""
    words = spoken_words(example)
    lo, hi = HEAR_IT_WPM
    exact = words / target_s * 60.0 if target_s > 0 and words > 0 else float(lo)
    rate = round(min(hi, max(lo, exact)))
    clamped = not lo <= exact <= hi
    return HearIt(
        rate_wpm=rate, clamped=clamped, estimated_s=words / rate * 60.0, target_s=target_s
    )


def find_marks(
    text: str, phrases: Sequence[str], kind: str, notes: Sequence[str] = ()
) -> tuple[Mark, ...]:
    """Every whole-word, case-insensitive occurrence of each phrase, without overlaps (a longer
    phrase wins over one it contains)."""
    found: list[Mark] = []
    for i, phrase in enumerate(phrases):
        if not phrase.strip():
            continue
        pat = re.escape(phrase.strip())
        if phrase.strip()[0].isalnum():
            pat = r"(?<!\w)" + pat
        if phrase.strip()[-1].isalnum():
            pat += r"(?!\w)"
        note = notes[i] if i < len(notes) else ""
        found.extend(
            Mark(m.start(), m.end(), kind, note) for m in re.finditer(pat, text, re.IGNORECASE)
        )
    out: list[Mark] = []
    for m in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return tuple(out)


def _part_step(pp: PatternPart, reflections: Mapping[str, str]) -> LearnStep:
    sections = [
        Section("Strong example", pp.example, find_marks(pp.example, pp.key_phrases, "key")),
        Section("Coaching", pp.coaching),
        Section("Common mistake", pp.common_mistake),
    ]
    if pp.part is Part.REFLECTION and reflections.get("sde2"):
        sections.insert(1, Section("SDE2 version", reflections["sde2"]))
    return LearnStep(
        kind="part",
        title=f"{pp.part.label} - target {pp.target_s:.0f} s",
        sections=tuple(sections),
        part=pp.part,
        target_s=pp.target_s,
        example=pp.example,
    )


def learn_steps(pattern: Pattern, bank: Bank | None = None) -> list[LearnStep]:
    """Overview, the five STAR parts, each probe, the weak answer, level variants, emphasis."""
    names = {p.id: p.name for p in bank.principles} if bank is not None else {}

    def name(pid: str) -> str:
        return names.get(pid, pid)

    steps = [
        LearnStep(
            "overview",
            f"{pattern.title} ({name(pattern.principle)})",
            (
                Section("Question", pattern.question.text),
                Section("The story", pattern.scenario),
                Section("Why it works", pattern.summary),
            ),
        )
    ]
    steps += [_part_step(pp, pattern.reflections) for pp in pattern.parts]
    probes = pattern.question.probes
    for i, p in enumerate(probes, 1):
        sections = [
            Section(f"Probe ({p.kind.replace('_', ' ')})", p.text),
            Section("What it tests", p.intent),
            Section("Weak answer", p.weak),
            Section("Why it is weak", p.weak_why),
            Section("Strong answer", p.strong),
            Section("Why it is strong", p.strong_why),
        ]
        if p.takeaway:
            sections.append(Section("Takeaway", p.takeaway))
        steps.append(LearnStep("probe", f"Probe {i} of {len(probes)}", tuple(sections)))
    weak = pattern.weak_answer
    steps.append(
        LearnStep(
            "weak",
            "A weak answer, as the bar raiser hears it",
            (
                Section(
                    "Weak answer",
                    weak.text,
                    find_marks(
                        weak.text,
                        [f.phrase for f in weak.flagged],
                        "flag",
                        [f.why for f in weak.flagged],
                    ),
                ),
                Section("Bar raiser's verdict", weak.verdict),
            ),
        )
    )
    level_sections: list[Section] = []
    for level in Level:
        lv = pattern.levels.get(level)
        if lv is None:
            continue
        head = f"{level.value.upper() if level is not Level.SENIOR else 'Senior'} (budget {lv.budget_s:.0f} s)"
        level_sections += [
            Section(head, lv.focus),
            Section("Reflection", lv.reflection),
            Section("The bar", lv.bar),
        ]
    steps.append(LearnStep("levels", "Level variants", tuple(level_sections)))
    emph: list[Section] = []
    for e in pattern.emphasis:
        emph += [
            Section(f"Told for {name(e.principle)}", e.angle),
            Section("Emphasize", e.emphasize),
            Section("Downplay", e.downplay),
        ]
    steps.append(LearnStep("emphasis", "The same story for other principles", tuple(emph)))
    return steps


def step_for_part(steps: Sequence[LearnStep], part: Part) -> int:
    """Index of the step teaching ``part``."""
    for i, s in enumerate(steps):
        if s.part is part:
            return i
    raise KeyError(part)
