"""Speech adapters: recorder (sounddevice), transcriber (faster-whisper worker), live VAD-split
transcription, voice (pyttsx3/espeak), devices; Protocols and typed errors in ``base``, test
doubles in ``fakes``. Heavy libraries are imported lazily by each module."""
