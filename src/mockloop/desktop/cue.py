"""The short cue that marks the start of recording (two soft rising beeps, ~0.25 s).

Generated once into the cache folder (no binary asset to ship) and played with QSoundEffect,
which is asynchronous, so recording starts right away. Without an output device it is silent.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QUrl

RATE = 22_050


def cue_samples() -> np.ndarray:
    out = []
    for freq in (660.0, 880.0):
        t = np.arange(int(RATE * 0.11)) / RATE
        env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.01)  # 10 ms fades: no clicks
        out.append(0.25 * env * np.sin(2 * np.pi * freq * t))
        out.append(np.zeros(int(RATE * 0.02)))
    return (np.concatenate(out) * 32767).astype(np.int16)


def cue_file() -> Path:
    from mockloop import paths

    path = paths.cache_dir() / "cue-v1.wav"
    if not path.is_file():
        tmp = path.with_suffix(".tmp")
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(cue_samples().tobytes())
        tmp.replace(path)
    return path


class Cue(QObject):
    """Callable: ``cue()`` plays the sound (errors are swallowed: a cue is never worth a crash)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect: object | None = None

    def __call__(self) -> None:
        try:
            if self._effect is None:
                from PySide6.QtMultimedia import QSoundEffect

                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(cue_file())))
                effect.setVolume(0.6)
                self._effect = effect
            self._effect.play()  # type: ignore[attr-defined]
        except Exception:
            pass
