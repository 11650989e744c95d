"""System faults (disk full, permission denied, a file in the way) and bad paths:
one line naming the cause and the fix, exit 3 for the machine's faults and 2
for usage, never a traceback, nothing half-written."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli

from .conftest import ROOT

POST = "# Bikes\n\nThe city counted 4,200 bikes in 2024, up from 3,100 the year before. " \
       "That is the largest rise in ten years, and the council wants more lanes.\n"


def run(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def post(tmp_path):
    path = tmp_path / "post.md"
    path.write_text(POST, encoding="utf-8")
    return path


def no_traceback(r):
    assert "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, r.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_disk_full_is_exit_3_and_leaves_nothing(post, tmp_path, monkeypatch, capsys):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "ep" / "post.json"
    assert cli.main(["ingest", str(post), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "fix: free some disk space" in err
    assert "Traceback" not in err
    assert not out.exists() and leftovers(tmp_path) == []


def test_permission_denied_is_exit_3(post, tmp_path, monkeypatch, capsys):
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    out = tmp_path / "ro" / "post.json"
    assert cli.main(["ingest", str(post), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "Permission denied" in err and str(out.parent) in err and "fix:" in err
    assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_folder_for_real(post, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = run("ingest", str(post), "--out", str(ro / "post.json"))
    finally:
        ro.chmod(0o700)
    assert r.returncode == 3 and "Permission denied" in r.stderr
    no_traceback(r)


def test_a_file_in_the_way_of_the_episode_folder(post, tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("mine")
    r = run("build", str(post), "--out", str(blocker), "--tts", "espeak")
    assert r.returncode == 2 and "is a file" in r.stderr
    no_traceback(r)
    assert blocker.read_text() == "mine"
    # A file in the way deeper down is the OS's refusal: exit 3, one line.
    r = run("ingest", str(post), "--out", str(blocker / "post.json"))
    assert r.returncode == 3 and "File exists" in r.stderr and "fix:" in r.stderr
    no_traceback(r)


def test_ingest_out_an_existing_folder(post, tmp_path):
    r = run("ingest", str(post), "--out", str(tmp_path))
    assert r.returncode == 2 and "is a folder" in r.stderr and "post.json" in r.stderr
    no_traceback(r)


def parse_only(*args):
    """Parse a command line without running it: a failing test never writes into /etc."""
    try:
        cli.make_parser().parse_args(list(args))
    except SystemExit as e:
        return e.code
    return 0


@pytest.mark.parametrize("out", ["/", "/etc", "/usr/local", "~", "/tmp", "/home"])
def test_system_and_home_folders_are_refused(post, out, capsys):
    assert parse_only("build", str(post), "--out", os.path.expanduser(out)) == 2
    assert "refusing to write into" in capsys.readouterr().err


@pytest.mark.parametrize("out", ["/etc/post.json", "/usr/post.json", "/post.json"])
def test_files_inside_system_folders_are_refused(post, out, capsys):
    assert parse_only("ingest", str(post), "--out", out) == 2
    assert "refusing to write into" in capsys.readouterr().err


def test_ordinary_folders_are_accepted(post, tmp_path):
    assert parse_only("build", str(post), "--out", str(tmp_path / "ep")) == 0
    assert parse_only("feed", "--out", str(tmp_path / "feed.xml")) == 0


@pytest.mark.parametrize("args, message", [
    (["serve", "--port", "80000"], "80000 is out of range: use 0 to 65535"),
    (["serve", "--port", "-1"], "out of range"),
    (["verify", "episodes/demo", "--heal-rounds", "-5"], "-5 is out of range"),
    (["build", "x.md", "--out", "ep", "--heal-rounds", "x"], "'x' is not a whole number"),
])
def test_numbers_out_of_range_are_usage_errors(args, message, capsys):
    assert parse_only(*args) == 2
    assert message in capsys.readouterr().err


def test_port_taken_is_exit_3(tmp_path, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert cli.main(["serve", str(tmp_path), "--port", str(port)]) == 3
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "PORT=" in err


def test_a_missing_input_is_usage_not_a_system_fault(tmp_path):
    r = run("package", str(tmp_path / "nothing"))
    assert r.returncode == 2 and "script.yaml does not exist yet" in r.stderr
    assert "build the episode first" in r.stderr
    no_traceback(r)


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_post_that_is_no_regular_file_is_refused_at_once(tmp_path, kind):
    """A post named .md that is /dev/zero read forever (and grew without bound: the
    size check reads st_size, 0 for a device); a FIFO blocked until a writer came."""
    post = tmp_path / "post.md"
    if kind == "device":
        post.symlink_to("/dev/zero")
    else:
        os.mkfifo(post)
    r = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(post), "--out",
                        str(tmp_path / "post.json")], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr
    no_traceback(r)
    assert not (tmp_path / "post.json").exists()
