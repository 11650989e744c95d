"""A run killed mid-write (SIGKILL) leaves the pipeline's own temporary beside
its target; the next successful run of that folder removes it, but never a
live run's temporary, a fresh one, or any other file."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline import fsio

from .conftest import ROOT

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"

KILLED_WRITER = """
import sys, time
from pipeline import fsio
with fsio.atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half an mp3")
    print("writing", flush=True)
    time.sleep(60)
"""


def killed_mid_write(target: Path) -> Path:
    """A real process writing `target` through fsio, killed by SIGKILL."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    left = [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
    assert len(left) == 1 and left[0].name.endswith(".mp3.tmp"), left
    return left[0]


def test_next_successful_run_removes_a_killed_runs_temp(tmp_path, mp3):
    ep = tmp_path / "episodes" / "sample"
    shutil.copytree(SAMPLE, ep)
    shutil.copy(mp3, ep / "episode.mp3")
    stale = killed_mid_write(ep / "episode.mp3")
    keep = [ep / ".verified", ep / "notes.tmp", ep / ".mine.tmp"]
    for p in keep:
        p.write_text("user's")
    time.sleep(0.05)
    r = subprocess.run([sys.executable, "-m", "pipeline", "package", str(ep)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not stale.exists()
    assert all(p.exists() for p in keep)


def test_live_and_fresh_temps_are_left_alone(tmp_path, monkeypatch):
    held = tmp_path / ".episode.mp3.abcd1234.mp3.tmp"
    old = tmp_path / ".timeline.json.zz9_8xyq.json.tmp"
    fresh = tmp_path / ".post.json.qwertyui.json.tmp"
    for p in (held, old, fresh):
        p.write_bytes(b"x")
    past = time.time() - 3600
    for p in (held, old):
        os.utime(p, (past, past))
    monkeypatch.setattr(fsio, "PROCESS_START", time.time() - 60)
    with open(held, "rb"):                       # a live writer holds it open
        removed = fsio.remove_stale_temps(tmp_path)
    assert removed == [old]
    assert held.exists() and fresh.exists() and not old.exists()
