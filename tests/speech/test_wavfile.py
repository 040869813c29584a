from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.speech.base import AudioFileError
from mockloop.speech.wavfile import StreamingWavWriter, read_audio, repair_wav


def _declared(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:44]
    return struct.unpack_from("<I", head, 4)[0], struct.unpack_from("<I", head, 40)[0]


def test_writer_produces_a_readable_wav(tmp_path: Path) -> None:
    p = tmp_path / "a.wav"
    with StreamingWavWriter(p) as w:
        w.write(np.full(16000, 0.5, np.float32))
        w.write(np.zeros(8000, np.float32))
    data, rate = sf.read(str(p), dtype="float32")
    assert rate == 16000 and len(data) == 24000
    assert abs(data[0] - 0.5) < 1e-3
    assert p.stat().st_mode & 0o077 == 0  # private recording


def test_header_is_kept_current_while_writing(tmp_path: Path) -> None:
    p = tmp_path / "a.wav"
    w = StreamingWavWriter(p, sync_interval_s=0.0)  # sync on every write
    w.write(np.zeros(1600, np.float32))
    # A copy taken now is what a SIGKILL would leave: header already matches the data.
    riff, data = _declared(p)
    assert data == 3200 and riff == 36 + 3200
    w.close()


def test_repair_after_a_crash(tmp_path: Path) -> None:
    p = tmp_path / "a.wav"
    w = StreamingWavWriter(p, sync_interval_s=3600)  # never synced: header says 0 bytes
    w.write(np.full(4000, 0.25, np.float32))
    crashed = tmp_path / "crashed.wav"
    shutil.copy(p, crashed)
    w.close()
    assert _declared(crashed)[1] == 0
    with crashed.open("ab") as f:
        f.write(b"\x01")  # half a frame at the end, as a kill mid-write can leave
    assert repair_wav(crashed) == 4000
    data, _ = sf.read(str(crashed), dtype="float32")
    assert len(data) == 4000
    before = crashed.read_bytes()
    assert repair_wav(crashed) == 4000
    assert crashed.read_bytes() == before  # a consistent file is left untouched


def test_repair_refuses_other_files(tmp_path: Path) -> None:
    p = tmp_path / "x.wav"
    p.write_bytes(b"not a wav at all" * 4)
    with pytest.raises(AudioFileError):
        repair_wav(p)


def test_store_recovery_uses_the_same_repair(tmp_path: Path) -> None:
    from mockloop.store.recovery import repair_wav as store_repair

    p = tmp_path / "a.wav"
    w = StreamingWavWriter(p, sync_interval_s=3600)
    w.write(np.zeros(16000, np.float32))
    crashed = tmp_path / "c.wav"
    shutil.copy(p, crashed)
    w.close()
    info = store_repair(crashed)
    assert info.frames == 16000 and info.sample_rate == 16000


def test_read_audio_resamples_and_downmixes(tmp_path: Path) -> None:
    p = tmp_path / "s.flac"
    stereo = np.zeros((44100, 2), np.float32)
    stereo[:, 0] = 0.5
    sf.write(str(p), stereo, 44100)
    out = read_audio(p)
    assert out.dtype == np.float32 and abs(len(out) - 16000) <= 2
    assert abs(float(np.median(out)) - 0.25) < 0.01


def test_read_audio_errors(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="no such file"):
        read_audio(tmp_path / "missing.wav")
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(AudioFileError, match="cannot decode"):
        read_audio(bad)
