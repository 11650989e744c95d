"""CPU threads per engine, so parallel builds and overlapped stages share the cores.

PIPELINE_THREADS is the number of threads one build may use (default 2, as
before). Batch workers set it to their share of the machine; inside one
build, synthesis and transcription run at the same time (pipeline.overlap)
and each engine then takes half of it (at least one).
"""

from __future__ import annotations

import os

ENV = "PIPELINE_THREADS"
DEFAULT = 2
# Libraries that size their own thread pools from these at import time.
POOL_ENVS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def machine_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def build_threads() -> int:
    """Threads one build may use."""
    try:
        return max(1, int(os.environ.get(ENV, DEFAULT)))
    except ValueError:
        return DEFAULT


def engine_threads(overlapped: bool = True) -> int:
    """Threads for one engine: half the build's budget while stages overlap."""
    n = build_threads()
    return max(1, n // 2) if overlapped else n


def limit_process(threads: int) -> None:
    """Give this process (a batch worker) `threads` threads, before heavy imports."""
    os.environ[ENV] = str(max(1, threads))
    for name in POOL_ENVS:
        os.environ[name] = str(max(1, threads))
