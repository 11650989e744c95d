"""Publishing: an episode folder -> chapters.json, shownotes.html; a local server.

  chapters_json(ep)          Podcasting 2.0 chapters: intro, one per key point, outro
  shownotes_html(ep, cfg)    standalone page for listeners: player, seekable key
                             points, number check, source lint, sources
  publish_episode(ep, cfg)   captions + chapters + shownotes.html (what the feed links
                             to), and diff.html, script vs Whisper, for the producer
  serve(dir, port)           serves episodes/ on 127.0.0.1 only, with HTTP Range

Everything that comes from a post, a script or a transcript goes through
html.escape(quote=True); only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import html
import io
import os
import posixpath
import re
import sys
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import fsio
from .condense import load_script, segments
from .config import show_config
from .episode import AUDIO, NOTES, POST, REPORT, TIMELINE, TRANSCRIPT
from .episode import SCRIPT as SCRIPT_YAML   # SCRIPT here is the page's JavaScript
from .errors import InputError, SystemFault
from .package import LABELS as MD_LABELS
from .package import clock, post_tables
from .text import sanitize

CHAPTERS, SHOWNOTES_HTML = "chapters.json", "shownotes.html"

LABELS = {
    "en": {**MD_LABELS["en"], "summary_h": "Summary",
           "verified": "Verified: every number was heard as written.",
           "not_verified": "Not verified: some numbers were lost or changed (see the number check).",
           "stale": "Not verified (stale): {cause}; the number check below judged other files.",
           "files": "Files", "feed": "Podcast feed", "by": "by",
           "player": "Your browser cannot play this audio; download the MP3."},
    "fr": {**MD_LABELS["fr"], "summary_h": "Résumé",
           "verified": "Vérifié : chaque nombre a été entendu tel qu'écrit.",
           "not_verified": "Non vérifié : des nombres ont été perdus ou changés (voir la vérification).",
           "stale": "Non vérifié (périmé) : {cause} ; la vérification ci-dessous jugeait d'autres "
                    "fichiers.",
           "files": "Fichiers", "feed": "Flux du podcast", "by": "par",
           "player": "Votre navigateur ne peut pas lire cet audio ; téléchargez le MP3."},
}

CSS = """body{font:16px/1.6 system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;color:#222}
header p{margin:.2em 0;color:#555}audio{width:100%;margin:1em 0}
a.t{font-variant-numeric:tabular-nums;font-weight:bold;text-decoration:none;margin-right:.4em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
.ok{color:#060}.changed,.lost{color:#c00;font-weight:bold}.unit-missing{color:#a60}
.badge{padding:.4em .8em;border-radius:.3em}.badge.ok{background:#dfd}.badge.no{background:#fdd;color:#900}
footer{margin-top:3em;color:#555}"""

# Click on a timestamp -> seek the player; #t=SECONDS in the page URL seeks on load.
SCRIPT = """(function () {
  var audio = document.getElementById("player");
  function seek(t) {
    if (!isFinite(t) || t < 0) return;
    audio.currentTime = t;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a[data-t]") : null;
    if (!a) return;
    ev.preventDefault();
    var t = a.getAttribute("data-t");
    seek(parseFloat(t));
    try { history.replaceState(null, "", "#t=" + t); } catch (e) {}
  });
  function fromHash() {
    var m = /^#t=([0-9]+(?:\\.[0-9]+)?)/.exec(location.hash);
    if (m) seek(parseFloat(m[1]));
  }
  window.addEventListener("hashchange", fromHash);
  if (location.hash) fromHash();
})();"""


def e(value) -> str:
    return html.escape(sanitize(value), quote=True)


def link_url(url) -> str | None:
    """An http(s) URL safe to put in href, else None (javascript:, data:, junk)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if re.search(r"[\x00-\x20\x7f<>\"'`\\]", url):
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _need(ep: Path, *names: str) -> None:
    for name in names:
        if not (ep / name).exists():
            raise InputError(f"{ep / name} does not exist yet",
                             "build the episode first (make episode SRC=...)")


# ------------------------------------------------------------------ chapters

def chapter_list(script: dict, timeline: dict) -> list[dict]:
    timed = {s["id"]: s for s in timeline.get("segments") or []}
    lang = script.get("language") or "en"
    names = {"intro": {"en": "Intro", "fr": "Introduction"},
             "outro": {"en": "Outro", "fr": "Conclusion"}}
    chapters = []
    for seg in segments(script):
        t = timed.get(seg["id"])
        if t is None:
            continue
        title = names[seg["id"]].get(lang, seg["title"]) if seg["id"] in names else seg["title"]
        chapters.append({"startTime": round(max(0.0, float(t["start"])), 3),
                         "title": sanitize(title)})
    chapters.sort(key=lambda c: c["startTime"])
    if chapters:
        chapters[0]["startTime"] = 0.0      # players show a chapter from the very start
    return chapters


def chapters_json(ep_dir: str | os.PathLike) -> Path:
    ep = Path(ep_dir)
    _need(ep, SCRIPT_YAML, TIMELINE)
    chapters = chapter_list(load_script(ep / SCRIPT_YAML), fsio.read_json(ep / TIMELINE))
    return fsio.write_json(ep / CHAPTERS, {"version": "1.2.0", "chapters": chapters})


# ------------------------------------------------------------------ shownotes.html

def seek_link(t: float) -> str:
    t = round(max(0.0, float(t)), 2)
    return f'<a class="t" href="episode.mp3#t={t}" data-t="{t}">{e(clock(t))}</a>'


def badge(ep: Path, report: dict, L: dict) -> str:
    """"Verified" only when verify.json says so and still speaks for the files beside it."""
    from .verify import binding_status
    binding = binding_status(ep, report)
    if binding.stale:
        return f'<p class="badge no stale">{e(L["stale"].format(cause=binding.cause))}</p>'
    verified = bool(report.get("verified"))
    return (f'<p class="badge {"ok" if verified else "no"}">'
            f'{e(L["verified"] if verified else L["not_verified"])}</p>')


def shownotes_page(ep: Path, cfg: dict) -> str:
    script = load_script(ep / SCRIPT_YAML)
    timeline = fsio.read_json(ep / TIMELINE)
    report = fsio.read_json(ep / REPORT)
    post = fsio.read_json(ep / POST) if (ep / POST).exists() else {}
    lang = script.get("language") if script.get("language") in LABELS else "en"
    L = LABELS[lang]
    title = script.get("title") or post.get("title") or ep.name
    timed = {s["id"]: s for s in timeline.get("segments") or []}
    start_of = lambda sid: float(timed.get(sid, {}).get("start", 0.0))  # noqa: E731

    body = ['<header>', f'<p>{e(cfg.get("title"))}</p>', f"<h1>{e(title)}</h1>"]
    meta = []
    if post.get("date"):
        meta.append(f'<time datetime="{e(post["date"])}">{e(post["date"])}</time>')
    if post.get("author"):
        meta.append(f'{e(L["by"])} {e(post["author"])}')
    if meta:
        body.append(f"<p>{' · '.join(meta)}</p>")
    body.append("</header>")
    body.append(badge(ep, report, L))

    points = script.get("points") or []
    summary = (points[0].get("text") if points else None) or script.get("intro") or ""
    body += [f'<h2>{e(L["summary_h"])}</h2>', f'<p class="summary">{e(summary)}</p>']
    track = (f'<track kind="captions" src="captions.vtt" srclang="{e(lang)}" label="{e(lang)}" default>'
             if (ep / "captions.vtt").exists() else "")
    body.append(f'<audio id="player" controls preload="metadata" src="episode.mp3">{track}'
                f'<a href="episode.mp3">{e(L["player"])}</a></audio>')

    body += [f'<h2>{e(L["points"])}</h2>', '<ol class="points">']
    for seg in segments(script):
        if seg["id"].startswith("point-"):
            body.append(f'<li id="{e(seg["id"])}">{seek_link(start_of(seg["id"]))}'
                        f'<strong>{e(seg["title"])}</strong>: {e(seg["text"])}</li>')
    body.append("</ol>")

    body.append(f'<h2>{e(L["verification"])}</h2>')
    total = len(report.get("numbers") or [])
    counts = report.get("counts") or {}
    body.append("<p>" + e(L["summary"].format(
        ok=counts.get("ok", 0) + counts.get("unit-missing", 0), total=total,
        pct=round(100 * float(report.get("survival") or 0)),
        tts=report.get("tts_engine"), asr=report.get("asr_engine"))) + "</p>")
    body.append(f'<table class="numbers"><thead><tr><th>{e(L["number"])}</th><th>{e(L["heard"])}'
                f'</th><th>{e(L["status"])}</th><th>{e(L["time"])}</th></tr></thead><tbody>')
    for r in report.get("numbers") or []:
        heard = r.get("heard")
        body.append(f'<tr class="{e(r.get("status"))}"><td>{e(r.get("text"))}</td>'
                    f'<td>{e(heard) if heard else e(L["none"])}</td>'
                    f'<td class="{e(r.get("status"))}">{e(r.get("status"))}</td>'
                    f'<td>{seek_link(r.get("start") or 0.0)}</td></tr>')
    body.append("</tbody></table>")

    lint = report.get("lint") if report.get("lint") is not None else post.get("lint")
    if lint:
        body += [f'<h2>{e(L["lint"])}</h2>', '<ul class="lint">']
        body += [f"<li>«{e(f.get('text'))}»: {e(f.get('reason'))}</li>" for f in lint]
        body.append("</ul>")

    for i, rows in enumerate(post_tables(post)):
        body += [f'<h2>{e(MD_LABELS[lang]["tables"])}</h2>'] if i == 0 else []
        body.append('<table class="post-table">' + "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>")

    sources = post.get("sources") or []
    if sources:
        body += [f'<h2>{e(L["sources"])}</h2>', '<ul class="sources">']
        for s in sources:
            url = link_url(s.get("url"))
            label = s.get("title") or s.get("url") or ""
            body.append(f'<li><a href="{e(url)}" rel="noopener noreferrer nofollow">{e(label)}</a></li>'
                        if url else f"<li>{e(label)}</li>")
        body.append("</ul>")

    files = [(n, n) for n in (AUDIO, "captions.vtt", "captions.srt",
                              "transcript.podcast.json", CHAPTERS, NOTES)
             if (ep / n).exists() or n == CHAPTERS]
    body.append(f'<footer><p>{e(L["files"])}: '
                + " · ".join(f'<a href="{e(urllib.parse.quote(n))}">{e(label)}</a>' for n, label in files)
                + f' · <a href="../feed.xml">{e(L["feed"])}</a></p></footer>')

    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
           "media-src 'self' http: https: file:; img-src 'self' http: https: data:; base-uri 'none'; "
           "form-action 'none'")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{e(lang)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body)
            + f"\n<script>{SCRIPT}</script>\n</body></html>\n")


def shownotes_html(ep_dir: str | os.PathLike, config=None) -> Path:
    """Write <ep>/shownotes.html. config: a load_config() dict, a podcast.yaml path, or None."""
    ep = Path(ep_dir)
    _need(ep, SCRIPT_YAML, TIMELINE, REPORT)
    return fsio.write_text(ep / SHOWNOTES_HTML, shownotes_page(ep, show_config(config)))


def publish_episode(ep_dir: str | os.PathLike, config=None) -> dict[str, Path]:
    """Everything the feed links to: captions (3 files), chapters.json, shownotes.html;
    and diff.html (script against what Whisper heard), kept off the listeners' page.

    A stale episode (a file changed since verify) gets only its shownotes.html,
    which says so: captions and chapters of files nobody checked are not made."""
    from .captions import captions
    from .diff import write_diff_html
    from .verify import binding_status
    ep = Path(ep_dir)
    _need(ep, REPORT)
    cfg = show_config(config)
    out: dict[str, Path] = {}
    binding = binding_status(ep)
    if binding.stale:
        print(f"publish: {ep.name}: {binding.message}", file=sys.stderr)
    else:
        if (ep / TRANSCRIPT).exists():
            out.update(captions(ep, speaker=None))
            out["diff"] = write_diff_html(ep)
        out["chapters"] = chapters_json(ep)
    out["html"] = shownotes_html(ep, cfg)
    return out


# ------------------------------------------------------------------ local server

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
CORS_FILES = {CHAPTERS, "captions.vtt", "captions.srt", "transcript.podcast.json"}


def file_etag(st: os.stat_result) -> str:
    """A strong validator that changes whenever a rebuild replaces the file."""
    return f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"'


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


class EpisodeHandler(SimpleHTTPRequestHandler):
    """Static files of one folder: GET/HEAD only, Range requests (with If-Range),
    ETag and If-None-Match, nothing outside the folder (no '..', no symlink
    escapes) and no dot-files (.tmp, .verified), neither served nor listed."""

    server_version = "podcast-pipeline"
    stale: dict[str, str] = {}      # episode folder -> why its verdict no longer holds
    PAGES = (SHOWNOTES_HTML, NOTES)
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
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
        title = e(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path))
        items = "".join(f'<li><a href="{e(urllib.parse.quote(n))}">{e(n)}</a></li>' for n in names)
        body = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><h1>{title}</h1><ul>{items}</ul></body></html>\n").encode("utf-8")
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
            f = open(path, "rb")
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
            return etag_matches(self.headers["If-None-Match"], self._etag)
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
        if getattr(self, "_etag", None):
            self.send_header("ETag", self._etag)
        if os.path.basename(urllib.parse.urlsplit(self.path).path) in CORS_FILES:
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


def stale_episodes(directory: Path) -> dict[str, str]:
    """{folder name: message} for every episode whose verify.json no longer matches its files."""
    from .errors import CorruptFile
    from .verify import binding_status
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


def make_server(directory: str | os.PathLike, port: int = 8000, quiet: bool = False) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1:port (0: any free port); call serve_forever()."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise InputError(f"{directory} is not a folder", "build an episode first (make episode SRC=...)")
    stale = stale_episodes(directory)
    handler = type("Handler", (EpisodeHandler,), {"quiet": quiet, "stale": stale})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(directory)))
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
        print(f"serve: {slug}: its show notes are withheld (HTTP 409): {why}", file=sys.stderr)
    print(f"serving {Path(directory).resolve()} on http://127.0.0.1:{port}/ (Ctrl-C stops)",
          file=sys.stderr)
    for url in site_urls(Path(directory), port):
        print(f"  {url}")
    sys.stdout.flush()
    if on_ready:
        on_ready(server)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
