"""The transcript as HTML with the report's evidence highlighted.

Nothing is judged here: the numbers, filler words and flag quotes all come from the report; the
only tokens picked out locally are the pronouns "I"/"we" the report counts (signals.i_count /
we_count). Colours come from the palette, except the flag highlight (a warning red).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtGui import QPalette

from mockloop.core.model import Report

_I = {"i", "i'm", "i've", "i'd", "i'll", "me", "my"}
_WE = {"we", "we're", "we've", "we'd", "we'll", "us", "our"}


def norm(token: str) -> str:
    return re.sub(r"[^\w']", "", token.lower())


@dataclass(frozen=True)
class Token:
    text: str
    kind: str | None  # "i" | "we" | "number" | "flag" | "filler" | None
    start_s: float | None = None


def tokens(report: Report) -> list[Token]:
    words = [(w.text, w.start_s) for w in report.words] or [(t, None) for t in report.transcript.split()]
    normed = [norm(t) for t, _ in words]
    kinds: list[str | None] = [None] * len(words)
    fillers = {norm(f) for f in report.delivery.filler_words}
    numbers = {norm(t) for n in report.signals.numbers for t in n.text.split()}
    for i, n in enumerate(normed):
        if n in _I:
            kinds[i] = "i"
        elif n in _WE:
            kinds[i] = "we"
        elif n and (n in numbers or n.replace(",", "").replace(".", "").isdigit()):
            kinds[i] = "number"
        elif n in fillers:
            kinds[i] = "filler"
    for f in report.flags:  # flag quotes win: they are what the advice is about
        q = [norm(t) for t in f.quote.split() if norm(t)]
        if not q:
            continue
        for i in range(len(normed) - len(q) + 1):
            if normed[i : i + len(q)] == q:
                for j in range(i, i + len(q)):
                    kinds[j] = "flag"
    return [Token(t, k, s) for (t, s), k in zip(words, kinds, strict=True)]


def styles(pal: QPalette) -> dict[str, str]:
    hi, hi_text = pal.color(QPalette.ColorRole.Highlight).name(), pal.color(QPalette.ColorRole.HighlightedText).name()
    muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
    return {
        "i": "font-weight:bold;",
        "we": "text-decoration:underline;",
        "number": f"background-color:{hi}; color:{hi_text};",
        "flag": "background-color:#c0392b; color:#ffffff;",
        "filler": f"color:{muted}; font-style:italic; text-decoration:line-through;",
    }


def legend_html(pal: QPalette) -> str:
    st = styles(pal)
    names = {"i": "I", "we": "we", "number": "numbers", "flag": "flagged phrase", "filler": "fillers"}
    return " &nbsp; ".join(f'<span style="{st[k]}">{v}</span>' for k, v in names.items())


def transcript_html(report: Report, pal: QPalette, *, current: int | None = None,
                    links: bool = False) -> str:  # fmt: skip
    st = styles(pal)
    text_colour = pal.color(QPalette.ColorRole.Text).name()
    out = []
    for i, tok in enumerate(tokens(report)):
        style = st.get(tok.kind or "", "")
        if i == current:  # the word being played: inverted colours, whatever its evidence kind
            style = (f"background-color:{pal.color(QPalette.ColorRole.Text).name()};"
                     f"color:{pal.color(QPalette.ColorRole.Base).name()};")  # fmt: skip
        word = html.escape(tok.text)
        span = f'<span style="{style}">{word}</span>' if style else word
        if links:
            span = f'<a href="w:{i}" style="color:{text_colour}; text-decoration:none">{span}</a>'
        out.append(span)
    return f'<div style="line-height:150%">{" ".join(out)}</div>'
