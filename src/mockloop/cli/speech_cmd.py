"""Spoken practice from the terminal: mock, demo, record, devices, transcribe, voices.

All the work happens in ``services.practice`` / ``services.audio``; this module only turns their
events into terminal lines and their errors into one-line :class:`UserError` messages.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from mockloop.cli.common import UserError, print_json
from mockloop.core.model import Level, Report


def register(sub: Any) -> None:
    p = sub.add_parser("mock", help="a spoken mock interview: question aloud, record, report, probes")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--principle", metavar="ID", help="pick a question of this Leadership Principle ('random', the default, weights the higher-probability ones)")
    g.add_argument("--question", metavar="ID", help="this question (see: mockloop questions)")
    _common_practice(p)
    p.add_argument("--device", metavar="D", help="input device name or index (see: mockloop devices)")
    p.set_defaults(func=run_mock)

    p = sub.add_parser("demo", help="the mock loop on a bundled recorded answer (no microphone)")
    _common_practice(p)
    p.add_argument("--realtime", action="store_true", help="play the answer at speaking pace")
    p.add_argument("--save", action="store_true", help="keep the demo session in the history")
    p.set_defaults(func=run_demo, probes=0)

    p = sub.add_parser("record", help="record one answer and print its report")
    p.add_argument("--from-file", metavar="FILE", help="use an audio file as the microphone")
    p.add_argument("--realtime", action="store_true", help="with --from-file: play at real-time pace")
    p.add_argument("--device", metavar="D", help="input device name or index")
    p.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds (default: Enter)")
    p.add_argument("--question", metavar="ID", help="the question it answers")
    p.add_argument("--probe", metavar="PROBE_ID", help="score it as an answer to this probe")
    p.add_argument("--level", choices=[lv.value for lv in Level], default=None)
    p.add_argument("--model", metavar="DIR", help="CTranslate2 Whisper folder (default: embedded)")
    p.add_argument("--json", action="store_true", help="print the report (+ timing) as JSON")
    p.add_argument("--save", action="store_true", help="store it as a session")
    p.add_argument("--out", metavar="WAV", help="also keep the recording here")
    p.set_defaults(func=run_record)

    p = sub.add_parser("devices", help="list audio input devices")
    p.add_argument("--json", action="store_true")
    p.add_argument("--test", nargs="?", const="", metavar="D", help="record 1.5 s and show the level")
    p.set_defaults(func=run_devices)

    p = sub.add_parser("transcribe", help="print the timed transcript of an audio file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--model", metavar="DIR", help="CTranslate2 Whisper folder (default: embedded)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--keep-fillers", action="store_true", help="prompt Whisper to keep um/uh")
    p.set_defaults(func=run_transcribe)

    p = sub.add_parser("voices", help="list text-to-speech voices")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_voices)


def _common_practice(p: argparse.ArgumentParser) -> None:
    p.add_argument("--level", choices=[lv.value for lv in Level], default=None)
    p.add_argument("--probes", type=int, metavar="N", default=None, help="ask at most N probes")
    p.add_argument("--time-limit", type=float, metavar="S", help="answer time limit in seconds")
    p.add_argument("--no-voice", action="store_true", help="show the prompts instead of saying them")
    p.add_argument("--model", metavar="DIR", help="CTranslate2 Whisper folder (default: embedded)")
    p.add_argument("--no-refine", action="store_true", help="skip the whole-file refine pass")


# --------------------------------------------------------------------------- shared helpers


def _settings() -> Any:
    from mockloop import settings

    return settings.load()


def _level(arg: str | None) -> Level:
    if arg:
        return Level(arg)
    try:
        return Level(_settings().default_level)
    except ValueError:
        return Level.SDE2


def _bank(required: bool = True) -> Any:
    from mockloop.core.content import ContentError, load_bank

    try:
        return load_bank()
    except ContentError as e:
        if required:
            raise UserError(f"content: {e}") from None
        return None


def _speech_error(e: Exception) -> UserError:
    return UserError(str(e))


def _voice(no_voice: bool) -> Any:
    from mockloop.speech.voice import EspeakVoice, TextOnlyVoice

    s = _settings()
    if no_voice or not s.voice_enabled:
        return TextOnlyVoice()
    return EspeakVoice(s.voice_id, s.speech_rate_wpm)


def _transcriber(model: str | None) -> Any:
    from mockloop.speech.asr import WhisperTranscriber
    from mockloop.speech.base import SpeechError

    try:
        return WhisperTranscriber(model)
    except SpeechError as e:
        raise _speech_error(e) from None


def _refine_factory(model: str | None) -> Any:
    def make() -> Any:
        from mockloop.speech.asr import WhisperTranscriber

        # Low priority and fewer threads: the refine pass must never slow the next live answer.
        return WhisperTranscriber(model, nice=10, cpu_threads=1)

    return make


class _EnterWatcher:
    """Sets a flag when Enter is pressed; EOF (piped/closed stdin) never stops a recording."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.line = ""
        self.eof = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                line = sys.stdin.readline()
            except (OSError, ValueError):
                line = ""
            if line == "":
                self.eof = True
                return
            self.line = line.strip()
            self._event.set()

    def pressed(self) -> bool:
        if self._event.is_set():
            self._event.clear()
            return True
        return False

    def wait(self) -> str | None:
        """Block for the next line (None at EOF)."""
        while not self._event.wait(0.2):
            if self.eof:
                return None
        self._event.clear()
        return self.line


