from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from speech_helpers import DEMO, tone

from mockloop.speech.base import (
    DeviceBusyError,
    DeviceLostError,
    InvalidSampleRateError,
    NoInputDeviceError,
)
from mockloop.speech.devices import device_error
from mockloop.speech.fakes import ArraySource
from mockloop.speech.recorder import FileSource, Recorder, rms_dbfs


def test_records_device_rate_to_16k_wav(tmp_path: Path) -> None:
    src = ArraySource(tone(2.0, 48_000), 48_000)
    rec = Recorder(src)
    blocks: list[np.ndarray] = []
    rec.subscribe(blocks.append)
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(10)
    res = rec.stop()
    assert res.source_ended and res.error is None
    assert res.samplerate_in == 48_000
    data, rate = sf.read(str(res.path), dtype="float32")
    assert rate == 16_000
    assert abs(len(data) - 32_000) < 200
    assert abs(res.duration_s - 2.0) < 0.02
    assert sum(len(b) for b in blocks) == len(data)  # subscribers see exactly what is written
    # Resampled tone keeps its level (-13.5 dBFS for a 0.3 sine).
    assert abs(rms_dbfs(data[1000:-1000]) - rms_dbfs(tone(1.0, 16_000))) < 0.5
    assert rec.level_dbfs > -20


def test_stereo_device_is_downmixed(tmp_path: Path) -> None:
    src = ArraySource(tone(0.5, 44_100), 44_100, channels=2)
    rec = Recorder(src)
    rec.start(tmp_path / "a.wav")
    rec.wait_ended(10)
    data, _ = sf.read(str(rec.stop().path))
    assert data.ndim == 1 and len(data) > 7000


def test_unplugged_mid_answer_keeps_the_audio(tmp_path: Path) -> None:
    # The device stops calling back after 1 s (what a pulled USB mic does on most backends).
    src = ArraySource(tone(5.0, 16_000), 16_000, realtime=True, stall_after_s=1.0)
    rec = Recorder(src, stall_timeout_s=0.5)
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(10)
    res = rec.stop()
    assert isinstance(res.error, DeviceLostError)
    assert "kept" in str(res.error)
    assert 0.9 < res.duration_s < 1.1
    assert len(sf.read(str(res.path))[0]) == round(res.duration_s * 16000)


def test_busy_device_is_a_typed_error(tmp_path: Path) -> None:
    src = ArraySource(tone(1.0), start_error=RuntimeError("Error opening InputStream: Device unavailable [PaErrorCode -9985]"))
    rec = Recorder(src)
    with pytest.raises(DeviceBusyError, match="busy"):
        rec.start(tmp_path / "a.wav")
    assert not rec.running
    # The file exists and is a valid (empty) WAV: nothing is left half-written.
    assert sf.info(str(tmp_path / "a.wav")).frames == 0


def test_overflow_flags_are_counted(tmp_path: Path) -> None:
    src = ArraySource(tone(1.0, 16_000), 16_000, block=160, status_every=10)
    rec = Recorder(src)
    rec.start(tmp_path / "a.wav")
    rec.wait_ended(10)
    assert rec.stop().overflows == 10


@pytest.mark.parametrize(
    ("message", "cls"),
    [
        ("Invalid sample rate [PaErrorCode -9997]", InvalidSampleRateError),
        ("Device unavailable [PaErrorCode -9985]", DeviceBusyError),
        ("Error querying device -1", NoInputDeviceError),
        ("No Default Input Device Available", NoInputDeviceError),
    ],
)
def test_portaudio_errors_are_mapped(message: str, cls: type) -> None:
    err = device_error(RuntimeError(message), "USB mic")
    assert isinstance(err, cls)
    assert "USB mic" in str(err)


def test_stop_before_end_and_restart(tmp_path: Path) -> None:
    src = ArraySource(tone(30.0, 16_000), 16_000, realtime=True)
    rec = Recorder(src)
    rec.start(tmp_path / "a.wav")
    while rec.elapsed_s < 0.3:
        rec.wait_ended(0.05)
    res = rec.stop()
    assert not res.source_ended and 0.2 < res.duration_s < 2.0
    rec.start(tmp_path / "b.wav")  # the same recorder records the next answer
    rec.stop()
    assert (tmp_path / "b.wav").is_file()


def test_file_source_plays_a_file_as_a_microphone(tmp_path: Path) -> None:
    src = FileSource(DEMO)
    assert src.samplerate == 22050 and src.duration_s > 60
    rec = Recorder(src)
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(30)
    res = rec.stop()
    assert res.source_ended and abs(res.duration_s - src.duration_s) < 0.05
    assert src.ended_at is not None


def test_resolve_device_by_name_and_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockloop.speech import devices
    from mockloop.speech.base import DeviceInfo, DeviceNotFoundError

    devs = [
        DeviceInfo(0, "Built-in Microphone", "ALSA", 2, 48000.0, is_default=True),
        DeviceInfo(3, "USB Audio Mic", "ALSA", 1, 44100.0),
        DeviceInfo(4, "USB Audio Headset", "ALSA", 1, 44100.0),
    ]
    monkeypatch.setattr(devices, "list_input_devices", lambda: devs)
    assert devices.resolve_input_device(None).index == 0
    assert devices.resolve_input_device("3").index == 3
    assert devices.resolve_input_device("headset").index == 4
    with pytest.raises(DeviceNotFoundError, match="several"):
        devices.resolve_input_device("usb audio")
    with pytest.raises(DeviceNotFoundError):
        devices.resolve_input_device("9")
    monkeypatch.setattr(devices, "list_input_devices", lambda: [])
    with pytest.raises(NoInputDeviceError):
        devices.resolve_input_device(None)
