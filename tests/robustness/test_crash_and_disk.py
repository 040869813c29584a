"""A SIGKILL mid-answer loses at most 1.0 s of audio; a full disk while recording stops it with
a clear message and keeps what was recorded, readable.

The SIGKILL test runs the real recorder (writer thread, resampler, crash-safe WAV) in a child
fed by a real-time source; the disk tests use a real 256 KB tmpfs when mounting is permitted
(root in CI) and an injected ENOSPC writer otherwise.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mockloop.speech import recorder as recorder_mod
from mockloop.speech.base import RecordingWriteError
from mockloop.speech.fakes import ArraySource
from mockloop.speech.recorder import Recorder
from mockloop.speech.wavfile import StreamingWavWriter
from mockloop.store import Store

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo" / "answer.flac"

CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from mockloop.speech.fakes import ArraySource
    from mockloop.speech.recorder import Recorder
    from mockloop.store import Store

    store = Store.open()
    sid = store.begin_session(None, level="sde2", source="mock")
    att = store.begin_attempt(sid, kind="answer")
    t = np.arange(48_000 * 60) / 48_000
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    rec = Recorder(ArraySource(tone, 48_000, realtime=True, block=480))  # a 48 kHz mic, 10 ms blocks
    rec.start(att.audio_path)
    print(f"start {sid} {att.id}", flush=True)
    while True:
        time.sleep(0.05)
        print(f"elapsed {rec.elapsed_s:.3f}", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("run_s", [2.6, 4.3])
def test_sigkill_mid_answer_loses_at_most_one_second(mockloop_home: Path, run_s: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first and first[0] == "start", first
    t0 = time.monotonic()
    sid, aid = int(first[1]), int(first[2])
    while time.monotonic() - t0 < run_s:
        proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    spoken = time.monotonic() - t0  # audio the "candidate" had said when the process died
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    audio = mockloop_home / "audio"
    [wav] = list(audio.rglob("*.wav"))
    raw = wav.read_bytes()
    declared_s = struct.unpack_from("<I", raw, 40)[0] / 32_000  # what the last fsync'd header says
    on_disk_s = (len(raw) - 44) / 32_000

    store = Store.open()  # recovery: header repaired, session interrupted
    try:
        assert store.recovered == [sid]
        rec = store.get_session(sid)
        att = rec.attempts[0]
        assert rec.status == "interrupted" and att.id == aid and att.status == "interrupted"
        data, rate = sf.read(str(store.audio_file(att)))
        recovered_s = len(data) / rate
    finally:
        store.close()
    lost = spoken - recovered_s
    print(f"\nSIGKILL after {spoken:.2f} s: recovered {recovered_s:.2f} s (lost {lost:.2f} s); "
          f"header declared {declared_s:.2f} s, bytes on disk {on_disk_s:.2f} s")  # fmt: skip
    assert lost <= 1.0, (spoken, recovered_s)
    assert recovered_s == pytest.approx(on_disk_s, abs=0.001)
    # Even without the repair (a power cut, not just a killed process) the header lags by at
    # most the 0.5 s sync interval plus scheduling.
    assert spoken - declared_s <= 1.0, (spoken, declared_s)


# --------------------------------------------------------------------------- full disk


class _FillingWriter(StreamingWavWriter):
    """A writer on a disk with room for ``room_s`` seconds of audio."""

    room_s = 1.0

    def write(self, samples: np.ndarray) -> None:
        if self.duration_s + len(samples) / self.samplerate > self.room_s:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super().write(samples)


def test_full_disk_stops_the_recording_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder_mod, "StreamingWavWriter", _FillingWriter)
    t = np.arange(48_000 * 5) / 48_000
    rec = Recorder(ArraySource((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 48_000))
    rec.start(tmp_path / "a.wav")
    assert rec.wait_ended(10)
    res = rec.stop()
    assert isinstance(res.error, RecordingWriteError)
    assert str(res.error) == "the recording stopped: cannot write it (the disk is full); the answer so far is kept"
    data, rate = sf.read(str(res.path))
    assert 0.9 < len(data) / rate <= 1.0 and res.duration_s == pytest.approx(len(data) / rate)


def test_short_writes_keep_whole_frames(tmp_path: Path) -> None:
    w = StreamingWavWriter(tmp_path / "a.wav")

    class Half:
        """A file object that takes 3 bytes of a write, then reports the disk full."""

        def __init__(self, f: Any) -> None:
            self.f, self.calls = f, 0

        def write(self, data: Any) -> int:
            self.calls += 1
            if self.calls == 1:
                return int(self.f.write(bytes(data[:3])))
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.f, name)

    w._f = Half(w._f)  # type: ignore[assignment]
    with pytest.raises(OSError):
        w.write(np.full(100, 0.5, np.float32))
    w._f = w._f.f  # type: ignore[attr-defined]
    w.close()
    assert w.frames == 1
    assert (tmp_path / "a.wav").stat().st_size == 44 + 2  # the half frame was cut off
    assert sf.info(str(tmp_path / "a.wav")).frames == 1


@pytest.fixture
def tiny_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A real small filesystem (tmpfs, 256 KB unless parametrized); skipped where mounting is
    not permitted."""
    size = getattr(request, "param", "256k")
    mnt = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mnt.mkdir()
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mnt)],
                           capture_output=True, text=True, timeout=30)  # fmt: skip
    except (OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"cannot mount a small filesystem here: {e}")
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)


