"""The Ray batch engine: each episode is a Ray task; no shared filesystem needed.

`ray.init()` starts a private Ray on this machine (loopback only, no
dashboard, no usage stats) unless RAY_ADDRESS names a cluster to join.

Over the wire, driver -> worker: the Job (slug, options, manifest), the post's
bytes, its settings file and the files those settings name (music, cover,
piper voices), and the episode's previous files (so a changed post rebuilds
incrementally: unchanged segments keep their audio and words). Worker ->
driver: the Result and every file of the built episode folder, as bytes. The
worker builds in a private temporary folder; the driver writes the files
atomically (pipeline.batch.finish), the manifest last.

Ray reuses its worker processes between tasks, so the per-process model
caches (Whisper, piper) stay loaded across the episodes one worker builds. A
task whose worker process dies is retried once by Ray (max_retries=1); a
second death, or a lost node, makes that post "failed" and the others go on.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import SetupError
from ..threads import limit_process, machine_cores
from .jobs import EXIT_FAILED, MANIFEST, Job, Result, inside, log, run_job

MAX_RETRIES = 1
SHOW_DIR = ".show"      # where the show's podcast.yaml (and its artwork file) land on a worker
POST_DIR, EPISODE_DIR = "post", "episode"


def _ray():
    try:
        import ray
    except ImportError:
        raise SetupError("--engine ray needs Ray, which is not installed",
                         "pip install -e '.[ray]' (or use --engine local)") from None
    return ray


def init_ray(ray) -> bool:
    """Start (or join) Ray; False when this process had already done so."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")   # never phone home
    if os.environ.get("RAY_ADDRESS"):
        ray.init(log_to_driver=True)
    else:
        ray.init(num_cpus=machine_cores(), include_dashboard=False,
                 _node_ip_address="127.0.0.1", log_to_driver=True)
    return True


def _inputs(source: Path) -> dict[str, bytes]:
    """The post, its settings file and the files the settings name, by path relative to the post."""
    from ..config.episode import load_settings, settings_path

    base = source.parent.resolve()
    files = {source.name: source.read_bytes()}
    yaml_path = settings_path(source)
    if yaml_path.is_file():
        files[yaml_path.name] = yaml_path.read_bytes()
        s = load_settings(source)
        named = [s.music_intro, s.music_outro, s.cover]
        for voice in (s.piper_voice or {}).values():
            named += [voice, f"{voice}.json"]
        for p in filter(None, named):
            if Path(p).is_file():
                files[str(Path(p).resolve().relative_to(base))] = Path(p).read_bytes()
    return files


def _show_inputs(config: str | None) -> dict[str, bytes]:
    """The show's podcast.yaml and the artwork file it names (the ID3 album and the
    show notes header come from it), under SHOW_DIR: no shared filesystem needed."""
    from ..config.show import load_config

    if not config:
        return {}
    path = Path(config)
    files = {f"{SHOW_DIR}/{path.name}": path.read_bytes()}
    artwork = load_config(path).get("artwork")
    if artwork and Path(artwork).is_file():
        try:
            rel = Path(artwork).resolve().relative_to(path.resolve().parent)
        except ValueError:      # outside the settings' folder: not ours to ship
            return files
        files[f"{SHOW_DIR}/{rel.as_posix()}"] = Path(artwork).read_bytes()
    return files


def _previous(ep: Path) -> dict[str, bytes]:
    if not ep.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in ep.iterdir()
            if p.is_file() and not _temporary(p) and p.name != MANIFEST}


def _temporary(p: Path) -> bool:
    """A half-written file of fsio.atomic_path (".name.XXXX.tmp")."""
    return p.name.startswith(".") and p.name.endswith(".tmp")


def _unpack(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = inside(root, rel)   # a bundle never writes outside its folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build_remote(job: Job, post_name: str, inputs: dict[str, bytes], previous: dict[str, bytes],
                 threads: int) -> Result:
    """Runs on a Ray worker: build in a temporary folder, return the files."""
    from ..config.episode import locator_path
    from ..episode import POST

    limit_process(threads)
    with tempfile.TemporaryDirectory(prefix="pipeline-ray-") as tmp:
        post_dir, ep = Path(tmp) / POST_DIR, Path(tmp) / EPISODE_DIR
        _unpack(post_dir, inputs)
        _unpack(ep, previous)
        config = job.options.get("config")
        options = {**job.options, "config": str(post_dir / SHOW_DIR / Path(config).name)} if config \
            else job.options
        local = Job(job.slug, str(post_dir / post_name), str(ep), options, job.manifest)
        result = run_job(local)
        # post.json names its post by file name only; where the post lives (a locator
        # into this temporary folder) is the driver's to write.
        result.files = {str(p.relative_to(ep)): p.read_bytes() for p in sorted(ep.rglob("*"))
                        if p.is_file() and not _temporary(p) and p.name != locator_path(ep / POST).name}
    return result


def run_ray(jobs: list[Job], n: int, on_result: Callable[[Result], None]) -> list[Result]:
    """Build `jobs` as Ray tasks, at most `n` at once on a private local Ray."""
    t0 = time.monotonic()
    ray = _ray()
    if init_ray(ray):   # Ray's fixed cost, apart from the builds' (scripts/bench.py reads this line)
        log(f"ray: started in {time.monotonic() - t0:.1f} s (import ray, ray.init)")
    cpus = int(ray.cluster_resources().get("CPU", 1))
    per_node = max((int(node["Resources"].get("CPU", 0)) for node in ray.nodes() if node.get("Alive")),
                   default=1)
    threads = max(1, min(cpus // max(1, min(n, len(jobs))), per_node))   # a task must fit a node
    remote = ray.remote(num_cpus=threads, max_retries=MAX_RETRIES)(build_remote)
    pending = {}
    for job in jobs:
        src = Path(job.source)
        inputs = {**_inputs(src), **_show_inputs(job.options.get("config"))}
        ref = remote.remote(job, src.name, inputs, _previous(Path(job.out)), threads)
        pending[ref] = job
    results = []
    while pending:
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        job = pending.pop(ref)
        try:
            result = ray.get(ref)
        except Exception as e:  # noqa: BLE001 - ray.exceptions.RayError and kin: the task is lost
            result = Result(job.slug, "failed", exit_code=EXIT_FAILED,
                            error=f"Ray task failed after {MAX_RETRIES} retry: {type(e).__name__}: "
                                  f"{str(e).splitlines()[0] if str(e) else ''}")
        on_result(result)
        results.append(result)
    return results
