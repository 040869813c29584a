"""The core and the store stay pure: no Qt, audio, ASR or TTS imports, directly or indirectly."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("PySide6", "sounddevice", "faster_whisper", "pyttsx3", "ctranslate2", "soundfile")


def test_core_and_store_import_no_adapters() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import mockloop.core as c\n"
        "mods = ['mockloop.core.' + m.name for m in pkgutil.iter_modules(c.__path__)]\n"
        "try:\n"
        "    import mockloop.store as s\n"
        "    mods += ['mockloop.store'] + ['mockloop.store.' + m.name for m in pkgutil.iter_modules(s.__path__)]\n"
        "except ModuleNotFoundError:\n"
        "    pass\n"
        "for m in mods: importlib.import_module(m)\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core/store imported: {out.stdout.strip()}"
