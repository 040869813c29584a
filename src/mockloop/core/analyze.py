"""The shared STAR analyzer: transcript in, :class:`Report` out. Pure: no I/O, no clocks.

One pipeline serves typed text, live ASR words and refined ASR words, main answers and probe
answers: tokens -> sentences -> STAR parts -> signals -> flags -> scores -> verdict.
Each rule is a small named function over the tables in :mod:`mockloop.core.rules`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mockloop.core import rules
from mockloop.core.content import Bank, ContentError, Probe, Question, load_bank
from mockloop.core.model import (
    BASE_TARGETS_S,
    DEFAULT_BUDGET_S,
    PARTS,
    Delivery,
    Flag,
    InputInfo,
    LabelledWord,
    Level,
    NumberMention,
    Part,
    PartReport,
    ProbeRef,
    QuestionRef,
    Report,
    Scores,
    Severity,
    Signals,
    Transcript,
    Verdict,
)
from mockloop.core.segment import labels_from_marks, labels_from_offsets, segment
from mockloop.core.text import (
    Token,
    normalize,
    split_sentences,
    tokens_from_text,
    tokens_from_words,
)
from mockloop.core.timing import (
    PACE_BAND_WPM,
    long_pauses,
    overall_wpm,
    part_reports,
    total_duration,
)

ANALYZER_VERSION = f"{rules.LOGIC_REVISION}.{rules.rules_digest()}"

#: A probe answer longer than this (seconds, spoken or estimated) is flagged as long.
PROBE_TARGET_S = 45.0
_OVER_TIME_RATIO = 1.15

_I_RE = re.compile(r"\b(?:i|i'm|i've|i'd|i'll)\b")
_WE_RE = re.compile(r"\b(?:we|we're|we've|we'd|we'll)\b")
_SENT_RE = re.compile(r"[^.!?]+[.!?]*")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "why",
        "not",
        "no",
        "do",
        "did",
        "does",
        "done",
        "have",
        "has",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "just",
        "very",
        "really",
        "also",
        "then",
        "than",
        "there",
        "here",
        "about",
        "into",
        "over",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "other",
        "only",
        "own",
        "same",
        "too",
        "out",
        "up",
        "down",
        "off",
        "again",
        "further",
        "once",
        "while",
        "because",
        "until",
        "after",
        "before",
        "during",
        "through",
        "between",
        "both",
        "few",
        "such",
        "nor",
        "now",
        "get",
        "got",
        "make",
        "made",
        "take",
        "took",
        "like",
        "well",
        "much",
        "many",
        "even",
        "still",
        "back",
        "way",
        "thing",
        "things",
        "lot",
        "learned",
        "learnt",
        "taught",
        "realized",
        "time",
    ]
)


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What the rules see: the whole answer and each part's normalised text."""

    full: str
    parts: Mapping[Part, str]
    raw_parts: Mapping[Part, str]
    initiative: str

    def part(self, part: Part) -> str:
        return self.parts.get(part, "")

    def after_situation(self) -> str:
        return " ".join(self.parts.get(p, "") for p in PARTS if p is not Part.SITUATION)


# --------------------------------------------------------------------------- entry point


def analyze(
    transcript: Transcript,
    *,
    question: Question | None = None,
    probe: Probe | None = None,
    level: Level = Level.SDE2,
    bank: Bank | None = None,
    part_starts: Mapping[Part, float] | None = None,
    input_path: str | None = None,
    in_progress: bool = False,
    principle: str | None = None,
    part_offsets: Mapping[Part, int] | None = None,
) -> Report:
    """Analyze one answer (or, with ``probe``, one probe answer) and return its report.

    ``in_progress`` is for the live view while the candidate is still speaking: parts are placed
    against the level's time budget rather than against the words so far.
    ``principle`` stands in for the question's principle when there is no question (a written
    story). ``part_offsets`` (part -> character offset where it starts) fixes the parts of typed
    text, as ``part_starts`` does for timed words.
    """
    if probe is not None and question is None and bank is not None:
        try:
            question = bank.question(probe.question_id)
        except KeyError:
            question = None
    if transcript.words:
        tokens, text = tokens_from_words(transcript.words)
    else:
        text = transcript.text
        tokens = tokens_from_text(text)
    kind = "audio" if transcript.words or transcript.source in ("live", "refined") else "text"
    info = InputInfo(path=input_path, kind=kind, duration_s=transcript.duration_s)
    qref = None if question is None else QuestionRef(question.id, question.principle)

    if probe is not None:
        return _analyze_probe(transcript, tokens, text, probe, qref, level, info)

    initiative = _initiative(question, bank, principle)

    budget, targets = _targets(question, level, bank)
    sentences = split_sentences(tokens, text)
    if part_starts and tokens and tokens[0].start_s is not None:
        token_parts = tuple(labels_from_marks(tokens, part_starts))
    elif part_offsets and tokens:
        token_parts = tuple(labels_from_offsets(tokens, part_offsets))
    else:
        expected = _expected_tokens(tokens, budget) if in_progress else None
        token_parts = segment(tokens, sentences, expected_tokens=expected).token_parts
    parts = part_reports(tokens, token_parts, text, targets)
    ctx = _context(parts, text, initiative)

    numbers = find_numbers(parts)
    signals = Signals(
        i_count=count_i(ctx.part(Part.ACTION)),
        we_count=count_we(ctx.part(Part.ACTION)),
        self_initiated=_any("self_initiated", ctx.full),
        scope_boundary=_any("scope_boundary", ctx.full),
        metric_delta=_any("metric_delta", _result_zone(ctx)),
        business_impact=_any("business_impact", _result_zone(ctx)),
        second_order=_any("second_order", _result_zone(ctx)),
        specific_reflection=reflection_is_specific(ctx),
        numbers=tuple(numbers),
    )
    delivery = _delivery(transcript, tokens, text)

    flags: list[Flag] = []
    flags += flag_manager_assigned(ctx)
    flags += flag_we_language(ctx, signals)
    flags += flag_handoff_in_story(ctx)
    flags += flag_no_scope_boundary(ctx, signals, flags)
    flags += flag_metrics(ctx, signals, numbers)
    flags += flag_reflection(ctx, signals)
    flags += flag_parts_and_time(parts, budget, transcript)
    flags += flag_delivery(delivery, len(tokens))

    scores = Scores(
        ownership=score_ownership(flags, signals, parts),
        metrics=score_metrics(signals, numbers),
        reflection=score_reflection(ctx, signals),
        pacing=score_pacing(flags),
    )
    return Report(
        analyzer_version=ANALYZER_VERSION,
        input=info,
        question=qref,
        transcript=text,
        parts=tuple(parts),
        words=_labelled_words(tokens, token_parts),
        signals=signals,
        delivery=delivery,
        flags=tuple(flags),
        scores=scores,
        verdict=verdict_for(scores, flags),
        level=level,
        transcript_source=transcript.source,
        budget_s=budget,
    )


# --------------------------------------------------------------------------- helpers


def _expected_tokens(tokens: Sequence[Token], budget_s: float) -> int | None:
    """How many words the whole answer will have at the pace so far, if it fills its budget."""
    if not tokens or tokens[0].start_s is None or tokens[-1].end_s is None:
        return None
    elapsed = max(1.0, tokens[-1].end_s - tokens[0].start_s)
    return round(len(tokens) * max(1.0, budget_s / elapsed))


def _initiative(question: Question | None, bank: Bank | None, principle: str | None) -> str:
    """How much the question's principle depends on self-started work (unknown -> required)."""
    pid = question.principle if question is not None else principle
    if pid is None:
        return "required"
    try:
        return (bank or load_bank()).principle(pid).initiative
    except (KeyError, ContentError):  # no such principle, or no bank: the strict reading
        return "required"


def _targets(
    question: Question | None, level: Level, bank: Bank | None
) -> tuple[float, dict[Part, float]]:
    if question is not None:
        b = bank or load_bank()
        try:
            return b.budget_s(question, level), b.targets_s(question, level)
        except KeyError:
            pass
    budget = DEFAULT_BUDGET_S[level]
    scale = budget / sum(BASE_TARGETS_S.values())
    return budget, {p: BASE_TARGETS_S[p] * scale for p in PARTS}


def _context(parts: Sequence[PartReport], text: str, initiative: str) -> _Ctx:
    raw = {p.part: p.text for p in parts}
    return _Ctx(
        full=normalize(text),
        parts={k: normalize(v) for k, v in raw.items()},
        raw_parts=raw,
        initiative=initiative,
    )