def _fmt_time(s: float) -> str:
    s = max(0.0, s)
    return f"{int(s // 60)}:{int(s % 60):02d}"


def _print_report(report: Report) -> None:
    from mockloop.cli.render import print_report

    print_report(report)


class _TerminalView:
    """Turns practice events into terminal output (one updating line while recording)."""

    def __init__(self, *, tty: bool) -> None:
        self.tty = tty
        self._line_open = False
        self._lock = threading.Lock()
        self._last_plain = -1

    def _end_line(self) -> None:
        if self._line_open:
            sys.stdout.write("\n")
            self._line_open = False

    def __call__(self, ev: Any) -> None:
        from mockloop.services import practice as pr

        with self._lock:
            if isinstance(ev, pr.Progress):
                part = ev.part.label if ev.part is not None else "-"
                meter = "#" * max(0, min(10, int((ev.level_dbfs + 60) / 6)))
                text = (f"  recording {_fmt_time(ev.elapsed_s)} / {_fmt_time(ev.limit_s)}  "
                        f"part: {part:<10} level [{meter:<10}]  (Enter to stop)")  # fmt: skip
                if self.tty:
                    sys.stdout.write("\r" + text + "\033[K")
                    sys.stdout.flush()
                    self._line_open = True
                elif int(ev.elapsed_s) // 15 != self._last_plain:  # a plain log every 15 s
                    self._last_plain = int(ev.elapsed_s) // 15
                    print(text.strip(), flush=True)
                return
            self._end_line()
            if isinstance(ev, pr.PromptShown):
                label = "Question" if ev.step is not None and ev.step.kind == "answer" else "Probe"
                print(f"\n{label}: {ev.text}")
                if not ev.spoken and ev.voice_note:
                    print(f"  (not spoken: {ev.voice_note})")
            elif isinstance(ev, pr.RecordingStarted):
                print(f"  Answer now; press Enter to stop (limit {_fmt_time(ev.limit_s)}).", flush=True)
            elif isinstance(ev, pr.ReportReady):
                print(f"\n  Stopped after {_fmt_time(ev.audio_s)}; report ready in {ev.latency_s:.2f} s "
                      "(live transcript).\n")  # fmt: skip
                _print_report(ev.report)
            elif isinstance(ev, pr.NoSpeech):
                print("\n  No speech detected. Check the microphone (mockloop devices --test) and try again.")
            elif isinstance(ev, pr.StepFailed):
                print(f"\n  Problem: {ev.message}")
            elif isinstance(ev, pr.Notice):
                print(f"  Note: {ev.message}")
            elif isinstance(ev, pr.ReportRefined) and ev.report is not None:
                print(f"  (whole-file transcript ready: {ev.why}; verdict now "
                      f"{ev.report.verdict.value.upper()})")  # fmt: skip
            sys.stdout.flush()


def _print_summary(summary: Any, session_id: int | None) -> None:
    print("\nSession summary")
    for r in summary.results:
        name = "Answer" if r.step.kind == "answer" else f"Probe {r.step.index}"
        if r.report is not None:
            s = r.report.scores
            score = f"ownership {s.ownership} metrics {s.metrics} reflection {s.reflection} pacing {s.pacing}"
            if s.intent is not None:
                score += f" intent {s.intent}"
            src = r.report.transcript_source
            print(f"  {name:<9} {r.report.verdict.value.upper():<7} {score}  [{src}]")
        else:
            print(f"  {name:<9} {r.status}" + (f": {r.error}" if r.error else ""))
    if session_id is not None:
        print(f"\nSaved as session {session_id}.")


# --------------------------------------------------------------------------- mock / demo


def _pick_question(bank: Any, args: argparse.Namespace) -> Any:
    if getattr(args, "question", None):
        try:
            return bank.question(args.question)
        except KeyError:
            raise UserError(f"no question with id '{args.question}' (see: mockloop questions)") from None
    from mockloop.core.content import pick_question

    principle = getattr(args, "principle", None)
    if principle == "random":
        principle = None  # weighted to the higher-probability principles
    try:
        return pick_question(bank, principle)
    except KeyError:
        if principle:
            raise UserError(f"no principle '{principle}' (see: mockloop principles)") from None
        raise UserError("no questions in the content bank") from None


