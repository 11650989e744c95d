"""`pipeline batch` / `make blog`: a blog feed on a loopback server -> verified episodes + feed.xml.

Real piper and real Whisper on three short posts, run locally; only the blog is a
stand-in (served on 127.0.0.1). The same run on Ray (test_batch_ray.py), a crashing
worker, the show's settings and an unverified post left alone are orchestration: they
run on the fake engines (tests/fakes.py), registered in every worker through
PIPELINE_PLUGINS.
"""

import html
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch import sources
from pipeline.batch.jobs import MANIFEST, Job, Result, run_job
from pipeline.build import BuildOptions
from pipeline.errors import InputError

from .conftest import ROOT
from .stub_server import LoopbackServer, QuietHandler, free_closed_port

POSTS = {
    "harbor-ferry": ("The Harbor Ferry Returns", "Sat, 01 Nov 2025 09:00:00 +0000",
                     "<p>The harbor ferry restarted service in May. It now carries 4,200 passengers a day.</p>"
                     "<p>The new boats cost 12 million dollars. Each crossing takes 18 minutes.</p>"),
    "rooftop-gardens": ("Rooftop Gardens Grow", "Sun, 02 Nov 2025 09:00:00 +0000",
                        "<p>The city counted 85 rooftop gardens last year. That is 30 more than in 2022.</p>"
                        "<p>Each garden grows about 900 kilograms of vegetables a season.</p>"),
    "library-hours": ("The Library Stays Open Late", "Mon, 03 Nov 2025 09:00:00 +0000",
                      "<p>The central library now opens until 10 pm. Visits rose by 25% in the first month.</p>"
                      "<p>About 3,000 people came on the first Saturday.</p>"),
}
FOURTH = ("night-buses", ("Night Buses Are Back", "Tue, 04 Nov 2025 09:00:00 +0000",
                          "<p>Night buses returned to the city on 6 routes this autumn. Each bus now runs every "
                          "20 minutes through the night.</p><p>About 1,500 riders took them in the first week.</p>"))
LINK_ONLY = "library-hours"     # this item has no content:encoded: its link is fetched


def rss(posts: dict, base: str) -> bytes:
    items = []
    for slug, (title, date, body) in posts.items():
        content = "" if slug == LINK_ONLY else f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        items.append(f"<item><title>{html.escape(title)}</title><link>{base}/{slug}.html</link>"
                     f"<pubDate>{date}</pubDate>{content}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title>'
            + "".join(items) + "</channel></rss>").encode()


class Blog:
    """A blog on 127.0.0.1: /feed.xml and one page per post; posts can be added."""

    def __init__(self):
        self.posts = dict(POSTS)
        blog = self

        class Handler(QuietHandler):
            def do_GET(self):
                base = f"http://127.0.0.1:{self.server.server_address[1]}"
                if self.path == "/feed.xml":
                    return self.send_bytes(200, rss(blog.posts, base), "application/rss+xml")
                slug = self.path.strip("/").removesuffix(".html")
                if slug in blog.posts:
                    title, _, body = blog.posts[slug]
                    page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
                    return self.send_bytes(200, page.encode(), "text/html; charset=utf-8")
                self.send_bytes(404, b"not found", "text/plain")

        self.server = LoopbackServer(Handler)
        self.url = f"http://127.0.0.1:{self.server.port}/feed.xml"


@pytest.fixture
def blog():
    b = Blog()
    with b.server:
        yield b


