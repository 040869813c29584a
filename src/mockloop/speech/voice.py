"""Say the question and probes aloud: pyttsx3 (espeak driver) renders WAV, sounddevice plays it.

pyttsx3's espeak driver is not thread-safe and espeak can only be initialised once per process,
so one dedicated thread creates the engine and runs every job. ``say()`` is never used: on Linux
it shells out to ``aplay`` and pyttsx3 2.99's ``runAndWait`` can return before the utterance is
done, so rendering waits for the ``finished-utterance`` callback and checks the file. Rendered
prompts are cached by (text, voice, rate). No voice or no output device: :meth:`speak` returns
False and the caller shows the text instead.

When the ``espeak-ng`` program is installed it renders instead of the engine: a rate set through
pyttsx3's asynchronous espeak driver was often applied to a later utterance, or not at all
(measured: the same sentence at 100, 200 and 90 wpm came out at 106, 106 and 94 wpm in one run
and at 215, 213, 94 in another), and "Hear it" needs the rate it asks for. The engine still lists
the voices, and renders when the program is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TextIO

from mockloop.speech.base import VoiceInfo, VoiceUnavailableError

_RENDER_TIMEOUT_S = 60.0


class _SavedLineFilter(io.TextIOBase):
    """Drops pyttsx3's 'Audio saved to <file>' line (printed from espeak's callback thread,
    so it cannot be filtered by thread); everything else passes through."""

    def __init__(self, target: TextIO, marker: str) -> None:
        self._target = target
        self._marker = marker
        self._eat_newline: int | None = None

    def write(self, s: str) -> int:
        tid = threading.get_ident()
        if self._marker in s and s.startswith("Audio saved to"):
            self._eat_newline = tid
            return len(s)
        if s == "\n" and self._eat_newline == tid:
            self._eat_newline = None
            return len(s)
        return self._target.write(s)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class _EngineThread:
    """Owns the pyttsx3 engine; every call runs here, one at a time."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[Any], Any], Future[Any]] | None] = queue.SimpleQueue()
        self._ready: Future[Any] = Future()
        self._thread = threading.Thread(target=self._run, name="mockloop-voice", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init("espeak")
        except BaseException as e:  # no libespeak, broken driver: voice unavailable
            self._ready.set_exception(VoiceUnavailableError(f"no text-to-speech voice ({e})"))
            return
        self._ready.set_result(engine)
        while True:
            job = self._jobs.get()
            if job is None:
                break
            fn, fut = job
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(engine))
            except BaseException as e:
                fut.set_exception(e)

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def engine_ready(self, timeout: float = 10.0) -> None:
        self._ready.result(timeout)

    def call(self, fn: Callable[[Any], Any], timeout: float = _RENDER_TIMEOUT_S) -> Any:
        self.engine_ready()
        fut: Future[Any] = Future()
        self._jobs.put((fn, fut))
        return fut.result(timeout)

    def close(self) -> None:
        self._jobs.put(None)


_ENGINE: _EngineThread | None = None
_ENGINE_LOCK = threading.Lock()


def _engine_thread() -> _EngineThread:
    # One engine per process: espeak cannot be initialised twice.
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _EngineThread()
        return _ENGINE


def _render(engine: Any, text: str, voice_id: str | None, rate: int, out: Path) -> None:
    done = threading.Event()

    def on_finished(name: Any = None, completed: bool = True) -> None:
        done.set()

    token = engine.connect("finished-utterance", on_finished)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp.wav")
    old_stdout = sys.stdout
    sys.stdout = _SavedLineFilter(old_stdout, tmp.name)
    try:
        if voice_id:
            engine.setProperty("voice", voice_id)
        engine.setProperty("rate", rate)
        engine.save_to_file(text, str(tmp))
        engine.runAndWait()
        # runAndWait can return before the utterance is done: wait for the callback itself.
        # (Calling runAndWait again with nothing queued would spin forever in the espeak driver.)
        done.wait(_RENDER_TIMEOUT_S)
        if not done.is_set():
            raise VoiceUnavailableError("the voice did not finish speaking in time")
        if not tmp.is_file() or tmp.stat().st_size <= 44:
            raise VoiceUnavailableError("the voice produced no audio")
        os.replace(tmp, out)
    finally:
        if isinstance(sys.stdout, _SavedLineFilter):
            sys.stdout = old_stdout
        engine.disconnect(token)
        with contextlib.suppress(OSError):
            tmp.unlink()


def _espeak_program() -> str | None:
    return shutil.which("espeak-ng")


