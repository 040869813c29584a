"""Where mockloop keeps its data: one per-user folder, overridable with ``MOCKLOOP_HOME``.

Tests always set ``MOCKLOOP_HOME`` to a temp dir (as llm's tests do for its user dir), so no
test ever touches a real user's sessions.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """The data folder (database, audio, settings, caches), created private (0700).

    ``MOCKLOOP_HOME`` wins; else the folder the user chose in Settings (see
    :func:`set_data_folder`); else the platform's per-user data folder.
    """
    env = os.environ.get("MOCKLOOP_HOME")
    path = Path(env).expanduser() if env else chosen_data_folder() or default_data_folder()
    ensure_private_dir(path)
    return path


def default_data_folder() -> Path:
    return Path(platformdirs.user_data_dir("mockloop"))


def _pointer() -> Path:
    """Where a chosen data folder is remembered: outside the data folder, since the settings
    live inside it. ``MOCKLOOP_CONFIG`` overrides the config folder (tests always set it)."""
    base = os.environ.get("MOCKLOOP_CONFIG") or platformdirs.user_config_dir("mockloop")
    return Path(base).expanduser() / "data-folder"


def chosen_data_folder() -> Path | None:
    try:
        text = _pointer().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text).expanduser() if text else None


def set_data_folder(path: Path | None) -> None:
    """Use ``path`` as the data folder from the next start (None: back to the default).

    Existing sessions stay where they are; the new folder starts empty unless the user moves
    the old one there.
    """
    pointer = _pointer()
    if path is None:
        try:
            pointer.unlink()
        except FileNotFoundError:
            pass
        return
    ensure_private_dir(Path(path).expanduser())
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(str(Path(path).expanduser().resolve()), encoding="utf-8")
    os.replace(tmp, pointer)


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
