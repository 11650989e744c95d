"""The studio's safety and its queue, over HTTP on 127.0.0.1 (a real uvicorn server): the
session token, the upload limits, path escapes, hostile posts and file names, one build
at a time. The build itself is the studio adapter's; the queue tests put a build that
waits for the test in its place, the failed-build test runs the real pipeline on a post
it refuses."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from pipeline.studio import adapter, allowed_hosts
from pipeline.studio.app import MAX_UPLOAD, slugify

from .conftest import seal
from .studio_server import running

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def episodes(tmp_path, mp3) -> Path:
    root = tmp_path / "episodes"
    ep = root / "sample"
    shutil.copytree(SAMPLE, ep)
    shutil.copy(mp3, ep / "episode.mp3")
    seal(ep)
    return root


@pytest.fixture
def studio(episodes):
    with running(episodes) as (base, app):
        with httpx.Client(base_url=base, timeout=30) as client:
            client.token = app.state.studio.token          # type: ignore[attr-defined]
            client.app = app                                # type: ignore[attr-defined]
            yield client


def auth(client) -> dict:
    return {"X-Studio-Token": client.token}


def hold_builds(monkeypatch):
    """Builds that wait until the test lets them go; returns (started, release, order)."""
    started, release, order = [], threading.Event(), []

    def build(source, out, choices):
        started.append(Path(out).name)
        assert release.wait(30)
        order.append(Path(out).name)
        return {"verified": True, "ok": 1, "total": 1, "counts": {"ok": 1}, "survival": 1.0}

    monkeypatch.setattr(adapter, "build", build)
    return started, release, order


def wait_until(fn, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not fn():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# ------------------------------------------------------------------ the token
def test_page_carries_a_per_session_token(studio, episodes):
    page = studio.get("/").text
    assert f'<meta name="studio-token" content="{studio.token}">' in page
    with running(episodes) as (_, other):
        assert other.state.studio.token != studio.token
    assert len(studio.token) >= 40


@pytest.mark.parametrize("headers", [{}, {"X-Studio-Token": "guess"}, {"X-Studio-Token": ""}])
def test_state_changes_need_the_token(studio, episodes, headers):
    before = sorted(p.name for p in episodes.rglob("*"))
    script = (episodes / "sample" / "script.yaml").read_bytes()
    answers = [
        studio.post("/api/builds", files={"file": ("p.md", b"# A\n\nIt rose 12% in 2024.")}, headers=headers),
        studio.post("/api/builds", data={"text": "It rose 12% in 2024."}, headers=headers),
        studio.post("/api/episodes/sample/points/1", json={"text": "Changed 12% in 2024."}, headers=headers),
        studio.post("/api/episodes/sample/rebuild", headers=headers),
        studio.post("/api/feed", headers=headers),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert all("token" in a.json()["error"] for a in answers)
    assert sorted(p.name for p in episodes.rglob("*")) == before
    assert (episodes / "sample" / "script.yaml").read_bytes() == script
    assert studio.get("/api/jobs").json()["jobs"] == []


def test_a_cross_site_form_cannot_post(studio):
    """A form on another site can send neither the header nor the token."""
    r = studio.post("/api/builds", data={"text": "It rose 12% in 2024."},
                    headers={"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403


def test_other_host_names_are_refused(studio):
    """DNS rebinding: a page of evil.example resolving to 127.0.0.1 gets nothing."""
    assert studio.get("/api/episodes", headers={"Host": "evil.example"}).status_code == 400
    assert studio.get("/api/episodes").status_code == 200


def test_loopback_unless_another_address_is_named():
    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "localhost", "[::1]"]
    assert "192.168.1.20" in allowed_hosts("192.168.1.20")
    from pipeline.cli import make_parser
    args = make_parser().parse_args(["studio"])
    assert args.host == "127.0.0.1" and args.port == 8020


# ------------------------------------------------------------------ limits
def test_upload_size_limit(studio, episodes):
    big = b"# Big\n\n" + b"It rose 12% in 2024. " * (MAX_UPLOAD // 20)
    assert len(big) > MAX_UPLOAD
    r = studio.post("/api/builds", files={"file": ("big.md", big)}, headers=auth(studio))
    assert r.status_code == 413
    assert not (episodes / "big.md").exists() and not (episodes / "big").exists()


@pytest.mark.parametrize("name, data, status", [
    ("post.exe", b"MZ\x90\x00", 415),
    ("post.py", b"print(1)", 415),
    ("post", b"# no extension", 415),
    ("post.md", b"# A\x00\x01 binary", 415),
    ("post.svg", b"<svg onload=alert(1)>", 415),
])
def test_upload_type_limits(studio, episodes, name, data, status):
    r = studio.post("/api/builds", files={"file": (name, data)}, headers=auth(studio))
    assert r.status_code == status, r.text
    assert sorted(p.name for p in episodes.iterdir()) == ["sample"]


@pytest.mark.parametrize("form, status", [
    ({"url": "file:///etc/passwd"}, 400),
    ({"url": "javascript:alert(1)"}, 400),
    ({"url": "ftp://example.com/post"}, 400),
    ({"text": "x" * 400_001}, 413),
    ({"text": "It rose 12% in 2024.", "lang": "de"}, 400),
    ({"text": "It rose 12% in 2024.", "tts": "rm -rf"}, 400),
    ({"text": "It rose 12% in 2024.", "asr": "nope"}, 400),
    ({"text": "It rose 12% in 2024.", "format": "interview"}, 400),
    ({"text": "It rose 12% in 2024.", "minutes": "forever"}, 400),
    ({"text": "It rose 12% in 2024.", "minutes": "90"}, 400),
    ({"text": "It rose 12% in 2024.", "minutes": "0.1"}, 400),
    ({"text": "It rose 12% in 2024.", "minutes": "1" * 400}, 400),
    ({}, 400),
])
def test_other_inputs_are_checked(studio, episodes, form, status):
    r = studio.post("/api/builds", data=form, headers=auth(studio))
    assert r.status_code == status, r.text
    assert sorted(p.name for p in episodes.iterdir()) == ["sample"]
    assert studio.get("/api/jobs").json()["jobs"] == []


@pytest.mark.parametrize("form, message", [
    ({"format": "interview"}, "unknown format 'interview': use narration, conversation"),
    ({"minutes": "forever"}, "neither a number of minutes nor a length name (fix: use a number of minutes or one of: "
                             "short, default, long)"),
    ({"minutes": "90"}, "out of range (fix: use 0.5 to 60 minutes)"),
])
def test_unknown_format_or_length_says_what_to_use(studio, form, message):
    r = studio.post("/api/builds", data={"text": "It rose 12% in 2024.", **form}, headers=auth(studio))
    assert r.status_code == 400 and message in r.json()["error"], r.text


@pytest.mark.parametrize("form, fmt, minutes", [
    ({"format": "conversation", "minutes": "short"}, "conversation", "short"),
    ({"format": "narration", "minutes": "4.5"}, "narration", "4.5"),
    ({"minutes": "long"}, None, "long"),
    ({"format": "", "minutes": ""}, None, None),           # the post's settings decide
])
def test_format_and_length_reach_the_build(studio, episodes, monkeypatch, form, fmt, minutes):
    """Through the adapter to the pipeline's own BuildOptions (the pipeline's build replaced)."""
    from pipeline import build as build_stage
    seen = []

    def build(source, out, options):
        seen.append(options)
        return {"verified": True, "counts": {"ok": 1}}

    monkeypatch.setattr(build_stage, "build", build)
    r = studio.post("/api/builds", data={"text": "It rose 12% in 2024.", "name": "opts", "lang": "en",
                                         "tts": "espeak", **form}, headers=auth(studio))
    assert r.status_code == 202, r.text
    wait_until(lambda: studio.get("/api/jobs").json()["jobs"][0]["state"] == "done")
    assert seen == [build_stage.BuildOptions(tts="espeak", asr=adapter.default_asr(), lang="en",
                                             fmt=fmt, minutes=minutes)]


def test_the_form_offers_formats_and_lengths(studio):
    info = studio.get("/api/info").json()
    assert info["formats"] == ["narration", "conversation"]
    assert info["lengths"] == {"short": 60.0, "default": 150.0, "long": 480.0}


def test_point_edits_are_limited(studio, episodes):
    r = studio.post("/api/episodes/sample/points/1", json={"text": "x" * 5000}, headers=auth(studio))
    assert r.status_code == 400
    r = studio.post("/api/episodes/sample/points/9", json={"text": "Bike trips rose 12% in 2024."},
                    headers=auth(studio))
    assert r.status_code == 422 and "no key point 9" in r.json()["error"]
    r = studio.post("/api/episodes/sample/points/1", content=b"[1, 2]", headers=auth(studio))
    assert r.status_code == 400


# ------------------------------------------------------------------ paths
@pytest.mark.parametrize("path", [
    "/files/sample/..%2F..%2F..%2Fetc%2Fpasswd",
    "/files/..%2Fsample/episode.mp3",
    "/files/sample/%2e%2e/verify.json",
    "/files/sample/.script.meta.json",
    "/files/sample/post.json%00.mp3",
    "/files/sample/leak.json",
    "/files/outside/episode.mp3",
    "/files/Sample/episode.mp3",
    "/api/episodes/..%2F..%2Fetc",
    "/api/episodes/outside",
    "/static/..%2Fapp.py",
    "/static/studio.html",
])
def test_no_path_leaves_the_episodes_folder(studio, episodes, tmp_path, path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "leak.json").write_text('{"secret": "SECRET-42"}')
    shutil.copytree(episodes / "sample", secret / "ep")
    (episodes / "sample" / "leak.json").symlink_to(secret / "leak.json")
    (episodes / "sample" / ".script.meta.json").write_text('{"secret": "SECRET-42"}')
    (episodes / "outside").symlink_to(secret / "ep")
    r = studio.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "SECRET-42" not in r.text and "root:" not in r.text
    assert "outside" not in [e["slug"] for e in studio.get("/api/episodes").json()["episodes"]]


def test_published_files_have_range_and_etag(studio, episodes):
    r = studio.get("/files/sample/episode.mp3")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg"
    size = (episodes / "sample" / "episode.mp3").stat().st_size
    assert len(r.content) == size
    etag = r.headers["etag"]
    part = studio.get("/files/sample/episode.mp3", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == r.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert studio.get("/files/sample/episode.mp3", headers={"If-None-Match": etag}).status_code == 304
    stale = studio.get("/files/sample/episode.mp3", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and len(stale.content) == size


def test_uploads_get_safe_names_inside_the_folder(studio, episodes, monkeypatch):
    started, release, _ = hold_builds(monkeypatch)
    release.set()
    names = ["../../../../tmp/evil.md", "..\\..\\win.md", '<img src=x onerror=alert(1)>.md',
             "$(touch pwned).md", "-rf.md", ".hidden.md", "Ünïcödé Post.MD", "demo.md", "demo.md"]
    slugs = []
    for i, name in enumerate(names):
        r = studio.post("/api/builds", files={"file": (name, f"# T{i}\n\nIt rose {i}% in 2024.".encode())},
                        headers=auth(studio))
        assert r.status_code == 202, r.text
        slugs.append(r.json()["slug"])
    assert slugs[:5] == ["evil", "win", "img-src-x-onerror-alert-1", "touch-pwned", "rf"]
    assert slugs[5] == "hidden" and slugs[6] == "unicode-post"      # accents folded, as batch names posts
    assert slugs[7] == "demo" and slugs[8] == "demo-2"       # a different post never overwrites another
    for slug in slugs:
        assert len([p for p in episodes.iterdir() if p.name.startswith(slug + ".")]) == 1
    assert not Path("/tmp/evil.md").exists() or Path("/tmp/evil.md").stat().st_mtime < time.time() - 60
    assert all(p.parent == episodes for p in episodes.glob("*.md"))
    wait_until(lambda: len(started) == len(names))


def test_slugify():
    assert slugify("My_Post.v2.md") == "my-post-v2"
    assert slugify("....md") == "post"
    assert slugify("/etc/passwd") == "passwd"
    assert slugify("a" * 200 + ".md") == "a" * 60          # pipeline.urls.SLUG_MAX, the one rule
    assert slugify("Café_été.md") == "cafe-ete"


# ------------------------------------------------------------------ escaping
def make_hostile(episodes: Path) -> Path:
    """The sample episode with hostile text everywhere a post, script or transcript can put it."""
    ep = episodes / "sample"
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script["title"] = EVIL
    script["points"][0]["title"] = EVIL
    script["points"][1]["text"] = script["points"][1]["text"] + " " + EVIL
    (ep / "script.yaml").write_text(yaml.safe_dump(script))
    post = json.loads((ep / "post.json").read_text())
    for s in post["sentences"]:
        s["text"] = s["text"] + " " + EVIL
    (ep / "post.json").write_text(json.dumps(post))
    transcript = json.loads((ep / "transcript.json").read_text())
    for seg in transcript["segments"]:
        seg["text"] = seg["text"] + " " + EVIL
        for w in seg.get("words") or []:
            w["word"] = w["word"] + EVIL
    (ep / "transcript.json").write_text(json.dumps(transcript))
    report = json.loads((ep / "verify.json").read_text())
    report["numbers"][0]["heard"] = EVIL
    (ep / "verify.json").write_text(json.dumps(report))
    return seal(ep)


def test_hostile_episode_is_json_never_html(studio, episodes):
    make_hostile(episodes)
    r = studio.get("/api/episodes/sample")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json()["title"] == EVIL                     # the text as it is, for textContent
    assert "<script" not in studio.get("/").text.split("</head>")[1].replace("<noscript>", "")
    csp = studio.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert studio.get("/api/episodes").headers["x-content-type-options"] == "nosniff"


@pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                    reason="chromium and chromium-driver are not installed")
def test_hostile_post_and_file_name_are_harmless_in_chromium(studio, episodes, monkeypatch, tmp_path):
    """In a real browser: nothing of a hostile episode or file name runs, all of it shows as text;
    a failed build shows its one-line error (hostile too) as text."""
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By

    from .test_studio_browser import wait_for
    make_hostile(episodes)

    def failing(source, out, choices):
        raise adapter.InputError(f"cannot read {Path(source).name} {EVIL}", "try another post")

    monkeypatch.setattr(adapter, "build", failing)
    upload = tmp_path / "up" / f"{EVIL.replace('/', '_')}.md"
    upload.parent.mkdir()
    upload.write_text("# Post\n\nIt rose 12% in 2024.")
    from .test_studio_browser import browser as make_browser
    gen = make_browser.__wrapped__(tmp_path)      # the same Chromium set-up as the browser test
    d = next(gen)
    try:
        base = str(studio.base_url).rstrip("/")
        for screen in ("/#/ep/sample", "/#/episodes"):
            d.get(base + screen)
            wait_for(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#ep-title, #episode-list"), 20, screen)
            assert EVIL in d.find_element(By.TAG_NAME, "main").text
            assert d.execute_script("return window.__pwned") is None
            assert len(d.find_elements(By.TAG_NAME, "script")) == 1
            assert not d.find_elements(By.CSS_SELECTOR, "main img")
        d.get(base + "/#/make")
        wait_for(d, lambda d: d.find_elements(By.ID, "file-input"), 20, "make")
        d.find_element(By.ID, "file-input").send_keys(str(upload))
        d.find_element(By.ID, "build-btn").click()
        error = wait_for(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".job-error"), 30, "the error")[0]
        # the browser sends the name (quotes escaped); the slug is made from it, the error is text
        assert error.text.startswith("cannot read script-window-pwned-1-script-img-src-x-onerror") and error.text.endswith(
            f".md {EVIL} (fix: try another post)"), error.text
        sent = EVIL.replace("/", "_").replace('"', "%22") + ".md"      # Chromium escapes quotes in file names
        assert d.find_element(By.CSS_SELECTOR, ".job .name").text == sent
        assert d.execute_script("return window.__pwned") is None
        assert len(d.find_elements(By.TAG_NAME, "script")) == 1
    finally:
        d.quit()


# ------------------------------------------------------------------ the queue
def test_a_second_build_waits_for_the_first(studio, episodes, monkeypatch):
    started, release, order = hold_builds(monkeypatch)
    first = studio.post("/api/builds", data={"text": "It rose 12% in 2024.", "name": "one"}, headers=auth(studio))
    second = studio.post("/api/builds", data={"text": "It fell 3% in 2023.", "name": "two"}, headers=auth(studio))
    assert first.status_code == second.status_code == 202
    one, two = first.json()["job"]["id"], second.json()["job"]["id"]
    wait_until(lambda: started == ["one"])
    time.sleep(0.5)
    jobs = {j["id"]: j for j in studio.get("/api/jobs").json()["jobs"]}
    assert jobs[one]["state"] == "running" and jobs[two]["state"] == "queued"
    assert started == ["one"]                 # the second has not begun
    release.set()
    wait_until(lambda: all(j["state"] == "done" for j in studio.get("/api/jobs").json()["jobs"]))
    assert order == ["one", "two"]
    # the second's events, as the page reads them (server-sent events)
    events = []
    with studio.stream("GET", f"/api/jobs/{two}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: {}":
                events.append(json.loads(line[6:]))
    states = [(e["state"], e.get("ahead")) for e in events if e["type"] == "state"]
    assert states[0] == ("queued", 1) and [s for s, _ in states[1:]] == ["running", "done"]
    assert events[-1]["result"]["verified"] is True


def test_edits_wait_while_the_episode_builds(studio, episodes, monkeypatch):
    started, release, _ = hold_builds(monkeypatch)
    monkeypatch.setattr(adapter, "rebuild", lambda out: adapter.build(None, out, None))
    r = studio.post("/api/episodes/sample/rebuild", headers=auth(studio))
    assert r.status_code == 202
    wait_until(lambda: started == ["sample"])
    again = studio.post("/api/episodes/sample/rebuild", headers=auth(studio))
    assert again.json()["job"]["id"] == r.json()["job"]["id"]            # the same build, not a second
    edit = studio.post("/api/episodes/sample/points/1", json={"text": "Bike trips rose 12% in 2024."},
                       headers=auth(studio))
    assert edit.status_code == 409
    release.set()


def test_a_failed_build_says_why_in_one_line(studio, episodes):
    """The real pipeline, on a post it refuses: the job fails with its one-line error, and
    the folder it made is gone."""
    r = studio.post("/api/builds", data={"text": "Hi!", "name": "empty", "tts": "piper"}, headers=auth(studio))
    assert r.status_code == 202
    wait_until(lambda: studio.get("/api/jobs").json()["jobs"][0]["state"] in ("done", "failed"), 120)
    job = studio.get("/api/jobs").json()["jobs"][0]
    assert job["state"] == "failed"
    assert "\n" not in job["error"] and "fix:" in job["error"], job["error"]
    assert not (episodes / "empty").exists()


# ------------------------------------------------------------------ fixing
def test_the_guard_refuses_an_invented_number_until_approved(studio, episodes):
    script = episodes / "sample" / "script.yaml"
    before = script.read_bytes()
    r = studio.post("/api/episodes/sample/points/1", json={"text": "Bike trips rose 12% in 2024, or 77%."},
                    headers=auth(studio))
    assert r.status_code == 422
    assert r.json()["refused"] == [{"point": 1, "text": "77%"}] and "not in the post" in r.json()["error"].lower()
    assert script.read_bytes() == before
    r = studio.post("/api/episodes/sample/points/1", json={"text": "Bike trips rose 12% in 2024, or 77%.",
                                                           "approve": ["77%"]}, headers=auth(studio))
    assert r.status_code == 200
    saved = yaml.safe_load(script.read_text())["points"][0]
    assert saved["text"] == "Bike trips rose 12% in 2024, or 77%." and saved["approved"] == ["77%"]
    from pipeline.script import require_approved
    require_approved(script)                  # the build's own guard lets it through
    view = studio.get("/api/episodes/sample").json()
    assert view["guard"] == [] and view["binding"]["stale"] is True
    assert "script.yaml" in view["binding"]["changed"]


def test_a_new_post_never_takes_another_episode_s_folder(studio, episodes, monkeypatch):
    started, release, _ = hold_builds(monkeypatch)
    release.set()

    def build(form=None, files=None):
        r = studio.post("/api/builds", data=form, files=files, headers=auth(studio))
        assert r.status_code == 202, r.text
        wait_until(lambda: all(j["state"] == "done" for j in studio.get("/api/jobs").json()["jobs"]))
        return r.json()["slug"]

    # the sample episode was built from elsewhere: a URL or a file named like it goes beside it
    assert build({"url": "https://example.com/blog/sample/"}) == "sample-2"
    assert build(files={"file": ("sample.md", b"# S\n\nIt rose 1% in 2024.")}) == "sample-2"
    # the same post again keeps its name (a rebuild); another kind of file with that name does not
    assert build(files={"file": ("sample.md", b"# S\n\nIt rose 1% in 2024.")}) == "sample-2"
    assert build(files={"file": ("sample.txt", b"It rose 2% in 2024.")}) == "sample-3"
    assert (episodes / "sample-2.md").read_bytes() == b"# S\n\nIt rose 1% in 2024."
    assert not (episodes / "sample.md").exists()
    wait_until(lambda: len(started) == 4)


def test_installed_copy_has_the_studio_page(tmp_path):
    """The page, its script and stylesheet are package data: an install serves them itself."""
    from .test_install import install
    site = install(tmp_path)
    static = Path(__file__).resolve().parent.parent / "pipeline" / "studio" / "static"
    assert sorted(p.name for p in (site / "pipeline" / "studio" / "static").iterdir()) == sorted(
        p.name for p in static.iterdir())


@pytest.mark.parametrize("text, kept_as", [
    ("---\ntitle: T\n---\n\nIt rose 12% in 2024.", ".md"),
    ("# Title\n\nIt rose 12% in 2024.", ".md"),
    ("It rose 12% in 2024[^7].\n\n[^7]: A note.", ".md"),
    ("See [the survey](https://example.com). It rose 12%.", ".md"),
    ("It rose 12% in 2024. Prices fell 3% in 2023.", ".txt"),
])
def test_pasted_markdown_is_read_as_markdown(studio, episodes, monkeypatch, text, kept_as):
    """A footnote mark '[^7]' in pasted Markdown must not become the number 7 of a plain text."""
    started, release, _ = hold_builds(monkeypatch)
    release.set()
    r = studio.post("/api/builds", data={"text": text, "name": "pasted"}, headers=auth(studio))
    assert r.status_code == 202
    assert (episodes / f"pasted{kept_as}").read_text() == text
    wait_until(lambda: started == ["pasted"])


# ------------------------------------------------------------------ fixing a conversation
HOSTS = [{"name": "Claire", "voice": "kokoro:af_heart"}, {"name": "Hugo", "voice": "piper"}]


def make_conversation(episodes: Path) -> Path:
    """The sample episode told by two hosts: Hugo asks, Claire says the point's sentence."""
    ep = episodes / "sample"
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script.update(format="conversation", hosts=HOSTS)
    for p, question in zip(script["points"], ["So, where does it start?", "What about the lanes?"]):
        p["turns"] = [{"speaker": "Hugo", "text": question}, {"speaker": "Claire", "text": p["text"]}]
    (ep / "script.yaml").write_text(yaml.safe_dump(script, allow_unicode=True))
    return seal(ep)


def test_a_conversation_shows_its_turns_with_the_speakers(studio, episodes):
    make_conversation(episodes)
    view = studio.get("/api/episodes/sample").json()
    assert view["format"] == "conversation" and view["hosts"] == ["Claire", "Hugo"]
    assert view["points"][1]["turns"] == [
        {"index": 1, "speaker": "Hugo", "text": "What about the lanes?"},
        {"index": 2, "speaker": "Claire", "text": "The city added 180 kilometres of lanes."}]
    assert studio.get("/api/episodes/sample").json()["points"][0]["turns"][0]["speaker"] == "Hugo"


def test_a_narration_has_no_turns(studio):
    view = studio.get("/api/episodes/sample").json()
    assert view["format"] == "narration" and view["hosts"] == [] and view["points"][0]["turns"] == []
    r = studio.post("/api/episodes/sample/points/1/turns/1", json={"text": "Bike trips rose 12% in 2024."},
                    headers=auth(studio))
    assert r.status_code == 422 and "narration" in r.json()["error"]


def test_a_turn_is_edited_in_place_and_only_its_segment_changes(studio, episodes):
    from pipeline.script import load_script, require_approved, segments
    script_path = make_conversation(episodes) / "script.yaml"
    before = {s["id"]: s for s in segments(load_script(script_path))}
    r = studio.post("/api/episodes/sample/points/1/turns/2", json={"text": "Bike trips rose 12% in 2024,  a record."},
                    headers=auth(studio))
    assert r.status_code == 200, r.text
    script = load_script(script_path)
    point = script["points"][0]
    assert point["turns"] == [{"speaker": "Hugo", "text": "So, where does it start?"},
                              {"speaker": "Claire", "text": "Bike trips rose 12% in 2024, a record."}]
    assert point["text"] == "Bike trips rose 12% in 2024, a record."     # the lead's lines, for the notes
    assert script["points"][1] == yaml.safe_load((SAMPLE / "script.yaml").read_text())["points"][1] | {
        "turns": [{"speaker": "Hugo", "text": "What about the lanes?"},
                  {"speaker": "Claire", "text": "The city added 180 kilometres of lanes."}]}
    after = {s["id"]: s for s in segments(script)}
    assert [i for i in after if after[i] != before[i]] == ["point-1.2"]   # the one turn spoken again
    require_approved(script_path)
    # the co-host's line: its own turn, the point's text (the lead's) untouched
    r = studio.post("/api/episodes/sample/points/2/turns/1", json={"text": "And the lanes?"}, headers=auth(studio))
    assert r.status_code == 200
    point = load_script(script_path)["points"][1]
    assert point["turns"][0] == {"speaker": "Hugo", "text": "And the lanes?"}
    assert point["text"] == "The city added 180 kilometres of lanes."
    assert studio.get("/api/episodes/sample").json()["binding"]["stale"] is True


def test_the_guard_refuses_an_invented_number_in_a_turn(studio, episodes):
    script = make_conversation(episodes) / "script.yaml"
    before = script.read_bytes()
    r = studio.post("/api/episodes/sample/points/2/turns/1", json={"text": "Was it 300 kilometres?"},
                    headers=auth(studio))
    assert r.status_code == 422, r.text
    assert r.json()["refused"] == [{"point": 2, "text": "300 kilometres"}]
    assert "Not in the post" in r.json()["error"]
    assert script.read_bytes() == before
    r = studio.post("/api/episodes/sample/points/2/turns/1", json={"text": "Was it 300 kilometres?",
                                                                   "approve": ["300 kilometres"]}, headers=auth(studio))
    assert r.status_code == 200
    from pipeline.script import load_script, require_approved
    point = load_script(script)["points"][1]
    assert point["turns"][0]["text"] == "Was it 300 kilometres?" and point["approved"] == ["300 kilometres"]
    require_approved(script)


@pytest.mark.parametrize("path, body, status, message", [
    ("/api/episodes/sample/points/1", {"text": "Bike trips rose 12% in 2024."}, 422, "edit the turn"),
    ("/api/episodes/sample/points/1/turns/3", {"text": "Go on."}, 422, "no turn 3"),
    ("/api/episodes/sample/points/3/turns/1", {"text": "Go on."}, 422, "no key point 3"),
    ("/api/episodes/sample/points/1/turns/1", {"text": " "}, 400, "needs text"),
    ("/api/episodes/sample/points/1/turns/1", {"text": "x" * 5000}, 400, "at most"),
])
def test_turn_edits_are_checked(studio, episodes, path, body, status, message):
    script = make_conversation(episodes) / "script.yaml"
    before = script.read_bytes()
    r = studio.post(path, json=body, headers=auth(studio))
    assert r.status_code == status and message in r.json()["error"], r.text
    assert script.read_bytes() == before
    assert studio.post(path, json=body).status_code == 403          # and the token, as everywhere


