"""Crash safety: WAV repair, stale vs live recordings, and a real SIGKILL mid-answer."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import soundfile as sf

from mockloop.core.content import Bank
from mockloop.services import history
from mockloop.store import Store
from mockloop.store.recovery import WavRepairError, pid_alive, repair_wav, wav_info

from .helpers import FakeTranscriber, wav_header, write_wav

# --------------------------------------------------------------------------- repair_wav


def test_repair_fixes_placeholder_sizes(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    frames = b"\x01\x00" * 16000
    path.write_bytes(wav_header(0) + frames)  # header written first, never updated
    info = repair_wav(path)
    assert info.repaired and info.frames == 16000 and info.duration_s == 1.0
    data, rate = sf.read(path)
    assert rate == 16000 and len(data) == 16000


def test_repair_extends_stale_sizes_and_cuts_partial_frame(tmp_path: Path) -> None:
    path = tmp_path / "b.wav"
    path.write_bytes(wav_header(8000) + b"\x02\x00" * 12000 + b"\x07")  # header says 4000 frames
    info = repair_wav(path)
    assert info.frames == 12000
    assert path.stat().st_size == 44 + 24000
    assert sf.info(str(path)).frames == 12000


def test_repair_leaves_consistent_files_untouched(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "c.wav", 0.25)
    # a trailing LIST chunk after data must survive
    extra = b"LIST" + struct.pack("<I", 4) + b"INFO"
    raw = bytearray(path.read_bytes() + extra)
    struct.pack_into("<I", raw, 4, len(raw) - 8)
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    info = repair_wav(path)
    assert not info.repaired and info.frames == 4000
    assert path.read_bytes() == before


def test_repair_refuses_non_wav(tmp_path: Path) -> None:
    path = tmp_path / "d.wav"
    path.write_bytes(b"hello")
    with pytest.raises(WavRepairError):
        repair_wav(path)
    assert wav_info(path) is None


def test_pid_alive() -> None:
    assert pid_alive(os.getpid())
    assert not pid_alive(None)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not pid_alive(proc.pid)


# --------------------------------------------------------------------------- stale vs live


def test_live_session_in_this_process_is_not_recovered(store: Store) -> None:
    sid = store.begin_session(None)
    att = store.begin_attempt(sid)
    write_wav(att.audio_path, 0.5)
    other = Store.open()  # e.g. the history view opening the store during a recording
    assert other.recovered == []
    assert other.summary(sid).status == "recording"
    other.close()


def test_dead_owner_session_becomes_interrupted(store: Store, mockloop_home: Path) -> None:
    sid = store.begin_session(None)
    att = store.begin_attempt(sid)
    att.audio_path.write_bytes(wav_header(0) + b"\x00\x01" * 8000)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    store.db.execute("UPDATE sessions SET owner_pid = ? WHERE id = ?", [proc.pid, sid])
    from mockloop.store import db as dbmod

    dbmod._LIVE.clear()
    again = Store.open()
    assert again.recovered == [sid]
    rec = again.get_session(sid)
    assert rec.status == "interrupted" and rec.ended_at is not None
    assert rec.attempts[0].status == "interrupted"
    assert rec.attempts[0].duration_ms == 500
    assert again.audio_file(rec.attempts[0]) == att.audio_path
    assert Store.open().recovered == []  # only once
    again.close()


# --------------------------------------------------------------------------- real SIGKILL

CHILD = textwrap.dedent(
    """
    import os, struct, sys, time
    from mockloop.store import Store

    RATE = 16000
    store = Store.open()
    sid = store.begin_session({"id": "own-beyond-scope", "principle": "ownership",
                               "text": "Tell me about a time you took on something outside your area of responsibility."},
                              level="sde2", source="mock", keep_audio=True)
    att = store.begin_attempt(sid, kind="answer")

    def header(n):
        return (b"RIFF" + struct.pack("<I", 36 + n) + b"WAVE" + b"fmt "
                + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16)
                + b"data" + struct.pack("<I", n))

    block = b"".join(struct.pack("<h", (i * 50) % 3000 - 1500) for i in range(RATE // 10))
    try:  # the recorder's own writer: header + frames, sizes rewritten and fsynced every 0.5 s
        import numpy as np
        from mockloop.speech.wavfile import StreamingWavWriter
        writer = StreamingWavWriter(att.audio_path, RATE, 1)  # its default cadence
        write = lambda: writer.write(np.frombuffer(block, dtype=np.int16))
    except ImportError:  # same layout, by hand
        f = open(att.audio_path, "wb", buffering=0)
        f.write(header(0)); os.fsync(f.fileno())
        state = {"n": 0, "sync": time.monotonic()}
        def write():
            f.write(block); state["n"] += len(block)
            if time.monotonic() - state["sync"] >= 0.5:
                f.seek(0); f.write(header(state["n"])); f.seek(0, 2)
                os.fsync(f.fileno()); state["sync"] = time.monotonic()
    print(f"start {sid} {att.id}", flush=True)
    written = 0
    while True:                       # a recorder's writer thread: 100 ms blocks
        write(); written += len(block)
        print(f"frames {written // 2}", flush=True)
        time.sleep(0.1)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_answer_keeps_audio_and_can_be_analysed(
    mockloop_home: Path, bank: Bank
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first[0] == "start", first
    sid, aid = int(first[1]), int(first[2])
    t0 = time.monotonic()
    reported = 0
    while time.monotonic() - t0 < 2.6:
        line = proc.stdout.readline()
        if line.startswith("frames"):
            reported = int(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    elapsed = time.monotonic() - t0
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    store = Store.open()
    assert store.recovered == [sid]
    rec = store.get_session(sid)
    assert rec.status == "interrupted"
    att = rec.attempts[0]
    assert att.id == aid and att.status == "interrupted"
    audio = store.audio_file(att)
    assert audio is not None
    data, rate = sf.read(audio)  # readable after the header repair
    recovered_s = len(data) / rate
    assert len(data) >= reported  # every block written before the kill is there
    assert elapsed - recovered_s <= 1.0, (elapsed, recovered_s)
    assert att.duration_ms == round(recovered_s * 1000)
    assert store.summary(sid).audio_s == pytest.approx(recovered_s, abs=0.01)

    # ... and it can be transcribed and analysed later from that audio
    fake = FakeTranscriber()
    result = history.recover_and_analyze(sid, transcriber=fake, bank=bank, store=store)
    assert fake.calls == [audio]
    assert result.report is not None
    rec = store.get_session(sid)
    assert rec.status == "interrupted"  # what happened stays recorded
    assert rec.attempts[0].transcription is not None
    assert rec.attempts[0].transcription.asr_model == "fake-large"
    assert store.summary(sid).verdict == result.report.verdict.value
    store.close()
