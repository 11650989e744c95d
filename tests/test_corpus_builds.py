"""Every real post of tests/corpus built as a user builds it: `pipeline build` at the
default length, offline (gTTS unreachable: French falls back to Kokoro, English to
piper), healed, heard back by Whisper base. Each one must verify and exit 0, and a
failure names the numbers it lost, so a regression in the reader, the voices or the
healing on real material shows as the figure it cost."""

import pytest

from .conftest import CORPUS, CORPUS_POSTS
from .test_french_offline import build_offline


def check_builds_and_verifies(name, tmp_path):
    r, report, timeline = build_offline(CORPUS / name, tmp_path / "ep")
    failing = [(n["text"], n["status"], n["heard"])
               for n in report["numbers"] if n["status"] in ("lost", "changed")]
    assert r.returncode == 0 and report["verified"], (failing, r.stderr[-3000:])
    assert timeline["tts_engine"] == ("kokoro" if report["language"] == "fr" else "piper")


def _one_class_per_post():
    """make test-long hands out tests by module, and by class inside one (--dist
    loadscope): a class per post lets the workers build the posts side by side."""
    for name in (p.name for p in CORPUS_POSTS):
        cls = type(f"TestCorpusPost_{name.replace('.', '_').replace('-', '_')}", (), {
            "test_builds_offline_and_verifies": staticmethod(
                lambda tmp_path, name=name: check_builds_and_verifies(name, tmp_path)),
        })
        globals()[cls.__name__] = pytest.mark.long(cls)


_one_class_per_post()
