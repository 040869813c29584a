"""Analyze a file (text now, audio through the speech services): the call behind `mockloop analyze`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mockloop.core.analyze import analyze
from mockloop.core.content import Bank, Probe, Question
from mockloop.core.model import Level, Report, Transcript

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ""})
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".webm"})
MAX_TEXT_BYTES = 2_000_000


class InputError(Exception):
    """The input cannot be analysed; the message says why in one line."""


@dataclass(frozen=True)
class Target:
    """What the answer answers: a question, or one of its probes."""

    question: Question | None
    probe: Probe | None


def resolve_target(bank: Bank | None, question_id: str | None, probe_id: str | None) -> Target:
    question = None
    probe = None
    if bank is None:
        return Target(None, None)
    if probe_id:
        try:
            probe = bank.probe(probe_id)
        except KeyError:
            raise InputError(
                f"no probe with id '{probe_id}' (see: mockloop questions --json)"
            ) from None
        question = bank.question(probe.question_id)
        if question_id and question_id != question.id:
            raise InputError(
                f"probe '{probe_id}' belongs to question '{question.id}', not '{question_id}'"
            )
    elif question_id:
        try:
            question = bank.question(question_id)
        except KeyError:
            raise InputError(
                f"no question with id '{question_id}' (see: mockloop questions)"
            ) from None
    return Target(question, probe)


def read_text(path: str) -> str:
    """Read a text answer from a path or '-' (stdin). Legacy encodings are read, binary is refused."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        name = "standard input"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        try:
            with p.open("rb") as f:
                data = f.read(MAX_TEXT_BYTES + 1)
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from None
        name = path
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{name}: too large for an answer ({MAX_TEXT_BYTES // 1_000_000} MB max)")
    text = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: is empty; nothing to analyse")
    return text


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise InputError(
            f"{name}: looks like binary data, not text (audio goes through the same command with .wav/.flac/.mp3/.ogg)"
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: cannot decode the text")  # unreachable: latin-1 decodes anything


def _looks_binary(chunk: bytes) -> bool:
    if not chunk:
        return False
    control = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13))
    return control / len(chunk) > 0.05


def analyze_text(
    text: str,
    *,
    target: Target,
    level: Level,
    bank: Bank | None = None,
    path: str | None = None,
) -> Report:
    return analyze(
        Transcript(text=text),
        question=target.question,
        probe=target.probe,
        level=level,
        bank=bank,
        input_path=path,
    )


def is_audio_path(path: str) -> bool:
    return path != "-" and Path(path).suffix.lower() in AUDIO_SUFFIXES