def env_for():
    """The session's cache and the fakes' PIPELINE_PLUGINS (conftest) are inherited."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0"}


def make_blog(feed, out, engine="local", tts="piper", asr="faster-whisper"):
    """Run `make blog`; returns the process, its wall seconds and its CPU seconds (make + children)."""
    cmd = ["make", "--no-print-directory", "-s", "blog", f"FEED={feed}", f"BATCH_OUT={out}",
           f"TTS={tts}", f"ASR={asr}", "JOBS=2", f"ENGINE={engine}", f"PY={sys.executable}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env_for(), capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, wall, cpu


def overloaded() -> bool:
    """More runnable work than twice the cores: wall times say little about us."""
    return os.getloadavg()[0] > 2 * (os.cpu_count() or 1)


def statuses(stdout: str) -> dict:
    rows = {}
    for line in stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("verified", "unverified", "failed", "skipped"):
            rows[parts[0]] = parts[1]
    return rows


def feed_items(out):
    root = ET.parse(out / "feed.xml").getroot()
    return [i.findtext("title") for i in root.iter("item")]


def check_blog_runs(blog, tmp_path, engine, tts="piper", asr="faster-whisper", again=True):
    """`make blog` builds each post; run `again`, it builds nothing, then only a new post."""
    out = tmp_path / "episodes"
    proc, _, _ = make_blog(blog.url, out, engine, tts, asr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(proc.stdout) == {slug: "verified" for slug in POSTS}
    for slug in POSTS:
        report = batch.fsio.read_json(out / slug / "verify.json")
        assert report["verified"] and report["counts"]["ok"] >= 2
    assert sorted(feed_items(out)) == sorted(t for t, _, _ in POSTS.values())
    if not again:
        return
    mp3_times = {slug: (out / slug / "episode.mp3").stat().st_mtime_ns for slug in POSTS}

    proc, seconds, cpu = make_blog(blog.url, out, engine, tts, asr)
    assert proc.returncode == 0, proc.stderr
    assert statuses(proc.stdout) == {slug: "skipped" for slug in POSTS}
    assert cpu < 2.0, f"a run with nothing to build used {cpu:.2f} CPU seconds"
    # the wall time is also under 2 s, unless other work crowds the cores (a shared CI machine)
    assert seconds < 2.0 or overloaded(), f"a run with nothing to build took {seconds:.2f} s"
    assert {slug: (out / slug / "episode.mp3").stat().st_mtime_ns for slug in POSTS} == mp3_times

    blog.posts[FOURTH[0]] = FOURTH[1]
    proc, _, _ = make_blog(blog.url, out, engine, tts, asr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(proc.stdout) == {**{slug: "skipped" for slug in POSTS}, FOURTH[0]: "verified"}
    assert {slug: (out / slug / "episode.mp3").stat().st_mtime_ns for slug in POSTS} == mp3_times
    assert len(feed_items(out)) == 4


@pytest.mark.slow
def test_make_blog_builds_each_post_once(blog, tmp_path):
    check_blog_runs(blog, tmp_path, "local")


def crash_unless_marked(job: Job) -> Result:
    """A worker's build that dies abruptly (os._exit, as an OOM kill would) while the
    job's marker file is missing; `job.out` names the marker. Module-level: it pickles
    to the spawned workers of pipeline.batch.local."""
    marker = Path(job.out) / "marker"
    if job.slug == "doomed" or not marker.exists():
        if job.slug != "doomed":
            marker.touch()
        os._exit(70)
    return Result(job.slug, "verified", survival=1.0)


def test_crashed_worker_is_replaced_and_post_retried_once(tmp_path):
    """A worker that dies with a post is replaced; the post is tried once more, and a
    second death marks it failed while the other posts still finish."""
    from pipeline.batch.local import run_local

    (tmp_path / "ferry").mkdir()
    (tmp_path / "doomed").mkdir()
    jobs = [Job(slug, str(tmp_path / f"{slug}.md"), str(tmp_path / slug), BuildOptions())
            for slug in ("ferry", "doomed")]
    seen: list[Result] = []
    results = run_local(jobs, 1, seen.append, build=crash_unless_marked)
    assert (tmp_path / "ferry" / "marker").exists()          # the first attempt did crash
    assert {r.slug: r.status for r in results} == {"ferry": "verified", "doomed": "failed"}
    assert seen == results
    doomed = next(r for r in results if r.slug == "doomed")
    assert "died twice" in doomed.error and doomed.exit_code == 2


# ------------------------------------------------------------------ sources, fast

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
<entry><title>First &amp; best</title><link href="https://blog.example/posts/first-post/"/>
<published>2025-10-01T08:00:00Z</published><content type="html">&lt;p&gt;It rose 12%.&lt;/p&gt;</content></entry>
<entry><title>Plain</title><link rel="alternate" href="https://blog.example/../../etc/passwd"/>
<content type="text">Line one has 3 cats.</content></entry>
</feed>"""


def test_atom_entries_become_pages_with_safe_slugs(tmp_path):
    c = sources.Collector(tmp_path)
    c.add_feed(ATOM, "feed.atom")
    assert [p.slug for p in c.posts] == ["first-post", "passwd"]
    for p in c.posts:
        assert p.source.parent.parent == tmp_path   # never outside the out folder
    first = c.posts[0].source.read_text()
    assert "<h1>First &amp; best</h1>" in first and "<p>It rose 12%.</p>" in first
    assert 'content="2025-10-01T08:00:00Z"' in first


def test_feed_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel></channel></rss>'
    with pytest.raises(InputError, match="DTD or entities"):
        sources.feed_items(bomb, "bomb.xml")


