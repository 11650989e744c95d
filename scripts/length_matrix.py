"""The length matrix of issue 23: every post of a folder (default tests/corpus, and
the demo), with each offline voice of its language, at 1, 3 and 6 minutes: the
measured length after synthesis and the adjust step, against the length asked for.

Only what decides the length runs: ingest, condense (budgeted for the voice),
synthesize and the adjust step (pipeline.build.adjust_length, as `pipeline build`
and the `synthesize` stage run it). Hearing and verifying change no second of the
episode, so they are left out: a 6-minute Kokoro episode costs minutes of CPU
already. One TTS cache is shared by every build (a point said at 1 minute and again
at 3 is spoken once). A post with less to say than the length asked for says so
(`short_of_seconds`) and is counted apart: it cannot land within ±7 %.

    .venv/bin/python scripts/length_matrix.py OUT [--posts DIR] [--minutes 1 3 6]
        [--engines piper kokoro pico espeak] [--only NAME ...]

Writes OUT/matrix.json (one row per build, written after each one, so an
interrupted run keeps what it measured) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 7.0


def posts_in(folder: Path, only: list[str]) -> list[Path]:
    found = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".html") and p.name != "SOURCES.md")
    demo = ROOT / "episodes" / "demo.md"
    return [p for p in [demo, *found] if not only or p.name in only]


def one(post: Path, engine: str, minutes: float, out: Path) -> dict | None:
    """One post with one voice at one length: the row of the matrix (None: the voice
    does not speak the post's language)."""
    from pipeline import build as b
    from pipeline import fsio
    from pipeline.condense import condense
    from pipeline.config.episode import for_episode, length_seconds
    from pipeline.ingest import ingest
    from pipeline.script import load_script
    from pipeline.tts import get_engine

    ep = out / f"{post.stem}-{engine}-{minutes:g}"
    lang = ingest(post, ep / "post.json")["language"]
    if not get_engine(engine).supports(lang):
        return None
    t0 = time.perf_counter()
    first = condense(ep / "post.json", ep / "script.yaml", target_seconds=length_seconds(minutes), engine=engine)
    settings = for_episode(ep)
    options = b.BuildOptions(tts=engine).speaking(settings)
    b.synthesize(ep, options, settings)
    b.adjust_length(ep, options, settings, respeak=lambda: b.synthesize(ep, options, settings))
    timeline = fsio.read_json(ep / "timeline.json")
    target, measured = float(first["target_seconds"]), float(timeline["duration"])
    # the script as the adjust step left it: it records a shortfall measured after synthesis
    # (nothing left to add) where the condenser's estimate believed there was enough
    final = load_script(ep / "script.yaml")
    return {"post": post.name, "language": lang, "engine": engine, "minutes": minutes,
            "target_s": target, "measured_s": round(measured, 1),
            "deviation_percent": round(100 * (measured - target) / target, 1),
            "short_of_seconds": final.get("short_of_seconds"), "wall_s": round(time.perf_counter() - t0, 1)}


def table(rows: list[dict], minutes: list[float]) -> str:
    cells: dict[tuple[str, str], dict[float, str]] = {}
    for r in rows:
        mark = f"{r['deviation_percent']:+.1f} %"
        if r["short_of_seconds"]:
            mark += " (short)"
        elif abs(r["deviation_percent"]) > TOLERANCE:
            mark = f"**{mark}**"
        cells.setdefault((r["post"], r["engine"]), {})[r["minutes"]] = mark
    head = "| post | voice | " + " | ".join(f"{m:g} min" for m in minutes) + " |"
    lines = [head, "|---|---|" + "---|" * len(minutes)]
    for (post, engine), by in cells.items():
        lines.append(f"| {post} | {engine} | " + " | ".join(by.get(m, "–") for m in minutes) + " |")
    judged = [r for r in rows if not r["short_of_seconds"]]
    inside = [r for r in judged if abs(r["deviation_percent"]) <= TOLERANCE]
    if judged:
        mean = sum(abs(r["deviation_percent"]) for r in judged) / len(judged)
        worst = max(judged, key=lambda r: abs(r["deviation_percent"]))
        lines += ["", f"{len(inside)} of {len(judged)} builds with enough to say within ±{TOLERANCE:g} % "
                      f"(mean |deviation| {mean:.1f} %, worst {worst['deviation_percent']:+.1f} %: "
                      f"{worst['post']}, {worst['engine']}, {worst['minutes']:g} min); "
                      f"{len(rows) - len(judged)} with less to say than asked."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--posts", type=Path, default=ROOT / "tests" / "corpus")
    ap.add_argument("--minutes", type=float, nargs="+", default=[1, 3, 6])
    ap.add_argument("--engines", nargs="+", default=["piper", "kokoro", "pico", "espeak"])
    ap.add_argument("--only", nargs="*", default=[], help="post file names to keep")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PIPELINE_CACHE_DIR", str(args.out / "cache"))
    from pipeline import fsio, paths
    paths.CACHE_DIR = Path(os.environ["PIPELINE_CACHE_DIR"])
    rows: list[dict] = []
    for post in posts_in(args.posts, args.only):
        for engine in args.engines:
            for minutes in args.minutes:
                row = one(post, engine, minutes, args.out)
                if row is None:
                    break
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
                fsio.write_json(args.out / "matrix.json", rows)
    print(table(rows, args.minutes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
