"""A local server for episodes/: 127.0.0.1 only, GET/HEAD, HTTP Range, ETags,
CORS for chapters and transcripts; stale episodes answer 409."""

from __future__ import annotations

import email.utils
import io
import logging
import os
import posixpath
import re
import sys
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from ..episode import CAPTIONS_SRT, CAPTIONS_VTT, NOTES, PODCAST_TRANSCRIPT
from ..errors import InputError, SystemFault
from .chapters import CHAPTERS
from .pages import render
from .shownotes import SHOWNOTES_HTML


class _Slice:
    """A file object limited to `length` bytes from its current position."""

    def __init__(self, f, length: int):
        self.f, self.left = f, length

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data

    def close(self):
        self.f.close()


RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")
# Podcasting 2.0: chapters have their own media type, and web players fetch
# chapters and transcripts from other origins (CORS).
CHAPTERS_TYPE = "application/json+chapters"
LISTING_HTML = "listing.html"      # a folder's listing (templates/)
CORS_FILES = {CHAPTERS, CAPTIONS_VTT, CAPTIONS_SRT, PODCAST_TRANSCRIPT}


def file_etag(st: os.stat_result) -> str:
    """A strong validator that changes whenever a rebuild replaces the file."""
    return f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"'


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


class EpisodeServer(ThreadingHTTPServer):
    stale: dict[str, str]            # episode folder -> why its show notes are withheld


class EpisodeHandler(SimpleHTTPRequestHandler):
    """Static files of one folder: GET/HEAD only, Range requests (with If-Range),
    ETag and If-None-Match, nothing outside the folder (no '..', no symlink
    escapes) and no dot-files (.tmp, .verified), neither served nor listed."""

    server_version = "podcast-pipeline"
    stale: ClassVar[dict[str, str]] = {}      # episode folder -> why its verdict no longer holds
    PAGES = (SHOWNOTES_HTML, NOTES)
    extensions_map = {  # noqa: RUF012  (the base class's own attribute, extended)**SimpleHTTPRequestHandler.extensions_map,
                      ".mp3": "audio/mpeg", ".vtt": "text/vtt", ".srt": "application/x-subrip",
                      ".json": "application/json", ".xml": "application/xml",
                      ".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8"}
    quiet = False

    def _allowed(self, fs_path: str) -> bool:
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if any(part.startswith(".") for part in posixpath.normpath(url_path).split("/") if part):
            return False
        return self._inside_root(fs_path)

    def _inside_root(self, fs_path: str) -> bool:
        root = os.path.realpath(self.directory)
        real = os.path.realpath(fs_path)
        return real == root or real.startswith(root + os.sep)

    def _stale_page(self) -> str | None:
        """Why the requested page is withheld: an episode's notes claim a stale verdict."""
        parts = [p for p in urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).split("/") if p]
        if len(parts) == 2 and parts[1] in self.PAGES:
            return self.stale.get(parts[0])
        return None

    def list_directory(self, path):
        """Only what could be served: no dot-files, no symlinks leading out."""
        names = sorted(n for n in os.listdir(path)
                       if not n.startswith(".") and self._inside_root(os.path.join(path, n)))
        names = [n + "/" if os.path.isdir(os.path.join(path, n)) else n for n in names]
        title = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        body = render(LISTING_HTML, title=title, names=names).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def guess_type(self, path):
        return CHAPTERS_TYPE if os.path.basename(path) == CHAPTERS else super().guess_type(path)

    def send_head(self):
        self._etag = None
        path = self.translate_path(self.path)
        if not self._allowed(path) or (path.endswith("/") and not os.path.isdir(path)):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        why = self._stale_page()
        if why:
            self.send_error(HTTPStatus.CONFLICT, "Stale episode", why)
            return None
        if os.path.isdir(path):
            return super().send_head()          # the slash redirect, index.html or a listing
        try:
            f = open(path, "rb")    # noqa: SIM115  (handed to the server, which closes it)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        st = os.fstat(f.fileno())               # one open file: headers and bytes agree
        self._etag = file_etag(st)
        if self._not_modified(st):
            f.close()
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        size = st.st_size
        span = self._byte_range(size, st)
        if span == "unsatisfiable":
            f.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = span or (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span else HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        if span:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(max(0, end - start + 1)))
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        self.end_headers()
        f.seek(start)
        return _Slice(f, max(0, end - start + 1))

    def _not_modified(self, st: os.stat_result) -> bool:
        """If-None-Match (the ETag) wins over If-Modified-Since, as RFC 9110 says."""
        if "If-None-Match" in self.headers:
            return self._etag is not None and etag_matches(self.headers["If-None-Match"], self._etag)
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(st.st_mtime) <= when

    def _byte_range(self, size: int, st: os.stat_result):
        """(start, end) of a single satisfiable range, "unsatisfiable", or None: the
        whole file (no range, a multi-part one, or an If-Range for an older file)."""
        rng = self.headers.get("Range")
        m = RANGE_RE.fullmatch(rng.strip()) if rng else None
        if not m or (not m[1] and not m[2]) or not self._range_still_valid(st):
            return None
        if m[1]:
            start, end = int(m[1]), min(int(m[2]) if m[2] else size - 1, size - 1)
        else:
            start, end = max(0, size - int(m[2])), size - 1
        if start >= size or start > end:
            return "unsatisfiable"
        return start, end

    def _range_still_valid(self, st: os.stat_result) -> bool:
        """If-Range: resume only the very file the client started (RFC 9110 13.1.5)."""
        cond = self.headers.get("If-Range")
        if not cond:
            return True
        cond = cond.strip()
        if cond.startswith('"'):
            return cond == self._etag
        return cond == self.date_time_string(int(st.st_mtime))

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")
        etag = getattr(self, "_etag", None)
        if etag:
            self.send_header("ETag", etag)
        if os.path.basename(urllib.parse.urlsplit(self.path).path) in CORS_FILES:
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


