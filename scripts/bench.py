"""Benchmark of rebuilds: cold, no-op, and after editing one key point.

    .venv/bin/python scripts/bench.py [bench/bench.json] [--tts piper] [--asr faster-whisper]

Copies episodes/demo.md into a temporary episode source and builds it three
times with the stage functions (ingest, condense, synthesize, transcribe,
verify), against a fresh, empty PIPELINE_CACHE_DIR in a temporary directory:

  cold  nothing cached;
  noop  the same build again: every cache warm, nothing may be re-synthesized
        or re-transcribed (the MP3 must come out byte-identical);
  edit  one word of one key point's text changed in script.yaml (numbers
        kept): exactly one segment may be re-synthesized.

Each build runs in its own Python process by default (like `make`, which runs
one command per stage), so model loading is counted every time; --in-process
runs them all in this process instead. Writes bench.json (cold_s, noop_s,
edit_s, per-stage seconds, audio length, real-time factors, segments
re-synthesized) and prints a short summary. Exit status 1 when a criterion
fails: edit >= cold / 5, noop re-synthesized or re-transcribed anything or
changed the MP3, or the edit re-synthesized a number of segments other than 1.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ingest", "condense", "synthesize", "transcribe", "verify")
# One-word edits that keep the meaning and every number.
SWAPS = {"took": "made", "counted": "found", "made": "formed", "drove": "powered", "typical": "usual",
         "about": "roughly", "only": "just", "still": "yet", "short": "brief", "most": "much"}


def build_once(source: Path, ep: Path, tts: str, asr: str, model: str) -> dict:
    """One build with the stage functions; returns per-stage seconds and what happened."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline import condense, ingest, synthesize, transcribe, verify

    ep.mkdir(parents=True, exist_ok=True)
    t: dict[str, float] = {}

    def timed(name, fn, *a, **kw):
        t0 = time.perf_counter()
        result = fn(*a, **kw)
        t[name] = round(time.perf_counter() - t0, 3)
        return result

    post = timed("ingest", ingest.ingest, source, ep / "post.json")
    timed("condense", condense.condense, ep / "post.json", ep / "script.yaml")
    tl = timed("synthesize", synthesize.synthesize, ep / "script.yaml", ep, engine=tts,
               on_event=lambda m: None)
    tr = timed("transcribe", transcribe.transcribe, ep / "episode.mp3", ep / "transcript.json",
               post["language"], engine=asr, model=model)
    report = timed("verify", verify.verify, ep / "script.yaml", ep / "timeline.json",
                   ep / "transcript.json", ep / "verify.json", ep / "post.json")
    mp3 = (ep / "episode.mp3").read_bytes()
    return {
        "stages_s": t,
        "total_s": round(sum(t.values()), 3),
        "audio_s": tl["duration"],
        "segments": len(tl["segments"]),
        "resynthesized": tl.get("resynthesized", sum(not s["cache_hit"] for s in tl["segments"])),
        "reassembled": tl.get("reassembled"),
        "transcript_cached": bool(tr.get("cached")),
        "mp3_sha256": hashlib.sha256(mp3).hexdigest(),
        "loudness": tl.get("loudness"),
        "verified": report.get("verified"),
        "survival": report.get("survival"),
    }


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


def run_build(args, source: Path, ep: Path, cache: Path) -> dict:
    env = dict(os.environ, PIPELINE_CACHE_DIR=str(cache))
    if args.in_process:
        os.environ["PIPELINE_CACHE_DIR"] = str(cache)
        import pipeline.paths as paths
        paths.CACHE_DIR = cache
        return build_once(source, ep, args.tts, args.asr, args.model)
    cmd = [sys.executable, __file__, "--one", str(source), str(ep), "--tts", args.tts,
           "--asr", args.asr, "--model", args.model]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench: build failed (exit {proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - t0, 3)   # with interpreter start and imports
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=ROOT / "bench" / "bench.json")
    ap.add_argument("--tts", default="piper", help="piper (default), espeak, gtts")
    ap.add_argument("--asr", default="faster-whisper")
    ap.add_argument("--model", default="base")
    ap.add_argument("--source", type=Path, default=ROOT / "episodes" / "demo.md")
    ap.add_argument("--in-process", action="store_true", help="run the 3 builds in this process")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--one", nargs=2, metavar=("SOURCE", "EPISODE_DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(build_once(Path(args.one[0]), Path(args.one[1]), args.tts, args.asr, args.model)))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
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
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    cold, noop, ed = runs["cold"], runs["noop"], runs["edit"]
    audio = cold["audio_s"]
    checks = {
        "edit_under_fifth_of_cold": ed["total_s"] < cold["total_s"] / 5,
        "noop_no_resynthesis": noop["resynthesized"] == 0 and noop["reassembled"] is False,
        "noop_no_retranscription": noop["transcript_cached"],
        "noop_mp3_identical": noop["mp3_sha256"] == cold["mp3_sha256"],
        "edit_one_segment": ed["resynthesized"] == 1,
    }
    result = {
        "tts": args.tts, "asr": args.asr, "model": args.model,
        "fresh_process_per_build": not args.in_process,
        "cold_s": cold["total_s"], "noop_s": noop["total_s"], "edit_s": ed["total_s"],
        "stages_s": {k: r["stages_s"] for k, r in runs.items()},
        "process_s": {k: r.get("process_s") for k, r in runs.items()},
        "audio_s": audio,
        "segments": cold["segments"],
        "rtf": {k: round(r["total_s"] / audio, 4) for k, r in runs.items()},
        "edit_resynthesized": ed["resynthesized"],
        "edit": edit,
        "loudness": ed["loudness"],
        "verified": {k: r["verified"] for k, r in runs.items()},
        "checks": checks,
        "runs": runs,
    }
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.name}.tmp")
    tmp_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp_out, out)

    print(f"audio {audio:.1f} s, {cold['segments']} segments (tts={args.tts}, asr={args.asr})")
    for k in ("cold", "noop", "edit"):
        r = runs[k]
        stages = ", ".join(f"{s} {r['stages_s'][s]:.1f}" for s in STAGES)
        print(f"  {k:5s} {r['total_s']:7.1f} s  RTF {r['total_s'] / audio:.3f}  ({stages})")
    print(f"  edit re-synthesized {ed['resynthesized']} segment(s); edit/cold = {ed['total_s'] / cold['total_s']:.2f}")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    print(f"wrote {out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