def _render_program(program: str, text: str, voice_id: str | None, rate: int, out: Path) -> None:
    """One synchronous espeak-ng run: the rate is exactly the one asked for."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
    cmd = [program, "-s", str(rate), "-w", str(tmp), "--stdin"]
    if voice_id:
        cmd[1:1] = ["-v", voice_id]
    try:
        proc = subprocess.run(
            cmd, input=text, text=True, capture_output=True, timeout=_RENDER_TIMEOUT_S
        )
        if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size <= 44:
            why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no audio"
            raise VoiceUnavailableError(f"the voice produced no audio ({why})")
        os.replace(tmp, out)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise VoiceUnavailableError(f"the voice failed: {e}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


class EspeakVoice:
    """The real voice. Construct cheaply; the engine starts on first use."""

    def __init__(
        self,
        voice_id: str | None = None,
        rate_wpm: int = 165,
        *,
        cache_dir: Path | None = None,
        play: bool = True,
    ) -> None:
        self.voice_id = voice_id
        self.rate_wpm = rate_wpm
        self._cache_dir = cache_dir
        self.play_enabled = play
        self.playback_error: str | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._available: bool | None = None

    @property
    def available(self) -> bool:
        if self._available is None:
            if _espeak_program() is not None:
                self._available = True  # it renders everything: no need to start the engine
            else:
                try:
                    _engine_thread().engine_ready()
                    self._available = True
                except Exception as e:
                    self.error = str(e)
                    self._available = False
        return self._available

    def cache_dir(self) -> Path:
        if self._cache_dir is None:
            from mockloop import paths

            self._cache_dir = paths.cache_dir() / "voice"
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        return self._cache_dir

    def cache_path(self, text: str, rate_wpm: int | None = None) -> Path:
        rate = self.rate_wpm if rate_wpm is None else rate_wpm
        key = f"{text}\x00{self.voice_id or ''}\x00{rate}".encode()
        return self.cache_dir() / f"{hashlib.sha256(key).hexdigest()[:24]}.wav"

    def render(self, text: str, rate_wpm: int | None = None) -> Path:
        """The prompt as a WAV file (cached), at ``rate_wpm`` or the voice's own rate."""
        if not self.available:
            raise VoiceUnavailableError(self.error or "no text-to-speech voice")
        rate = self.rate_wpm if rate_wpm is None else rate_wpm
        out = self.cache_path(text, rate)
        if out.is_file() and out.stat().st_size > 44:
            return out
        program = _espeak_program()
        if program is not None:
            _render_program(program, text, self.voice_id, rate, out)
        else:
            _engine_thread().call(lambda eng: _render(eng, text, self.voice_id, rate, out))
        return out

    def speak(self, text: str, rate_wpm: int | None = None) -> bool:
        """Render and play ``text``; False when nothing could be played (show the text)."""
        self._stop.clear()
        try:
            wav = self.render(text, rate_wpm)
        except VoiceUnavailableError as e:
            self.error = str(e)
            return False
        except Exception as e:  # never let the voice stop a session
            self.error = f"voice failed: {e}"
            return False
        if not self.play_enabled:
            return True
        return self._play(wav)

    def _play(self, wav: Path) -> bool:
        try:
            import sounddevice as sd
            import soundfile as sf

            data, rate = sf.read(str(wav), dtype="float32")
            sd.play(data, rate)
            duration = len(data) / rate
            t_end = time.monotonic() + duration + 0.5
            while time.monotonic() < t_end:
                if self._stop.wait(0.05):
                    sd.stop()
                    return True
                stream = sd.get_stream()
                if not stream.active:
                    break
            sd.wait()
            self.playback_error = None
            return True
        except Exception as e:  # no output device (headless box, CI): report, don't fail
            self.playback_error = f"no audio output ({e})"
            return False

    def stop(self) -> None:
        self._stop.set()

    def voices(self) -> list[VoiceInfo]:
        if not self.available:
            return []

        def get(engine: Any) -> list[VoiceInfo]:
            out = []
            for v in engine.getProperty("voices"):
                langs = tuple(
                    x.decode(errors="replace") if isinstance(x, bytes) else str(x)
                    for x in (getattr(v, "languages", None) or ())
                )
                out.append(VoiceInfo(id=str(v.id), name=str(v.name), languages=langs))
            return out

        try:
            return list(_engine_thread().call(get))
        except VoiceUnavailableError:  # only the espeak-ng program works: its default voice
            return [VoiceInfo(id="en", name="English (espeak-ng default)", languages=("en",))]

    def close(self) -> None:
        self.stop()


class TextOnlyVoice:
    """No voice: every prompt is shown, never said."""

    available = False

    def speak(self, text: str, rate_wpm: int | None = None) -> bool:
        return False

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass
