"""Atomic file output: a reader never sees a half-written file.

Every file the pipeline writes goes through here: written to a temporary file
in the same directory, flushed, then renamed over the target.
"""

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import yaml


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()

# Temporaries are ".<target>.<8 mkstemp chars><suffix>.tmp"; a SIGKILL can leave
# one behind. Only files of that shape, older than this process and open in no
# process, are the pipeline's own leftovers.
TEMP_RE = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}(\.[^./]+)?\.tmp$")
PROCESS_START = time.time()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` on success.

    For tools that insist on writing a file themselves (ffmpeg, mutagen).
    The temporary keeps the target's extension so such tools pick the format.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=suffix or target.suffix + ".tmp"
    )
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)   # mkstemp makes 0600; outputs are ordinary files
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return Path(target)


def write_text(target: str | os.PathLike, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def write_json(target: str | os.PathLike, data: Any) -> Path:
    return write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_yaml(target: str | os.PathLike, data: Any) -> Path:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return write_text(target, text)


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in chunks (model weights are 145 MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 << 20):
            h.update(chunk)
    return h.hexdigest()


def json_digest(data: Any) -> str:
    """SHA-256 of a JSON-able value, independent of key order: a cache key."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def read_json(path: str | os.PathLike) -> Any:
    """The JSON in `path`; a truncated or hand-broken file is a CorruptFile naming it."""
    from .errors import CorruptFile
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CorruptFile(f"{path} is not valid JSON ({e})",
                          "rebuild the stage that writes it (make episode SRC=..., or pipeline build)") from None


def remove_stale_temps(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporaries a killed run left in `folder` (not a live run's)."""
    folder = Path(folder)
    try:
        candidates = [p for p in folder.iterdir() if TEMP_RE.match(p.name) and p.is_file()
                      and not p.is_symlink() and p.stat().st_mtime < PROCESS_START]
    except OSError:
        return []
    held = _open_files() if candidates else set()
    removed = []
    for p in candidates:
        if os.path.realpath(p) not in held:
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def _open_files() -> set[str]:
    """Paths some process holds open (Linux /proc; elsewhere the age rule alone)."""
    held = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                held.add(os.readlink(fd))
        except OSError:            # the process ended, or is not ours to look at
            continue
    return held
