"""Two hosts in two accents of gTTS (`gtts:co.uk`), against the stub on 127.0.0.1: the spec,
the default hosts when gTTS is the engine, the cache identity, and the offline fallback."""

import re

import pytest
import yaml

from pipeline.condense import condense
from pipeline.config.hosts import DEFAULT_HOSTS, hosts_of, parse_hosts
from pipeline.errors import EngineError, InputError
from pipeline.ingest import ingest
from pipeline.synthesize import synthesize
from pipeline.tts.gtts_engine import ACCENTS, GttsEngine
from pipeline.tts.speech import cache_key
from pipeline.tts.voices import parse_voice, voice_engine

from .conftest import SEED_POST
from .gtts_stub import GttsStub, free_closed_port

POST = """# Bikes in numbers

## Riders

Riders took 4,200 trips in March. That was 35% more than in February.

## Money

The city paid $1.2 million for the docks in 2024. Each dock cost $3,000 to install.
"""


def conversation(tmp_path, source=None, engine="gtts"):
    """The real ingest and condense of a post as a conversation spoken by `engine`."""
    if source is None:
        source = tmp_path / "bikes.md"
        source.write_text(POST, encoding="utf-8")
    ingest(source, tmp_path / "post.json")
    return condense(tmp_path / "post.json", tmp_path / "script.yaml", engine=engine, fmt="conversation")


# ------------------------------------------------------------------ the voice spec

@pytest.mark.parametrize("spec, lang, tld", [("gtts:co.uk", "en", "co.uk"), ("gtts:com.au", "en-AU", "com.au"),
                                             ("gtts:ca", "fr", "ca"), ("gtts:fr", "fr", "fr")])
def test_a_gtts_voice_is_gtts_in_that_accent(spec, lang, tld):
    assert parse_voice(spec).name == tld
    engine = voice_engine(spec, lang)
    assert isinstance(engine, GttsEngine) and engine.tld == tld


@pytest.mark.parametrize("spec", ["gtts:evil.example", "gtts:co.uk/x?", "gtts:de"])
def test_an_unknown_accent_is_refused_listing_the_known_ones(spec):
    with pytest.raises(EngineError, match=r"co\.uk.*com\.au") as e:
        parse_voice(spec)
    assert e.value.fix and "gtts:" in e.value.fix


def test_an_accent_of_another_language_is_refused_listing_the_language_accents():
    with pytest.raises(EngineError, match=r"accents for 'fr': fr, ca\n"):
        voice_engine("gtts:co.uk", "fr")
    with pytest.raises(EngineError, match="not one of"):
        GttsEngine(tld="example.org")        # the engine itself never puts an unknown host in a URL


def test_podcast_yaml_with_an_unknown_accent_is_refused_when_read():
    raw = [{"name": "Ana", "voice": {"en": "gtts:com"}}, {"name": "Tom", "voice": {"fr": "gtts:co.za"}}]
    with pytest.raises(InputError, match=r"host 2, fr: gtts accent 'co.za'.*fr, ca"):
        parse_hosts(raw, "podcast.yaml")
    assert parse_hosts([raw[0], {"name": "Tom", "voice": {"en": "gtts:co.za"}}], "podcast.yaml")


def test_two_accents_never_share_cached_audio():
    com, uk = voice_engine("gtts:com", "en"), voice_engine("gtts:co.uk", "en")
    assert com.voice_id("en") != uk.voice_id("en")
    assert "tld=co.uk" in uk.voice_id("en")
    keys = {cache_key(e.name, e.voice_id("en"), "en", 1.0, "Riders took 4,200 trips.") for e in (com, uk)}
    assert len(keys) == 2


# ------------------------------------------------------------------ the default hosts

def test_gtts_hosts_are_two_accents_with_the_offline_pair_behind_them():
    lead, co = hosts_of(None, "gtts")
    assert (lead.voice("en"), co.voice("en")) == ("gtts:com", "gtts:co.uk")
    assert (lead.voice("fr"), co.voice("fr")) == ("gtts:fr", "gtts:ca")
    for lang in ("en", "fr"):
        assert {lead.voice(lang).split(":")[1], co.voice(lang).split(":")[1]} <= set(ACCENTS[lang])
        assert [lead.offline_voice(lang), co.offline_voice(lang)] == [h["voice"][lang] for h in DEFAULT_HOSTS]
    # another engine, or no engine named: the offline pair, with nothing to fall back to
    for engine in ("kokoro", "piper", None):
        hosts = hosts_of(None, engine)
        assert [h.voice("en") for h in hosts] == [h["voice"]["en"] for h in DEFAULT_HOSTS]
        assert all(h.offline_voice("en") is None for h in hosts)


