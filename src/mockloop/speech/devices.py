"""Input devices through sounddevice: listing, choosing by name or index, error mapping.

sounddevice is imported lazily: importing it fails when libportaudio is missing, which must
not break ``mockloop analyze`` or the demo.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mockloop.speech.base import (
    DeviceBusyError,
    DeviceError,
    DeviceInfo,
    DeviceNotFoundError,
    InputStream,
    InvalidSampleRateError,
    NoInputDeviceError,
    SpeechError,
    StreamFactory,
)


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as e:  # PortAudio library not found
        raise NoInputDeviceError(
            f"audio input is unavailable: {e} (install PortAudio, e.g. apt install libportaudio2)"
        ) from None
    return sounddevice


#: Waits before re-probing when no input device at all was found (seconds, ~3 s in total): the
#: ALSA pulse plugin's probe can time out while the machine is busy (seen with both cores
#: loaded), and a user would rather wait a moment than be told there is no microphone.
_REPROBE_WAITS_S = (0.2, 0.4, 0.8, 1.6)


def list_input_devices(*, retries: int = len(_REPROBE_WAITS_S)) -> list[DeviceInfo]:
    """Input devices. PortAudio enumerates only when initialised, so a mic plugged in later (or
    an ALSA/PulseAudio probe that failed transiently, seen with the pulse plugin while another
    client connects) is missed: with no input at all, re-initialise PortAudio and look again."""
    devices = _list_input_devices()
    sd = _sd()
    for wait in _REPROBE_WAITS_S[:retries]:
        if devices:
            break
        time.sleep(wait)
        try:
            sd._terminate()
            sd._initialize()
        except Exception:
            break
        devices = _list_input_devices()
    return devices


def _list_input_devices() -> list[DeviceInfo]:
    sd = _sd()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except Exception as e:
        raise DeviceError(f"cannot list audio devices: {e}") from None
    out: list[DeviceInfo] = []
    for i, d in enumerate(devices):
        if int(d.get("max_input_channels", 0)) <= 0:
            continue
        api = hostapis[d["hostapi"]]["name"] if 0 <= d["hostapi"] < len(hostapis) else ""
        out.append(
            DeviceInfo(
                index=i,
                name=str(d["name"]),
                hostapi=str(api),
                max_input_channels=int(d["max_input_channels"]),
                default_samplerate=float(d["default_samplerate"]),
                is_default=i == default_in,
            )
        )
    return out


def resolve_input_device(spec: str | int | None) -> DeviceInfo:
    """The device for a setting: None = system default, an index, or (part of) a name."""
    devices = list_input_devices()
    if not devices:
        raise NoInputDeviceError("no microphone found (plug one in, or check: mockloop devices)")
    if spec is None or spec == "":
        for d in devices:
            if d.is_default:
                return d
        # No system default (common in containers): the first input beats failing.
        return devices[0]
    text = str(spec).strip()
    if text.lstrip("-").isdigit():
        idx = int(text)
        for d in devices:
            if d.index == idx:
                return d
        raise DeviceNotFoundError(f"no input device with index {idx} (see: mockloop devices)")
    low = text.lower()
    exact = [d for d in devices if d.name.lower() == low]
    if exact:
        return exact[0]
    partial = [d for d in devices if low in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = ", ".join(f"{d.index}: {d.name}" for d in partial[:5])
        raise DeviceNotFoundError(f"'{text}' matches several input devices ({names}); give the index")
    raise DeviceNotFoundError(f"no input device named '{text}' (see: mockloop devices)")


def device_error(e: BaseException, spec: str | int | None = None) -> SpeechError:
    """Turn a PortAudio error into a typed, readable one."""
    if isinstance(e, SpeechError):
        return e
    msg = str(e)
    low = msg.lower()
    where = f" ({spec})" if spec not in (None, "") else ""
    if "invalid sample rate" in low or "samplerate" in low or "-9997" in low:
        return InvalidSampleRateError(f"the microphone{where} refuses its sample rate: {msg}")
    if "busy" in low or "unavailable" in low or "-9985" in low:
        return DeviceBusyError(f"the microphone{where} is busy (another app is using it?): {msg}")
    if "no default" in low or "invalid device" in low or "-9996" in low or "querying device -1" in low:
        return NoInputDeviceError(f"no usable microphone{where}: {msg} (see: mockloop devices)")
    return DeviceError(f"the microphone{where} cannot be opened: {msg}")


def sounddevice_factory(device: str | int | None) -> StreamFactory:
    """A factory for the recorder: a mono InputStream at the device's own sample rate."""

    def factory(
        *,
        samplerate: float | None,
        callback: Callable[[np.ndarray, int, Any, Any], None],
        finished_callback: Callable[[], None],
    ) -> InputStream:
        sd = _sd()
        info = resolve_input_device(device)
        rate = samplerate or info.default_samplerate
        try:
            stream = sd.InputStream(
                device=info.index,
                samplerate=rate,
                channels=1,
                dtype="float32",
                callback=callback,
                finished_callback=finished_callback,
            )
        except Exception as e:
            raise device_error(e, device if device is not None else info.name) from None
        return stream  # type: ignore[no-any-return]

    return factory


def capture_samples(
    device: str | int | None = None, seconds: float = 1.5, *, grace_s: float = 3.0
) -> tuple[DeviceInfo, float, np.ndarray]:
    """Record ``seconds`` from an input device: (device, its sample rate, mono float32 samples).

    Waits for ``seconds`` of audio, not of wall clock: a PulseAudio source can take a second or
    more to deliver its first block after opening (measured on the virtual microphone), and a
    level taken from the first few milliseconds says nothing. Gives up ``grace_s`` later.
    """
    info = resolve_input_device(device)
    blocks: list[np.ndarray] = []

    def cb(indata: np.ndarray, frames: int, t: Any, status: Any) -> None:
        blocks.append(indata[:, 0].copy())

    stream = sounddevice_factory(device)(samplerate=None, callback=cb, finished_callback=lambda: None)
    try:
        want = int(seconds * float(getattr(stream, "samplerate", info.default_samplerate)))
        deadline = time.monotonic() + seconds + grace_s
        stream.start()
        time.sleep(seconds)
        while sum(len(b) for b in list(blocks)) < want and time.monotonic() < deadline:
            time.sleep(0.05)
        stream.stop()
    except SpeechError:
        raise
    except Exception as e:
        raise device_error(e, device) from None
    finally:
        try:
            stream.close()
        except Exception:
            pass
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    return info, float(getattr(stream, "samplerate", info.default_samplerate)), samples


def capture_level(device: str | int | None = None, seconds: float = 1.5) -> tuple[DeviceInfo, float]:
    """Record a moment and return the device and its loudest block's RMS level (dBFS)."""
    from mockloop.speech.recorder import rms_dbfs

    info, rate, samples = capture_samples(device, seconds)
    if samples.size == 0:
        raise DeviceError("the microphone delivered no sound during the test")
    block = max(1, int(rate * 0.05))
    return info, max(rms_dbfs(samples[i : i + block]) for i in range(0, samples.size, block))
