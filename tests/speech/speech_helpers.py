"""Shared helpers for the speech tests (paths, synthetic audio, skips)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

# Same locations as tests/conftest.py (REPO, SHARED); conftest modules are not importable by name.
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).parent / "data"
DEMO = REPO / "assets" / "demo" / "answer.flac"
JFK = SHARED / "audio" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


def tone(seconds: float, rate: int = 48_000, freq: float = 220.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def need_jfk() -> Path:
    if not JFK.is_file():
        pytest.skip(f"shared speech sample missing: {JFK} (see shared/audio/README.md)")
    return JFK


def need_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
