"""The studio's web app (Starlette): one page, a JSON API, server-sent events, the files.

Safe by construction:
- it listens on 127.0.0.1 unless the user names another address (pipeline.studio.serve),
  and answers only to the Host names it listens as (no DNS rebinding);
- every state-changing request (POST) carries the per-session token the page was
  given (header X-Studio-Token), compared in constant time: another tab or site
  cannot build, edit or approve anything;
- an upload is one file of a known kind (.md .markdown .txt .html .htm), at most
  MAX_UPLOAD bytes; pasted text and a URL have their limits too;
- episode names are [a-z0-9-] slugs made here, and every file served is resolved and
  checked to be inside the episodes folder (no '..', no symlink out, no dot-file);
- the page builds its DOM with textContent only, and the API answers JSON, so a
  hostile post, script or file name is text wherever it lands; a strict
  Content-Security-Policy forbids inline scripts and any other origin anyway.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import fsio, urls
from . import adapter
from .jobs import BuildQueue, Job

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8",
                "favicon.svg": "image/svg+xml"}
MAX_UPLOAD = 2 * 1024 * 1024          # bytes of a post file (the demo is 3 kB; a long post 100 kB)
MAX_TEXT = 400_000                    # characters of pasted text
MAX_URL = 2000
MAX_POINT_TEXT = 4000
MAX_BODY = MAX_UPLOAD + 64 * 1024     # a whole request, form fields and boundaries included
POST_TYPES = (".md", ".markdown", ".txt", ".html", ".htm")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
TOKEN_HEADER = "x-studio-token"
# Pasted text that reads as Markdown (front matter, headings, links, footnotes, lists) is kept
# as a .md post, so its markup is read, not spoken: "[^7]" is a footnote, not the number 7.
MARKDOWN_RE = re.compile(r"\A---\s*\n|^#{1,6}\s|\]\(|\[\^\w+\]|^\s*[-*+]\s|^\s*\d+\.\s|^>\s|^```", re.M)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
SSE_WAIT = 15.0


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def slugify(name: str) -> str:
    """A folder name from an uploaded file's name: its stem by the pipeline's one slug rule
    (pipeline.urls.slugify: [a-z0-9-] only, so a quote, a slash or '..' cannot reach a path)."""
    stem = Path(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
    return urls.slugify(stem) or "post"


class Studio:
    """The app's state: its episodes folder, its token, its queue."""

    def __init__(self, episodes: Path, allowed_hosts: list[str] | None = None):
        self.episodes = Path(episodes).resolve()
        self.episodes.mkdir(parents=True, exist_ok=True)
        self.token = secrets.token_urlsafe(32)
        self.queue = BuildQueue(strip=f"{self.episodes}{os.sep}")
        self.allowed_hosts = allowed_hosts or ["127.0.0.1", "localhost", "testserver"]

    # ------------------------------------------------------------------ guards
    def check_token(self, request: Request) -> None:
        given = request.headers.get(TOKEN_HEADER, "")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            raise Refused(403, "missing or wrong session token: reload the studio page")

    def folder(self, slug: str) -> Path:
        """The episode folder named `slug`, which must exist inside the episodes folder."""
        if not SLUG_RE.match(slug):
            raise Refused(404, "no such episode")
        folder = (self.episodes / slug).resolve()
        if folder.parent != self.episodes or not folder.is_dir() or not adapter.is_episode(folder):
            raise Refused(404, "no such episode")
        return folder

    def inside(self, path: Path) -> Path:
        """`path` resolved (symlinks followed); refused unless it stays in the episodes folder."""
        real = path.resolve()
        if real != self.episodes and self.episodes not in real.parents:
            raise Refused(404, "not found")
        return real

    def new_source(self, slug: str, suffix: str, data: bytes) -> tuple[str, Path]:
        """Keep a post beside the episodes as episodes/<slug><suffix> (the `make all` layout).
        The same post again reuses its name (a rebuild); a different one never overwrites
        another post or episode: it gets the next free name (slug-2, ...)."""
        for name in self.names(slug):
            target = self.episodes / f"{name}{suffix}"
            same = target.is_file() and target.read_bytes() == data
            others = [s for s in POST_TYPES if s != suffix and (self.episodes / f"{name}{s}").exists()]
            if self.queue.busy_with(name) or others or (target.exists() and not same):
                continue
            if not same and (self.episodes / name).exists():
                continue        # the folder of an episode built from elsewhere
            if not same:
                fsio.write_bytes(self.inside(target), data)
            return name, target
        raise Refused(409, "too many posts with this name")

    def url_slug(self, slug: str, url: str) -> str:
        """The folder for a post at `url`: its own from an earlier build, else a free one."""
        for name in self.names(slug):
            folder = self.episodes / name
            if self.queue.busy_with(name) or any((self.episodes / f"{name}{s}").exists() for s in POST_TYPES):
                continue
            if not folder.exists() or adapter.source_of(folder) == url:
                return name
        raise Refused(409, "too many posts with this name")

    @staticmethod
    def names(slug: str):
        yield slug
        for n in range(2, 1000):
            yield f"{slug[:44]}-{n}"


