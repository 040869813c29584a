#!/usr/bin/env python3
"""Speech pipeline benchmark: feedback latency (batch vs live), real-time factor, peak memory,
WER on the shared speech, and what the filler-keeping prompt gains.

    .venv/bin/python benchmarks/bench_speech.py [--quick] [--speed 1.0]

Answers are synthesized with espeak-ng (60 s and 180 s). "Live" plays them into the recorder
through FileSource at real-time pace (as a microphone would), so it takes as long as the audio.
``run()`` returns the figures; benchmarks/run_all.py calls it with the other benchmarks.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockloop.speech.metrics import word_error_rate

REPO = Path(__file__).resolve().parents[1]
JFK = REPO.parent / "shared" / "audio" / "jfk.flac"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, ask what you "
            "can do for your country.")

SITUATION = ("Last year I was a software engineer on the payments team, and our checkout page "
             "was timing out for about two percent of customers during the evening peak.")
TASK = "Nobody had asked me to look at it, but my goal was to find the cause and fix it."
ACTION = [
    "I pulled a week of latency traces and grouped the slow requests by endpoint.",
    "I found that the fraud check called a partner service without a timeout.",
    "I wrote a load test that reproduced the slow calls on a staging cluster.",
    "I added a circuit breaker and a cache for the partner responses.",
    "I reviewed the change with the fraud team and rolled it out behind a flag.",
    "I watched the dashboards for a week and tuned the cache expiry twice.",
]
RESULT = "Checkout timeouts fell from two percent to under a tenth of a percent, and revenue at peak rose by about three percent."
REFLECTION = "I learned to ask what every remote call does when the other side is slow."


def answer_parts(target_s: float) -> list[tuple[str, str]]:
    # ~2.6 words/s at 165 wpm plus pauses: repeat action sentences until the length is reached.
    words_needed = target_s * 2.8
    base = len(" ".join([SITUATION, TASK, RESULT, REFLECTION]).split())
    actions: list[str] = []
    i = 0
    while base + len(" ".join(actions).split()) < words_needed:
        actions.append(ACTION[i % len(ACTION)])
        i += 1
    return [("situation", SITUATION), ("task", TASK), ("action", " ".join(actions)),
            ("result", RESULT), ("reflection", REFLECTION)]


def rss_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class Latency:
    answer_s: float  # length of the synthesized answer
    live_s: float  # Stop -> report, live pipeline (only the tail left to transcribe)
    batch_s: float  # end -> report, whole file transcribed after the end
    batch_rtf: float

    @property
    def ratio(self) -> float:
        return self.batch_s / self.live_s if self.live_s > 0 else float("nan")


@dataclass(frozen=True)
class SpeechResult:
    model: str
    model_load_s: float
    latencies: list[Latency]
    main_peak_mb: float  # this process (ru_maxrss: includes anything it ran before)
    worker_peak_mb: float | None  # the ASR worker process
    jfk_wer: float | None
    jfk_rtf: float | None


def run(quick: bool = False, speed: float = 1.0, log: Callable[[str], None] = print) -> SpeechResult:
    """Everything in the module docstring; ``quick`` = the 60 s answer only."""
    from mockloop.core.analyze import analyze
    from mockloop.services.audio import record_from_file, transcribe_file
    from mockloop.speech.asr import FILLER_PROMPT, WhisperTranscriber
    from mockloop.speech.recorder import FileSource
    from mockloop.speech.synth import synthesize_answer

    tmp = Path(tempfile.mkdtemp(prefix="mockloop-bench-"))
    t = WhisperTranscriber()
    t.wait_ready()
    log(f"model {t.model_name}, cpu threads {t.cpu_threads}, load {t.load_s:.2f} s")
    jfk_wer = jfk_rtf = None
    latencies: list[Latency] = []

    # WER and RTF on the shared human speech.
    if JFK.is_file():
        t0 = time.perf_counter()
        r = transcribe_file(JFK, transcriber=t)
        dt = time.perf_counter() - t0
        jfk_wer = word_error_rate(JFK_TEXT, r.transcript.text)
        jfk_rtf = dt / (r.transcript.duration_s or 1)
        log(f"jfk.flac: WER {jfk_wer:.3f}, {dt:.2f} s for {r.transcript.duration_s:.1f} s (RTF {jfk_rtf:.3f})")
        log(f"  hyp: {r.transcript.text}")

    lengths = [60.0] if quick else [60.0, 180.0]
    for target in lengths:
        # No trailing silence: Stop is pressed the moment the last word ends (the worst case;
        # with a natural half-second pause before Stop the last piece is already done).
        ans = synthesize_answer(answer_parts(target), tmp / f"answer{int(target)}.wav", wpm=165, tail_s=0.0)
        # Batch: the whole file transcribed after the end, then analyzed.
        t0 = time.perf_counter()
        res = transcribe_file(ans.path, transcriber=t)
        t_asr = time.perf_counter() - t0
        rep = analyze(res.transcript)
        batch = time.perf_counter() - t0
        bstarts = {p.part.value: p.start_s for p in rep.parts}
        berrs = [abs((bstarts.get(n) or -99) - s) for n, s, _ in ans.parts]
        log(f"\n{ans.duration_s:.0f} s answer")
        log(f"  batch: report {batch:.2f} s after the end (ASR {t_asr:.2f} s, RTF {t_asr / ans.duration_s:.3f})")
        # Live: real-time playback through recorder -> VAD pieces -> worker; latency from the end.
        out = record_from_file(ans.path, realtime=True, transcriber=t) if speed == 1.0 else None
        if out is None:
            from mockloop.services.audio import record_answer

            out = record_answer(FileSource(ans.path, realtime=True, speed=speed), transcriber=t)
        tm = out.timing
        starts = {p.part.value: p.start_s for p in out.report.parts}
        errs = [abs((starts.get(n) or -99) - s) for n, s, _ in ans.parts]
        log(f"  live:  report {tm['feedback_latency_s']:.2f} s after the end "
            f"(tail ASR {tm['stop_to_transcript_s']:.2f} s, {int(tm['pieces'] or 0)} pieces, "
            f"ASR busy {tm['transcribe_s']:.1f} s = {tm['transcribe_s'] / ans.duration_s:.2f} of real time)")
        log(f"  part start error vs truth: live max {max(errs):.2f} s ({len(out.report.parts)} parts), "
            f"batch max {max(berrs):.2f} s ({len(rep.parts)} parts)")
        log("    live starts " + ", ".join(f"{n[:3]} {starts.get(n) or -1:.1f}/{s:.1f}" for n, s, _ in ans.parts))
        latencies.append(Latency(ans.duration_s, float(tm["feedback_latency_s"] or 0.0), batch,
                                 t_asr / ans.duration_s))

    # The filler-keeping prompt: an answer with spoken fillers, counted with and without it.
    filler_text = [("situation", "Um, so last year, uh, I was on the payments team."),
                   ("task", "And, um, my goal was, uh, to fix the checkout timeouts."),
                   ("action", "So I, um, pulled the traces, and, uh, I found the slow call. "
                              "Then I, um, added a timeout and, uh, a cache."),
                   ("result", "Um, timeouts fell to, uh, almost zero."),
                   ("reflection", "I learned, um, to check remote calls.")]
    fa = synthesize_answer(filler_text, tmp / "fillers.wav", wpm=150)
    spoken = sum(len(re.findall(r"\b(?:um|uh)\b", x.lower())) for _, x in filler_text)
    for label, prompt in (("no prompt", None), ("filler prompt", FILLER_PROMPT)):
        r = transcribe_file(fa.path, transcriber=t, initial_prompt=prompt)
        found = len(re.findall(r"\b(?:um+|uh+|hmm+|er|ah)\b", r.transcript.text.lower()))
        ref = " ".join(x for _, x in filler_text)
        log(f"fillers ({label}): {found}/{spoken} kept, WER {word_error_rate(ref, r.transcript.text):.3f}")

    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = rss_peak_mb(t.pid or 0)
    log(f"\npeak RSS: main {main_mb:.0f} MB, worker {worker_mb or float('nan'):.0f} MB")
    t.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return SpeechResult(t.model_name, t.load_s or 0.0, latencies, main_mb, worker_mb, jfk_wer, jfk_rtf)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="60 s answer only")
    ap.add_argument("--speed", type=float, default=1.0, help="live playback speed (1.0 = real time)")
    args = ap.parse_args(argv)
    run(args.quick, args.speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