def _any(name: str, text: str) -> bool:
    return any(rx.search(text) for rx in rules.compiled(name))


def _first_match(name: str, text: str) -> re.Match[str] | None:
    found = [m for rx in rules.compiled(name) if (m := rx.search(text))]
    return min(found, key=lambda m: m.start()) if found else None


def _result_zone(ctx: _Ctx) -> str:
    """Where impact statements count: the result, else everything after the situation."""
    return ctx.part(Part.RESULT) or ctx.after_situation()


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` containing [start, end), for quoting evidence."""
    for m in _SENT_RE.finditer(text):
        if m.start() <= start < m.end() or m.start() < end <= m.end():
            return m.group().strip()
    return text[start:end]


def _quote(raw: str, norm_text: str, m: re.Match[str]) -> str:
    """Quote the original-case sentence around a match found in normalised text."""
    sent = _sentence_around(norm_text, m.start(), m.end())
    lowered = normalize(raw)
    idx = lowered.find(sent)
    if idx >= 0 and len(lowered) == len(" ".join(raw.split())):
        return " ".join(raw.split())[idx : idx + len(sent)]
    return sent


def _sentences(text: str) -> list[str]:
    return [m.group().strip() for m in _SENT_RE.finditer(text) if m.group().strip()]


def count_i(text: str) -> int:
    return len(_I_RE.findall(text))


def count_we(text: str) -> int:
    return len(_WE_RE.findall(text))


_WORD_RE = re.compile(r"[a-z][a-z0-9'-]+|\d[\d.,%]*")


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text) if (len(w) > 3 and w not in _STOP) or w[:1].isdigit()}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# Words too common in stories to tell one action from another.
_WEAK_TERMS = frozenset(
    ["against", "plus", "first", "last", "same", "still", "only", "within", "before", "after", "over", "into", "onto", "across", "every", "each", "some", "many", "more", "most", "other", "another", "such", "even", "much", "well", "back", "made", "make", "sure", "like", "able", "around", "through", "without"]
)


def content_terms(norm_text: str) -> list[str]:
    """Stemmed content words of normalized text, each once, in first-seen order (stories match
    speech on these)."""
    words = (w.removesuffix("'s") for w in _WORD_RE.findall(norm_text))
    keep = (
        w
        for w in words
        if (len(w) > 3 and w not in _STOP and w not in _WEAK_TERMS) or w[:1].isdigit()
    )
    return list(dict.fromkeys(_stem(w) for w in keep))


# --------------------------------------------------------------------------- numbers


_UNIT_LOOKUP: list[tuple[str, str]] = sorted(
    ((alias, unit) for unit, aliases in rules.UNITS.items() for alias in aliases),
    key=lambda kv: -len(kv[0]),
)
_NUM_TOKEN = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<suf>\s?(?:%|k\b|m\b|bn\b|b\b|x\b|ms\b))?",
    re.IGNORECASE,
)
_WORD_NUM = re.compile(
    r"\b(?P<w>" + "|".join(sorted(rules.WORD_NUMBERS, key=len, reverse=True)) + r")\b"
)


def find_numbers(parts: Sequence[PartReport]) -> list[NumberMention]:
    """Numbers with their units, in order, each tagged with its part."""
    out: list[NumberMention] = []
    for p in parts:
        text = normalize(p.text)
        spans: list[tuple[int, int]] = []
        for m in _NUM_TOKEN.finditer(text):
            raw = m.group().strip()
            try:
                value = float(m.group("num").replace(",", ""))
            except ValueError:
                continue
            # "$8K per week" is money (per week), so a currency sign wins over what follows.
            unit = "$" if m.group("cur") else _unit_after(m, text)
            suffix = (m.group("suf") or "").strip().lower()
            if suffix in ("k", "m", "bn", "b"):
                value *= {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9}[suffix]
            out.append(NumberMention(raw, value, unit, p.part))
            spans.append((m.start(), m.end()))
        for m in _WORD_NUM.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            unit = _unit_after(m, text)
            word = m.group("w")
            # "one"/"half" etc. are everyday words; count them only with a unit or after
            # from/to/by, where they are clearly quantities.
            before = text[max(0, m.start() - 6) : m.start()]
            if unit is None and not re.search(r"\b(?:to|from|by)\s$", before):
                continue
            out.append(NumberMention(word, float(rules.WORD_NUMBERS[word]), unit, p.part))
    return out


def _unit_after(m: re.Match[str], text: str) -> str | None:
    suffix = m.groupdict().get("suf")
    if suffix and suffix.strip() == "%":
        return "%"
    if suffix and suffix.strip().lower() == "x":
        return "x"
    if suffix and suffix.strip().lower() == "ms":
        return "ms"
    rest = text[m.end() : m.end() + 24].lstrip()
    rest = re.sub(r"^(?:more|fewer|less|extra|additional|other|new|per)\s+", "", rest)
    for alias, unit in _UNIT_LOOKUP:
        if rest.startswith(alias) and (len(rest) == len(alias) or not rest[len(alias)].isalnum()):
            return unit
    return None


# --------------------------------------------------------------------------- flags


def _flag(code: str, severity: Severity, part: Part | None, quote: str) -> Flag:
    return Flag(code, severity, part, quote.strip(), rules.ADVICE[code])


def flag_manager_assigned(ctx: _Ctx) -> list[Flag]:
    """An assigned start. Fatal where the principle is about initiative, noted where it helps."""
    if ctx.initiative == "neutral":
        return []
    for part in (Part.SITUATION, Part.TASK, Part.ACTION):
        text = ctx.part(part)
        m = _first_match("manager_assigned", text)
        if m:
            severity = Severity.DISQUALIFIER if ctx.initiative == "required" else Severity.WARNING
            return [_flag("manager_assigned", severity, part, _quote(ctx.raw_parts[part], text, m))]
    return []


def flag_we_language(ctx: _Ctx, signals: Signals) -> list[Flag]:
    """Group voice in the action: a 'we' phrase that hides the candidate, or 'we' outnumbering 'I'."""
    # A group-voice phrase hides the candidate wherever decisions and work are described.
    for part in (Part.ACTION, Part.TASK, Part.RESULT):
        text = ctx.part(part)
        m = _first_match("we_language", text)
        if m:
            quote = _quote(ctx.raw_parts[part], text, m)
            return [_flag("we_language", Severity.DISQUALIFIER, part, quote)]
    action = ctx.part(Part.ACTION)
    if not action:
        return []
    if signals.we_count >= 3 and signals.we_count > signals.i_count:
        sent = next(
            (s for s in _sentences(ctx.raw_parts[Part.ACTION]) if count_we(normalize(s))), ""
        )
        return [_flag("we_language", Severity.DISQUALIFIER, Part.ACTION, sent)]
    return []


def flag_handoff(raw_text: str, part: Part | None) -> list[Flag]:
    """Routing instead of owning: 'I sent them a message and they handled it'."""
    sents = _sentences(raw_text)
    norm = [normalize(s) for s in sents]
    for i, s in enumerate(norm):
        if _any("handoff_explicit", s):
            return [_flag("handoff", Severity.DISQUALIFIER, part, sents[i])]
        if not _any("handoff_route", s) or _any("own_work", s):
            continue
        window = [s, *norm[i + 1 : i + 2]]
        others = [w for w in window if _any("handoff_others_fixed", w)]
        if others and not any(_any("own_work", w) for w in window[1:]):
            quote = " ".join(sents[i : i + len(window)]) if others[0] is not s else sents[i]
            return [_flag("handoff", Severity.DISQUALIFIER, part, quote)]
    return []


def flag_handoff_in_story(ctx: _Ctx) -> list[Flag]:
    """Hand-off anywhere after the situation: routing often spans the action and the result."""
    story_parts = [p for p in PARTS if p is not Part.SITUATION and p in ctx.raw_parts]
    story = " ".join(ctx.raw_parts[p] for p in story_parts)
    found = flag_handoff(story, Part.ACTION)
    if not found:
        return []
    first_sentence = normalize((_sentences(found[0].quote) or [found[0].quote])[0])
    part = next((p for p in story_parts if first_sentence in ctx.part(p)), Part.ACTION)
    f = found[0]
    return [Flag(f.code, f.severity, part, f.quote, f.advice)]


def flag_no_scope_boundary(ctx: _Ctx, signals: Signals, flags: Sequence[Flag]) -> list[Flag]:
    """Where initiative matters, the answer should say the work was not the candidate's to do."""
    if ctx.initiative != "required" or signals.scope_boundary:
        return []
    if any(f.code == "manager_assigned" for f in flags):
        return []  # already told: an assigned start has no boundary to state
    quote = _sentences(ctx.raw_parts.get(Part.TASK, ""))[:1] or [""]
    return [_flag("no_scope_boundary", Severity.WARNING, Part.TASK, quote[0])]


def flag_metrics(ctx: _Ctx, signals: Signals, numbers: Sequence[NumberMention]) -> list[Flag]:
    zone_parts = (Part.RESULT,) if ctx.part(Part.RESULT) else (Part.ACTION, Part.REFLECTION)
    quantified = [n for n in numbers if n.part in zone_parts]
    raw_zone = " ".join(ctx.raw_parts.get(p, "") for p in zone_parts).strip()
    zone = normalize(raw_zone)
    if not quantified and not signals.metric_delta:
        m = _first_match("activity_only_result", zone)
        quote = _quote(raw_zone, zone, m) if m else (_sentences(raw_zone)[:1] or [""])[0]
        return [_flag("no_metrics", Severity.WARNING, Part.RESULT, quote)]
    out: list[Flag] = []
    if not signals.metric_delta:
        out.append(
            _flag("no_delta", Severity.WARNING, Part.RESULT, (_sentences(raw_zone) or [""])[0])
        )
    if not signals.business_impact:
        out.append(
            _flag(
                "no_business_impact",
                Severity.WARNING,
                Part.RESULT,
                (_sentences(raw_zone) or [""])[0],
            )
        )
    return out


def reflection_is_specific(ctx: _Ctx) -> bool:
    """Specific = tied to this story (shares its content words) and not only a platitude."""
    refl = ctx.part(Part.REFLECTION)
    if not refl:
        return False
    story = " ".join(ctx.part(p) for p in PARTS if p is not Part.REFLECTION)
    shared = {_stem(w) for w in _content_words(refl)} & {_stem(w) for w in _content_words(story)}
    platitude = _any("platitude", refl)
    if platitude:
        return len(shared) >= 4
    return len(shared) >= 2 or (len(shared) >= 1 and _any("insight_depth", refl))


def flag_reflection(ctx: _Ctx, signals: Signals) -> list[Flag]:
    raw = ctx.raw_parts.get(Part.REFLECTION, "")
    if not raw:
        return [_flag("no_reflection", Severity.WARNING, Part.REFLECTION, "")]
    if not signals.specific_reflection:
        refl = ctx.part(Part.REFLECTION)
        m = _first_match("platitude", refl)
        quote = _quote(raw, refl, m) if m else (_sentences(raw)[:1] or [raw])[0]
        return [_flag("generic_reflection", Severity.WARNING, Part.REFLECTION, quote)]
    return []


def flag_parts_and_time(
    parts: Sequence[PartReport], budget_s: float, transcript: Transcript
) -> list[Flag]:
    out: list[Flag] = []
    present = {p.part for p in parts}
    for part in PARTS:
        if part not in present and part is not Part.REFLECTION:
            out.append(_flag("part_missing", Severity.WARNING, part, ""))
    for p in parts:
        if p.status == "long":
            out.append(_flag("part_long", Severity.WARNING, p.part, _lead(p.text)))
        elif p.status == "short" and p.part is not Part.REFLECTION:
            out.append(_flag("part_short", Severity.WARNING, p.part, _lead(p.text)))
    total = total_duration(parts, transcript)
    if total > budget_s * _OVER_TIME_RATIO:
        out.append(
            _flag(
                "over_time",
                Severity.WARNING,
                None,
                f"{total:.0f} s against a {budget_s:.0f} s budget",
            )
        )
    return out


def _lead(text: str, n: int = 14) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def _delivery(transcript: Transcript, tokens: Sequence[Token], text: str) -> Delivery:
    norm = normalize(text)
    filler_hits = [m.group() for rx in rules.compiled("filler") for m in rx.finditer(norm)]
    hedge_hits = [m.group() for rx in rules.compiled("hedge") for m in rx.finditer(norm)]
    return Delivery(
        wpm=overall_wpm(tokens),
        fillers=len(filler_hits),
        hedges=len(hedge_hits),
        long_pauses=long_pauses(transcript, tokens),
        repeated_phrases=tuple(repeated_phrases(norm)),
        filler_words=tuple(sorted(set(filler_hits))),
    )


def repeated_phrases(norm_text: str, *, n: int = 3, min_count: int = 3, top: int = 5) -> list[str]:
    """Word n-grams said at least ``min_count`` times that carry at least one content word."""
    words = re.findall(r"[a-z0-9$%'-]+", norm_text)
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    out: list[str] = []
    for gram, count in grams.most_common():
        if count < min_count:
            break
        if all(w in _STOP for w in gram):
            continue
        phrase = " ".join(gram)
        if not any(phrase in o or o in phrase for o in out):
            out.append(phrase)
        if len(out) >= top:
            break
    return out


def flag_delivery(delivery: Delivery, n_words: int) -> list[Flag]:
    out: list[Flag] = []
    if n_words and delivery.fillers / n_words > 0.03 and delivery.fillers >= 3:
        out.append(_flag("filler_heavy", Severity.WARNING, None, ", ".join(delivery.filler_words)))
    if delivery.hedges >= 3:
        out.append(_flag("hedging", Severity.WARNING, None, f"{delivery.hedges} hedges"))
    if delivery.repeated_phrases:
        out.append(_flag("repetition", Severity.WARNING, None, delivery.repeated_phrases[0]))
    if delivery.wpm is not None:
        lo, hi = PACE_BAND_WPM
        if delivery.wpm > hi:
            out.append(_flag("pace_fast", Severity.WARNING, None, f"{delivery.wpm:.0f} words/min"))
        elif delivery.wpm < lo:
            out.append(_flag("pace_slow", Severity.WARNING, None, f"{delivery.wpm:.0f} words/min"))
    if delivery.long_pauses is not None and delivery.long_pauses >= 3:
        out.append(
            _flag("long_pauses", Severity.WARNING, None, f"{delivery.long_pauses} pauses over 2 s")
        )
    return out


# --------------------------------------------------------------------------- scores


def _codes(flags: Iterable[Flag]) -> dict[str, Flag]:
    return {f.code: f for f in flags}


def score_ownership(flags: Sequence[Flag], signals: Signals, parts: Sequence[PartReport]) -> int:
    codes = _codes(flags)
    score = 4
    if "manager_assigned" in codes:
        score -= 3 if codes["manager_assigned"].severity is Severity.DISQUALIFIER else 1
    if "we_language" in codes:
        score -= 2
    if "handoff" in codes:
        score -= 3
    if "no_scope_boundary" in codes:
        score -= 1
    if (
        signals.i_count + signals.we_count
        and signals.i_count / (signals.i_count + signals.we_count) < 0.6
    ):
        score -= 1
    if not any(p.part is Part.ACTION for p in parts):
        score -= 2
    return max(0, min(4, score))


def score_metrics(signals: Signals, numbers: Sequence[NumberMention]) -> int:
    quantified = any(n.part in (Part.RESULT, Part.ACTION, Part.REFLECTION) for n in numbers)
    return sum((quantified, signals.metric_delta, signals.business_impact, signals.second_order))


def score_reflection(ctx: _Ctx, signals: Signals) -> int:
    refl = ctx.part(Part.REFLECTION)
    if not refl:
        return 0
    if not signals.specific_reflection:
        return 1
    score = 3
    if _any("insight_depth", refl) and len(refl.split()) >= 15:
        score = 4
    return score


def score_pacing(flags: Sequence[Flag]) -> int:
    """Time against targets and spoken delivery: each timing miss costs 1, each delivery habit 1."""
    timing_codes = (
        "part_missing",
        "part_long",
        "part_short",
        "over_time",
        "pace_fast",
        "pace_slow",
    )
    delivery_codes = ("filler_heavy", "hedging", "long_pauses")
    misses = sum(1 for f in flags if f.code in timing_codes)
    habits = sum(1 for f in flags if f.code in delivery_codes)
    return max(0, 4 - misses - habits)


def verdict_for(scores: Scores, flags: Sequence[Flag]) -> Verdict:
    if any(f.severity is Severity.DISQUALIFIER for f in flags):
        return Verdict.WEAK
    if scores.intent is not None:
        if scores.intent >= 3:
            return Verdict.STRONG
        return Verdict.WEAK if scores.intent <= 1 else Verdict.MIXED
    total = scores.total()
    if total <= 6 or (scores.metrics == 0 and scores.ownership <= 2):
        return Verdict.WEAK
    if (
        scores.ownership >= 3
        and scores.metrics >= 3
        and scores.reflection >= 3
        and scores.pacing >= 2
        and total >= 12
    ):
        return Verdict.STRONG
    return Verdict.MIXED


def _labelled_words(
    tokens: Sequence[Token], token_parts: Sequence[Part | None]
) -> tuple[LabelledWord, ...]:
    if not tokens or tokens[0].start_s is None:
        return ()
    return tuple(
        LabelledWord(t.raw, t.start_s or 0.0, t.end_s or t.start_s or 0.0, part)
        for t, part in zip(tokens, token_parts, strict=True)
    )


# --------------------------------------------------------------------------- probes


def _analyze_probe(
    transcript: Transcript,
    tokens: Sequence[Token],
    text: str,
    probe: Probe,
    qref: QuestionRef | None,
    level: Level,
    info: InputInfo,
) -> Report:
    """Score a probe answer against the probe's intent (its kind), in the same flag format."""
    norm = normalize(text)
    whole = PartReport(Part.ACTION, text, None, None, 0.0, PROBE_TARGET_S, "ok")
    numbers = [NumberMention(n.text, n.value, n.unit, None) for n in find_numbers([whole])]
    shared = _content_words(normalize(probe.text + " " + probe.intent))
    specific = bool(numbers) or len(_content_words(norm) - shared - _STOP) >= 8
    signals = Signals(
        i_count=count_i(norm),
        we_count=count_we(norm),
        self_initiated=_any("self_initiated", norm),
        scope_boundary=_any("scope_boundary", norm),
        metric_delta=_any("metric_delta", norm),
        business_impact=_any("business_impact", norm),
        second_order=_any("second_order", norm),
        specific_reflection=specific and not _any("platitude", norm),
        numbers=tuple(numbers),
    )
    delivery = _delivery(transcript, tokens, text)
    flags: list[Flag] = []
    flags += flag_handoff(text, None)
    m = _first_match("we_language", norm)
    if m and probe.kind in ("influence", "depth", "mechanism", "stakeholder"):
        flags.append(_flag("we_language", Severity.DISQUALIFIER, None, _quote(text, norm, m)))
    intent, intent_flags = _probe_intent(probe.kind, text, norm, signals, flags)
    flags += intent_flags

    if transcript.timed and tokens:
        duration = (tokens[-1].end_s or 0.0) - (tokens[0].start_s or 0.0)
    else:
        duration = len(tokens) / 150.0 * 60.0
    if duration > PROBE_TARGET_S * 2:
        flags.append(
            _flag("over_time", Severity.WARNING, None, f"{duration:.0f} s for a follow-up")
        )
    flags += flag_delivery(delivery, len(tokens))

    scores = Scores(
        ownership=max(0, 4 - 3 * any(f.code == "handoff" for f in flags)
                      - 2 * any(f.code == "we_language" for f in flags)),
        metrics=score_metrics(signals, [NumberMention(n.text, n.value, n.unit, Part.RESULT)
                                        for n in numbers]),
        reflection=(4 if signals.specific_reflection else 1) if probe.kind in (
            "learning", "do_differently") else (3 if specific else 1),
        pacing=score_pacing(flags),
        intent=intent,
    )  # fmt: skip
    return Report(
        analyzer_version=ANALYZER_VERSION,
        input=info,
        question=qref,
        transcript=text,
        parts=(),
        words=_labelled_words(tokens, [None] * len(tokens)),
        signals=signals,
        delivery=delivery,
        flags=tuple(flags),
        scores=scores,
        verdict=verdict_for(scores, flags),
        level=level,
        probe=ProbeRef(probe.id, probe.kind, probe.question_id),
        transcript_source=transcript.source,
        budget_s=PROBE_TARGET_S,
    )


#: The flag a probe answer gets when it misses its probe's intent.
_PROBE_MISS = {
    "influence": "no_ownership_action",
    "tradeoff": "no_tradeoff",
    "do_differently": "generic_change",
    "metrics": "no_metrics",
    "depth": "vague_detail",
    "mechanism": "no_mechanism",
    "learning": "generic_reflection",
    "stakeholder": "no_evidence",
}


def _probe_intent(
    kind: str, raw: str, norm: str, signals: Signals, flags: Sequence[Flag]
) -> tuple[int, list[Flag]]:
    """0-4 for how well the answer meets the probe's intent, and the flag when it misses."""
    lead = (_sentences(raw) or [raw])[0]
    i_actions = len(
        re.findall(
            r"\bi (?:\w+ed|built|wrote|brought|ran|made|took|set|led|sat|met"
            r"|showed|gave|drew|found|chose|spent|put|kept|sought)\b",
            norm,
        )
    )
    handoff = any(f.code in ("handoff", "we_language") for f in flags)
    out: list[Flag] = []

    def miss(code: str, quote: str = lead) -> None:
        out.append(_flag(code, Severity.WARNING, None, quote))

    score: int
    if kind == "influence":
        # Owning = personal actions + bringing a solution or evidence + winning buy-in.
        score = min(2, i_actions) + _any("own_solution", norm) + _any("persuasion", norm)
        if handoff:
            score = min(score, 1)
        elif score <= 1:
            miss("no_ownership_action")
    elif kind == "tradeoff":
        hits = sum(1 for rx in rules.compiled("tradeoff") if rx.search(norm))
        score = min(4, 2 * hits + (1 if signals.numbers else 0))
        if hits == 0:
            miss("no_tradeoff")
    elif kind == "do_differently":
        # A concrete change needs specifics from the story; "I'd involve more people" has none.
        concrete = re.search(
            r"\bi(?:'d| would)(?: have)? (?!communicate|be more|work harder|try harder|plan better)\w+",
            norm,
        )
        specific = signals.specific_reflection
        depth = _any("mechanism", norm) or _any("insight_depth", norm)
        score = bool(concrete) + specific + (specific and depth) + (len(norm.split()) >= 20)
        if _any("platitude", norm) and not specific:
            score = min(score, 1)
        if score <= 1:
            m = _first_match("platitude", norm)
            miss("generic_change", _quote(raw, norm, m) if m else lead)
    elif kind == "metrics":
        score = score_metrics(
            signals, [NumberMention(n.text, n.value, n.unit, Part.RESULT) for n in signals.numbers]
        )
        if not signals.numbers and not signals.metric_delta:
            m = _first_match("activity_only_result", norm)
            miss("no_metrics", _quote(raw, norm, m) if m else lead)
    elif kind == "depth":
        score = min(
            4,
            (i_actions >= 2)
            + bool(signals.numbers)
            + _any("causal", norm)
            + (len(norm.split()) >= 35)
            + _any("evidence", norm),
        )
        if score <= 1:
            miss("vague_detail")
    elif kind == "mechanism":
        # A mechanism alone is reactive; strong answers say how it scales and what it catches.
        has_mech = _any("mechanism", norm)
        score = (
            has_mech
            + (signals.second_order or _any("scale_reach", norm))
            + _any("proactive", norm)
            + (len(norm.split()) >= 25)
        )
        if not has_mech:
            miss("no_mechanism")
    elif kind == "learning":
        score = (
            3 + _any("insight_depth", norm)
            if signals.specific_reflection
            else (1 if not _any("platitude", norm) else 0)
        )
        if not signals.specific_reflection:
            m = _first_match("platitude", norm)
            out.append(
                _flag(
                    "generic_reflection",
                    Severity.WARNING,
                    None,
                    _quote(raw, norm, m) if m else lead,
                )
            )
    else:  # stakeholder
        score = min(
            4,
            2 * _any("evidence", norm)
            + _any("listened", norm)
            + _any("commit", norm)
            + (i_actions >= 2),
        )
        if not _any("evidence", norm):
            miss("no_evidence")
    if handoff:
        score = min(score, 1)
    if score <= 1 and not out and not handoff:
        miss(_PROBE_MISS[kind])
    return max(0, min(4, int(score))), out  # fmt: skip