def test_a_hostile_turn_is_text(studio, episodes):
    make_conversation(episodes)
    r = studio.post("/api/episodes/sample/points/1/turns/1", json={"text": EVIL}, headers=auth(studio))
    assert r.status_code == 422 and r.json()["refused"] == [{"point": 1, "text": "1"}]   # "__pwned=1"
    r = studio.post("/api/episodes/sample/points/1/turns/1", json={"text": EVIL, "approve": ["1"]}, headers=auth(studio))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert studio.get("/api/episodes/sample").json()["points"][0]["turns"][0]["text"] == EVIL


def test_a_conversation_s_turns_make_one_chapter_and_their_numbers_find_their_point():
    points = [{"id": "point-1", "title": "More trips", "sources": ["Bike trips rose 12% in 2024."]}]
    # as a conversation's timeline.json has them (a real build of the demo: intro, point-1,
    # point-1.2, ..., outro, each with its speaker)
    timed = [{"id": "intro", "speaker": "Claire", "start": 0.0, "end": 3.0},
             {"id": "point-1", "speaker": "Hugo", "start": 3.5, "end": 5.0},
             {"id": "point-1.2", "speaker": "Claire", "start": 5.25, "end": 9.0},
             {"id": "outro", "speaker": "Hugo", "start": 9.6, "end": 12.0}]
    assert adapter.chapters_of(timed, points) == [
        {"id": "intro", "title": "Intro", "start": 0.0, "end": 3.0},
        {"id": "point-1", "title": "More trips", "start": 3.5, "end": 9.0},
        {"id": "outro", "title": "Outro", "start": 9.6, "end": 12.0}]
    row = adapter.number_row({"text": "12%", "segment": "point-1.2", "status": "ok", "start": 6.0}, points)
    assert row["sentence"] == "Bike trips rose 12% in 2024." and row["segment"] == "point-1.2"
