"""Benchmark of rebuilds: cold, no-op, and after editing one key point.

    .venv/bin/python scripts/bench.py [bench/bench.json] [--tts piper] [--asr faster-whisper]

Copies episodes/demo.md into a temporary episode source and builds it four
times with the stage functions (ingest, condense, synthesize, transcribe,
verify, package), against a fresh, empty PIPELINE_CACHE_DIR in a temporary directory:

  cold  nothing cached;
  noop  the same build again: every cache warm, nothing may be re-synthesized
        or re-transcribed (the MP3 must come out byte-identical);
  edit  one word of one key point's text changed in script.yaml (numbers
        kept): exactly one segment may be re-synthesized;
  cold_again  cold again, into another folder from other empty caches: the
        same episode.mp3, timeline.json, transcript.json bytes and verify.json
        (less timing fields) as the cold build, or the rebuild is not reproducible.

"floor" in bench.json (and the last table printed) holds issue 26's figures of
the run: the cold build's CPU seconds per minute of audio by part (ingest,
condense, model loads, tts, mastering, transcribe, verify, package: the
overlapped stage split by pipeline.cputime, hearing being its rest); its wall
time over its floor, CPU-s / cores (target <= 1.15); the batch speedup over
its ceiling, sequential wall x cores / batch CPU, i.e. the share of the cores
the batch kept busy (target >= 0.95); and whether the rebuild was identical.
On a machine that other builds load, the wall ratio measures them: cold_again's
threads are sampled (ThreadSampler) for quiet_wall_over_floor, the same ratio had
the build had the cores to itself.

The transcribe stage is the build's own (pipeline.transcribe.transcribe_episode):
the edit reuses the words heard in every unchanged segment and transcribes only
the edited one.

Then, in this process, on the same machine:

  asr_rtf        both Whisper engines (faster-whisper, whisper) on the same
                 audio: the first --asr-clip seconds (default 30: one Whisper
                 window; openai-whisper on this CPU measured 0.8x to 4.9x real
                 time, so the whole episode could take minutes) of the MP3,
                 model loaded first (load_s apart);
  numbers_heard  the share of script numbers heard back (pipeline.numbers.compare
                 status "ok") per TTS engine: on the demo (piper from the cold
                 build, espeak built here) and on the shared vectors
                 (<repo>/../shared/data or $PIPELINE_SHARED_DIR:
                 number_compare.tsv script column, number_extract.tsv text
                 column) spoken aloud, en by piper and espeak, fr by espeak;
                 the sentences of one engine and language are spoken as the
                 pipeline would (speech.spoken_text), joined with pauses
                 and transcribed in one pass, then split by time; the failing
                 sentences are spoken again with each heal strategy
                 (pipeline.heal.STRATEGIES) and each keeps its best attempt
                 ("healed"), with the numbers each strategy regained; the
                 engines' synthesis speed (x real time) on the same text.
                 en: piper, kokoro, pico, espeak; fr: kokoro, pico, espeak.
                 gtts only when reachable, else recorded as unavailable.
                 --quick skips the espeak demo build and the vectors;
                 --vectors runs only the vectors (no demo builds).

Then, unless --no-conversation or --quick (without --conversation), the demo as two hosts:

  formats        a cold `pipeline build --format conversation` of the demo (its own
                 empty cache, --heal-rounds 0, fallback --tts kokoro: the hosts speak
                 in their own voices) beside the narration cold build, both counted as
                 whole processes: wall and CPU seconds (the process and its children),
                 audio seconds, RTF, CPU-s per audio minute, numbers heard on the first
                 pass. Left out of --quick: it costs many narration builds.

Then, unless --no-batch, the batch engines on four demo-sized posts (each with
its own speaking rate in its settings file, so no two share a cached segment),
each configuration against its own fresh cache, one after the other
(--batch-only runs just these):

  batch_speedup  four sequential `pipeline build` processes over one
                 `pipeline batch --jobs 2` on the same posts (over its ceiling: >= 0.95);
  ray_overhead   `pipeline batch --engine ray --jobs 2` over the local engine
                 (target <= 1.3; null when Ray is not installed), Ray's
                 start-up included: it is part of every `--engine ray` run;
  overlap_ratio  the cold build's wall time over its own synthesis plus
                 transcription time (target <= 0.65 once the two overlap).

The three phases build with --heal-rounds 0 (--batch-heal-rounds to change
it): piper does not speak a sentence the same way twice, so which segments
need a heal round is chance, and one round (re-speak, re-master, re-transcribe)
costs about 10 CPU-s on a demo post: in one run the local batch drew 7 rounds
and the sequential builds 2, which alone moved batch_speedup from about 1.3
to 0.96. Every post is still transcribed and verified; a post left
unverified is counted ("unverified"), not retried. Heal rounds are a cost
of the post, not of the engine, and would fall the same on every engine.

Beside them, under "batch": each phase's wall time, CPU seconds, heal attempts
(segments re-spoken, from the episodes' verify.json), unverified posts and
load average before and after (the phases run minutes apart, so on a
shared machine the wall ratios drift with the load; the CPU ratio does not),
Ray's start-up (import and ray.init, from the batch's log) and the ratio
without it (ray_overhead_after_start: what a Ray that stays up would cost),
and the CPU the builds themselves used on each engine.

Last, "length": over every episode the bench built (its verify.json), how many
landed within ±7 % of the length asked for, the mean of the absolute
deviations and the worst one (mean_abs_percent, worst_percent). The demo's
rebuilds use the stage functions, so theirs is the first synthesis's; the
batch posts are built by `pipeline build` / `batch`, adjust step included.

Each build runs in its own Python process by default (like `make`, which runs
one command per stage), so model loading is counted every time; --in-process
runs them all in this process instead. Writes bench.json (cold_s, noop_s,
edit_s, per-stage seconds, audio length, real-time factors, segments
re-synthesized, asr_rtf and asr_runs, numbers_heard, formats) and prints a short table. Exit
status 1 only when the edit criterion (edit_s < cold_s / 5) or a no-op
criterion (nothing re-synthesized or re-transcribed, the same MP3) fails;
the other checks are reported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ingest", "condense", "synthesize", "transcribe", "verify", "package")
# The cold build's CPU by part (stage_parts), in the order the work runs
PARTS = ("ingest", "condense", "model loads", "tts", "mastering", "transcribe", "verify", "package")
# One-word edits that keep the meaning and every number.
SWAPS = {"took": "made", "counted": "found", "made": "formed", "drove": "powered", "typical": "usual",
         "about": "roughly", "only": "just", "still": "yet", "short": "brief", "most": "much"}


def build_once(source: Path, ep: Path, tts: str, asr: str, model: str, sample: bool = False) -> dict:
    """One build with the stage functions; returns per-stage seconds and what happened.
    `sample`: its threads' states sampled too (ThreadSampler: costs a little CPU)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline import build, condense, cputime, episode, ingest, overlap, verify

    ep.mkdir(parents=True, exist_ok=True)
    t: dict[str, float] = {}
    cpu: dict[str, float] = {}
    parts: dict[str, float] = {}

    def timed(name, fn, *a, **kw):
        t0, c0, ledger = time.perf_counter(), cpu_seconds(), cputime.snapshot()
        result = fn(*a, **kw)
        t[name] = round(time.perf_counter() - t0, 3)
        cpu[name] = round(cpu_seconds() - c0, 3)
        parts.update(stage_parts(name, cpu_seconds() - c0, cputime.since(ledger), parts))
        return result

    with ThreadSampler(sample) as sampler:
        post = timed("ingest", ingest.ingest, source, ep / "post.json")
        timed("condense", condense.condense, ep / "post.json", ep / "script.yaml")
        # synthesis and transcription overlap (pipeline.overlap): each engine's own busy time
        tl, tr, both = timed("synthesize+transcribe", overlap.synthesize_and_transcribe, ep, post["language"],
                             tts, asr, model, {"on_event": lambda m: None})
        report = timed("verify", verify.verify_episode, ep)
        timed("package", build.package, ep)
    total = round(sum(t.values()), 3)
    t["synthesize"], t["transcribe"] = both["synthesize"], both["transcribe"]
    mp3 = (ep / "episode.mp3").read_bytes()
    return {
        "stages_s": t,
        "stages_cpu_s": cpu,     # this process and its ffmpeg runs: all threads counted
        "parts_cpu_s": {k: round(v, 3) for k, v in parts.items()},   # the same CPU by part (PARTS)
        "fingerprint": episode.fingerprint(ep),   # what a rebuild from empty caches must give again
        "parallelism": quiet_wall(sampler.samples, cores()) if sample else None,
        "total_s": total,
        "audio_s": tl["duration"],
        "segments": len(tl["segments"]),
        "resynthesized": tl.get("resynthesized", sum(not s["cache_hit"] for s in tl["segments"])),
        "reassembled": tl.get("reassembled"),
        "transcript_cached": bool(tr.get("cached")),
        "transcribed": (tr.get("incremental") or {}).get("transcribed"),
        "counts": report.get("counts"),
        "mp3_sha256": hashlib.sha256(mp3).hexdigest(),
        "loudness": tl.get("loudness"),
        "verified": report.get("verified"),
        "survival": report.get("survival"),
    }


