"""Publishing: chapters.json, shownotes.html (escaping!), and the local server."""

import base64
import contextlib
import hashlib
import http.client
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from pipeline.errors import InputError
from pipeline.ingest import fetch
from pipeline.publish import chapters as chap
from pipeline.publish import server as srv
from pipeline.publish import shownotes
from pipeline.publish.feed import load_config, write_feed
from pipeline.urls import http_url

from .conftest import seal

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"
CHROMIUM = "/usr/bin/chromium"



@pytest.fixture
def episode(tmp_path, mp3) -> Path:
    ep = tmp_path / "episodes" / "sample"
    shutil.copytree(SAMPLE, ep)
    shutil.copy(mp3, ep / "episode.mp3")
    return seal(ep)


def edit_json(path: Path, fn) -> None:
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


EVIL = '<script>alert(1)</script>'
EVIL_ATTR = '" onmouseover="x'


@pytest.fixture
def evil_episode(episode) -> Path:
    """The sample with hostile text everywhere a post, script or transcript can put it."""
    script = yaml.safe_load((episode / "script.yaml").read_text())
    script["title"] = f"{EVIL} & {EVIL_ATTR}"
    script["points"][0]["title"] = f"<img src=x onerror=alert(2)>{EVIL_ATTR}"
    script["points"][0]["text"] = f"Trips rose 12% {EVIL_ATTR} {EVIL}"
    script["intro"] = f"Hi {EVIL}"
    (episode / "script.yaml").write_text(yaml.safe_dump(script))

    def post(p):
        p["title"] = EVIL
        p["date"] = '2025-09-12"><script>alert(3)</script>'
        p["author"] = f"{EVIL}{EVIL_ATTR}"
        p["sources"] = [{"title": f"{EVIL} js", "url": "javascript:alert(1)"},
                        {"title": "data", "url": "data:text/html,<script>alert(1)</script>"},
                        {"title": "quote", "url": f'https://example.com/{EVIL_ATTR}'},
                        {"title": f"ok {EVIL_ATTR}", "url": "https://example.com/a?b=1&c=2"},
                        {"title": "vb", "url": " JaVaScRiPt:alert(1)"}]
        p["lint"] = [{"text": EVIL, "start": 0, "end": 3, "reason": f"{EVIL}{EVIL_ATTR}"}]
    edit_json(episode / "post.json", post)

    def report(r):
        r["lint"] = [{"text": EVIL, "start": 0, "end": 3, "reason": f"{EVIL}{EVIL_ATTR}"}]
        r["numbers"][0]["heard"] = f"{EVIL}{EVIL_ATTR}"
        r["numbers"][0]["status"] = 'ok" onclick="alert(4)'
        r["numbers"][0]["note"] = f"{EVIL}{EVIL_ATTR}"
        r["numbers"][0]["unit"] = EVIL
    edit_json(episode / "verify.json", report)

    def transcript(t):
        t["segments"][1]["words"][0]["word"] = f" {EVIL}"
        t["segments"][1]["words"][1]["word"] = f" {EVIL_ATTR}"
    edit_json(episode / "transcript.json", transcript)
    return seal(episode)
    return episode


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.in_script, self.text = [], [], False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"
        if self.in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def parse_html(path: Path) -> Collector:
    c = Collector()
    c.feed(path.read_text(encoding="utf-8"))
    c.close()
    return c


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3",
                "time", "audio", "track", "a", "ol", "ul", "li", "strong", "table", "thead", "tbody",
                "tr", "th", "td", "section", "small", "del", "ins", "span", "footer", "script"}


# ------------------------------------------------------------------ chapters

def test_chapters_json(episode):
    path = chap.chapters_json(episode)
    assert path == episode / "chapters.json"
    data = json.loads(path.read_text())
    timeline = json.loads((episode / "timeline.json").read_text())
    script = yaml.safe_load((episode / "script.yaml").read_text())
    assert data["version"] == "1.2.0"
    chapters = data["chapters"]
    assert [c["title"] for c in chapters] == ["Intro"] + [p["title"] for p in script["points"]] + ["Outro"]
    starts = [c["startTime"] for c in chapters]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[0] == 0.0
    assert starts[1:] == [s["start"] for s in timeline["segments"][1:]]
    assert all(0 <= s < timeline["duration"] for s in starts)


def test_chapters_french_names_and_missing_files(episode, tmp_path):
    script = yaml.safe_load((episode / "script.yaml").read_text())
    script["language"] = "fr"
    (episode / "script.yaml").write_text(yaml.safe_dump(script))
    titles = [c["title"] for c in json.loads(chap.chapters_json(episode).read_text())["chapters"]]
    assert titles[0] == "Introduction" and titles[-1] == "Conclusion"
    with pytest.raises(InputError):
        chap.chapters_json(tmp_path / "nothing")


