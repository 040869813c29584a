"""Session export: one JSON shape (``session_to_dict``) rendered as JSON, Markdown or HTML.

HTML is a single self-contained file (inline CSS, no scripts, no external assets), every piece
of user text escaped, readable in any browser: per attempt a coloured STAR timeline, the
scores, the flags and the transcript.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from mockloop.store.db import Store
from mockloop.store.records import AttemptRecord, SessionRecord, ms_to_iso, ms_to_s

FORMATS = ("md", "html", "json")

PART_COLOURS = {
    "situation": "#6c8ebf",
    "task": "#9673a6",
    "action": "#d79b00",
    "result": "#82b366",
    "reflection": "#b85450",
}
VERDICT_COLOURS = {"strong": "#2e7d32", "mixed": "#b26a00", "weak": "#c62828"}


# ---------------------------------------------------------------------- data


def attempt_to_dict(store: Store, a: AttemptRecord, session: SessionRecord) -> dict[str, Any]:
    audio = store.audio_file(a)
    tr = a.transcription
    latest = a.latest
    return {
        "id": a.id,
        "seq": a.seq,
        "kind": a.kind,
        "probe_id": a.probe_id,
        "probe_text": session.probe_text(a.probe_id),
        "status": a.status,
        "started_at": ms_to_iso(a.started_at),
        "duration_s": ms_to_s(a.duration_ms),
        "audio_path": None if audio is None else str(audio),
        "input_path": a.input_path,
        "part_starts": None if a.part_starts is None else dict(a.part_starts),
        "transcription": None
        if tr is None
        else {
            "id": tr.id,
            "source": tr.source,
            "asr_model": tr.asr_model,
            "asr_params": dict(tr.asr_params),
            "created_at": ms_to_iso(tr.created_at),
            "text": tr.text,
            "words": [w.to_dict() for w in tr.words],
        },
        "report": None if latest is None else dict(latest.report_json),
        "story_coverage": _story_coverage(store, a, session),
        "analyses": [
            {
                "id": an.id,
                "analyzer_version": an.analyzer_version,
                "created_at": ms_to_iso(an.created_at),
                "verdict": an.verdict,
                "score_total": an.score_total,
                "flags": list(an.flags),
                "transcription_id": an.transcription_id,
            }
            for an in a.analyses
        ],
    }


def _story_coverage(store: Store, a: AttemptRecord, session: SessionRecord) -> list[dict[str, Any]]:
    """For a main answer: each story linked to the question, and its key points said or not."""
    text = a.transcription.text if a.transcription is not None else ""
    if a.kind != "answer":
        return []
    return [
        {"story_id": st.id, "title": st.title, **cov.to_dict()}
        for st, cov in store.prep.linked_coverage(session.question_id, text)
    ]


def session_to_dict(store: Store, s: SessionRecord) -> dict[str, Any]:
    """The full JSON form of a session (``sessions show --json`` and JSON export)."""
    return {
        "id": s.id,
        "started_at": ms_to_iso(s.started_at),
        "ended_at": ms_to_iso(s.ended_at),
        "status": s.status,
        "level": s.level,
        "source": s.source,
        "question_id": s.question_id,
        "principle": s.principle,
        "question": None if s.question_snapshot is None else dict(s.question_snapshot),
        "content_hash": s.content_hash,
        "keep_audio": s.keep_audio,
        "verdict": s.verdict,
        "analyzer_version": s.analyzer_version,
        "audio_s": None if s.audio_ms is None else round(s.audio_ms / 1000, 2),
        "attempts": [attempt_to_dict(store, a, s) for a in s.attempts],
    }


# ---------------------------------------------------------------------- renderers


def render(sessions: Sequence[Mapping[str, Any]], fmt: str, *, single: bool | None = None) -> str:
    """Render session dicts; JSON is an object for one session, a list for several."""
    if fmt == "json":
        one = len(sessions) == 1 if single is None else single
        data: Any = sessions[0] if one and sessions else list(sessions)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown(sessions)
    if fmt == "html":
        return render_html(sessions)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def _title(s: Mapping[str, Any]) -> str:
    when = s.get("started_at") or ""
    what = s.get("question_id") or "free answer"
    return f"Session {s['id']} · {when[:16].replace('T', ' ')} · {what}"


def _fmt_s(x: Any) -> str:
    return "-" if x is None else f"{float(x):.1f}s"


def _attempt_title(a: Mapping[str, Any]) -> str:
    if a["kind"] == "probe":
        return f"Probe {a.get('probe_id') or ''} (attempt {a['seq']})"
    return f"Answer (attempt {a['seq']})"


def render_markdown(sessions: Sequence[Mapping[str, Any]]) -> str:
    out: list[str] = []
    for s in sessions:
        out.append(f"# {_md(_title(s))}\n")
        q = s.get("question") or {}
        if q.get("text"):
            out.append(f"> {_md(str(q['text']))}\n")
        out.append(
            f"- Principle: {_md(str(s.get('principle') or '-'))}\n"
            f"- Level: {s['level']} · Source: {s['source']} · Status: {s['status']}\n"
            f"- Verdict: **{s.get('verdict') or '-'}** · Analyzer: {s.get('analyzer_version') or '-'}"
            f" · Audio: {_fmt_s(s.get('audio_s'))}\n"
        )
        for a in s["attempts"]:
            out.append(f"## {_md(_attempt_title(a))}\n")
            if a.get("probe_text"):
                out.append(f"> {_md(a['probe_text'])}\n")
            out.append(f"Status: {a['status']} · Length: {_fmt_s(a.get('duration_s'))}\n")
            r = a.get("report")
            if r:
                sc = r.get("scores", {})
                out.append(
                    f"**Verdict: {r.get('verdict')}** (analyzer {r.get('analyzer_version')})\n\n"
                    "| Ownership | Metrics | Reflection | Pacing |"
                    + (" Intent |" if "intent" in sc else "")
                    + "\n|---|---|---|---|"
                    + ("---|" if "intent" in sc else "")
                    + f"\n| {sc.get('ownership')} | {sc.get('metrics')} | {sc.get('reflection')}"
                    f" | {sc.get('pacing')} |"
                    + (f" {sc.get('intent')} |" if "intent" in sc else "")
                    + "\n"
                )
                parts = r.get("parts") or []
                if parts:
                    out.append(
                        "| Part | From | To | Length | Target | Status |\n|---|---|---|---|---|---|"
                    )
                    for p in parts:
                        out.append(
                            f"| {p['part']} | {_fmt_s(p.get('start_s'))} | {_fmt_s(p.get('end_s'))}"
                            f" | {_fmt_s(p.get('duration_s'))} | {_fmt_s(p.get('target_s'))}"
                            f" | {p.get('status')} |"
                        )
                    out.append("")
                flags = r.get("flags") or []
                if flags:
                    out.append("### Flags\n")
                    for f in flags:
                        quote = f" — “{_md(f['quote'])}”" if f.get("quote") else ""
                        out.append(
                            f"- **{f['code']}** ({f['severity']}){quote}: {_md(f.get('advice', ''))}"
                        )
                    out.append("")
            for sc in a.get("story_coverage") or []:
                out.append(
                    f"### Your story “{_md(sc['title'])}”: said {len(sc['said'])} of "
                    f"{len(sc['said']) + len(sc['missed'])} key points\n"
                )
                out += [f"- said: {_md(k['text'])}" for k in sc["said"]]
                out += [f"- left out: {_md(k['text'])}" for k in sc["missed"]]
                out.append("")
            tr = a.get("transcription")
            if tr and tr.get("text"):
                model = f", {tr['asr_model']}" if tr.get("asr_model") else ""
                out.append(f"### Transcript ({tr['source']}{model})\n\n{_md(tr['text'])}\n")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Keep user text from turning into Markdown structure (headings, tables, HTML)."""
    text = " ".join(str(text).split())
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "|", "#"):
        text = text.replace(ch, "\\" + ch)
    return text


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#222;background:#fafafa}
h1{font-size:1.4rem;margin-top:2.5rem;border-bottom:2px solid #ddd}
h2{font-size:1.15rem;margin-top:1.8rem} h3{font-size:1rem;margin-bottom:.3rem}
blockquote{margin:.5rem 0;padding:.4rem .8rem;border-left:4px solid #bbb;background:#fff}
.meta{color:#555;font-size:.9rem}
.verdict{display:inline-block;padding:.1rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.timeline{position:relative;height:1.6rem;background:#e8e8e8;border-radius:4px;margin:.6rem 0;
overflow:hidden}
.seg{position:absolute;top:0;bottom:0;color:#fff;font-size:.75rem;line-height:1.6rem;
text-align:center;overflow:hidden;white-space:nowrap;border-right:1px solid #fff}
.legend span{display:inline-block;margin-right:.8rem;font-size:.8rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;border-radius:2px;
vertical-align:middle}
table{border-collapse:collapse;margin:.5rem 0} td,th{border:1px solid #ddd;padding:.2rem .6rem;
text-align:left} th{background:#f0f0f0}
.flag{margin:.3rem 0;padding:.3rem .6rem;background:#fff;border-left:4px solid #d79b00}
.flag.disqualifier{border-left-color:#c62828}
.transcript{background:#fff;padding:.6rem .8rem;border:1px solid #e3e3e3;white-space:pre-wrap}
.w-situation{color:#6c8ebf}.w-task{color:#9673a6}.w-action{color:#d79b00}
.w-result{color:#82b366}.w-reflection{color:#b85450}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _timeline(parts: Sequence[Mapping[str, Any]]) -> str:
    spans: list[tuple[str, float, float]] = []
    cursor = 0.0
    for p in parts:
        dur = float(p.get("duration_s") or 0.0)
        if p.get("status") == "missing" or dur <= 0:
            continue
        start = p.get("start_s")
        end = p.get("end_s")
        s0 = float(start) if start is not None else cursor
        s1 = float(end) if end is not None else s0 + dur
        spans.append((str(p["part"]), s0, s1))
        cursor = s1
    if not spans:
        return ""
    origin = min(s for _, s, _ in spans)
    total = max(e for _, _, e in spans) - origin or 1.0
    segs = []
    for part, s0, s1 in spans:
        left = 100 * (s0 - origin) / total
        width = max(0.5, 100 * (s1 - s0) / total)
        colour = PART_COLOURS.get(part, "#888")
        segs.append(
            f'<div class="seg" style="left:{left:.2f}%;width:{width:.2f}%;background:{colour}"'
            f' title="{_e(part)} {s1 - s0:.1f}s">{_e(part[:1].upper())} {s1 - s0:.0f}s</div>'
        )
    legend = "".join(
        f'<span><i style="background:{c}"></i>{_e(p)}</span>' for p, c in PART_COLOURS.items()
    )
    return f'<div class="timeline">{"".join(segs)}</div><div class="legend">{legend}</div>'


def _html_attempt(a: Mapping[str, Any]) -> str:
    out = [f"<h2>{_e(_attempt_title(a))}</h2>"]
    if a.get("probe_text"):
        out.append(f"<blockquote>{_e(a['probe_text'])}</blockquote>")
    out.append(
        f'<p class="meta">Status: {_e(a["status"])} · Length: {_e(_fmt_s(a.get("duration_s")))}</p>'
    )
    r = a.get("report")
    if r:
        v = str(r.get("verdict"))
        out.append(
            f'<p><span class="verdict" style="background:{VERDICT_COLOURS.get(v, "#555")}">'
            f'{_e(v)}</span> <span class="meta">analyzer {_e(r.get("analyzer_version"))}'
            "</span></p>"
        )
        out.append(_timeline(r.get("parts") or []))
        sc = r.get("scores") or {}
        heads = "".join(f"<th>{_e(k.capitalize())}</th>" for k in sc)
        cells = "".join(f"<td>{_e(v)}</td>" for v in sc.values())
        out.append(f"<table><tr>{heads}</tr><tr>{cells}</tr></table>")
        parts = r.get("parts") or []
        if parts:
            rows = "".join(
                f"<tr><td>{_e(p['part'])}</td><td>{_e(_fmt_s(p.get('duration_s')))}</td>"
                f"<td>{_e(_fmt_s(p.get('target_s')))}</td><td>{_e(p.get('status'))}</td></tr>"
                for p in parts
            )
            out.append(
                "<table><tr><th>Part</th><th>Length</th><th>Target</th><th>Status</th></tr>"
                f"{rows}</table>"
            )
        flags = r.get("flags") or []
        if flags:
            out.append("<h3>Flags</h3>")
            for f in flags:
                quote = f" — “{_e(f['quote'])}”" if f.get("quote") else ""
                out.append(
                    f'<div class="flag {_e(f.get("severity"))}"><b>{_e(f["code"])}</b>'
                    f" ({_e(f.get('severity'))}){quote}<br>{_e(f.get('advice'))}</div>"
                )
        for sc in a.get("story_coverage") or []:
            total = len(sc["said"]) + len(sc["missed"])
            items = "".join(f"<li>said: {_e(k['text'])}</li>" for k in sc["said"]) + "".join(
                f"<li>left out: {_e(k['text'])}</li>" for k in sc["missed"]
            )
            out.append(
                f"<h3>Your story “{_e(sc['title'])}”: said {len(sc['said'])} of {total} key "
                f"points</h3><ul>{items}</ul>"
            )
        words = r.get("words") or []
        if words:
            body = " ".join(
                f'<span class="w-{_e(w.get("part"))}">{_e(w.get("text"))}</span>' for w in words
            )
            out.append(f'<h3>Transcript</h3><div class="transcript">{body}</div>')
            return "\n".join(out)
    tr = a.get("transcription")
    if tr and tr.get("text"):
        out.append(f'<h3>Transcript</h3><div class="transcript">{_e(tr["text"])}</div>')
    return "\n".join(out)


def render_html(sessions: Sequence[Mapping[str, Any]]) -> str:
    body: list[str] = []
    for s in sessions:
        q = s.get("question") or {}
        body.append(f"<section><h1>{_e(_title(s))}</h1>")
        if q.get("text"):
            body.append(f"<blockquote>{_e(q['text'])}</blockquote>")
        v = s.get("verdict")
        body.append(
            f'<p class="meta">Principle: {_e(s.get("principle") or "-")} · Level: {_e(s["level"])}'
            f" · Status: {_e(s['status'])} · Verdict: {_e(v or '-')}"
            f" · Audio: {_e(_fmt_s(s.get('audio_s')))}</p>"
        )
        body.extend(_html_attempt(a) for a in s["attempts"])
        body.append("</section>")
    title = _title(sessions[0]) if len(sessions) == 1 else f"{len(sessions)} mockloop sessions"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
