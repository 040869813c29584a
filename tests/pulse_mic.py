"""Start and stop the PulseAudio virtual microphone (scripts/pulse_virtual_mic.sh) for tests.

``start(runtime_dir)`` returns the environment a child process needs to record from it (and
skips the test when the PulseAudio tools are missing); ``play(env, wav)`` plays a file into the
sink, which the default input then hears.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "pulse_virtual_mic.sh"
TOOLS = ("pulseaudio", "pactl", "paplay", "pacat")


def start(runtime: Path) -> dict[str, str]:
    for tool in TOOLS:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt install pulseaudio pulseaudio-utils)")
    env = dict(os.environ, MOCKLOOP_PULSE_DIR=str(runtime))
    out = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    env.update(PULSE_SERVER=f"unix:{runtime}/native", PULSE_RUNTIME_PATH=str(runtime))
    return env


def stop(env: dict[str, str]) -> None:
    subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=30)


def play(env: dict[str, str], wav: Path, delay: float = 0.0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["bash", "-c", f"sleep {delay}; exec paplay --device=mockloop_sink '{wav}'"], env=env
    )


def espeak_wav(path: Path, text: str) -> Path:
    """Speech as a 48 kHz WAV (the sink's rate; paplay of other rates played too fast here)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    import soundfile as sf

    from mockloop.speech.wavfile import read_audio_native, resample

    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True, timeout=60)
    audio, rate = read_audio_native(raw)
    sf.write(str(path), resample(audio, rate, 48000), 48000, subtype="PCM_16")
    return path