def _fake_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The CLI in a child, with the demo's golden words standing in for the model (fast)."""
    site = tmp_path / "fake-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(textwrap.dedent(
        f"""
        from mockloop.speech import asr
        from mockloop.speech.fakes import FakeTranscriber, load_golden_words
        _golden = load_golden_words({str(REPO / "tests" / "speech" / "data" / "demo_words.json")!r})
        asr.WhisperTranscriber = lambda *a, **k: FakeTranscriber(_golden)
        """
    ))  # fmt: skip
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    return env


def test_full_disk_while_recording_to_a_file(tiny_disk: Path, tmp_path: Path) -> None:
    out = tiny_disk / "answer.wav"
    proc = subprocess.run(
        [sys.executable, "-m", "mockloop", "record", "--from-file", str(DEMO), "--out", str(out), "--json"],
        env=_fake_env(tmp_path), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ("mockloop: the recording stopped: cannot write it (the disk is full); "
                           "the answer so far is kept\n")  # fmt: skip
    data = json.loads(proc.stdout)
    audio, rate = sf.read(str(out))  # readable, and all of it is there
    assert 5.0 < len(audio) / rate < 8.2  # 256 KB of 16 kHz int16 is ~8 s
    assert data["timing"]["audio_s"] == pytest.approx(len(audio) / rate, abs=0.01)
    assert data["transcript"].startswith("Last year")


# Room for the store to be created (schema v4 with its WAL is ~250 KB), then the audio fills it.
@pytest.mark.parametrize("tiny_disk", ["1m"], indirect=True)
def test_full_disk_with_the_data_folder_on_it(tiny_disk: Path, tmp_path: Path) -> None:
    home = tiny_disk / "home"
    env = _fake_env(tmp_path, MOCKLOOP_HOME=str(home))
    proc = subprocess.run(
        [sys.executable, "-m", "mockloop", "record", "--from-file", str(DEMO), "--save", "--json"],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr  # the store cannot save: a one-line error
    assert proc.stderr.startswith("mockloop: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "full" in proc.stderr and "kept" in proc.stderr, proc.stderr
    [wav] = list((home / "audio").rglob("*.wav"))
    audio, rate = sf.read(str(wav))
    assert len(audio) / rate > 1.0
    # Space freed (the folder copied to a roomy disk), the next start finds the session with
    # its audio: interrupted, since the store could not even record the end of it.
    import shutil

    roomy = tmp_path / "home-copy"
    shutil.copytree(home, roomy)
    os.environ["MOCKLOOP_HOME"] = str(roomy)  # restored by the autouse fixture
    store = Store.open()
    try:
        [summary] = store.list_sessions()
        rec = store.get_session(summary.id)
        print(f"\nfull data disk: exit {proc.returncode}, {proc.stderr.strip()!r}; session {rec.status}")
        assert rec.status in ("interrupted", "failed")
        att = rec.attempts[0]
        kept = store.audio_file(att)
        assert kept is not None and sf.info(str(kept)).duration == pytest.approx(len(audio) / rate, abs=0.01)
    finally:
        store.close()