def test_unchanged_item_keeps_its_file_and_a_change_makes_it_stale(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("# P\n\nIt has 3 parts.\n")
    opts = BuildOptions(tts="piper")
    m1 = batch.manifest_for(post, opts)
    assert batch.manifest_for(post, opts) == m1
    post.write_text("# P\n\nIt has 4 parts.\n")
    assert batch.manifest_for(post, opts) != m1
    assert batch.manifest_for(post, BuildOptions(tts="espeak")) != batch.manifest_for(post, opts)
    assert not batch.is_current(tmp_path / "nothing", m1)


def test_bad_sources_fail_alone_and_duplicate_slugs_are_numbered(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "post.md").write_text("# Post\n\nIt has 3 parts.\n")
    jobs, known = batch.plan([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "missing.md")],
                             tmp_path / "out", BuildOptions())
    assert [j.slug for j in jobs] == ["post", "post-2"]
    assert [(r.slug, r.status) for r in known] == [("missing", "failed")]


def test_an_unreachable_feed_writes_no_feed_and_counts_as_failed(tmp_path, caplog):
    """No source could be read: exit 2, no output folder, no empty feed.xml, and the
    counts agree (the unreadable source is failed, not missing from them)."""
    out = tmp_path / "blog"
    caplog.set_level("INFO", logger="pipeline.batch")
    code = batch.run_batch([f"http://127.0.0.1:{free_closed_port()}/feed.xml"], out,
                           BuildOptions(tts="piper"), jobs=1)
    assert code == 2
    assert not out.exists()
    lines = [r.getMessage() for r in caplog.records if r.name == "pipeline.batch"]
    assert "batch: 0 to build, 0 current, 1 failed" in lines, lines


def test_unknown_engine_lists_the_valid_ones(tmp_path):
    from pipeline.errors import EngineError
    with pytest.raises(EngineError, match="local, ray"):
        batch.run_batch([str(tmp_path)], tmp_path / "out", BuildOptions(), engine="spark")


def test_feed_item_whose_link_fails_is_failed_alone(blog, tmp_path):
    blog.posts["gone"] = ("Gone", "Wed, 05 Nov 2025 09:00:00 +0000", "")
    feed = rss(blog.posts, f"http://127.0.0.1:{blog.server.port}").replace(
        b"/gone.html", b"/missing.html")
    c = sources.Collector(tmp_path)
    c.add_feed(feed.replace(b"<content:encoded><![CDATA[]]></content:encoded>", b""),
               f"http://127.0.0.1:{blog.server.port}/feed.xml")
    assert sorted(p.slug for p in c.posts) == sorted(POSTS)
    assert [(slug, "HTTP 404" in e.cause) for slug, _, e in c.failed] == [("missing", True)]
    linked = next(p for p in c.posts if p.slug == LINK_ONLY).source.read_text()
    assert "3,000 people" in linked


def test_files_from_a_worker_never_land_outside_the_episode(tmp_path):
    job = Job("p", str(tmp_path / "p.md"), str(tmp_path / "eps" / "p"), {}, {"format": 1})
    bad = Result("p", "verified", files={"../../evil.txt": b"x"})
    with pytest.raises(InputError, match="outside"):
        batch.finish(job, bad)
    assert not (tmp_path / "evil.txt").exists()
    batch.finish(job, Result("p", "verified", files={"episode.mp3": b"mp3"}))
    assert (tmp_path / "eps" / "p" / "episode.mp3").read_bytes() == b"mp3"
    assert batch.fsio.read_json(tmp_path / "eps" / "p" / MANIFEST) == {"format": 1}


def test_a_post_url_and_a_feed_url_are_told_apart_by_content(blog, tmp_path):
    c = sources.Collector(tmp_path)
    c.add(f"http://127.0.0.1:{blog.server.port}/harbor-ferry.html")
    c.add(blog.url)
    # the feed's link to the post already named is not built twice
    assert [p.slug for p in c.posts] == ["harbor-ferry", "rooftop-gardens", "library-hours"]
    assert "4,200 passengers" in c.posts[0].source.read_text()


