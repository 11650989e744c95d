"""The conversation format's script: turns, the co-host's line bank, hosts and format
settings, the approval guard on edited turns (issue 25). No audio here: see
tests/test_conversation_audio.py."""

import shutil

import pytest
import yaml

from pipeline import numbers
from pipeline.condense import condense
from pipeline.condense.conversation import LINES, MAX_TURN_SENTENCES, LineBank, lead_key, split_turns, title_for_cohost
from pipeline.config.episode import load_settings
from pipeline.config.hosts import DEFAULT_HOSTS, hosts_of, parse_hosts, resolve_format
from pipeline.config.show import load_config
from pipeline.errors import EngineError, InputError
from pipeline.ingest import ingest
from pipeline.script import load_script, require_approved, segments
from pipeline.text import split_sentences
from pipeline.tts.voices import parse_voice

from .conftest import CORPUS_POSTS, ROOT, SEED_POST


def conversation_of(source, tmp_path, fmt="conversation", config=None):
    ingest(source, tmp_path / "post.json")
    return condense(tmp_path / "post.json", tmp_path / "script.yaml", fmt=fmt, config=config)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    return conversation_of(ROOT / "episodes" / "demo.md", d), d


# ------------------------------------------------------------------ the turn splitter

@pytest.mark.parametrize("lang, text", [
    ("en", "One is 1. Two is 2. Three is 3. Four is 4. Five is 5. Six is 6. Seven is 7."),
    ("fr", "Un vaut 1. Deux vaut 2,5 %. Trois vaut 3. Quatre vaut 4 millions d'euros. Cinq vaut 5."),
])
def test_split_turns_keeps_every_sentence_verbatim_and_at_most_three(lang, text):
    turns = split_turns(text, lang)
    assert " ".join(turns) == text
    assert all(1 <= len(split_sentences(t, lang)) <= MAX_TURN_SENTENCES for t in turns)
    sizes = [len(split_sentences(t, lang)) for t in turns]
    assert max(sizes) - min(sizes) <= 1          # as even as they can be


def test_split_turns_of_three_sentences_or_fewer_is_one_turn():
    assert split_turns("It rose 5%. It fell 2%.", "en") == ["It rose 5%. It fell 2%."]


# ------------------------------------------------------------------ the line bank

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_line_bank_never_repeats_a_line_and_holds_no_number(lang):
    bank = LineBank(lang, "seed")
    taken = [bank.take(key, "the title") for key in
             ["first", "heading", "figure", "contrast", "cause", "more", "more", "heading", "closing"] * 2]
    assert len(set(taken)) == len(taken)
    for key, lines in LINES[lang].items():
        assert lines and not any(numbers.extract(line, lang) for line in lines), key


@pytest.mark.parametrize("lang, chunk, key", [
    ("en", "However, only 18% are recycled.", "contrast"),
    ("en", "That is because batteries cost $40.", "cause"),
    ("en", "Trips rose from 300 to 412 million.", "figure"),
    ("en", "Safe lanes came first.", "more"),
    ("fr", "Mais seuls 18 % sont recyclés.", "contrast"),
    ("fr", "C'est parce que les batteries coûtent 40 euros.", "cause"),
    ("fr", "Les trajets sont en hausse de 38 %.", "figure"),
    ("fr", "Les pistes sûres arrivent en premier.", "more"),
])
def test_line_bank_is_keyed_to_what_comes_next(lang, chunk, key):
    assert lead_key(chunk, lang, "more") == key


def test_bank_runs_out_with_an_error_not_a_repeat():
    bank = LineBank("en", "x")
    total = sum(len(v) for v in LINES["en"].values())
    with pytest.raises(InputError, match="ran out"):
        for _ in range(total + 1):
            bank.take("more")


def test_cohost_says_a_title_only_when_its_numbers_are_in_the_lead_lines():
    assert title_for_cohost("What riders want", "They want lanes.", "en") == "what riders want"
    assert title_for_cohost("Vite 4.3 is faster", "Vite 4.3 is out.", "en") == "Vite 4.3 is faster"
    assert title_for_cohost("What to watch in 2026", "The fleet grows.", "en") is None
    assert title_for_cohost("For a decade, bike…", "For a decade.", "en") is None


# ------------------------------------------------------------------ the script

def test_demo_as_turns_alternates_and_keeps_the_points_verbatim(demo):
    script, _ = demo
    lead, co = (h["name"] for h in script["hosts"])
    assert script["format"] == "conversation"
    assert lead in script["intro"] and co in script["intro"]
    for p in script["points"]:
        speakers = [t["speaker"] for t in p["turns"]]
        assert speakers[0] == co and speakers[-1] == lead
        assert all(a != b for a, b in zip(speakers, speakers[1:])), speakers
        assert " ".join(t["text"] for t in p["turns"] if t["speaker"] == lead) == p["text"]
        assert all(len(split_sentences(t["text"], "en")) <= MAX_TURN_SENTENCES for t in p["turns"])
    cohost = [t["text"] for p in script["points"] for t in p["turns"] if t["speaker"] == co]
    assert len(set(cohost)) == len(cohost)