# ------------------------------------------------------------------ shownotes.html

def test_shownotes_html_content(episode):
    cfg = load_config(ROOT / "podcast.yaml")
    shownotes.publish_episode(episode, cfg)
    path = episode / "shownotes.html"
    page = path.read_text(encoding="utf-8")
    doc = parse_html(path)
    text = " ".join(doc.text)
    script = yaml.safe_load((episode / "script.yaml").read_text())
    timeline = {s["id"]: s for s in json.loads((episode / "timeline.json").read_text())["segments"]}
    report = json.loads((episode / "verify.json").read_text())

    assert f"<title>{'Cycling in Paris &amp; the &quot;Plan Vélo&quot;'}</title>" in page
    assert 'datetime="2025-09-12"' in page and "2025-09-12" in text
    assert script["points"][0]["text"] in text                          # summary + key point
    audio = [a for t, a in doc.tags if t == "audio"]
    assert audio and audio[0]["src"] == "episode.mp3" and audio[0]["id"] == "player"
    assert [a for t, a in doc.tags if t == "track"][0]["src"] == "captions.vtt"
    # key points: one seek link per point at the segment's start, plus the #t= fragment
    seeks = [a for t, a in doc.tags if t == "a" and "data-t" in a]
    for i in range(1, len(script["points"]) + 1):
        start = timeline[f"point-{i}"]["start"]
        assert any(float(a["data-t"]) == start and a["href"] == f"episode.mp3#t={start}" for a in seeks)
    # number table: one row per number, with heard text, status and a seek link at its time
    rows = page.split('<table class="numbers">')[1].split("</table>")[0]
    for r in report["numbers"]:
        assert f"<td>{r['text']}</td><td>{r['unit'] or ''}</td><td>{r['heard']}</td>" in rows
        assert f'data-t="{r["start"]}"' in rows
    assert "<th>Unit</th>" in rows and "<td>180 kilometres</td><td>km</td>" in rows
    assert 'class="changed"' in rows
    assert "differs from the 108 km quoted in the headline" in text        # lint warning
    links = [a["href"] for t, a in doc.tags if t == "a"]
    assert "https://www.paris.fr/plan-velo?year=2024&lang=en" in links
    assert "A print-only source" in text
    # the page is for listeners: the script-vs-Whisper diff is in diff.html only
    assert "<del>" not in page and "<ins>" not in page and "Whisper heard" not in page
    # only one script: ours, and the CSP hash allows exactly it
    assert doc.scripts == [shownotes.SCRIPT]
    digest = base64.b64encode(hashlib.sha256(shownotes.SCRIPT.encode()).digest()).decode()
    assert f"sha256-{digest}" in page


def test_diff_html_marks_numbers_the_public_page_has_none(episode):
    out = shownotes.publish_episode(episode, None)
    diff_page = out["diff"].read_text(encoding="utf-8")
    assert out["diff"] == episode / "diff.html"
    # 180 said in the script, 108 heard: struck out, inserted, the number marked changed
    assert '<del><span class="num changed">180</span></del> <ins>108</ins>' in diff_page
    public = (episode / "shownotes.html").read_text(encoding="utf-8")
    assert "180" in public and "<del>" not in public and "diff.html" not in public
    # one stylesheet, inlined into both pages (each stands alone)
    css = (ROOT / "pipeline" / "publish" / "templates" / "style.css").read_text().strip()
    for page in (public, diff_page):
        assert page.count("<style>") == 1 and page.split("<style>")[1].split("</style>")[0] == css


def test_shownotes_html_escapes_everything(evil_episode):
    path = shownotes.shownotes_html(evil_episode, None)
    shownotes.publish_episode(evil_episode, None)
    page = path.read_text(encoding="utf-8")
    doc = parse_html(path)
    # no element or attribute that a post could have injected
    assert {t for t, _ in doc.tags} <= ALLOWED_TAGS
    assert [t for t, _ in doc.tags].count("script") == 1 and doc.scripts == [shownotes.SCRIPT]
    assert [t for t, _ in doc.tags].count("img") == 0
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a":
            href = attrs["href"]
            assert href.startswith(("https://", "http://", "episode.mp3", "captions.", "chapters.json",
                                    "transcript.podcast.json", "shownotes.md", "../feed.xml")), href
            assert not href.lower().lstrip().startswith(("javascript:", "data:"))
    assert "https://example.com/a?b=1&c=2" in [a["href"] for t, a in doc.tags if t == "a"]
    # the hostile strings are still there, as text
    text = "".join(doc.text)
    assert text.count(EVIL) >= 8, text
    assert EVIL_ATTR in text
    assert "<img src=x onerror=alert(2)>" in text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8
    # links were refused for non-http URLs but their titles are still listed
    assert f"{EVIL} js" in text and "data" in text
    # the status class cannot break out of its attribute
    assert any(a.get("class") == 'ok" onclick="alert(4)' for t, a in doc.tags if t == "tr")
    # diff.html, where the hostile transcript words now go, escapes them too
    diff_doc = parse_html(evil_episode / "diff.html")
    assert {t for t, _ in diff_doc.tags} <= ALLOWED_TAGS and not diff_doc.scripts
    assert not any(k.startswith("on") for _, attrs in diff_doc.tags for k in attrs)
    assert EVIL in "".join(diff_doc.text)


def test_one_url_test_accepts_only_http():
    """pipeline.urls.http_url: the links of every page, podcast.yaml's URLs, a post's address."""
    assert http_url("https://a.example/x?y=1&z=2") == "https://a.example/x?y=1&z=2"
    assert http_url("http://a.example") == "http://a.example"
    assert http_url(" https://a.example/what's-new ") == "https://a.example/what's-new"
    for bad in ["javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x",
                "vbscript:x", "//evil.example/x", "/relative", "https://", "https://a.example/\"x",
                "https://a.example/<x>", "https://a .example", None, 42, "ftp://a.example/x",
                "https://a.example/`x`", "http://[::1", "https://a.example/\x00"]:
        assert http_url(bad) is None, bad
        assert not fetch.is_url(bad), bad
    assert fetch.is_url("HTTPS://a.example/post") and not fetch.is_url(Path("https:/a.example"))


# ------------------------------------------------------------------ the server

@pytest.fixture
def site(episode, tmp_path):
    """episodes/ with the sample published and a feed, served on an ephemeral port."""
    write_feed(episode.parent, ROOT / "podcast.yaml", episode.parent / "feed.xml")
    (episode.parent / ".hidden").write_text("secret")
    (tmp_path / "outside.txt").write_text("outside")
    os.symlink(tmp_path / "outside.txt", episode.parent / "link.txt")
    server = srv.make_server(episode.parent, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield episode.parent, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert not thread.is_alive()


def raw_get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_serve_feed_and_mp3(site):
    root, port = site
    import feedparser
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml", timeout=5) as r:
        body = r.read()
    assert body == (root / "feed.xml").read_bytes()
    assert feedparser.parse(body).bozo == 0
    mp3_bytes = (root / "sample" / "episode.mp3").read_bytes()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/sample/episode.mp3", timeout=5) as r:
        assert r.headers["Content-Type"] == "audio/mpeg"
        assert r.headers["Accept-Ranges"] == "bytes"
        assert r.read() == mp3_bytes
    for name, ctype in [("shownotes.html", "text/html"), ("captions.vtt", "text/vtt"),
                        ("chapters.json", "application/json")]:
        resp, _ = raw_get(port, f"/sample/{name}")
        assert resp.status == 200 and resp.getheader("Content-Type").startswith(ctype), name


def test_serve_range_requests(site):
    root, port = site
    data = (root / "sample" / "episode.mp3").read_bytes()
    resp, body = raw_get(port, "/sample/episode.mp3", {"Range": "bytes=100-199"})
    assert resp.status == 206 and body == data[100:200]
    assert resp.getheader("Content-Range") == f"bytes 100-199/{len(data)}"
    resp, body = raw_get(port, "/sample/episode.mp3", {"Range": "bytes=1000-"})
    assert resp.status == 206 and body == data[1000:]
    resp, body = raw_get(port, "/sample/episode.mp3", {"Range": "bytes=-50"})
    assert resp.status == 206 and body == data[-50:]
    resp, body = raw_get(port, "/sample/episode.mp3", {"Range": f"bytes={len(data)}-"})
    assert resp.status == 416 and resp.getheader("Content-Range") == f"bytes */{len(data)}"


def test_serve_refuses_paths_outside_and_dotfiles(site):
    root, port = site
    for path in ["/../outside.txt", "/%2e%2e/outside.txt", "/sample/../../outside.txt",
                 "/link.txt", "/.hidden", "/sample/.tts"]:
        resp, body = raw_get(port, path)
        assert resp.status == 404, path
        assert b"outside" not in body and b"secret" not in body


@contextlib.contextmanager
def serving(directory: Path):
    """publish.serve in a thread on a free port; yields the port, stops it after."""
    ready = queue.Queue()
    thread = threading.Thread(target=srv.serve, args=(directory, 0), kwargs={"on_ready": ready.put},
                              daemon=True)
    thread.start()
    server = ready.get(timeout=10)
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        thread.join(5)
    assert not thread.is_alive()


def test_serve_prints_urls_and_stops(episode, capsys):
    write_feed(episode.parent, ROOT / "podcast.yaml", episode.parent / "feed.xml")
    with serving(episode.parent) as port:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sample/episode.mp3", timeout=5) as r:
            assert r.read() == (episode / "episode.mp3").read_bytes()
    out = capsys.readouterr().out.split()
    assert out == [f"http://127.0.0.1:{port}/feed.xml", f"http://127.0.0.1:{port}/sample/shownotes.html"]


def test_serve_withholds_the_notes_of_a_stale_episode(episode, caplog):
    shownotes.publish_episode(episode, None)
    script = yaml.safe_load((episode / "script.yaml").read_text())
    script["points"][1]["text"] = "The city added 190 kilometres of lanes."      # edited after verify
    (episode / "script.yaml").write_text(yaml.safe_dump(script))
    with serving(episode.parent) as port:
        for name in ("shownotes.html", "shownotes.md"):
            resp, body = raw_get(port, f"/sample/{name}")
            assert resp.status == 409 and b"script.yaml changed" in body, name
        resp, _ = raw_get(port, "/sample/episode.mp3")
        assert resp.status == 200
    assert "sample: its show notes are withheld" in caplog.text


def test_serve_binds_loopback_only(episode):
    server = srv.make_server(episode.parent, port=0, quiet=True)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_site_urls_lists_feed_and_pages(site):
    root, port = site
    urls = srv.site_urls(root, port)
    assert urls == [f"http://127.0.0.1:{port}/feed.xml", f"http://127.0.0.1:{port}/sample/shownotes.html"]


# ------------------------------------------------------------------ in a real browser (optional)

PROBE = """<script>
window.addEventListener("load", function () {
  var audio = document.getElementById("player"), out = document.createElement("pre");
  out.id = "probe"; document.body.appendChild(out);
  function report(msg) { out.textContent = msg; }
  audio.addEventListener("error", function () { report("ERROR " + (audio.error && audio.error.code)); });
  audio.muted = true;
  function go() {
    var link = document.querySelector("ol.points a[data-t]");
    link.click();
    setTimeout(function () { report("OK duration=" + audio.duration + " t=" + audio.currentTime
                                    + " want=" + link.getAttribute("data-t")); }, 300);
  }
  if (audio.readyState >= 1) go(); else audio.addEventListener("loadedmetadata", go);
});
</script>"""


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
def test_shownotes_in_headless_chromium(site):
    root, port = site
    page = (root / "sample" / "shownotes.html").read_text()
    # The probe is a second inline script: allow it by hash next to ours, so the page's
    # CSP stays in force (a blocked player script would leave currentTime at 0).
    ours = base64.b64encode(hashlib.sha256(shownotes.SCRIPT.encode()).digest()).decode()
    body = PROBE.split("<script>")[1].split("</script>")[0]
    probe = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    allowed = f"&#x27;sha256-{ours}&#x27;"
    assert allowed in page
    page = page.replace(allowed, f"{allowed} &#x27;sha256-{probe}&#x27;")
    (root / "sample" / "probe.html").write_text(page.replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={profile}",
             "--virtual-time-budget=5000", "--dump-dom", f"http://127.0.0.1:{port}/sample/probe.html"],
            capture_output=True, text=True, timeout=60)
    assert '<pre id="probe">OK duration=' in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    probe = out.stdout.split('<pre id="probe">')[1].split("</pre>")[0]
    fields = dict(kv.split("=") for kv in probe.split()[1:])
    assert float(fields["duration"]) == pytest.approx(3.0, abs=0.2)
    assert float(fields["t"]) >= float(fields["want"]) - 0.05


def test_french_notes_give_every_lint_reason_in_french():
    """Each reason pipeline.numbers.lint can give has its French words (a new reason
    without them fails here), and a French episode's notes show them."""
    import importlib

    from pipeline.publish.notes import LABELS, lint_findings

    lint = importlib.import_module("pipeline.numbers.lint")    # the package's `lint` is a function

    reasons = [v for k, v in vars(lint).items() if k.startswith("REASON_")]
    assert reasons and all(r in LABELS["fr"]["reasons"] for r in reasons)
    report = {"lint": [{"text": "2025 premières", "start": 0, "end": 4,
                        "reason": f"{lint.REASON_COUNT}; {lint.REASON_WANTS_YEAR}"}]}
    shown = lint_findings(report, None, LABELS["fr"])
    assert shown[0]["reason"] == ("nombre en forme d'année employé comme effectif; "
                                  "petit nombre là où une année est attendue")
    assert lint_findings(report, None)[0]["reason"] == report["lint"][0]["reason"]
