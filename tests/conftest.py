import collections
import logging
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Test vectors and the seed post, vendored from the team's shared folder (tests/data/README.md)
DATA = Path(__file__).resolve().parent / "data"
SEED_POST = DATA / "seeds" / "000_c900842c1d920d5a.txt"
# Real public posts, committed unchanged (corpus/expected.yaml: sources, licences, expectations)
CORPUS = Path(__file__).resolve().parent / "corpus"
CORPUS_POSTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".html") and p.name != "SOURCES.md")

# A pytest-xdist worker is one of more workers than cores (make test): the builds it runs get
# a batch worker's thread budget, one (pipeline.threads), as `make all` gives each of its
# workers. Two threads per build beside two other busy workers cost CPU and save no time.
# The tests of the two-thread path set PIPELINE_THREADS themselves; so may a person.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("PIPELINE_THREADS", "1")


def pytest_itemcollected(item):
    """A long test is slow too (make test-fast leaves both out); marked here, before
    -m deselects anything."""
    if item.get_closest_marker("long") and not item.get_closest_marker("slow"):
        item.add_marker(pytest.mark.slow)


def pytest_collection_modifyitems(items):
    """Modules with real-engine tests (slow) first, so their long builds start while the
    quick modules wait to fill the cores at the end (the larger first), instead of one
    long build running alone last. make test hands out whole modules (--dist loadscope
    --no-loadscope-reorder): a module's tests share its fixtures (a conversation built
    once, a clip heard once), which a second worker would make again."""
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    size = collections.Counter(item.module.__name__ for item in items)
    items.sort(key=lambda item: (item.module.__name__ not in slow,
                                 0 if item.module.__name__ in slow else -size[item.module.__name__]))


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Tests may use loopback only: any other connection attempt is a bug."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            raise OSError(f"test tried to reach {host!r}: only loopback is allowed in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory):
    """One content-keyed TTS/transcript cache for the whole run, cold at its start.

    Keys are content hashes (text, voice, rate; audio bytes, model, settings), so a
    test that builds what another test built reuses the same audio instead of making
    it again, and nothing from a developer's .cache/ or an earlier run is reused.
    Subprocesses (`python -m pipeline ...`, batch workers) inherit the variable.
    Under pytest-xdist (`make test` runs two workers) the workers share one cache in
    the run's own temporary folder: entries are written atomically under content
    keys, so two workers making the same entry at once both write the same bytes.
    """
    import pipeline.paths as paths

    if os.environ.get("PYTEST_XDIST_WORKER"):
        cache = tmp_path_factory.getbasetemp().parent / "session-cache"
        cache.mkdir(exist_ok=True)
    else:
        cache = tmp_path_factory.mktemp("session-cache")
    saved = os.environ.get("PIPELINE_CACHE_DIR"), paths.CACHE_DIR
    os.environ["PIPELINE_CACHE_DIR"] = str(cache)
    paths.CACHE_DIR = cache
    yield cache
    if saved[0] is None:
        os.environ.pop("PIPELINE_CACHE_DIR", None)
    else:
        os.environ["PIPELINE_CACHE_DIR"] = saved[0]
    paths.CACHE_DIR = saved[1]


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """A private TTS/transcript cache, for the tests that count what is made or
    reused (the session cache would hold other tests' entries)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(cache))
    import pipeline.paths as paths
    monkeypatch.setattr(paths, "CACHE_DIR", cache)
    return cache


@pytest.fixture(scope="session")
def stub_mp3(tmp_path_factory) -> bytes:
    """A real short MP3 for the gTTS stub to answer with (tests/gtts_stub.py)."""
    from .gtts_stub import make_mp3

    return make_mp3(tmp_path_factory.mktemp("stub") / "hello.mp3").read_bytes()


@pytest.fixture
def gtts_env(monkeypatch):
    """Fast, deterministic gTTS settings; the URL is set by each test."""
    monkeypatch.setenv("PIPELINE_GTTS_TIMEOUT", "1")
    monkeypatch.setenv("PIPELINE_GTTS_RETRIES", "2")
    monkeypatch.setenv("PIPELINE_GTTS_BACKOFF", "0")
    return monkeypatch


@pytest.fixture
def fake_engines(monkeypatch):
    """The fake TTS and ear (tests/fakes.py) as "fake" in the real registries, here and
    in every process the test starts (PIPELINE_PLUGINS; the CLI runs with cwd=ROOT,
    batch workers get the parent's sys.path, Ray workers PYTHONPATH=ROOT)."""
    from pipeline.asr import REGISTRY as ASR_REGISTRY
    from pipeline.tts import REGISTRY as TTS_REGISTRY

    saved = {registry: dict(registry._factories) for registry in (TTS_REGISTRY, ASR_REGISTRY)}
    from . import fakes  # registers them the first time (as a plugin does), not again

    fakes.register()
    monkeypatch.setenv("PIPELINE_PLUGINS", "tests.fakes")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    yield fakes
    for registry, factories in saved.items():   # the other tests see the real engines only
        registry._factories.clear()
        registry._factories.update(factories)


@pytest.fixture(scope="session")
def mp3(tmp_path_factory):
    """A real 3-second MP3 (sine), made with the ffmpeg from imageio-ffmpeg."""
    from pipeline.audio.ffmpeg import run_ffmpeg

    out = tmp_path_factory.mktemp("audio") / "sine.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-b:a", "64k", str(out)],
               "cannot make the test MP3")
    return out


def seal(ep: Path) -> Path:
    """Bind a hand-made episode (the sample fixture) to its files as verify would.

    For publishing tests, whose verify.json is written by hand: the timeline and
    transcript are declared to describe the episode's MP3, and verify.json records
    the hashes of the files as they are now (so the episode is not stale).
    """
    import json

    from pipeline.episode import Episode
    from pipeline.fsio import sha256_file
    from pipeline.verify import input_hashes

    sha = sha256_file(ep / "episode.mp3")
    for name in ("timeline.json", "transcript.json"):
        data = json.loads((ep / name).read_text())
        data["audio_sha256"] = sha
        (ep / name).write_text(json.dumps(data))
    report = json.loads((ep / "verify.json").read_text())
    report["inputs"] = input_hashes(Episode(ep))
    (ep / "verify.json").write_text(json.dumps(report))
    return ep


@pytest.fixture(autouse=True)
def restore_logging():
    """cli.main configures the process's logging (pipeline.progress): put it back, so
    a test's warnings reach caplog whatever ran before it."""
    from pipeline import progress
    root = logging.getLogger(progress.LOGGER)
    saved = (root.handlers[:], root.level, root.propagate, progress.mode())
    yield
    root.handlers[:], root.level, root.propagate = saved[:3]
    progress._state["mode"] = saved[3]
    progress.clear_timings()
