"""CPU-seconds of each engine alone on the demo: what docs/scale.md's floors rest on.

    .venv/bin/python scripts/engine_cost.py [--threads 1] [--post episodes/demo.md] [--json out.json]

Builds the demo's script (ingest, condense), then, in this process, with
PIPELINE_THREADS=--threads and every model loaded once before it is timed:

  piper_load      the piper voice's load (and one word spoken);
  piper           every segment's text spoken by piper, as the pipeline gives it
                  (pipeline.tts.speech.spoken_text), one segment at a time;
  whisper_load    faster-whisper base's load;
  whisper_pieces  each segment's audio heard alone (as pipeline.overlap hears pieces);
  whisper_whole   the same audio joined and heard in one pass;
  synthesize      the synthesize stage in its own process (`pipeline synthesize`,
                  fresh cache): piper, its load, the imports and the mastering;
                  mastering ~ synthesize - piper - piper_load - imports.

CPU time is resource.getrusage of this process (every thread) and its children
(ffmpeg), so it hardly depends on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args):
    start = cpu_seconds()
    result = fn(*args)
    return result, round(cpu_seconds() - start, 2)


def run(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", "-q", *args], cwd=ROOT, env=env, check=True)


def script_texts(script_yaml: Path) -> tuple[str, list[str]]:
    """The language and the spoken segments (intro, each point, outro) of a script.yaml."""
    import yaml
    script = yaml.safe_load(script_yaml.read_text(encoding="utf-8"))
    texts = [script.get("intro") or "", *(p["text"] for p in script["points"]), script.get("outro") or ""]
    return script["language"], [t for t in texts if str(t).strip()]


def join_wavs(wavs: list[Path], out: Path) -> float:
    """The segment WAVs end to end (one pass for Whisper); returns the seconds of audio."""
    frames, params = [], None
    for w in wavs:
        with wave.open(str(w)) as f:
            params = params or f.getparams()
            frames.append(f.readframes(f.getnframes()))
    assert params is not None
    with wave.open(str(out), "wb") as f:
        f.setparams(params)
        for chunk in frames:
            f.writeframes(chunk)
    with wave.open(str(out)) as f:
        return f.getnframes() / f.getframerate()


def measure(post: Path, threads: int, tmp: Path) -> dict:
    env = {**os.environ, "PIPELINE_CACHE_DIR": str(tmp / "cache"), "PIPELINE_THREADS": str(threads)}
    ep = tmp / "ep"
    ep.mkdir()
    run(["ingest", str(post), "--out", str(ep / "post.json")], env)
    run(["condense", str(ep / "post.json"), "--out", str(ep / "script.yaml")], env)
    synth = cpu_of_child(["synthesize", str(ep), "--tts", "piper"], env)

    from pipeline import asr, tts
    from pipeline.tts.speech import spoken_text
    lang, texts = script_texts(ep / "script.yaml")
    piper = tts.get_engine("piper")
    _, piper_load = timed(piper.synthesize, "Hello.", lang, tmp / "hello.wav")
    wavs = [tmp / f"seg{i}.wav" for i in range(len(texts))]
    _, piper_cpu = timed(lambda: [piper.synthesize(spoken_text(t, "piper", lang), lang, w)
                                  for t, w in zip(texts, wavs)])
    audio_s = join_wavs(wavs, tmp / "whole.wav")

    hearer = asr.get_engine("faster-whisper", "base")
    from pipeline.asr.faster import load_model
    _, whisper_load = timed(lambda: load_model(str(hearer.model_path), cpu_threads=threads, num_workers=1))
    _, pieces = timed(lambda: [hearer.transcribe(w, lang) for w in wavs])
    _, whole = timed(hearer.transcribe, tmp / "whole.wav", lang)
    per_min = 60 / audio_s
    return {"threads": threads, "audio_s": round(audio_s, 1), "segments": len(texts),
            "cpu_s": {"piper_load": piper_load, "piper": piper_cpu, "whisper_load": whisper_load,
                      "whisper_pieces": pieces, "whisper_whole": whole, "synthesize": synth},
            "cpu_s_per_audio_min": {"piper": round(piper_cpu * per_min, 2),
                                    "whisper_pieces": round(pieces * per_min, 2),
                                    "whisper_whole": round(whole * per_min, 2)}}


def cpu_of_child(args: list[str], env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run(args, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--post", type=Path, default=ROOT / "episodes" / "demo.md")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()
    os.environ["PIPELINE_THREADS"] = str(args.threads)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="engine-cost-") as tmp:
        os.environ["PIPELINE_CACHE_DIR"] = str(Path(tmp) / "own-cache")
        result = measure(args.post.resolve(), args.threads, Path(tmp))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