def _run_practice(args: argparse.Namespace, *, question: Any, bank: Any, source: str,
                  source_for: Any, store: Any, device: Any, wait_between: bool) -> int:  # fmt: skip
    from mockloop.services.practice import PracticeConfig, PracticeSession, SessionFinished
    from mockloop.speech.base import SpeechError

    s = _settings()
    limit = args.time_limit
    config = PracticeConfig(
        question=question,
        level=_level(args.level),
        bank=bank,
        max_answer_s=limit or float(s.max_answer_s),
        max_probe_s=limit or float(s.max_probe_s),
        max_probes=args.probes,
        refine=not args.no_refine,
        source=source,
    )
    view = _TerminalView(tty=sys.stdout.isatty())
    finished: list[Any] = []

    def listener(ev: Any) -> None:
        if isinstance(ev, SessionFinished):
            finished.append(ev)
        view(ev)

    enter = _EnterWatcher() if source_for is None else None
    transcriber = _transcriber(args.model)
    session = PracticeSession(
        config, transcriber=transcriber, voice=_voice(args.no_voice), store=store,
        listener=listener, source_for=source_for, device=device,
        refine_factory=None if args.no_refine else _refine_factory(args.model),
    )  # fmt: skip
    try:
        session.begin()
        from mockloop.core.session import Phase

        while session.phase is Phase.ASKING:
            session.ask()
            session.start_recording()
            while True:
                reason = session.wait(0.1)
                prog = session.progress()
                if prog is not None:
                    listener(prog)
                if reason is not None or (enter is not None and enter.pressed()):
                    break
            session.stop_recording()
            if session.state.has_next and wait_between and enter is not None and sys.stdin.isatty():
                print("\nPress Enter for the next probe (q + Enter to finish).")
                line = enter.wait()
                if line is None or line.lower().startswith("q"):
                    session.finish()
                    break
            session.next()
        summary = session.close()
    except SpeechError as e:
        session.close(aborted=True)
        raise _speech_error(e) from None
    except KeyboardInterrupt:
        session.close(aborted=True)
        raise
    finally:
        transcriber.close()
        if store is not None:
            store.close()
    _print_summary(summary, finished[0].session_id if finished else session.session_id)
    return 0


def _open_store() -> Any:
    try:
        from mockloop.store import Store
    except ImportError:
        return None
    try:
        return Store.open()
    except Exception as e:
        raise UserError(f"cannot open the session store: {e}") from None


def run_mock(args: argparse.Namespace) -> int:
    bank = _bank()
    question = _pick_question(bank, args)
    return _run_practice(args, question=question, bank=bank, source="mock", source_for=None,
                         store=_open_store(), device=args.device or _settings().input_device,
                         wait_between=True)  # fmt: skip


def _demo_question(meta: dict[str, Any]) -> tuple[Any, Any]:
    from mockloop.core.content import Question

    bank = _bank(required=False)
    qid = meta.get("question_id")
    if bank is not None and qid:
        try:
            return bank.question(qid), bank
        except KeyError:
            pass
    text = meta.get("question_text") or "Tell me about a time you went beyond your scope."
    return Question(id=str(qid or "demo"), principle=str(meta.get("principle", "")), text=text, probes=()), bank


def run_demo(args: argparse.Namespace) -> int:
    from mockloop.services.analysis import InputError
    from mockloop.services.audio import demo_answer
    from mockloop.speech.recorder import FileSource

    try:
        path, meta = demo_answer()
    except InputError as e:
        raise UserError(str(e)) from None
    question, bank = _demo_question(meta)
    print(f"Demo: playing the bundled answer ({path.name}) as the microphone.")

    def source_for(step: Any) -> Any:
        if step.kind != "answer":
            return None
        return FileSource(path, realtime=args.realtime)

    if args.probes is None:
        args.probes = 0  # the bundled recording answers the main question only
    store = _open_store() if args.save else None
    return _run_practice(args, question=question, bank=bank, source="demo", source_for=source_for,
                         store=store, device=None, wait_between=False)  # fmt: skip


# --------------------------------------------------------------------------- record