def test_segments_carry_speaker_voice_and_chapter(demo):
    script, _ = demo
    segs = segments(script)
    voices = {h["name"]: h["voice"] for h in script["hosts"]}
    assert [s["id"] for s in segs[:3]] == ["intro", "point-1", "point-1.2"]
    assert all(s["voice"] == voices[s["speaker"]] for s in segs)
    assert {s["chapter"] for s in segs} == {"intro", "outro"} | {f"point-{i}" for i in
                                                                 range(1, len(script["points"]) + 1)}


@pytest.mark.parametrize("source", CORPUS_POSTS + [ROOT / "episodes" / "demo.md"], ids=lambda p: p.name)
def test_cohost_brings_no_number_its_point_lead_lines_lack(source, tmp_path):
    """Property over the real corpus: every number a co-host says is one the lead says in that point."""
    script = conversation_of(source, tmp_path)
    lang = script["language"]
    lead, co = (h["name"] for h in script["hosts"])
    for p in script["points"]:
        lead_text = " ".join(t["text"] for t in p["turns"] if t["speaker"] == lead)
        for t in p["turns"]:
            if t["speaker"] == co:
                said = numbers.extract(t["text"], lang)
                assert all(numbers.trace(said, numbers.extract(lead_text, lang), lang)), t["text"]


def test_french_seed_as_turns_in_french_with_french_voices(tmp_path):
    script = conversation_of(SEED_POST, tmp_path)
    assert script["language"] == "fr"
    assert script["intro"].startswith("Bonjour, je suis Claire")
    assert [h["voice"] for h in script["hosts"]] == [h["voice"]["fr"] for h in DEFAULT_HOSTS]
    cohost = {t["text"] for p in script["points"] for t in p["turns"] if t["speaker"] == "Hugo"}
    french = {line.split("{")[0] for lines in LINES["fr"].values() for line in lines}
    assert all(any(c.startswith(f) for f in french) for c in cohost)


