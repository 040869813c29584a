"""Pure coaching core: content, segmentation, timing, analysis, scoring, the session machine.

Nothing in this package may import Qt, sounddevice, faster_whisper or pyttsx3 (a test checks).
"""
