"""Tokens and sentences, for typed text and for timed ASR words alike.

Both inputs become the same list of :class:`Token` (text, optional times, character span) so the
segmenter and the analyzer never care where the words came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mockloop.core.model import Word

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_WS = re.compile(r"\S+")
_ABBREV = {"e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "approx.", "no.", "inc."}
#: A gap this long between timed words ends a sentence even without punctuation.
SENTENCE_GAP_S = 1.2


@dataclass(frozen=True, slots=True)
class Token:
    raw: str
    start_char: int
    end_char: int
    start_s: float | None = None
    end_s: float | None = None
    newline_before: bool = False

    @property
    def norm(self) -> str:
        """Lowercase, straight quotes, outer punctuation removed (keeps $ and %)."""
        return self.raw.translate(_QUOTES).lower().strip("\"'()[]{},.;:!?*-_")


@dataclass(frozen=True, slots=True)
class Sentence:
    first: int  # token index, inclusive
    last: int  # token index, inclusive
    text: str

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def normalize(text: str) -> str:
    """Lowercase with straight quotes and single spaces: what every rule regex runs on."""
    return " ".join(text.translate(_QUOTES).lower().split())


def tokens_from_text(text: str) -> list[Token]:
    out: list[Token] = []
    prev_end = 0
    for m in _WS.finditer(text):
        gap = text[prev_end : m.start()]
        out.append(Token(m.group(), m.start(), m.end(), newline_before="\n" in gap))
        prev_end = m.end()
    return out


def tokens_from_words(words: Sequence[Word]) -> tuple[list[Token], str]:
    """Tokens for timed words, plus the transcript text they index into."""
    out: list[Token] = []
    pieces: list[str] = []
    pos = 0
    for w in words:
        t = w.text.strip()
        if not t:
            continue
        if pieces:
            pos += 1
        out.append(Token(t, pos, pos + len(t), w.start_s, w.end_s))
        pieces.append(t)
        pos += len(t)
    return out, " ".join(pieces)


_HEADING = re.compile(
    r"^[*#\s]*(situation|task|actions?|results?|reflections?|learnings?|lessons?(?: learned)?)"
    r"[*\s]*[:\-\u2013\u2014.]",
    re.IGNORECASE,
)


def heading_part(raw_sentence: str) -> str | None:
    """'Situation: ...' style heading at a sentence start -> canonical part name."""
    m = _HEADING.match(raw_sentence)
    if not m:
        return None
    word = m.group(1).lower()
    if word.startswith("action"):
        return "action"
    if word.startswith("result"):
        return "result"
    if word.startswith(("reflection", "learning", "lesson")):
        return "reflection"
    return word


def _ends_sentence(raw: str) -> bool:
    stripped = raw.rstrip("\"')]}*\u2019\u201d")
    if not stripped or stripped[-1] not in ".!?":
        return False
    return stripped.lower() not in _ABBREV


def split_sentences(tokens: Sequence[Token], text: str) -> list[Sentence]:
    """Sentence spans over ``tokens``: punctuation, line breaks, headings and long pauses."""
    if not tokens:
        return []
    starts: list[int] = [0]
    for i in range(1, len(tokens)):
        prev, cur = tokens[i - 1], tokens[i]
        boundary = _ends_sentence(prev.raw) or cur.newline_before
        if not boundary and cur.start_s is not None and prev.end_s is not None:
            boundary = cur.start_s - prev.end_s >= SENTENCE_GAP_S and i - starts[-1] >= 4
        if not boundary and _HEADING.match(cur.raw) and cur.raw.rstrip().endswith(":"):
            boundary = True
        if boundary:
            starts.append(i)
    out: list[Sentence] = []
    for k, first in enumerate(starts):
        last = (starts[k + 1] if k + 1 < len(starts) else len(tokens)) - 1
        out.append(Sentence(first, last, text[tokens[first].start_char : tokens[last].end_char]))
    return out