def json_error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def handle(fn):
    """Turn Refused and the pipeline's own errors into JSON answers with one-line messages.
    For an Endpoints method: the wrapper keeps its name and takes (self, request)."""
    @functools.wraps(fn)
    async def endpoint(self: Endpoints, request: Request) -> Response:
        try:
            return await fn(self, request)
        except Refused as e:
            return json_error(e.status, e.message)
        except adapter.PipelineError as e:
            return json_error(422, adapter.one_line(e))
    return endpoint


class Endpoints:
    """The route handlers, one method per route, all sharing one Studio (folder, token, queue).
    Methods rather than closures in create_app, so each handler is short and read on its own;
    the helpers of the build form (options, upload, text, URL) are methods beside it."""

    def __init__(self, studio: Studio):
        self.studio = studio

    def routes(self) -> list[Route]:
        return [
            Route("/", self.page),
            Route("/static/{name}", self.static),
            Route("/api/info", self.info),
            Route("/api/episodes", self.episode_list),
            Route("/api/episodes/{slug}", self.episode),
            Route("/api/episodes/{slug}/points/{n:int}", self.edit, methods=["POST"]),
            Route("/api/episodes/{slug}/points/{n:int}/turns/{k:int}", self.edit_turn, methods=["POST"]),
            Route("/api/episodes/{slug}/rebuild", self.rebuild, methods=["POST"]),
            Route("/api/builds", self.submit_build, methods=["POST"]),
            Route("/api/feed", self.feed, methods=["POST"]),
            Route("/api/jobs", self.jobs),
            Route("/api/jobs/{id:int}/events", self.events),
            Route("/files/feed.xml", self.feed_file),
            Route("/files/{slug}/{name}", self.episode_file),
        ]

    # ------------------------------------------------------------------ the page
    async def page(self, request: Request) -> Response:
        shell = (STATIC / "studio.html").read_text(encoding="utf-8")
        shell = shell.replace("{{token}}", html.escape(self.studio.token, quote=True))
        return Response(shell, media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return json_error(404, "not found")
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "no-cache"})

    # ------------------------------------------------------------------ reading
    @handle
    async def info(self, request: Request) -> Response:
        names = adapter.engines()
        return JSONResponse({"languages": list(adapter.LANGUAGES), "tts": names["tts"], "asr": names["asr"],
                             "formats": list(adapter.FORMATS), "lengths": adapter.LENGTHS,
                             "default_asr": adapter.default_asr(), "max_upload": MAX_UPLOAD,
                             "types": list(POST_TYPES),
                             "feed": (self.studio.episodes / "feed.xml").is_file()})

    @handle
    async def episode_list(self, request: Request) -> Response:
        rows = []
        for folder in sorted(self.studio.episodes.iterdir()):
            if (SLUG_RE.match(folder.name) and folder.is_dir() and not folder.is_symlink()
                    and adapter.is_episode(folder)):
                rows.append(await asyncio.to_thread(adapter.episode_summary, folder))
        return JSONResponse({"episodes": rows, "feed": (self.studio.episodes / "feed.xml").is_file()})

    @handle
    async def episode(self, request: Request) -> Response:
        folder = self.studio.folder(request.path_params["slug"])
        view = await asyncio.to_thread(adapter.episode_view, folder)
        busy = self.studio.queue.busy_with(folder.name)
        view["job"] = busy.public() if busy else None
        return JSONResponse(view)

    # ------------------------------------------------------------------ building
    @handle
    async def submit_build(self, request: Request) -> Response:
        self.studio.check_token(request)
        length = request.headers.get("content-length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            raise Refused(413, f"the request is too large (a post file may be up to {MAX_UPLOAD // 1024} kB)")
        form = await request.form(max_files=1, max_fields=12, max_part_size=MAX_UPLOAD)
        choices = self.build_options(form)
        upload, text, url = form.get("file"), str(form.get("text") or ""), str(form.get("url") or "").strip()
        if isinstance(upload, UploadFile) and upload.filename:
            slug, source, label = await self.uploaded_post(upload)
        elif text.strip():
            slug, source, label = self.pasted_post(text, str(form.get("name") or ""))
        elif url:
            slug, source, label = self.post_at(url)
        else:
            raise Refused(400, "give a post: a file, some text or a URL")
        folder = self.studio.inside(self.studio.episodes / slug)
        job = self.studio.queue.submit("build", slug, label,
                                       lambda: adapter.build(source, folder, choices))
        return JSONResponse({"job": job.public(), "slug": slug}, status_code=202)

    @staticmethod
    def build_options(form: FormData) -> adapter.Choices:
        """The build form's language, TTS and ASR engine, format and length: each checked
        against what exists here, so a typo is refused now, not after the post was stored
        and the job queued."""
        lang = str(form.get("lang") or "") or None
        if lang is not None and lang not in adapter.LANGUAGES:
            raise Refused(400, f"unknown language {lang!r}: use {', '.join(adapter.LANGUAGES)} or auto")
        names = adapter.engines()
        tts = str(form.get("tts") or "") or None
        asr = str(form.get("asr") or adapter.default_asr())
        if tts is not None and tts not in names["tts"]:
            raise Refused(400, f"unknown TTS engine: use one of {', '.join(names['tts'])}")
        if asr not in names["asr"]:
            raise Refused(400, f"unknown ASR engine: use one of {', '.join(names['asr'])}")
        fmt = str(form.get("format") or "") or None
        if fmt is not None and fmt not in adapter.FORMATS:
            raise Refused(400, f"unknown format {fmt[:40]!r}: use {', '.join(adapter.FORMATS)} or the post's own")
        minutes = str(form.get("minutes") or "").strip() or None
        if minutes is not None:
            try:
                if len(minutes) > 12:
                    raise Refused(400, f"unknown length: use a number of minutes or {', '.join(adapter.LENGTHS)}")
                adapter.check_length(minutes)
            except adapter.InputError as e:
                raise Refused(400, adapter.one_line(e)) from None
        return adapter.Choices(asr=asr, lang=lang, tts=tts, fmt=fmt, minutes=minutes)

    async def uploaded_post(self, upload: UploadFile) -> tuple[str, str, str]:
        """(slug, source, label) of an uploaded post file, kept as episodes/<slug><suffix>."""
        filename = upload.filename or ""
        suffix = Path(filename).suffix.lower()
        if suffix not in POST_TYPES:
            raise Refused(415, f"a post is a {', '.join(POST_TYPES)} file")
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise Refused(413, f"the post is larger than {MAX_UPLOAD // 1024} kB")
        if b"\x00" in data:
            raise Refused(415, "the file is not text")
        slug, target = self.studio.new_source(slugify(filename), suffix, data)
        return slug, str(target), filename

    def pasted_post(self, text: str, name: str) -> tuple[str, str, str]:
        """(slug, source, label) of pasted text, kept as a .md or .txt post (see MARKDOWN_RE)."""
        if len(text) > MAX_TEXT:
            raise Refused(413, f"the text is longer than {MAX_TEXT} characters")
        name = name or f"pasted-{time.strftime('%Y%m%d-%H%M%S')}"
        suffix = ".md" if MARKDOWN_RE.search(text) else ".txt"
        slug, target = self.studio.new_source(slugify(name), suffix, text.encode("utf-8"))
        return slug, str(target), name

    def post_at(self, url: str) -> tuple[str, str, str]:
        """(slug, source, label) of a post at an http(s) address: fetched by the build job."""
        parts = urlsplit(url)
        if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc:
            raise Refused(400, "give an http:// or https:// address")
        slug = self.studio.url_slug(slugify(parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.netloc), url)
        return slug, url, url

    # ------------------------------------------------------------------ fixing and publishing
    @handle
    async def edit(self, request: Request) -> Response:
        n = int(request.path_params["n"])
        return await self.save_text(request, lambda folder, text, approve: adapter.edit_point(folder, n, text, approve))

    @handle
    async def edit_turn(self, request: Request) -> Response:
        n, k = int(request.path_params["n"]), int(request.path_params["k"])
        return await self.save_text(request,
                                    lambda folder, text, approve: adapter.edit_turn(folder, n, k, text, approve))

    async def save_text(self, request: Request, save) -> Response:
        """A point's or a turn's new text written by `save(folder, text, approve)`; the guard's
        refusal (numbers neither in the post nor approved) is a 422 that lists them."""
        self.studio.check_token(request)
        folder = self.studio.folder(request.path_params["slug"])
        body = await json_body(request)
        text = " ".join(str(body.get("text") or "").split())
        approve = [" ".join(str(a).split()) for a in body.get("approve") or [] if str(a).strip()]
        if not text or len(text) > MAX_POINT_TEXT:
            raise Refused(400, f"a key point or a turn needs text (at most {MAX_POINT_TEXT} characters)")
        if self.studio.queue.busy_with(folder.name):
            raise Refused(409, "this episode is being built: wait for its verdict")
        refused = await asyncio.to_thread(save, folder, text, approve)
        if refused:
            listed = ", ".join(f'"{n["text"]}"' for n in refused)
            return json_error(422, f"Not in the post: {listed}. Check them against the post, or approve "
                                   f"them to speak them anyway.", refused=refused)
        return JSONResponse({"saved": True})

    @handle
    async def rebuild(self, request: Request) -> Response:
        self.studio.check_token(request)
        folder = self.studio.folder(request.path_params["slug"])
        if busy := self.studio.queue.busy_with(folder.name):
            return JSONResponse({"job": busy.public()}, status_code=202)
        guard = await asyncio.to_thread(adapter.guard_message, folder)
        if guard:
            raise Refused(422, guard)
        job = self.studio.queue.submit("rebuild", folder.name, f"rebuild {folder.name}",
                                       lambda: adapter.rebuild(folder))
        return JSONResponse({"job": job.public(), "slug": folder.name}, status_code=202)

    @handle
    async def feed(self, request: Request) -> Response:
        self.studio.check_token(request)
        job = self.studio.queue.submit("feed", "", "feed",
                                       lambda: {"feed": adapter.write_feed(self.studio.episodes).name})
        return JSONResponse({"job": job.public()}, status_code=202)

    # ------------------------------------------------------------------ jobs
    @handle
    async def jobs(self, request: Request) -> Response:
        return JSONResponse({"jobs": [j.public() for j in self.studio.queue.jobs]})

    async def events(self, request: Request) -> Response:
        job = self.studio.queue.get(int(request.path_params["id"]))
        if job is None:
            return json_error(404, "no such build")
        return StreamingResponse(event_stream(request, job), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    # ------------------------------------------------------------------ files
    @handle
    async def episode_file(self, request: Request) -> Response:
        folder = self.studio.folder(request.path_params["slug"])
        name = request.path_params["name"]
        if not FILE_RE.match(name):
            raise Refused(404, "not found")
        return serve_file(request, self.studio.inside(folder / name))

    @handle
    async def feed_file(self, request: Request) -> Response:
        return serve_file(request, self.studio.inside(self.studio.episodes / "feed.xml"))


async def event_stream(request: Request, job: Job) -> AsyncIterator[str]:
    """A job's events as server-sent events, from the first; a comment every SSE_WAIT seconds
    keeps the connection open (and notices a closed tab), 'end' once the job is over."""
    seq = 0
    while True:
        batch = await asyncio.to_thread(job.events_since, seq, SSE_WAIT)
        if await request.is_disconnected():
            return
        if not batch:
            yield ": waiting\n\n"
        for event in batch:
            seq = event["seq"] + 1
            yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
        if job.finished and seq >= len(job.events):
            yield "event: end\ndata: {}\n\n"
            return


def create_app(episodes: Path, allowed_hosts: list[str] | None = None) -> Starlette:
    """The studio app over `episodes`; its Studio is app.state.studio (tests read its token)."""
    studio = Studio(episodes, allowed_hosts)

    @asynccontextmanager
    async def lifespan(app):
        yield
        studio.queue.close()     # stop the build worker when the server stops

    app = Starlette(routes=Endpoints(studio).routes(),
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=studio.allowed_hosts)],
                    lifespan=lifespan, max_body_size=MAX_BODY)
    app.state.studio = studio
    app.add_middleware(_Headers)
    return app


async def json_body(request: Request) -> dict:
    raw = await request.body()
    if len(raw) > 64 * 1024:
        raise Refused(413, "the request is too large")
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise Refused(400, "the request is not JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "the request is not a JSON object")
    return body


def file_etag(st: os.stat_result) -> str:
    """The validator `make serve` gives (pipeline.publish.server): it changes on every rebuild."""
    return f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"'


MEDIA_TYPES = {".mp3": "audio/mpeg", ".vtt": "text/vtt", ".srt": "application/x-subrip",
               ".json": "application/json", ".xml": "application/xml", ".html": "text/html; charset=utf-8",
               ".md": "text/markdown; charset=utf-8", ".yaml": "text/plain; charset=utf-8",
               ".jpg": "image/jpeg", ".png": "image/png"}


def serve_file(request: Request, path: Path) -> Response:
    """A published file with Range (and If-Range) and ETag / If-None-Match, like `make serve`."""
    if path.name.startswith(".") or not path.is_file() or path.suffix not in MEDIA_TYPES:
        raise Refused(404, "not found")
    st = path.stat()
    etag = file_etag(st)
    given = request.headers.get("if-none-match")
    if given and (etag in [t.strip().removeprefix("W/") for t in given.split(",")] or given.strip() == "*"):
        return Response(status_code=304, headers={"ETag": etag})
    return FileResponse(path, stat_result=st, media_type=MEDIA_TYPES[path.suffix],
                        headers={"ETag": etag, "Cache-Control": "no-cache"})


class _Headers:
    """Security headers on every answer; the CSP on everything but the published pages
    (the show notes carry their own inline player script, and are escaped by their templates)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        published = scope["path"].startswith("/files/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                headers.append((b"x-frame-options", b"DENY"))
                if not published:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)

