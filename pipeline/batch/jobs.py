"""One post's build as a job: what a batch engine (local workers, Ray) runs.

Shared by pipeline.batch (the driver) and the engines (pipeline.batch.local,
pipeline.batch.ray), which import it and not the driver.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, PipelineError

MANIFEST = "batch.json"
EXIT_OK, EXIT_UNVERIFIED, EXIT_FAILED = 0, 1, 2

log = logging.getLogger("pipeline.batch").info    # the batch's own lines; workers print no progress


@dataclass
class Job:
    slug: str
    source: str          # the post file
    out: str             # the episode folder
    options: dict
    manifest: dict = field(default_factory=dict)


@dataclass
class Result:
    slug: str
    status: str                      # verified | unverified | failed | skipped
    survival: float | None = None
    seconds: float = 0.0
    error: str | None = None
    exit_code: int = EXIT_OK
    files: dict[str, bytes] | None = None   # the episode's files, from a remote worker
    fix: str | None = None           # what to do about the error (a PipelineError's fix)
    cpu_seconds: float | None = None  # CPU the build used in its worker (its ffmpeg runs included)


def failure(slug: str, e: PipelineError, seconds: float = 0.0) -> Result:
    """A post that failed with a pipeline error: its cause and its fix, both shown."""
    return Result(slug, "failed", seconds=seconds, error=e.cause, exit_code=e.exit_code, fix=e.fix)


def cpu_now() -> float:
    """CPU seconds of this process and its finished children (ffmpeg), so far."""
    t = os.times()   # children: 0 where the OS does not count them
    return t.user + t.system + t.children_user + t.children_system


def run_job(job: Job) -> Result:
    """Build one episode; every failure becomes a Result, never an exception. The
    Result carries the CPU the build used, so every engine's cost can be compared
    (a Ray worker's CPU is not the driver's child: it is only seen from inside)."""
    cpu0 = cpu_now()
    result = _build_job(job)
    result.cpu_seconds = round(cpu_now() - cpu0, 2)
    return result


def _build_job(job: Job) -> Result:
    from ..build import build

    t0 = time.monotonic()
    o = job.options
    try:
        report = build(Path(job.source), Path(job.out), tts=o["tts"], asr=o["asr"], lang=o["lang"],
                       condenser=o["condenser"], heal_rounds=o["heal_rounds"], asr_model=o["asr_model"],
                       config=Path(o["config"]) if o.get("config") else None, fmt=o.get("fmt"))
    except PipelineError as e:
        return failure(job.slug, e, time.monotonic() - t0)
    except Exception as e:  # noqa: BLE001 - a bug in one post's build must not stop the batch
        return Result(job.slug, "failed", seconds=time.monotonic() - t0,
                      error=f"{type(e).__name__}: {e}", exit_code=EXIT_FAILED)
    ok = bool(report["verified"])
    return Result(job.slug, "verified" if ok else "unverified", survival=report["survival"],
                  seconds=time.monotonic() - t0, exit_code=EXIT_OK if ok else EXIT_UNVERIFIED)


def inside(root: Path, rel: str) -> Path:
    """root/rel, refusing a name that would land outside root (files sent by a worker)."""
    target = (root / rel).resolve()
    if root.resolve() not in target.parents:
        raise InputError(f"refusing a file outside {root}: {rel!r}", "check the worker that sent it")
    return target
