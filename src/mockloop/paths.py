"""Where mockloop keeps its data: one per-user folder, overridable with ``MOCKLOOP_HOME``.

Tests always set ``MOCKLOOP_HOME`` to a temp dir (as llm's tests do for its user dir), so no
test ever touches a real user's sessions.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """The data folder (database, audio, settings, caches), created private (0700)."""
    env = os.environ.get("MOCKLOOP_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("mockloop"))
    ensure_private_dir(path)
    return path


def audio_dir() -> Path:
    path = home() / "audio"
    ensure_private_dir(path)
    return path


def cache_dir() -> Path:
    path = home() / "cache"
    ensure_private_dir(path)
    return path


def settings_path() -> Path:
    return home() / "settings.json"


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # e.g. a folder owned by someone else; the store reports real access errors