def test_hosts_named_in_podcast_yaml_win_over_the_gtts_defaults():
    named = [{"name": "Ana", "voice": {"en": "kokoro:af_bella"}}, {"name": "Tom", "voice": {"en": "gtts:ie"}}]
    ana, tom = hosts_of(named, "gtts")
    assert (ana.voice("en"), tom.voice("en")) == ("kokoro:af_bella", "gtts:ie")
    assert ana.offline_voice("en") is None and tom.offline_voice("en") == "piper"


def test_condense_for_gtts_writes_two_accents_and_their_offline_voices(tmp_path):
    script = conversation(tmp_path)
    assert script["hosts"] == [{"name": "Claire", "voice": "gtts:com", "offline": "kokoro:af_heart"},
                               {"name": "Hugo", "voice": "gtts:co.uk", "offline": "piper"}]
    on_disk = yaml.safe_load((tmp_path / "script.yaml").read_text(encoding="utf-8"))
    assert on_disk["hosts"] == script["hosts"]


def test_french_seed_for_gtts_is_spoken_in_two_french_accents(tmp_path):
    script = conversation(tmp_path, SEED_POST)
    assert [(h["voice"], h["offline"]) for h in script["hosts"]] == [
        ("gtts:fr", DEFAULT_HOSTS[0]["voice"]["fr"]), ("gtts:ca", DEFAULT_HOSTS[1]["voice"]["fr"])]


# ------------------------------------------------------------------ synthesis through the stub

def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_the_two_hosts_are_requested_in_two_accents(tmp_path, isolated_cache, gtts_env, stub_mp3):
    script = conversation(tmp_path)
    events: list[str] = []
    with GttsStub(stub_mp3) as stub:
        gtts_env.setenv("PIPELINE_GTTS_URL", stub.url)
        tl = synthesize(tmp_path / "script.yaml", tmp_path / "ep", engine="gtts", on_event=events.append)
    assert not events and tl["fallback_reason"] is None
    accent = {"Claire": "com", "Hugo": "co.uk"}
    said = {"com": [], "co.uk": []}
    for s in tl["segments"]:
        assert s["engine"] == "gtts" and s["voice"] == f"gtts:{accent[s['speaker']]}"
        said[accent[s["speaker"]]].append(_words(s["spoken"]))
    assert all(said.values()) and sum(len(v) for v in said.values()) == len(tl["segments"])
    assert {r["tld"] for r in stub.requests} == {"com", "co.uk"}
    for r in stub.requests:           # every piece of text was asked in its own host's accent
        assert r["lang"] == "en" and r["status"] == 200
        assert any(_words(r["text"]) in spoken for spoken in said[r["tld"]]), r
    assert len(script["points"]) >= 1


def test_gtts_unreachable_each_host_falls_back_to_their_own_offline_voice(tmp_path, isolated_cache, gtts_env):
    """The mechanism, with two cheap offline voices as the hosts' `offline:`; the default
    pair (kokoro:af_heart and piper, as without gTTS) is what condense writes (above)."""
    conversation(tmp_path)
    path = tmp_path / "script.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["hosts"][0]["offline"], data["hosts"][1]["offline"] = "espeak", "pico"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    gtts_env.setenv("PIPELINE_GTTS_URL", f"http://127.0.0.1:{free_closed_port()}")
    events: list[str] = []
    tl = synthesize(path, tmp_path / "ep", engine="gtts", on_event=events.append)
    assert {(s["speaker"], s["voice"], s["engine"]) for s in tl["segments"]} == {
        ("Claire", "espeak", "espeak"), ("Hugo", "pico", "pico")}
    assert "refused" in tl["fallback_reason"]
    # the network is out for every accent: said once, not once per voice or segment
    assert len(events) == 1 and events[0].startswith("gtts unavailable"), events