def test_an_episode_whose_verdict_is_stale_is_not_current(tmp_path):
    """A hand-edited script.yaml (or any file verify.json is bound to) makes the
    episode stale for `check`, `feed` and `serve`: batch must rebuild it, not
    skip it as current and leave it in feed.xml."""
    from pipeline import verify
    post = tmp_path / "p.md"
    post.write_text("# P\n\nIt has 3 parts.\n")
    manifest = batch.manifest_for(post, BuildOptions(tts="piper"))
    ep = tmp_path / "p"
    ep.mkdir()
    for name in batch.BUILT_FILES:
        (ep / name).write_text("{}\n")
    (ep / "episode.mp3").write_bytes(b"ID3 not really audio")
    (ep / "post.json").write_text('{"source": "p.md"}\n')
    (ep / "script.yaml").write_text("points:\n- text: It has 3 parts.\n")
    batch.fsio.write_json(ep / "timeline.json", {"audio_sha256": batch.fsio.sha256_file(ep / "episode.mp3"),
                                                 "segments": []})
    batch.fsio.write_json(ep / "verify.json", {"verified": True, "counts": {"ok": 1}, "numbers": [],
                                               "inputs": verify.input_hashes(verify.Episode(ep))})
    batch.fsio.write_json(ep / MANIFEST, manifest)
    assert batch.is_current(ep, manifest)
    (ep / "script.yaml").write_text("points:\n- text: It has 4 parts.\n")
    assert verify.binding_status(ep).stale
    assert not batch.is_current(ep, manifest)


def test_a_job_carries_the_build_options_as_one_value_that_pickles():
    """The batch job's payload is build()'s own BuildOptions (workers and Ray get it
    pickled), with build's defaults: heal rounds included (batch said 3, build 8)."""
    import pickle

    from pipeline.build import DEFAULT_HEAL_ROUNDS
    from pipeline.heal import STRATEGIES

    job = Job("p", "p.md", "out/p", BuildOptions(tts="piper", lang="fr"), {"format": 1})
    again = pickle.loads(pickle.dumps(job))
    assert again == job and isinstance(again.options, BuildOptions)
    assert BuildOptions().heal_rounds == DEFAULT_HEAL_ROUNDS == len(STRATEGIES)
    with pytest.raises(AttributeError):        # frozen: a worker cannot change the run's options
        job.options.heal_rounds = 0           # type: ignore[misc]


def test_a_failed_post_shows_its_fix_in_the_table(tmp_path):
    """The batch's errors say what to do, as the CLI does (cause, then `fix:`)."""
    post = tmp_path / "tiny.md"
    post.write_text("# Hi\n\nOk 3.\n")
    job = Job(slug="tiny", source=str(post), out=str(tmp_path / "tiny"),
                    options=BuildOptions(tts="piper"))
    result = run_job(job)
    assert result.status == "failed" and result.exit_code == 2
    assert result.cpu_seconds is not None and result.cpu_seconds >= 0   # every engine reports it
    text = batch.table([result])
    assert "tiny: could not tell the post's language" in text
    assert "fix: pass --lang" in text
    missing = batch.plan([str(tmp_path / "missing.md")], tmp_path / "out", BuildOptions())[1]
    assert "fix:" in batch.table(missing)


def test_batch_tags_episodes_with_the_feeds_show_settings(tmp_path, fake_engines):
    """`batch --config show.yaml`: the ID3 album is the feed's title (was: the
    podcast.yaml of the worker's folder, or the default "Podcast"); changing the
    show settings rebuilds (the album is in the MP3)."""
    from mutagen.id3 import ID3
    post = tmp_path / "ferry.md"
    post.write_text("# The Harbor Ferry\n\nThe harbor ferry restarted service in May. "
                    "It now carries 4,200 passengers a day.\n")
    show = tmp_path / "show.yaml"
    show.write_text("title: QA Show Title\n")
    out = tmp_path / "eps"
    options = BuildOptions(tts="fake", asr="fake", heal_rounds=1)
    code = batch.run_batch([str(post)], out, options, jobs=1, config=show)
    assert code == 0
    assert str(ID3(out / "ferry" / "episode.mp3").get("TALB")) == "QA Show Title"
    assert "<title>QA Show Title</title>" in (out / "feed.xml").read_text()
    manifest = batch.manifest_for(post, replace(options, config=str(show.resolve())))
    assert batch.is_current(out / "ferry", manifest)
    show.write_text("title: Renamed Show\n")
    assert not batch.is_current(out / "ferry", batch.manifest_for(post, replace(
        options, config=str(show.resolve()))))


