"""Crash recovery helpers: repair a WAV cut off mid-stream, tell stale recordings from live ones.

The recorder streams ``header + frames`` and rewrites the header sizes (and fsyncs) about once a
second, so after a SIGKILL the file holds every frame written up to the crash but its header
may claim fewer (or zero/0xFFFFFFFF) bytes. :func:`repair_wav` makes the header match the file.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WavInfo:
    sample_rate: int
    channels: int
    bits_per_sample: int
    frames: int
    repaired: bool  # True if the header had to be rewritten (or a partial frame cut)

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


class WavRepairError(ValueError):
    """Not a RIFF/WAVE file we can repair (too short, no fmt/data chunk, not WAVE)."""


def repair_wav(path: Path) -> WavInfo:
    """Fix the RIFF and data chunk sizes of a WAV whose writer died; returns what it holds.

    Consistent files are left byte-for-byte untouched. The data chunk of a streamed file is the
    last one, so it is taken to run to the end of the file; a trailing partial frame is cut.
    Prefers ``mockloop.speech.wavfile.repair_wav`` when the speech package provides it (the
    recorder's own format), then checks the result with the parser here.
    """
    path = Path(path)
    info = wav_info(path, strict=True)
    if info is not None:
        return info  # consistent: untouched
    speech_repair: Callable[[Path], object] | None
    try:  # the recorder's own repair, if present (speech package; optional)
        from mockloop.speech.wavfile import repair_wav as speech_repair
    except ImportError:
        speech_repair = None
    if speech_repair is not None:
        with contextlib.suppress(Exception):
            speech_repair(path)
    return replace(_repair(path), repaired=True)


def _repair(path: Path) -> WavInfo:
    size = path.stat().st_size
    with path.open("r+b") as f:
        head = f.read(min(size, 1 << 16))
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise WavRepairError(f"{path}: not a RIFF/WAVE file")
        riff_size = struct.unpack_from("<I", head, 4)[0]
        pos = 12
        fmt: tuple[int, int, int, int, int] | None = None
        data_at: int | None = None
        declared = 0
        while pos + 8 <= len(head):
            cid = head[pos : pos + 4]
            csize = struct.unpack_from("<I", head, pos + 4)[0]
            if cid == b"fmt ":
                if pos + 8 + 16 > len(head):
                    break
                audio_format, channels, rate, _byte_rate, block_align, bits = struct.unpack_from(
                    "<HHIIHH", head, pos + 8
                )
                fmt = (audio_format, channels, rate, block_align, bits)
            elif cid == b"data":
                data_at = pos + 8
                declared = csize
                break
            pos += 8 + csize + (csize & 1)
        if fmt is None or data_at is None:
            raise WavRepairError(f"{path}: no fmt or data chunk in the header")
        _format, channels, rate, block_align, bits = fmt
        block_align = block_align or max(1, channels * bits // 8)
        consistent = (
            declared not in (0, 0xFFFFFFFF)
            and data_at + declared <= size
            and riff_size + 8 == size
            and declared % block_align == 0
        )
        if consistent:
            return WavInfo(rate, channels, bits, declared // block_align, repaired=False)
        data_len = size - data_at
        data_len -= data_len % block_align
        new_size = data_at + data_len
        if new_size != size:
            f.truncate(new_size)
        f.seek(4)
        f.write(struct.pack("<I", min(new_size - 8, 0xFFFFFFFF)))
        f.seek(data_at - 4)
        f.write(struct.pack("<I", min(data_len, 0xFFFFFFFF)))
        f.flush()
        os.fsync(f.fileno())
    return WavInfo(rate, channels, bits, data_len // block_align, repaired=True)


def wav_info(path: Path, *, strict: bool = False) -> WavInfo | None:
    """Read a WAV header without changing anything; None if unreadable.

    With ``strict`` also None when the header does not match the file (needs a repair).
    """
    try:
        size = Path(path).stat().st_size
        with Path(path).open("rb") as f:
            head = f.read(1 << 16)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        riff_size = struct.unpack_from("<I", head, 4)[0]
        pos = 12
        fmt = None
        while pos + 8 <= len(head):
            cid = head[pos : pos + 4]
            csize = struct.unpack_from("<I", head, pos + 4)[0]
            if cid == b"fmt ":
                fmt = struct.unpack_from("<HHIIHH", head, pos + 8)
            elif cid == b"data" and fmt is not None:
                _af, channels, rate, _br, block_align, bits = fmt
                block_align = block_align or max(1, channels * bits // 8)
                end = pos + 8 + csize
                if strict and (
                    csize in (0, 0xFFFFFFFF)
                    or end > size
                    or riff_size + 8 != size
                    or csize % block_align
                ):
                    return None
                data = min(csize, size - pos - 8)
                return WavInfo(rate, channels, bits, data // block_align, repaired=False)
            pos += 8 + csize + (csize & 1)
    except (OSError, struct.error):
        return None
    return None


def pid_alive(pid: int | None) -> bool:
    """Is a process with this id running (zombies count as dead)?"""
    if pid is None or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - no os.kill(pid, 0) probe there
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return fields[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    kernel32.CloseHandle(handle)
    return bool(ok) and code.value == 259  # STILL_ACTIVE