def stale_episodes(directory: Path) -> dict[str, str]:
    """{folder name: message} for every episode whose verify.json no longer matches its files."""
    from ..errors import CorruptFile
    from ..verify import binding_status
    out = {}
    for report in sorted(Path(directory).glob("*/verify.json")):
        try:
            binding = binding_status(report.parent)
        except CorruptFile as e:      # withheld like a stale one, not a server that fails to start
            out[report.parent.name] = f"{e.cause}; fix: {e.fix}"
            continue
        if binding.stale:
            out[report.parent.name] = binding.message
    return out


def make_server(directory: str | os.PathLike, port: int = 8000, quiet: bool = False) -> EpisodeServer:
    """A server for `directory` on 127.0.0.1:port (0: any free port); call serve_forever()."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise InputError(f"{directory} is not a folder", "build an episode first (make episode SRC=...)")
    stale = stale_episodes(directory)
    handler = type("Handler", (EpisodeHandler,), {"quiet": quiet, "stale": stale})
    try:
        server = EpisodeServer(("127.0.0.1", port), partial(handler, directory=str(directory)))
    except OSError as err:
        raise SystemFault(f"cannot listen on 127.0.0.1:{port}: {err.strerror}",
                          "pick another port (make serve PORT=8001)") from None
    server.stale = stale
    return server


def site_urls(directory: Path, port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}/"
    urls = [base + "feed.xml"] if (directory / "feed.xml").exists() else []
    urls += [base + urllib.parse.quote(p.parent.name) + "/" + SHOWNOTES_HTML
             for p in sorted(directory.glob(f"*/{SHOWNOTES_HTML}"))]
    return urls or [base]


def serve(directory: str | os.PathLike = "episodes", port: int = 8000, on_ready=None) -> None:
    """Serve `directory` on http://127.0.0.1:port/ until Ctrl-C (or on_ready's server.shutdown()).

    on_ready(server), if given, is called once listening (tests use it to stop the server).
    """
    server = make_server(directory, port)
    port = server.server_address[1]
    for slug, why in server.stale.items():
        logging.getLogger(__name__).warning(f"serve: {slug}: its show notes are withheld (HTTP 409): {why}")
    logging.getLogger(__name__).info(f"serving {Path(directory).resolve()} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    for url in site_urls(Path(directory), port):
        print(f"  {url}")
    sys.stdout.flush()
    if on_ready:
        on_ready(server)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("stopped")
    finally:
        server.server_close()