def test_ray_workers_get_the_show_settings_and_their_artwork(tmp_path):
    """No shared filesystem: the show's podcast.yaml and the artwork file it names
    travel with each Ray task (they are read when the episode is tagged)."""
    from pipeline.batch import ray as ray_engine
    (tmp_path / "art").mkdir()
    from PIL import Image
    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(tmp_path / "art" / "cover.jpg", quality=70)
    show = tmp_path / "podcast.yaml"
    show.write_text("title: Far Show\nartwork: art/cover.jpg\n")
    files = ray_engine._show_inputs(str(show))
    assert files[".show/podcast.yaml"] == show.read_bytes()
    assert files[".show/art/cover.jpg"] == (tmp_path / "art" / "cover.jpg").read_bytes()
    assert ray_engine._show_inputs(None) == {}
    worker = tmp_path / "worker"
    ray_engine._unpack(worker, files)
    from pipeline.config.show import load_config
    assert load_config(worker / ".show" / "podcast.yaml").title == "Far Show"


def test_largest_posts_are_built_first(tmp_path):
    """The last build to finish is a short one: no worker waits long at the end."""
    jobs = []
    for name, words in (("short", 10), ("long", 300), ("middle", 60), ("gone", 0)):
        post = tmp_path / f"{name}.md"
        if words:
            post.write_text("word " * words)
        jobs.append(Job(name, str(post), str(tmp_path / name), {}))
    assert [j.slug for j in batch.largest_first(jobs)] == ["long", "middle", "short", "gone"]


def test_bench_reads_the_cpu_each_build_reports():
    """scripts/bench.py compares the engines' CPU from the batch's log lines."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    line = batch.result_line(Result("post-1", "verified", survival=1.0, seconds=61.25, cpu_seconds=43.71))
    assert bench.POST_LINE.findall(line) == ["43.7"]
    assert bench.POST_LINE.findall(batch.result_line(Result("x", "failed", seconds=1.0))) == []


def run_inline(jobs, n, on_result):
    """A batch engine in this process (the fake TTS engine is registered here only)."""
    results = []
    for job in jobs:
        result = run_job(job)
        on_result(result)
        results.append(result)
    return results


def test_an_unchanged_unverified_post_is_reported_again_not_rebuilt(tmp_path, isolated_cache, fake_engines,
                                                                    monkeypatch, capsys):
    """The same inputs give the same verdict (seeded voices: test_reproducible), so a
    second batch of the same posts rebuilds nothing, the unverified one included
    (reported again with its wrong number, exit 1), in well under 2 s;
    --retry-unverified builds it again. The fake ear mishears 350 as 360, every run."""
    monkeypatch.setitem(batch.ENGINES._factories, "inline", lambda: run_inline)
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "ferry.md").write_text("# The Harbor Ferry\n\nThe harbor ferry restarted service in May. "
                                    "It now carries 4,200 passengers a day.\n")
    (posts / "island.md").write_text("# The Island Trip\n\nThe boat to the island carries 350 people "
                                     "and costs 45 dollars.\n")
    out = tmp_path / "eps"
    opts = BuildOptions(tts="fake", asr="fake", asr_model="mishear:350=360", heal_rounds=0)

    def run(**kw):
        t0 = time.monotonic()
        code = batch.run_batch([str(posts)], out, opts, jobs=1, engine="inline", **kw)
        return code, time.monotonic() - t0, capsys.readouterr().out

    code, _, first = run()
    assert code == 1 and statuses(first) == {"ferry": "verified", "island": "unverified"}, first
    assert "not verified:" in first and "changed: '350' in point-1 at 6.0s (heard '360')" in first, first
    files = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    code, seconds, second = run()
    assert code == 1 and statuses(second) == {"ferry": "skipped", "island": "unverified"}, second
    assert "changed: '350' in point-1" in second and "--retry-unverified" in second, second
    assert next(ln for ln in second.splitlines() if ln.startswith("island ")).endswith("unchanged"), second
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == files   # nothing rebuilt
    assert seconds < 2.0 or overloaded(), f"a run with nothing new took {seconds:.2f} s"

    # what the verdict depends on changed: built again
    manifest = batch.fsio.read_json(out / "island" / MANIFEST)
    batch.fsio.write_json(out / "island" / MANIFEST, {**manifest, "engines": {"another": "piper"}})
    code, _, third = run()
    assert statuses(third) == {"ferry": "skipped", "island": "unverified"}
    assert "unchanged" not in third and (out / "island" / "verify.json").stat().st_mtime_ns != \
        files[out / "island" / "verify.json"]

    code, _, fourth = run(retry_unverified=True)      # asked for: built again
    assert code == 1 and statuses(fourth) == {"ferry": "skipped", "island": "unverified"}
    assert "unchanged" not in fourth, fourth