def run_record(args: argparse.Namespace) -> int:
    from mockloop.services import audio
    from mockloop.services.analysis import InputError, resolve_target

    level = _level(args.level)
    bank = None
    question = probe = None
    if args.question or args.probe:
        bank = _bank()
        try:
            target = resolve_target(bank, args.question, args.probe)
        except InputError as e:
            raise UserError(str(e)) from None
        question, probe = target.question, target.probe
    out = Path(args.out) if args.out else None
    try:
        if args.from_file:
            p = Path(args.from_file)
            if not p.exists():
                raise UserError(f"{args.from_file}: no such file")
            res = audio.record_from_file(
                p, realtime=args.realtime, question=question, probe=probe, level=level, bank=bank,
                model_path=args.model, save=args.save, out_path=out, max_s=args.seconds,
            )  # fmt: skip
        else:
            enter = _EnterWatcher()
            if not args.json:
                print("Recording; press Enter to stop.", flush=True)
            tty = sys.stdout.isatty() and not args.json

            def progress(elapsed: float, level_db: float) -> None:
                if tty:
                    sys.stdout.write(f"\r  {_fmt_time(elapsed)}  level {level_db:6.1f} dBFS\033[K")
                    sys.stdout.flush()

            res = audio.record_answer(
                None, device=args.device or _settings().input_device, should_stop=enter.pressed,
                max_s=args.seconds, question=question, probe=probe, level=level, bank=bank,
                model_path=args.model, save=args.save, out_path=out, on_progress=progress,
            )  # fmt: skip
            if tty:
                print()
    except InputError as e:
        raise UserError(str(e)) from None
    cut = res.report.extra.get("device_error")
    if args.json:
        data = res.report.to_dict()
        data["timing"] = res.timing
        if res.session_id is not None:
            data["session_id"] = res.session_id
        print_json(data)
    else:
        _print_report(res.report)
        t = res.timing
        print(f"\nReport {t['feedback_latency_s']:.2f} s after the end of the audio "
              f"({t['audio_s']:.1f} s recorded).")  # fmt: skip
        if res.session_id is not None:
            print(f"Saved as session {res.session_id}.")
    if cut:
        # The report covers what was recorded; exit 1 tells a script the answer was cut short.
        print(f"mockloop: {cut}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- devices, transcribe, voices


def run_devices(args: argparse.Namespace) -> int:
    from mockloop.speech.base import SpeechError
    from mockloop.speech.devices import capture_level, list_input_devices

    try:
        devices = list_input_devices()
        tested = None
        if args.test is not None:
            tested = capture_level(args.test or _settings().input_device)
    except SpeechError as e:
        raise _speech_error(e) from None
    if args.json:
        data: dict[str, Any] = {"devices": [d.to_dict() for d in devices]}
        if tested is not None:
            data["test"] = {"device": tested[0].to_dict(), "peak_dbfs": round(tested[1], 1)}
        print_json(data)
        return 0
    if not devices:
        print("No input devices found.")
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f"{mark} {d.index:>3}  {d.name}  ({d.hostapi}, {d.max_input_channels} ch, "
              f"{d.default_samplerate:.0f} Hz)")  # fmt: skip
    if tested is not None:
        info, peak = tested
        hint = "  (very quiet: is the microphone muted?)" if peak < -60 else ""
        print(f"\nTest on {info.name}: peak level {peak:.1f} dBFS{hint}")
    return 0


def run_transcribe(args: argparse.Namespace) -> int:
    from mockloop.services.audio import transcribe_file
    from mockloop.speech.asr import FILLER_PROMPT
    from mockloop.speech.base import SpeechError

    p = Path(args.file)
    if not p.exists():
        raise UserError(f"{args.file}: no such file")
    try:
        res = transcribe_file(p, model_path=args.model,
                              initial_prompt=FILLER_PROMPT if args.keep_fillers else None)  # fmt: skip
    except SpeechError as e:
        raise _speech_error(e) from None
    t = res.transcript
    if args.json:
        print_json({
            "file": str(p), "model": res.model, "duration_s": t.duration_s, "text": t.text,
            "no_speech": res.no_speech, "elapsed_s": round(res.elapsed_s, 3),
            "pauses": [list(x) for x in t.pauses or ()], "words": [w.to_dict() for w in t.words],
        })  # fmt: skip
        return 0
    if res.no_speech:
        print("No speech detected.")
        return 0
    line: list[str] = []
    line_start = t.words[0].start_s
    for w in t.words:
        line.append(w.text)
        if w.text.endswith((".", "?", "!")) or len(line) >= 14:
            print(f"[{_fmt_time(line_start)}.{int(line_start * 10) % 10}] {' '.join(line)}")
            line = []
            line_start = w.end_s
    if line:
        print(f"[{_fmt_time(line_start)}.{int(line_start * 10) % 10}] {' '.join(line)}")
    return 0


def run_voices(args: argparse.Namespace) -> int:
    from mockloop.speech.voice import EspeakVoice

    v = EspeakVoice()
    voices = v.voices()
    if args.json:
        print_json({"available": v.available, "error": v.error, "voices": [x.to_dict() for x in voices]})
        return 0
    if not voices:
        print(f"No text-to-speech voice ({v.error or 'espeak-ng not found'}); prompts are shown as text.")
        return 0
    for x in voices:
        print(f"{x.id:<24} {x.name}")
    return 0
