"""The local batch engine: N worker processes, each building episode after episode.

A worker is a long-lived process, so the models it loads (the Whisper model
in pipeline.asr.faster, the piper voice in pipeline.tts: both cached per
process) stay loaded across its episodes. Each worker gets its share of the
cores (pipeline.threads). A worker that dies (crash, OOM kill) is replaced and
its post is tried once more; a second death marks the post failed.

Test hook: PIPELINE_TEST_CRASH=<slug> makes a worker exit abruptly
(os._exit) before building that post; PIPELINE_TEST_CRASH=<slug>@<file>
does so only while <file> does not exist (it is created first), i.e. once.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait
from pathlib import Path

from ..threads import limit_process, machine_cores
from .jobs import EXIT_FAILED, Job, Result, run_job

ATTEMPTS = 2          # a post whose worker dies is retried once
CRASH_ENV = "PIPELINE_TEST_CRASH"
CRASH_EXIT = 70


def _crash_hook(job: Job) -> None:
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    slug, _, marker = spec.partition("@")
    if slug != job.slug:
        return
    if marker:
        if Path(marker).exists():
            return
        Path(marker).touch()
    os._exit(CRASH_EXIT)


def worker_main(conn, threads: int) -> None:
    limit_process(threads)   # before any engine is imported
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        _crash_hook(job)
        conn.send(run_job(job))


class Worker:
    def __init__(self, ctx, threads: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, threads), daemon=True)
        self.proc.start()
        child.close()
        self.job: Job | None = None

    def give(self, job: Job) -> None:
        self.job = job
        self.conn.send(job)

    def receive(self) -> Result | None:
        """The finished job's result; None when the worker died."""
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        return None

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_local(jobs: list[Job], n: int, on_result: Callable[[Result], None]) -> list[Result]:
    """Build `jobs` on `n` worker processes; call `on_result` as each finishes."""
    ctx = mp.get_context("spawn")   # no fork after threads; the same on every OS
    n = max(1, min(n, len(jobs)))
    threads = max(1, machine_cores() // n)
    queue, tries, results = deque(jobs), {j.slug: 0 for j in jobs}, []
    workers = [Worker(ctx, threads) for _ in range(n)]
    try:
        while queue or any(w.job for w in workers):
            for i, w in enumerate(workers):
                if w.job is None and queue:
                    if not w.proc.is_alive():   # died while idle: replace it first
                        w.stop()
                        workers[i] = w = Worker(ctx, threads)
                    job = queue.popleft()
                    tries[job.slug] += 1
                    w.give(job)
            busy = [w for w in workers if w.job]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy])
            for i, w in enumerate(workers):
                if w.job is None or (w.conn not in ready and w.proc.sentinel not in ready):
                    continue
                result = w.receive()
                if result is None and w.proc.is_alive():
                    continue   # woke for nothing
                job, w.job = w.job, None
                if result is None:   # the worker died with this post
                    w.stop()
                    workers[i] = Worker(ctx, threads)
                    if tries[job.slug] < ATTEMPTS:
                        queue.appendleft(job)
                        continue
                    result = Result(job.slug, "failed", exit_code=EXIT_FAILED,
                                    error=f"worker process died twice building it (exit code "
                                          f"{w.proc.exitcode})")
                on_result(result)
                results.append(result)
    finally:
        for w in workers:
            w.stop()
    return results