SAMPLE_S = 0.01


class ThreadSampler:
    """Every SAMPLE_S: how many of this process's other threads could run, and the CPU
    they and the finished children (ffmpeg) used since the last sample. What the build
    itself can run at once, whatever else loads the machine (quiet_wall)."""

    def __init__(self, on: bool):
        self.on, self.samples = on, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def __enter__(self) -> ThreadSampler:
        if self.on:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.on:
            self._thread.join()

    def _run(self) -> None:
        last, runnable = self._read()
        children = children_cpu()
        while not self._stop.wait(SAMPLE_S):
            now, can_run = self._read()
            used = sum(v - last.get(t, 0) for t, v in now.items()) / os.sysconf("SC_CLK_TCK")
            self.samples.append((runnable, used + children_cpu() - children))
            last, runnable, children = now, can_run, children_cpu()

    @staticmethod
    def _read() -> tuple[dict[str, int], int]:
        """CPU ticks of each other thread of this process, and how many of them could run."""
        me, ticks, can_run = str(threading.get_native_id()), {}, 0
        for tid in os.listdir("/proc/self/task"):
            if tid == me:
                continue
            try:
                stat = Path(f"/proc/self/task/{tid}/stat").read_text()
            except OSError:
                continue     # the thread ended
            fields = stat[stat.rindex(")") + 2:].split()    # state, ..., utime (12th), stime (13th)
            ticks[tid] = int(fields[11]) + int(fields[12])
            can_run += fields[0] == "R"
        return ticks, can_run


def quiet_wall(samples: list[tuple[int, float]], cores_: int) -> dict:
    """The wall time a build would take on a quiet machine, from (threads that could run at
    an interval's start, CPU-s used in it): CPU spent while k threads could run goes at
    min(k, cores) cores' pace (none: a thread waiting on ffmpeg, one). Over the floor
    (CPU-s / cores): how much of the cores the build leaves idle by itself."""
    by_pace: dict[int, float] = {}
    for runnable, used in samples:
        pace = min(max(runnable, 1), cores_)
        by_pace[pace] = by_pace.get(pace, 0.0) + max(0.0, used)
    cpu = sum(by_pace.values())
    wall = sum(used / pace for pace, used in by_pace.items())
    return {"cpu_s_by_threads_running": {str(k): round(v, 2) for k, v in sorted(by_pace.items())},
            "quiet_wall_s": round(wall, 2),
            "quiet_wall_over_floor": round(wall / (cpu / cores_), 3) if cpu else None}


def stage_parts(stage: str, stage_cpu: float, ledger: dict[str, float], so_far: dict[str, float]) -> dict:
    """One stage's CPU by part, added to `so_far`. The overlapped stage is split with
    pipeline.cputime's ledger: the TTS engine and the synthesis thread's mastering on their
    own threads' clocks, model loads apart; hearing is the rest (faster-whisper runs on
    CTranslate2's native threads, on no Python thread's clock)."""
    out = dict(so_far)
    if stage != "synthesize+transcribe":
        out[stage] = out.get(stage, 0.0) + stage_cpu
        return out
    accounted = 0.0
    for part in ("tts", "mastering", "model loads"):
        out[part] = out.get(part, 0.0) + ledger.get(part, 0.0)
        accounted += ledger.get(part, 0.0)
    out["transcribe"] = out.get("transcribe", 0.0) + max(0.0, stage_cpu - accounted)
    return out


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and its finished children (ffmpeg)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def edit_one_point(script_path: Path) -> dict:
    """Change one word (not a number) of one key point's text; returns what changed."""
    import yaml

    data = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    for i, p in enumerate(data["points"]):
        words = re.findall(r"\b[A-Za-z]+\b", p["text"])
        for w in words:
            if w.lower() in SWAPS:
                new = re.sub(rf"\b{w}\b", SWAPS[w.lower()], p["text"], count=1)
                break
        else:
            w = next((w for w in words if len(w) > 3), None)
            if w is None:
                continue
            new = re.sub(rf"\b{w}\b", "indeed " + w, p["text"], count=1)
        p["text"] = new
        script_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                               encoding="utf-8")
        return {"point": i + 1, "word": w, "text": new}
    raise SystemExit("bench: no key point has a word to edit")