def test_guard_refuses_an_invented_number_in_an_edited_turn(demo, tmp_path):
    _, d = demo
    for name in ("post.json", "script.yaml"):
        shutil.copy(d / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / "script.yaml").read_text())
    data["points"][1]["turns"][0]["text"] = "Is it true that 97% of riders agree?"
    (tmp_path / "script.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(InputError, match="97%"):
        require_approved(tmp_path / "script.yaml")
    data["points"][1]["approved"] = ["97%"]
    (tmp_path / "script.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    require_approved(tmp_path / "script.yaml")


def test_a_turn_without_a_known_host_is_refused(demo, tmp_path):
    _, d = demo
    data = yaml.safe_load((d / "script.yaml").read_text())
    data["points"][0]["turns"][0]["speaker"] = "Nobody"
    (tmp_path / "script.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="without a host"):
        load_script(tmp_path / "script.yaml")


# ------------------------------------------------------------------ settings

def test_narration_is_unchanged_by_default(tmp_path):
    ingest(ROOT / "episodes" / "demo.md", tmp_path / "post.json")
    script = condense(tmp_path / "post.json", tmp_path / "script.yaml")
    assert "format" not in script and all("turns" not in p for p in script["points"])


def test_format_comes_from_flag_then_settings_then_show():
    assert resolve_format(None, None, None) == "narration"
    assert resolve_format(None, None, "conversation") == "conversation"
    assert resolve_format(None, "narration", "conversation") == "narration"
    assert resolve_format("conversation", "narration", None) == "conversation"
    with pytest.raises(InputError, match="dialogue"):
        resolve_format("dialogue", None, None)


def test_podcast_yaml_hosts_and_format(tmp_path):
    (tmp_path / "podcast.yaml").write_text(
        "format: conversation\nhosts:\n  - {name: Ana, voice: {en: 'kokoro:af_bella', fr: 'kokoro:ff_siwis'}}\n"
        "  - {name: Tom, voice: {en: 'kokoro:am_adam', fr: pico}}\n")
    cfg = load_config(tmp_path / "podcast.yaml")
    lead, co = hosts_of(cfg.hosts)
    assert cfg.format == "conversation" and (lead.name, co.name) == ("Ana", "Tom")
    assert co.voice("fr") == "pico" and lead.voice("en-US") == "kokoro:af_bella"
    with pytest.raises(InputError, match="no voice for language 'de'"):
        lead.voice("de")


@pytest.mark.parametrize("raw, match", [
    ([{"name": "A", "voice": {"en": "piper"}}], "two hosts"),
    ([{"name": "A", "voice": {"en": "piper"}}, {"name": "a", "voice": {"en": "pico"}}], "both hosts"),
    ([{"name": "A"}, {"name": "B", "voice": {"en": "pico"}}], "a name and a voice"),
])
def test_bad_hosts_are_refused_with_a_fix(raw, match):
    with pytest.raises(InputError, match=match):
        parse_hosts(raw, "podcast.yaml")


def test_episode_settings_format(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("# T\n\nText.\n")
    (tmp_path / "p.yaml").write_text("format: conversation\n")
    assert load_settings(post).format == "conversation"
    (tmp_path / "p.yaml").write_text("format: chat\n")
    with pytest.raises(InputError, match="chat"):
        load_settings(post)


def test_voice_specs():
    assert parse_voice("kokoro:ff_siwis*0.3+am_michael*0.7").name == "ff_siwis*0.3+am_michael*0.7"
    assert parse_voice("piper").name is None
    with pytest.raises(EngineError, match="one voice per language"):
        parse_voice("pico:fr-FR")
    with pytest.raises(EngineError, match="unknown TTS engine"):
        parse_voice("festival:kal")


# ------------------------------------------------------------------ audio helpers (no engine)

def tone(f0: float, seconds: float = 2.0, sr: int = 16000, second_harmonic: float = 0.9):
    import numpy as np
    t = np.arange(int(sr * seconds)) / sr
    return np.sin(2 * np.pi * f0 * t) + second_harmonic * np.sin(4 * np.pi * f0 * t)


@pytest.mark.parametrize("f0", [95.0, 120.0, 190.0, 230.0])
def test_median_pitch_finds_the_fundamental_not_its_octave(f0):
    from pipeline.audio.speakers import median_pitch
    assert median_pitch(tone(f0), 16000) == pytest.approx(f0, rel=0.01)


def test_median_pitch_of_silence_is_none():
    import numpy as np

    from pipeline.audio.speakers import median_pitch
    assert median_pitch(np.zeros(16000), 16000) is None


def test_turn_gaps_short_inside_a_point_long_between_points():
    from pipeline.audio.speakers import TURN_GAP_MS, turn_gaps
    segs = [{"chapter": c} for c in ("intro", "point-1", "point-1", "point-2", "outro")]
    gap, tails = turn_gaps(segs, 600)
    assert gap == TURN_GAP_MS and tails == [600 - gap, 0, 600 - gap, 600 - gap, 0]


def test_two_voices_of_different_crest_are_matched_after_the_compressor(tmp_path):
    """A smooth and a peaky signal at one input level leave the compressor and the limiter
    at different levels; level_matched trims each so that both reach MATCH_LUFS through
    the episode's gain and true-peak limiter."""
    import numpy as np

    from pipeline.audio.assemble import load_at_rate, load_dynamics
    from pipeline.audio.ffmpeg import SAMPLE_RATE
    from pipeline.audio.limiter import limit
    from pipeline.audio.loudness import integrated_lufs
    from pipeline.audio.pieces import ENCODE_MARGIN_DB
    from pipeline.audio.speakers import MATCH_LUFS, level_matched, speaker_loudness
    from pipeline.audio.wav import pcm16, write_wav
    rng = np.random.default_rng(1)
    smooth = 0.1 * tone(200, 4, 22050, 0.3)
    peaky = smooth * (1 + 3 * (rng.random(len(smooth)) > 0.995))
    out = []
    for name, x in (("smooth", smooth), ("peaky", peaky)):
        wav = write_wav(tmp_path / f"{name}.wav", pcm16(x), 22050)
        matched = level_matched(wav, 0)
        speech = load_dynamics(matched, load_at_rate(matched)).samples * 10 ** ((-16 - MATCH_LUFS) / 20)
        out.append(limit(speech, -1 - ENCODE_MARGIN_DB)[0][:, 0])
    levels = [integrated_lufs(x, SAMPLE_RATE) + 16 + MATCH_LUFS for x in out]
    assert levels == pytest.approx([MATCH_LUFS, MATCH_LUFS], abs=1.0)
    assert abs(levels[0] - levels[1]) <= 1.0
    joined = np.concatenate(out)
    spans = [("A", 0, len(out[0]) / SAMPLE_RATE), ("B", len(out[0]) / SAMPLE_RATE, len(joined) / SAMPLE_RATE)]
    heard = speaker_loudness(joined, spans, SAMPLE_RATE)
    assert abs(heard["A"] - heard["B"]) <= 1.0
