"""The build queue: one build runs at a time (the engines and the progress bars are
shared by the process); the others wait their turn, in order.

Each job keeps a list of events (its state, each stage's progress, the pipeline's
lines, the verdict or the one-line error) that the page follows over server-sent
events (`Job.events_since`).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import adapter

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
SAMPLE_SECONDS = 0.4          # how often a running build's stages are read for the page
MAX_EVENTS = 2000             # a job's event list never grows without bound
MAX_JOBS_KEPT = 50


@dataclass
class Job:
    id: int
    kind: str                   # "build" | "rebuild" | "feed"
    slug: str
    label: str
    work: Callable[[], dict]
    state: str = QUEUED
    error: str = ""
    result: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def emit(self, kind: str, **data: Any) -> None:
        with self.changed:
            if len(self.events) < MAX_EVENTS or kind != "stages":
                self.events.append({"type": kind, "seq": len(self.events), **data})
            self.changed.notify_all()

    def finish(self, state: str, **data: Any) -> None:
        """The job's last state and its event at once: a reader that sees the job finished
        has its final event too (the page closes its stream on it)."""
        with self.changed:
            self.state = state
            self.events.append({"type": "state", "seq": len(self.events), "state": state, **data})
            self.changed.notify_all()

    def events_since(self, seq: int, timeout: float) -> list[dict]:
        """The events after `seq`, waiting up to `timeout` seconds for one."""
        with self.changed:
            if len(self.events) <= seq and self.state in (QUEUED, RUNNING):
                self.changed.wait(timeout)
            return self.events[seq:]

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    def public(self) -> dict:
        return {"id": self.id, "kind": self.kind, "slug": self.slug, "label": self.label,
                "state": self.state, "error": self.error, "result": self.result}


class _Lines(logging.Handler):
    """The pipeline's INFO lines, to the running job."""

    def __init__(self, queue: BuildQueue, strip: str):
        super().__init__(logging.INFO)
        self.queue, self.strip = queue, strip

    def emit(self, record: logging.LogRecord) -> None:
        job = self.queue.running
        if job is not None:
            try:
                job.emit("line", text=record.getMessage().replace(self.strip, ""))
            except Exception:  # noqa: BLE001 -- a log line must never break the build
                self.handleError(record)


class BuildQueue:
    def __init__(self, strip: str = "") -> None:
        """strip: text left out of the lines shown (the episodes folder's path)."""
        self.jobs: list[Job] = []
        self.running: Job | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._stop = False
        self._lines = _Lines(self, strip or "\x00")
        self._worker = threading.Thread(target=self._run, name="studio-builds", daemon=True)
        self._worker.start()

    def submit(self, kind: str, slug: str, label: str, work: Callable[[], dict]) -> Job:
        with self._wake:
            job = Job(next(self._ids), kind, slug, label, work)
            self.jobs.append(job)
            done = [j for j in self.jobs if j.finished]
            for old in done[:max(0, len(self.jobs) - MAX_JOBS_KEPT)]:
                self.jobs.remove(old)
            ahead = sum(1 for j in self.jobs if not j.finished) - 1
            job.emit("state", state=QUEUED, ahead=ahead)
            self._wake.notify_all()
        return job

    def get(self, job_id: int) -> Job | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def busy_with(self, slug: str) -> Job | None:
        """A job for `slug` that has not finished (a second build of it would race the first)."""
        return next((j for j in self.jobs if j.slug == slug and not j.finished), None)

    def close(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify_all()

    def _next(self) -> Job | None:
        with self._wake:
            while not self._stop:
                job = next((j for j in self.jobs if j.state == QUEUED), None)
                if job is not None:
                    job.state = RUNNING
                    self.running = job
                    return job
                self._wake.wait()
            return None

    def _run(self) -> None:
        while (job := self._next()) is not None:
            job.emit("state", state=RUNNING)
            sampling = threading.Event()
            sampler = threading.Thread(target=self._sample, args=(job, sampling), daemon=True)
            adapter.listen(self._lines)
            sampler.start()
            ok = False
            try:
                job.result = job.work()
                ok = True
            except BaseException as e:  # noqa: BLE001 -- a failed build must not stop the queue
                job.error = adapter.one_line(e)
            finally:
                sampling.set()
                sampler.join()
                adapter.stop_listening(self._lines)
                with self._wake:
                    self.running = None
            job.emit("stages", stages=[])
            if ok:
                job.finish(DONE, result=job.result)
            else:
                job.finish(FAILED, error=job.error)

    @staticmethod
    def _sample(job: Job, stop: threading.Event) -> None:
        last: list[dict] | None = None
        while not stop.wait(SAMPLE_SECONDS):
            stages = adapter.live_stages()
            shown = [{k: v for k, v in s.items() if k != "elapsed"} for s in stages]
            if shown != last or stages:
                job.emit("stages", stages=stages)
                last = shown