def run_build(args, source: Path, ep: Path, cache: Path, sample: bool = False) -> dict:
    env = dict(os.environ, PIPELINE_CACHE_DIR=str(cache))
    if args.in_process:
        os.environ["PIPELINE_CACHE_DIR"] = str(cache)
        from pipeline import paths
        paths.CACHE_DIR = cache
        return build_once(source, ep, args.tts, args.asr, args.model, sample)
    cmd = [sys.executable, __file__, "--one", str(source), str(ep), "--tts", args.tts,
           "--asr", args.asr, "--model", args.model, *(["--sample"] if sample else [])]
    t0, cpu0 = time.perf_counter(), children_cpu()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench: build failed (exit {proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - t0, 3)   # with interpreter start and imports
    result["process_cpu_s"] = round(children_cpu() - cpu0, 2)   # the same, in CPU (as timed_cli counts)
    return result


# --- batch engines ----------------------------------------------------------------------------

BATCH_POSTS, BATCH_JOBS = 4, 2
# Issue 26's targets, against the machine's own floor and ceiling (they replace issue 16's
# cold RTF <= 0.10 and batch speedup >= 1.4, which the CPU of these engines cannot meet here)
WALL_OVER_FLOOR, SPEEDUP_OVER_CEILING = 1.15, 0.95
RATE_STEP = 0.02     # post i speaks at 1 + i * RATE_STEP: no segment is shared between posts
POST_LINE = re.compile(r"batch: \S+: \w+ \([\d.]+ s, ([\d.]+) CPU-s\)")
RAY_START_LINE = re.compile(r"ray: started in ([\d.]+) s")
UNVERIFIED_LINE = re.compile(r"^batch: \S+: unverified", re.MULTILINE)
FAILED_LINE = re.compile(r"^batch: \S+: failed", re.MULTILINE)


def batch_posts(source: Path, folder: Path, tts: str) -> list[Path]:
    folder.mkdir(parents=True)
    posts = []
    for i in range(BATCH_POSTS):
        post = folder / f"post-{i + 1}{source.suffix}"
        shutil.copyfile(source, post)
        post.with_suffix(".yaml").write_text(f"tts: {tts}\nrate: {1 + i * RATE_STEP:.2f}\n", encoding="utf-8")
        posts.append(post)
    return posts


def children_cpu() -> float:
    """CPU seconds of this process's finished children (and theirs, when they waited for them)."""
    t = os.times()
    return t.children_user + t.children_system


def timed_cli(args: list[str], cache: Path) -> dict:
    """One `pipeline` command: wall time, CPU of the processes it waited for, what its
    log says (heal rounds, Ray's start-up, each build's own CPU), the load around it."""
    env = dict(os.environ, PIPELINE_CACHE_DIR=str(cache), RAY_USAGE_STATS_ENABLED="0")
    load0, cpu0, t0 = os.getloadavg()[0], children_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    # 1: built, a number not heard; 2 from batch: a post failed, the others built. Both are
    # still timed, and counted: a phase with a failed post did less work (batch_ratios)
    failed = len(FAILED_LINE.findall(log)) if args[0] == "batch" else int(proc.returncode not in (0, 1))
    if proc.returncode not in (0, 1) and not (args[0] == "batch" and failed and proc.returncode == 2):
        sys.stderr.write(log)
        raise SystemExit(f"bench: pipeline {args[0]} failed (exit {proc.returncode})")
    if failed:
        print(f"bench: pipeline {args[0]}: {failed} post(s) failed:\n{log[-2000:]}", file=sys.stderr, flush=True)
    with open(cache.with_suffix(".log"), "a", encoding="utf-8") as f:   # kept with --keep
        f.write(log)
    ray_start = RAY_START_LINE.search(log)
    return {"wall_s": round(wall, 3), "cpu_s": round(children_cpu() - cpu0, 2),
            "builds_cpu_s": round(sum(float(c) for c in POST_LINE.findall(log)), 2),
            "unverified": (len(UNVERIFIED_LINE.findall(log)) if args[0] == "batch"
                           else int(proc.returncode == 1)),
            "failed": failed,
            "ray_start_s": float(ray_start.group(1)) if ray_start else None,
            "load_average": [round(load0, 2), round(os.getloadavg()[0], 2)]}


def sequential_builds(posts: list[Path], engines: list[str], tmp: Path) -> dict:
    runs = [timed_cli(["build", str(p), "--out", str(tmp / "seq" / p.stem), *engines], tmp / "cache-seq")
            for p in posts]
    return {"wall_s": round(sum(r["wall_s"] for r in runs), 3), "cpu_s": round(sum(r["cpu_s"] for r in runs), 2),
            "unverified": sum(r["unverified"] for r in runs), "failed": sum(r["failed"] for r in runs),
            "load_average": [runs[0]["load_average"][0], runs[-1]["load_average"][1]]}


def ray_installed() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def batch_bench(args, tmp: Path) -> dict:
    """The three configurations one after the other on the same posts, each with its own
    fresh cache, the same heal rounds (--batch-heal-rounds, default 0: see the module
    docstring). Wall-time ratios drift with the machine's load between phases: the
    load and the CPU seconds of each phase are recorded beside them."""
    posts = batch_posts(args.source, tmp / "posts", args.tts)
    engines = ["--tts", args.tts, "--asr", args.asr, "--asr-model", args.model,
               "--heal-rounds", str(args.batch_heal_rounds)]
    batch = ["batch", str(tmp / "posts"), "--jobs", str(BATCH_JOBS), *engines]
    print(f"bench: {BATCH_POSTS} sequential builds ...", file=sys.stderr, flush=True)
    phases = {"sequential": sequential_builds(posts, engines, tmp)}
    print(f"bench: batch --jobs {BATCH_JOBS} ...", file=sys.stderr, flush=True)
    phases["local"] = timed_cli([*batch, "--out", str(tmp / "local")], tmp / "cache-local")
    if ray_installed():
        print(f"bench: batch --engine ray --jobs {BATCH_JOBS} ...", file=sys.stderr, flush=True)
        phases["ray"] = timed_cli([*batch, "--out", str(tmp / "ray"), "--engine", "ray"], tmp / "cache-ray")
    for name, folder in (("sequential", "seq"), ("local", "local"), ("ray", "ray")):
        if name in phases:
            phases[name]["heal_attempts"] = heal_attempts(tmp / folder)
    return batch_ratios(phases, args.batch_heal_rounds)


def heal_attempts(out: Path) -> int:
    """Segments re-spoken by healing in the episodes under `out` (their verify.json):
    batch workers log no progress, so the episodes are the record."""
    return sum(len(seg.get("attempts", [])) for report in out.glob("*/verify.json")
               for seg in json.loads(report.read_text(encoding="utf-8")).get("healing") or [])


def batch_ratios(phases: dict, heal_rounds: int) -> dict:
    """batch_speedup and ray_overhead (wall time, the targets), and what explains them:
    CPU ratios, Ray's start-up apart, the heal rounds each phase happened to need."""
    seq, local, ray = phases["sequential"], phases["local"], phases.get("ray")
    out = {"posts": BATCH_POSTS, "jobs": BATCH_JOBS, "heal_rounds_allowed": heal_rounds,
           "sequential_s": seq["wall_s"], "batch_s": local["wall_s"],
           "ray_s": ray["wall_s"] if ray else None,
           "batch_speedup": round(seq["wall_s"] / local["wall_s"], 3),
           # the speedup had the batch kept every core busy with the CPU it used: a target
           # above it needs a batch that costs less CPU per post, not better scheduling
           "batch_speedup_all_cores_busy": (round(seq["wall_s"] * cores() / local["cpu_s"], 3)
                                            if local["cpu_s"] else None),
           "batch_cpu_ratio": round(seq["cpu_s"] / local["cpu_s"], 3) if local["cpu_s"] else None,
           # the speedup over that ceiling: the share of the cores the batch kept busy
           "batch_speedup_over_ceiling": (round(local["cpu_s"] / (cores() * local["wall_s"]), 3)
                                          if local["cpu_s"] else None),
           "ray_overhead": round(ray["wall_s"] / local["wall_s"], 3) if ray else None,
           "phases": phases}
    if ray and ray["ray_start_s"] is not None:
        # the same batch on a Ray already started: for a long batch, or a cluster that stays up
        out["ray_overhead_after_start"] = round((ray["wall_s"] - ray["ray_start_s"]) / local["wall_s"], 3)
        # a Ray worker is not the driver's child: its builds' CPU comes from the builds' own report
        out["ray_builds_cpu_ratio"] = (round(ray["builds_cpu_s"] / local["builds_cpu_s"], 3)
                                       if local["builds_cpu_s"] else None)
    return out


# --- the conversation format ----------------------------------------------------------------

# The hosts speak in their own voices (podcast.yaml's hosts: Kokoro af_heart and piper in
# English); --tts is only the fallback chain and the episode's label, as `make demo-conversation`
CONVERSATION_TTS = "kokoro"


def conversation_cold(args, tmp: Path) -> dict:
    """A cold `pipeline build --format conversation` of the demo, its own empty cache, no
    heal round (like the narration cold build: the first pass is what is compared)."""
    ep = tmp / "conversation"
    print(f"bench: conversation cold build (hosts' voices, fallback tts={CONVERSATION_TTS}) ...",
          file=sys.stderr, flush=True)
    run = timed_cli(["build", str(args.source), "--out", str(ep), "--format", "conversation",
                     "--tts", CONVERSATION_TTS, "--asr", args.asr, "--asr-model", args.model,
                     "--heal-rounds", "0"], tmp / "cache-conversation")
    return conversation_figures(run, ep)


def conversation_figures(run: dict, ep: Path) -> dict:
    """What the episode's own files say (timeline.json, verify.json) beside timed_cli's clock."""
    tl = json.loads((ep / "timeline.json").read_text(encoding="utf-8"))
    report = json.loads((ep / "verify.json").read_text(encoding="utf-8"))
    speakers = sorted({s["speaker"] for s in tl["segments"] if s.get("speaker")})
    return {**cold_figures(run["wall_s"], run["cpu_s"], tl["duration"], report.get("counts")),
            "segments": len(tl["segments"]), "speakers": speakers, "verified": report.get("verified"),
            "load_average": run["load_average"]}


def cold_figures(wall: float, cpu: float, audio: float, counts: dict | None) -> dict:
    """One format's cold build in the units the formats are compared in."""
    return {"cold_s": round(wall, 3), "cold_cpu_s": round(cpu, 2), "audio_s": audio,
            "rtf": round(wall / audio, 4), "cpu_per_audio_min": round(cpu * 60 / audio, 2),
            "numbers_heard": demo_share(counts)}


def formats(cold: dict, conversation: dict | None) -> dict:
    """The narration cold build beside the conversation's, both counted as whole processes
    (interpreter start and imports in; the narration's stage sums when built in-process)."""
    wall = cold.get("process_s") or cold["total_s"]
    cpu = cold.get("process_cpu_s") or sum((cold.get("stages_cpu_s") or {}).values())
    out = {"narration": cold_figures(wall, cpu, cold["audio_s"], cold.get("counts")),
           "conversation": conversation}
    if conversation:
        narr = out["narration"]
        out["conversation_over_narration"] = {
            "cold_s": round(conversation["cold_s"] / narr["cold_s"], 2),
            "cpu_per_audio_min": round(conversation["cpu_per_audio_min"] / narr["cpu_per_audio_min"], 2)}
    return out


# --- ASR speed and numbers heard, in this process --------------------------------------------

PAUSE_S = 1.0        # between vector sentences spoken in one pass
VECTOR_PLAN = {"en": ("piper", "kokoro", "pico", "espeak"), "fr": ("kokoro", "pico", "espeak")}


def _pipeline():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import pipeline  # noqa: F401


def _write_wav16(path: Path, audio) -> Path:
    import wave

    import numpy as np

    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return path


def _load_model(eng) -> None:
    """Load an engine's model now (each module keeps it for the process)."""
    from pipeline.asr import faster, openai_whisper

    if eng.name == "faster-whisper":
        faster.load_model(str(eng.model_path))
    elif eng.name == "whisper":
        _ = eng.model_path     # resolves the checkpoint (and its alignment heads)
        openai_whisper.load_model(str(eng.model_path), eng._resolved[1])


def asr_rtf(audio: Path, clip_s: float, lang: str, model: str, tmp: Path) -> dict:
    """Each Whisper engine on the same audio (the first clip_s seconds of `audio`):
    model load timed apart, then RTF = transcription time / audio length."""
    _pipeline()
    from pipeline import asr
    from pipeline.asr.audio import load_audio

    samples = load_audio(audio)
    if clip_s and clip_s > 0:
        samples = samples[: int(clip_s * 16000)]
    clip = _write_wav16(tmp / "asr-clip.wav", samples)
    seconds = round(len(samples) / 16000, 3)
    out = {}
    for name in asr.REGISTRY.names():
        print(f"bench: ASR speed of {name} on {seconds:.0f} s ...", file=sys.stderr, flush=True)
        eng = asr.get_engine(name, model)
        t0 = time.perf_counter()
        _load_model(eng)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        tr = eng.transcribe(clip, lang)
        took = time.perf_counter() - t0
        out[name] = {"rtf": round(took / seconds, 4), "transcribe_s": round(took, 3), "load_s": round(load, 3),
                     "audio_s": seconds, "words": sum(len(s["words"]) for s in tr["segments"]),
                     "text": tr["text"]}
    return out


def shared_dir() -> Path:
    return Path(os.environ.get("PIPELINE_SHARED_DIR") or ROOT.parent / "shared") / "data"


def vector_sentences(data: Path) -> dict[str, list[str]]:
    """Distinct script sentences of the shared number vectors, by language."""
    out: dict[str, list[str]] = {}
    for name, col in (("number_compare.tsv", 1), ("number_extract.tsv", 1)):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            lang, text = cols[0].strip(), cols[col].strip()
            if text and text not in out.setdefault(lang, []):
                out[lang].append(text)
    return out


def speak_and_hear(sentences: list[str], lang: str, tts: str, model: str, tmp: Path,
                   override: dict | None = None) -> dict:
    """Speak each sentence with `tts` as the pipeline would (speech.spoken_text, with a
    heal `override` if given), transcribe them all in one pass, compare each one's numbers."""
    _pipeline()
    import numpy as np

    from pipeline import asr, numbers
    from pipeline.asr.audio import load_audio
    from pipeline.episode import segment_windows
    from pipeline.tts import get_engine
    from pipeline.tts.speech import cache_key, override_rate, seed_kwargs, spoken_text
    from pipeline.verify import heard_in

    ov = override or {}
    eng = get_engine(ov.get("engine") or tts)
    pieces, segs, cursor, synth_s = [], [], 0.0, 0.0
    gap = np.zeros(int(PAUSE_S * 16000), np.float32)
    tag = ov.get("strategy", "first")
    for i, text in enumerate(sentences):
        wav = tmp / f"{tts}-{lang}-{tag}-{i}.wav"
        t0 = time.perf_counter()
        spoken, rate = spoken_text(text, eng.name, lang, spell=ov.get("spell"), reword=bool(ov.get("reword"))), \
            override_rate(ov, 1.0)
        key = cache_key(eng.name, eng.voice_id(lang), lang, rate, spoken)   # seeded as a build seeds it
        eng.synthesize(spoken, lang, wav, rate=rate, **seed_kwargs(eng, key, ov.get("take") or 0))
        synth_s += time.perf_counter() - t0
        a = load_audio(wav)
        if pieces:
            pieces.append(gap)
            cursor += len(gap) / 16000
        pieces.append(a)
        segs.append({"start": cursor, "end": cursor + len(a) / 16000})
        cursor += len(a) / 16000
    speech_s = cursor - PAUSE_S * (len(sentences) - 1)
    audio = _write_wav16(tmp / f"{tts}-{lang}-{tag}.wav", np.concatenate(pieces))
    tr = asr.get_engine("faster-whisper", model).transcribe(audio, lang)
    words = [w for s in tr["segments"] for w in s["words"]]
    per = []
    for text, (lo, hi) in zip(sentences, segment_windows({"segments": segs})):
        heard = heard_in(words, lo, hi).text
        found = numbers.compare(text, heard, lang)
        per.append({"ok": sum(m.status == "ok" for m in found), "total": len(found),
                    "misses": [{"script": m.script.text, "status": m.status, "heard": heard.strip()}
                               for m in found if m.status != "ok"]})
    return {"per": per, "synth_s": synth_s, "speech_s": speech_s}


def heard_share(sentences: list[str], lang: str, tts: str, model: str, tmp: Path,
                heal: bool = True) -> dict:
    """First pass, then (heal) the failing sentences again with each heal strategy: the
    healed share keeps each sentence's best attempt, as pipeline.heal keeps each segment's."""
    _pipeline()
    from pipeline.heal import next_override

    first = speak_and_hear(sentences, lang, tts, model, tmp)
    best = [p["ok"] for p in first["per"]]
    total = sum(p["total"] for p in first["per"])
    fixed_by: dict[str, int] = {}
    failing = [i for i, p in enumerate(first["per"]) if p["ok"] < p["total"]]
    done = 0
    while heal and (nxt := next_override("vectors", done, tts, lang, "")) is not None:
        done, ov = nxt[0] + 1, nxt[1]     # the strategies the pipeline would try for this engine
        name = ov["strategy"]
        failing = [i for i in failing if best[i] < first["per"][i]["total"]]
        if not failing:
            break
        print(f"bench:   {len(failing)} {lang} sentence(s) again, {name} ...", file=sys.stderr, flush=True)
        again = speak_and_hear([sentences[i] for i in failing], lang, tts, model, tmp, ov)
        gained = 0
        for i, p in zip(failing, again["per"]):
            gained += max(0, p["ok"] - best[i])
            best[i] = max(best[i], p["ok"])
        fixed_by[name] = gained
    ok = sum(p["ok"] for p in first["per"])
    return {"share": round(ok / total, 4) if total else None, "ok": ok, "total": total,
            "healed_share": round(sum(best) / total, 4) if total else None, "healed_ok": sum(best),
            "numbers_regained_by": fixed_by, "sentences": len(sentences),
            "audio_s": round(first["speech_s"], 2), "synth_s": round(first["synth_s"], 2),
            "synth_rtf": round(first["synth_s"] / first["speech_s"], 4) if first["speech_s"] else None,
            "misses": [m for p in first["per"] for m in p["misses"]]}


def demo_share(counts: dict | None) -> dict | None:
    if not counts:
        return None
    total = sum(counts.values())
    return {"share": round(counts.get("ok", 0) / total, 4) if total else None, "ok": counts.get("ok", 0),
            "total": total, "counts": counts}


def demo_with(tts: str, ep: Path, dest: Path, asr: str, model: str) -> dict:
    """The demo's script (from the bench episode) spoken by `tts`, transcribed, verified."""
    _pipeline()
    from pipeline import synthesize, transcribe, verify

    dest.mkdir(parents=True, exist_ok=True)
    for name in ("post.json", "script.yaml"):
        shutil.copyfile(ep / name, dest / name)
    tl = synthesize.synthesize(dest / "script.yaml", dest, engine=tts, on_event=lambda m: None)
    lang = tl["language"]
    transcribe.transcribe_episode(dest / "episode.mp3", dest / "timeline.json", dest / "transcript.json",
                                  lang, engine=asr, model=model)
    report = verify.verify_episode(dest)
    out = demo_share(report["counts"])
    out["engines"] = tl.get("engines")
    return out


def gtts_status(tmp: Path) -> dict:
    """Whether gTTS can be reached from here (one short try, no retries)."""
    _pipeline()
    from pipeline.errors import PipelineError
    from pipeline.tts.gtts_engine import GttsEngine

    try:
        GttsEngine(timeout=3.0, retries=0).synthesize("Test 1 2 3.", "en", tmp / "gtts-probe.wav")
    except PipelineError as e:
        return {"available": False, "reason": getattr(e, "cause", None) or str(e)}
    except Exception as e:  # noqa: BLE001 - any failure means: not usable here
        return {"available": False, "reason": f"{type(e).__name__}: {e}"}
    return {"available": True}


def numbers_heard(args, runs: dict, ep: Path, tmp: Path) -> dict:
    out: dict[str, dict] = {"piper": {"demo": demo_share(runs["cold"].get("counts"))}}
    if args.tts != "piper":   # the builds used another engine: that is its demo share
        out = {args.tts: {"demo": demo_share(runs["cold"].get("counts"))}}
    if args.quick:
        out["_note"] = "--quick: espeak demo and vectors skipped"
        return out
    for tts in ("piper", "espeak"):
        if tts not in out:
            print(f"bench: demo spoken by {tts} ...", file=sys.stderr, flush=True)
            out[tts] = {"demo": demo_with(tts, ep, tmp / f"demo-{tts}", args.asr, args.model)}
    vectors_heard(args, out, tmp)
    return out


def vectors_heard(args, out: dict, tmp: Path) -> dict:
    """The shared vectors spoken by every offline engine of each language (VECTOR_PLAN),
    first pass and healed, with each engine's synthesis speed; gTTS only probed."""
    from pipeline.tts import get_engine

    data = shared_dir()
    if not (data / "number_compare.tsv").is_file() or not (data / "number_extract.tsv").is_file():
        out["_note"] = f"shared vectors not found in {data}: vectors skipped"
    else:
        sentences = vector_sentences(data)
        for lang, engines in VECTOR_PLAN.items():
            for tts in engines:
                if not get_engine(tts).supports(lang):
                    out.setdefault(tts, {})[f"vectors_{lang}"] = {"unavailable": f"{tts} cannot speak {lang} here"}
                    continue
                print(f"bench: {len(sentences.get(lang, []))} {lang} vectors spoken by {tts} ...",
                      file=sys.stderr, flush=True)
                vdir = tmp / f"vectors-{tts}-{lang}"
                vdir.mkdir(exist_ok=True)
                out.setdefault(tts, {})[f"vectors_{lang}"] = heard_share(sentences.get(lang, []), lang, tts,
                                                                        args.model, vdir)
    out["gtts"] = gtts_status(tmp)
    return out


def vectors_only(args) -> int:
    """--vectors: numbers heard per engine and language, and synthesis speed; no demo builds."""
    t_all = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        os.environ["PIPELINE_CACHE_DIR"] = str(tmp / "cache")
        _pipeline()
        from pipeline import paths
        paths.CACHE_DIR = tmp / "cache"
        heard = vectors_heard(args, {}, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    result = {"mode": "vectors", "model": args.model, "numbers_heard_detail": heard,
              "bench_s": round(time.perf_counter() - t_all, 1), "load_average": os.getloadavg()}
    write_result(args.out, result)
    print_vectors(heard)
    print(f"wrote {args.out} (bench {result['bench_s']:.0f} s, load average {os.getloadavg()[0]:.1f})")
    return 0


def print_vectors(heard: dict) -> None:
    print("shared vectors spoken, numbers heard by Whisper (first pass -> healed), synthesis speed:")
    for tts, entry in heard.items():
        if tts.startswith("_") or tts == "gtts" or not isinstance(entry, dict):
            continue
        for key, v in entry.items():
            if not key.startswith("vectors_") or not isinstance(v, dict):
                continue
            if "share" not in v:
                print(f"  {tts:8s} {key[8:]}  {v.get('unavailable')}")
                continue
            print(f"  {tts:8s} {key[8:]}  {share(v)} -> {v['healed_share'] * 100:5.1f}% ({v['healed_ok']}/{v['total']})"
                  f"  synthesis {v['synth_rtf']:.3f} x real time  regained by {v['numbers_regained_by']}")


def write_result(out: Path, result: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.name}.tmp")
    tmp_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp_out, out)


def share(entry) -> str:
    if not isinstance(entry, dict) or entry.get("share") is None:
        return "   -  "
    return f"{entry['share'] * 100:5.1f}% ({entry['ok']}/{entry['total']})"


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=ROOT / "bench" / "bench.json")
    ap.add_argument("--tts", default="piper", help="piper (default), espeak, gtts")
    ap.add_argument("--asr", default="faster-whisper")
    ap.add_argument("--model", default="base")
    ap.add_argument("--source", type=Path, default=ROOT / "episodes" / "demo.md")
    ap.add_argument("--in-process", action="store_true", help="run the 3 builds in this process")
    ap.add_argument("--asr-clip", type=float, default=30.0,
                    help="seconds of the episode both Whisper engines are timed on (one 30 s window; "
                         "0 = all: slow with openai-whisper)")
    ap.add_argument("--quick", action="store_true",
                    help="skip the espeak demo, the spoken vectors and the conversation build")
    ap.add_argument("--no-conversation", action="store_true",
                    help="skip the cold build of the demo as two hosts (--format conversation)")
    ap.add_argument("--conversation", action="store_true",
                    help="build the demo as two hosts even with --quick (--quick --conversation --no-batch: "
                         "the two formats' cold builds and little else)")
    ap.add_argument("--vectors", action="store_true",
                    help="only the spoken vectors: numbers heard per engine and language, synthesis speed")
    ap.add_argument("--batch-only", action="store_true",
                    help="only the batch engines (batch_speedup, ray_overhead): no demo rebuilds, ASR, vectors")
    ap.add_argument("--batch-heal-rounds", type=int, default=0,
                    help="heal rounds in the batch phases (default 0: the same work in each; see above)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--no-batch", action="store_true", help="skip the batch and Ray engine timings")
    ap.add_argument("--one", nargs=2, metavar=("SOURCE", "EPISODE_DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--sample", action="store_true", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def rebuilds(args, tmp: Path) -> tuple[dict, dict, Path]:
    """Cold, no-op and one-edit builds of the demo against one fresh cache."""
    source = tmp / "demo.md"
    shutil.copyfile(args.source, source)
    cache, ep = tmp / "cache", tmp / "demo"
    cache.mkdir()
    runs = {}
    print(f"bench: cold build (tts={args.tts}, asr={args.asr}) ...", file=sys.stderr, flush=True)
    runs["cold"] = run_build(args, source, ep, cache)
    print("bench: no-op build ...", file=sys.stderr, flush=True)
    runs["noop"] = run_build(args, source, ep, cache)
    edit = edit_one_point(ep / "script.yaml")
    print(f"bench: edit build (point {edit['point']}: {edit['word']!r}) ...", file=sys.stderr, flush=True)
    runs["edit"] = run_build(args, source, ep, cache)
    print("bench: cold build again, from other empty caches (reproducible?) ...", file=sys.stderr, flush=True)
    (tmp / "cache-again").mkdir()
    # its threads sampled (quiet_wall): a cost this build's CPU carries, not the cold one's
    runs["cold_again"] = run_build(args, source, tmp / "demo-again", tmp / "cache-again", sample=True)
    return runs, edit, ep


def use_cache(cache: Path) -> None:
    """Point this process's pipeline at `cache` (what the builds used)."""
    os.environ["PIPELINE_CACHE_DIR"] = str(cache)
    _pipeline()
    from pipeline import paths
    paths.CACHE_DIR = cache


def engines_in_process(args, runs: dict, ep: Path, tmp: Path) -> tuple[dict, dict]:
    """ASR speed and numbers heard, in this process, against the builds' cache."""
    use_cache(tmp / "cache")
    extra = tmp / "extra"
    extra.mkdir()
    lang = json.loads((ep / "post.json").read_text(encoding="utf-8"))["language"]
    rtf_by_engine = asr_rtf(ep / "episode.mp3", args.asr_clip, lang, args.model, extra)
    return rtf_by_engine, numbers_heard(args, runs, ep, extra)


def rebuild_checks(runs: dict) -> dict:
    """The criteria that decide the exit status."""
    cold, noop, ed = runs["cold"], runs["noop"], runs["edit"]
    return {
        "edit_under_fifth_of_cold": ed["total_s"] < cold["total_s"] / 5,
        "noop_no_resynthesis": noop["resynthesized"] == 0 and noop["reassembled"] is False,
        "noop_no_retranscription": noop["transcript_cached"],
        "noop_mp3_identical": noop["mp3_sha256"] == cold["mp3_sha256"],
    }


def cores() -> int:
    _pipeline()
    from pipeline.threads import machine_cores

    return machine_cores()


def cold_floor(cold: dict) -> dict:
    """What the cold build's own CPU allows: its wall time (and RTF) had it kept every core
    busy from start to end (the floor, CPU-s / cores), and how far above it the build was.
    Under the floor only less CPU helps, not better scheduling."""
    cpu = sum((cold.get("stages_cpu_s") or {}).values())
    floor = cpu / cores()
    return {"cold_cpu_s": round(cpu, 2), "cores": cores(), "cold_floor_s": round(floor, 2),
            "cold_wall_over_floor": round(cold["total_s"] / floor, 3) if floor else None,
            "cold_rtf_all_cores_busy": round(floor / cold["audio_s"], 4)}


def identity(runs: dict) -> dict:
    """Whether the two cold builds, each from its own empty caches, gave the same episode
    (pipeline.episode.fingerprint: episode.mp3, timeline.json, transcript.json bytes;
    verify.json less its timing fields), and which files differ."""
    first, again = runs["cold"].get("fingerprint") or {}, (runs.get("cold_again") or {}).get("fingerprint") or {}
    differ = sorted(name for name in set(first) | set(again)
                    if first.get(name) is None or first.get(name) != again.get(name))
    return {"identical": bool(first) and bool(again) and not differ, "files": sorted(first), "differ": differ}


def per_audio_min(cpu_by_part: dict, audio_s: float) -> dict:
    """CPU seconds per minute of audio, part by part in PARTS order (others after)."""
    names = [p for p in PARTS if p in cpu_by_part] + [p for p in cpu_by_part if p not in PARTS]
    return {p: round(cpu_by_part[p] * 60 / audio_s, 2) for p in names}


def floor_report(runs: dict, batch: dict | None) -> dict:
    """Issue 26's figures of one run: CPU per audio minute by part, the cold build's wall over
    its floor, the batch speedup over its ceiling, and whether the rebuild was identical."""
    cold = runs["cold"]
    parts = cold.get("parts_cpu_s") or {}
    fl = cold_floor(cold)
    return {
        "cpu_per_audio_min": {**per_audio_min(parts, cold["audio_s"]),
                              "total": round(sum(parts.values()) * 60 / cold["audio_s"], 2)},
        "cpu_s": {**{p: round(v, 2) for p, v in parts.items()}, "total": round(sum(parts.values()), 2)},
        "audio_s": cold["audio_s"], "cores": fl["cores"],
        "cold_wall_s": cold["total_s"], "cold_floor_s": fl["cold_floor_s"],
        "cold_wall_over_floor": fl["cold_wall_over_floor"],
        "cold_again_wall_over_floor": (cold_floor(runs["cold_again"])["cold_wall_over_floor"]
                                       if runs.get("cold_again") else None),
        # the same ratio on a quiet machine, from the second cold build's threads (quiet_wall)
        "quiet_wall_over_floor": ((runs.get("cold_again") or {}).get("parallelism") or {}).get(
            "quiet_wall_over_floor"),
        "batch_speedup": batch["batch_speedup"] if batch else None,
        "batch_ceiling": batch["batch_speedup_all_cores_busy"] if batch else None,
        "batch_speedup_over_ceiling": batch["batch_speedup_over_ceiling"] if batch else None,
        "identity": identity(runs) if runs.get("cold_again") else None,
        "targets": {"cold_wall_over_floor_at_most": WALL_OVER_FLOOR,
                    "batch_speedup_over_ceiling_at_least": SPEEDUP_OVER_CEILING},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def overlap_ratio_of(cold: dict) -> float:
    st = cold["stages_s"]
    return round(cold["total_s"] / (st["synthesize"] + st["transcribe"]), 3)


def reported_checks(runs: dict, batch: dict | None) -> dict:
    """Targets reported, not part of the exit status (None: not measured)."""
    cold, ed = runs["cold"], runs["edit"]
    return {
        "overlap_ratio_at_most_0_65": overlap_ratio_of(cold) <= 0.65,
        "cold_wall_within_1_15_of_floor": cold_floor(cold)["cold_wall_over_floor"] <= WALL_OVER_FLOOR,
        "rebuild_from_empty_caches_identical": identity(runs)["identical"],
        "edit_one_segment": ed["resynthesized"] == 1,
        "edit_transcribed_one_segment": len(ed.get("transcribed") or []) == 1,
        **batch_checks(batch),
    }


def batch_checks(batch: dict | None) -> dict:
    """A ratio holds only when every post of both phases built: a failed post is less work."""
    if not batch:
        return {"batch_speedup_within_0_95_of_ceiling": None, "ray_overhead_at_most_1_3": None}
    built = {name: not phase.get("failed") for name, phase in batch["phases"].items()}
    return {
        "batch_speedup_within_0_95_of_ceiling": (batch["batch_speedup_over_ceiling"] >= SPEEDUP_OVER_CEILING
                                                 and built["sequential"] and built["local"]),
        "ray_overhead_at_most_1_3": (batch["ray_overhead"] <= 1.3 and built["local"] and built["ray"]
                                     if batch["ray_overhead"] else None),
    }


def heard_summary(heard: dict) -> dict:
    """numbers_heard: each engine's shares only (the detail is numbers_heard_detail)."""
    return {tts: ({k: (v["share"] if isinstance(v, dict) and "share" in v else v) for k, v in entry.items()}
                  if isinstance(entry, dict) and tts != "gtts" else entry)
            for tts, entry in heard.items()}


def batch_keys(batch: dict | None) -> dict:
    return {"batch_speedup": batch["batch_speedup"] if batch else None,
            "ray_overhead": batch["ray_overhead"] if batch else None,
            "batch": batch}


def full_result(args, runs: dict, edit: dict, rtf_by_engine: dict, heard: dict, batch: dict | None) -> dict:
    cold, noop, ed = runs["cold"], runs["noop"], runs["edit"]
    audio = cold["audio_s"]
    return {
        "tts": args.tts, "asr": args.asr, "model": args.model,
        "fresh_process_per_build": not args.in_process,
        "quick": args.quick,
        "cold_s": cold["total_s"], "noop_s": noop["total_s"], "edit_s": ed["total_s"],
        "stages_s": {k: r["stages_s"] for k, r in runs.items()},
        "stages_cpu_s": {k: r.get("stages_cpu_s") for k, r in runs.items()},
        # CPU-seconds per minute of audio, per stage, of the cold build (docs/scale.md)
        "cold_cpu_per_audio_min": {k: round(v * 60 / audio, 2) for k, v in (cold.get("stages_cpu_s") or {}).items()},
        "process_s": {k: r.get("process_s") for k, r in runs.items()},
        "audio_s": audio,
        "segments": cold["segments"],
        "overlap_ratio": overlap_ratio_of(cold),
        **cold_floor(cold),
        "floor": floor_report(runs, batch),
        **batch_keys(batch),
        "rtf": {k: round(r["total_s"] / audio, 4) for k, r in runs.items()},
        "edit_resynthesized": ed["resynthesized"],
        "edit_transcribed": ed.get("transcribed"),
        "edit": edit,
        "loudness": ed["loudness"],
        "verified": {k: r["verified"] for k, r in runs.items()},
        "asr_rtf": {name: r["rtf"] for name, r in rtf_by_engine.items()},
        "asr_runs": rtf_by_engine,     # per engine: rtf, load_s, transcribe_s, words, text
        "numbers_heard": heard_summary(heard),
        "numbers_heard_detail": heard,
        "checks": {**rebuild_checks(runs), **reported_checks(runs, batch)},
        "load_average": os.getloadavg(),
        "runs": runs,
    }


def length_deviation(folder: Path) -> dict | None:
    """How far the episodes built under `folder` landed from the length asked for (their
    verify.json): mean of the absolute deviations and the worst one, signed, in percent."""
    found = [json.loads(r.read_text(encoding="utf-8")).get("length") for r in sorted(folder.glob("**/verify.json"))]
    lengths = [x for x in found if x]
    if not lengths:
        return None
    deviations = [float(x["deviation_percent"]) for x in lengths]
    return {"episodes": len(lengths), "within_tolerance": sum(bool(x["within_tolerance"]) for x in lengths),
            "mean_abs_percent": round(sum(map(abs, deviations)) / len(deviations), 1),
            "worst_percent": max(deviations, key=abs)}


def print_length(length: dict | None) -> None:
    if length:
        print(f"length: {length['episodes']} episodes, {length['within_tolerance']} within ±7 % of the length "
              f"asked for; deviation mean {length['mean_abs_percent']} %, worst {length['worst_percent']:+} %")


def print_builds(args, runs: dict) -> None:
    cold, ed = runs["cold"], runs["edit"]
    audio = cold["audio_s"]
    print(f"audio {audio:.1f} s, {cold['segments']} segments (tts={args.tts}, asr={args.asr})")
    for k in ("cold", "noop", "edit"):
        r = runs[k]
        stages = ", ".join(f"{s} {r['stages_s'][s]:.1f}" for s in STAGES)
        print(f"  {k:5s} {r['total_s']:7.1f} s  RTF {r['total_s'] / audio:.3f}  ({stages})")
    print(f"  edit re-synthesized {ed['resynthesized']} segment(s), transcribed {ed.get('transcribed')}; "
          f"edit/cold = {ed['total_s'] / cold['total_s']:.2f}")
    print(f"  overlap_ratio {overlap_ratio_of(cold):.2f} (cold wall / (synthesis + transcription); "
          "target <= 0.65)")
    floor = cold_floor(cold)
    print(f"  cold CPU {floor['cold_cpu_s']:.1f} CPU-s: RTF {floor['cold_rtf_all_cores_busy']:.3f} even with all "
          f"{floor['cores']} cores busy throughout")


def print_floor(fl: dict) -> None:
    """Issue 26's table: CPU per audio minute by part, then the three ratios against targets."""
    print(f"cold build CPU by part ({fl['audio_s']:.1f} s of audio, {fl['cores']} cores):")
    print(f"  {'part':12s} {'CPU-s':>7s} {'per audio min':>14s}")
    for part, per_min in fl["cpu_per_audio_min"].items():
        print(f"  {part:12s} {fl['cpu_s'][part]:7.2f} {per_min:14.2f}")
    again = fl.get("cold_again_wall_over_floor")
    print(f"  cold wall {fl['cold_wall_s']:.1f} s over its floor {fl['cold_floor_s']:.1f} s (CPU-s / cores): "
          f"{fl['cold_wall_over_floor']:.3f}" + (f" (again: {again:.3f})" if again else "") + " (target <= 1.15)")
    if fl.get("quiet_wall_over_floor"):
        print(f"    on a quiet machine (the second build's threads sampled): {fl['quiet_wall_over_floor']:.3f}")
    if fl["batch_speedup"] is not None:
        print(f"  batch speedup {fl['batch_speedup']:.2f} over its ceiling {fl['batch_ceiling']:.2f} "
              f"(sequential wall x cores / batch CPU): {fl['batch_speedup_over_ceiling']:.3f} (target >= 0.95)")
    ident = fl.get("identity")
    if ident is not None:
        what = "identical" if ident["identical"] else "DIFFERENT: " + ", ".join(ident["differ"])
        same_bytes = ", ".join(f for f in ident["files"] if f != "verify.json")
        print(f"  rebuild from empty caches: {what} (bytes of {same_bytes}; verify.json less timing fields)")


def print_batch(batch: dict | None) -> None:
    if not batch:
        return
    ph = batch["phases"]
    print(f"batch: {batch['posts']} posts; wall, CPU of the processes waited for (a Ray worker is not one) "
          "and of the builds, segments re-spoken by healing, load average before -> after:")
    for name, p in ph.items():
        builds = f" (builds {p['builds_cpu_s']:.1f})" if p.get("builds_cpu_s") else ""
        print(f"  {name:10s} {p['wall_s']:7.1f} s  {p['cpu_s']:6.1f} CPU-s{builds}  "
              f"heal attempts {p['heal_attempts']}  unverified {p.get('unverified', 0)}  "
              f"load {p['load_average'][0]:.1f} -> {p['load_average'][1]:.1f}")
    print(f"  batch_speedup {batch['batch_speedup']:.2f} (CPU ratio {batch['batch_cpu_ratio']}; "
          f"{batch['batch_speedup_all_cores_busy']} with every core busy: "
          f"{batch['batch_speedup_over_ceiling']} of it, target >= 0.95)")
    if batch["ray_s"] is None:
        print("  ray: not installed")
        return
    print(f"  ray_overhead {batch['ray_overhead']:.2f} (target <= 1.3); Ray start-up "
          f"{ph['ray']['ray_start_s']} s of it; after start-up {batch.get('ray_overhead_after_start')}; "
          f"builds' CPU ray/local {batch.get('ray_builds_cpu_ratio')}")


def print_asr(rtf_by_engine: dict) -> None:
    print("ASR on the same audio:")
    for name, r in rtf_by_engine.items():
        print(f"  {name:15s} RTF {r['rtf']:.3f}  ({r['transcribe_s']:.1f} s for {r['audio_s']:.1f} s; "
              f"load {r['load_s']:.1f} s)")


def print_heard(heard: dict) -> None:
    print("numbers heard (share ok):")
    print(f"  {'tts':8s} {'demo':>18s} {'vectors en':>18s} {'vectors fr':>18s}")
    for tts, entry in heard.items():
        if tts.startswith("_"):
            continue
        if tts == "gtts" or not isinstance(entry, dict) or "available" in entry:
            print(f"  {tts:8s} unavailable: {entry.get('reason') if isinstance(entry, dict) else entry}")
            continue
        print(f"  {tts:8s} {share(entry.get('demo')):>18s} {share(entry.get('vectors_en')):>18s} "
              f"{share(entry.get('vectors_fr')):>18s}")
    if heard.get("_note"):
        print(f"  note: {heard['_note']}")
    else:
        print_vectors(heard)


def print_checks(checks: dict, deciding: dict) -> None:
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL' if name in deciding else 'no'}] {name}")


def skip_conversation(args) -> bool:
    """--quick leaves it out: a cold conversation build costs many narration ones (Kokoro
    speaks one host, and the turns are three times as many pieces to master and hear)."""
    return args.no_conversation or (args.quick and not args.conversation)


def print_formats(fm: dict) -> None:
    """The two formats' cold builds, whole processes, side by side."""
    print("cold build by format (whole process: wall, CPU of the process and its children):")
    for name in ("narration", "conversation"):
        f = fm.get(name)
        if not f:
            print(f"  {name:12s} skipped (--no-conversation or --quick)")
            continue
        print(f"  {name:12s} {f['cold_s']:7.1f} s  {f['cold_cpu_s']:7.1f} CPU-s  audio {f['audio_s']:.1f} s  "
              f"RTF {f['rtf']:.3f}  {f['cpu_per_audio_min']:.1f} CPU-s per audio minute  "
              f"numbers heard {share(f['numbers_heard'])}")
    if fm.get("conversation_over_narration"):
        r = fm["conversation_over_narration"]
        print(f"  conversation / narration: {r['cold_s']:.2f}x the wall time, "
              f"{r['cpu_per_audio_min']:.2f}x the CPU per audio minute")


def batch_only(args) -> int:
    """--batch-only: the batch engines' ratios alone (reported; exit 0)."""
    t_all = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        batch = batch_bench(args, tmp / "batch")
        length = length_deviation(tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    result = {"mode": "batch", "tts": args.tts, "asr": args.asr, "model": args.model, **batch_keys(batch),
              "checks": batch_checks(batch), "length": length, "bench_s": round(time.perf_counter() - t_all, 1)}
    write_result(args.out, result)
    print_batch(batch)
    print_length(length)
    print_checks(result["checks"], {})
    print(f"wrote {args.out} (bench {result['bench_s']:.0f} s)")
    return 0


def full_bench(args) -> int:
    t_all = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        runs, edit, ep = rebuilds(args, tmp)
        rtf_by_engine, heard = engines_in_process(args, runs, ep, tmp)
        conversation = None if skip_conversation(args) else conversation_cold(args, tmp)
        batch = None if args.no_batch else batch_bench(args, tmp / "batch")
        length = length_deviation(tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    result = full_result(args, runs, edit, rtf_by_engine, heard, batch)
    result["formats"] = formats(runs["cold"], conversation)
    result["bench_s"] = round(time.perf_counter() - t_all, 1)
    result["length"] = length
    write_result(args.out, result)
    print_builds(args, runs)
    print_formats(result["formats"])
    print_batch(batch)
    print_floor(result["floor"])
    print_length(length)
    print_asr(rtf_by_engine)
    print_heard(heard)
    deciding = rebuild_checks(runs)
    print_checks(result["checks"], deciding)
    print(f"wrote {args.out} (bench {result['bench_s']:.0f} s)")
    return 0 if all(deciding.values()) else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(build_once(Path(args.one[0]), Path(args.one[1]), args.tts, args.asr, args.model,
                                    args.sample)))
        return 0
    if args.vectors:
        return vectors_only(args)
    if args.batch_only:
        return batch_only(args)
    return full_bench(args)


if __name__ == "__main__":
    sys.exit(main())
