"""User settings shared by the CLI and the app, kept as JSON in the data folder."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from mockloop import paths


@dataclass(frozen=True)
class Settings:
    input_device: str | None = None  # name or index as text; None = system default
    voice_id: str | None = None  # pyttsx3 voice id; None = engine default
    speech_rate_wpm: int = 165
    voice_enabled: bool = True
    model_path: str | None = None  # a CTranslate2 Whisper folder; None = embedded tiny.en
    default_level: str = "sde2"
    keep_audio: bool = True
    first_run_done: bool = False
    max_answer_s: int = 300
    max_probe_s: int = 120

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing or damaged file gives defaults (never a crash)."""
    path = path or paths.settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name: f for f in fields(Settings)}
    kwargs: dict[str, Any] = {}
    defaults = Settings()
    for key, value in raw.items():
        if key in known and (
            value is None
            or isinstance(value, type(getattr(defaults, key)))
            or getattr(defaults, key) is None
        ):
            kwargs[key] = value
    return Settings(**kwargs)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically so a crash mid-write never leaves a half file."""
    path = path or paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(settings), f, indent=2, sort_keys=True)
    os.replace(tmp, path)
