"""`mockloop doctor` on a real machine: the PulseAudio virtual microphone hearing espeak speech
(every check passes, with a non-silent level), and a machine with no microphone at all (the
microphone check fails with a fix, exit 1, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pulse_mic

pytestmark = [pytest.mark.pulse, pytest.mark.integration]

SPEECH = ("Tell me about a time you took ownership of a problem outside your team. "
          "I noticed our alerts were arriving an hour late, so I traced the delay and fixed it.")  # fmt: skip


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockloop", "doctor", *args], env=env,
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip


def test_doctor_passes_on_the_virtual_microphone(tmp_path: Path) -> None:
    env = pulse_mic.start(tmp_path / "pulse")
    try:
        wav = pulse_mic.espeak_wav(tmp_path / "speech.wav", " ".join([SPEECH] * 3))
        env["MOCKLOOP_HOME"] = str(tmp_path / "home")
        player = pulse_mic.play(env, wav)  # ~15 s of speech: covers the device probe and the 1.5 s capture
        try:
            proc = _doctor(env, "--json")
        finally:
            player.kill()
            player.wait(10)
    finally:
        pulse_mic.stop(env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    checks = {c["name"]: c for c in data["checks"]}
    assert data["ok"] is True and all(c["status"] == "pass" for c in checks.values()), checks
    mic = checks["microphone"]["data"]
    assert mic["peak_dbfs"] is not None and mic["peak_dbfs"] > -40, mic
    assert mic["rms_dbfs"] is not None and mic["rms_dbfs"] > -60, mic
    assert mic["samplerate"] > 0 and mic["seconds"] >= 1.0
    model = checks["model"]["data"]
    assert model["first_words"] and model["rtf"] > 0
    assert checks["voice"]["data"]["seconds"] > 1.0
    assert "Traceback" not in proc.stderr


def _alsa_cards() -> bool:
    try:
        text = Path("/proc/asound/cards").read_text()
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


@pytest.mark.skipif(_alsa_cards(), reason="this machine has a sound card: it is not 'no microphone at all'")
def test_doctor_without_any_microphone_fails_cleanly(tmp_path: Path) -> None:
    # A sound server that is not there and no ALSA card (as on CI): no input device at all.
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_SERVER=f"unix:{tmp_path}/no-such-server", MOCKLOOP_HOME=str(tmp_path / "home"))
    proc = _doctor(env, "--skip", "model", "--skip", "voice")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FAIL microphone"), proc.stdout
    assert lines[1].startswith("  fix: ") and "mockloop devices" in lines[1]
    assert any(line.startswith("PASS data") for line in lines)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    proc = _doctor(env, "--json", "--skip", "model", "--skip", "voice")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["checks"][0]["status"] == "fail" and data["checks"][0]["fix"]
