"""CPU threads per engine, so parallel builds share the cores instead of fighting.

PIPELINE_THREADS is the number of threads one build's engines may use
(default 2, as before): faster-whisper's (CTranslate2) cpu_threads, piper's
onnxruntime intra-op threads, openai-whisper's torch threads. Batch workers
set it to their share of the machine (cores / jobs) before loading anything.
pipeline.overlap turns it into core tokens: each unit of work (speaking a
segment, hearing a piece) runs on one thread (`share(1, callers)`).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

ENV = "PIPELINE_THREADS"
DEFAULT = 2
# Libraries that size their own thread pools from these at import time.
POOL_ENVS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def machine_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_share = threading.local()


def build_threads() -> int:
    """Threads one build may use (in this thread: its `share`, when it has one)."""
    if getattr(_share, "threads", None):
        return _share.threads
    try:
        return max(1, int(os.environ.get(ENV, DEFAULT)))
    except ValueError:
        return DEFAULT


def limit_process(threads: int) -> None:
    """Give this process (a batch worker) `threads` threads, before heavy imports."""
    os.environ[ENV] = str(max(1, threads))
    for name in POOL_ENVS:
        os.environ[name] = str(max(1, threads))


def callers() -> int:
    """How many threads of this build may call one engine at once (in this thread:
    its `share`; 1 otherwise). faster-whisper loads that many CTranslate2 workers."""
    return getattr(_share, "callers", None) or 1


@contextmanager
def share(threads: int, callers_: int = 1):
    """Engines loaded in this thread, inside the block, use `threads` threads, and
    expect `callers_` threads of the build to call them at once (pipeline.overlap:
    each unit of work holds one core token and runs on one thread)."""
    old = getattr(_share, "threads", None), getattr(_share, "callers", None)
    _share.threads, _share.callers = max(1, threads), max(1, callers_)
    try:
        yield
    finally:
        _share.threads, _share.callers = old
