"""Stage 3, synthesize: script.yaml -> episode.mp3 + timeline.json.

Each segment (intro, point-1..N, outro) is spoken by the first engine of
`fallback_chain(engine, language)` that works, cached by content under
CACHE_DIR/tts/, then mastered into one MP3: each segment as its own piece of
MP3 frames as soon as it is spoken (pipeline.audio.pieces; `on_piece` gets
them), the pieces joined; or, with music beds or when the joined pieces miss
the loudness tolerances, the whole episode at once (pipeline.audio.master). The
timeline records where each segment sits in the episode (verify maps Whisper's
words back to segments with it), which engine spoke it, and why a fallback
happened.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import cast

from . import cputime, paths, progress, turns
from . import script as script_model
from .audio.mastering import SAMPLE_RATE, Mastering
from .condense import rate as speaking_rate
from .config.episode import EpisodeSettings
from .config.show import ShowConfig
from .contracts import Chapter, Script, TimedSegment, Timeline
from .episode import AUDIO, TIMELINE
from .errors import EngineError, EngineUnavailable, InputError, UnsupportedLanguage
from .fsio import json_digest, read_json, sha256_file, write_json
from .tts import TtsEngine, fallback_chain, get_engine, offline_preference, wav_ok
from .tts.ahead import SpeakAhead
from .tts.sentences import plan_key, speak_sentences
from .tts.speech import cache_key, override_rate, seed_kwargs, spoken_text

Event = Callable[[str], None]
# Bump when mastering changes: the next build assembles every episode again.
ASSEMBLY_FORMAT = 2


log = logging.getLogger(__name__)


def log_event(msg: str) -> None:
    log.warning(msg)     # the events are fallbacks: the episode is not spoken as asked


# Engines whose fallback this process has logged: heal synthesizes the episode again
# each round (8 by default), and each round finds the same engine unavailable.
_FALLBACKS_LOGGED: set[str] = set()


def load_script(path: Path) -> Script:
    """script.yaml checked by the condense stage's own reader (one format, one set of rules):
    the on-disk route, for a script given by its path."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"script not found: {path}", "run the condense stage first")
    return spoken_script(script_model.load_script(path))


def spoken_script(script: Script) -> Script:
    """The script with its language as the engines are asked for it ("EN " -> "en");
    a copy: the caller's (an Episode's, read once) stays as read."""
    return {**script, "language": str(script.get("language") or "").strip().lower()}


def script_segments(script: Script) -> list[dict]:
    """Spoken segments in order (pipeline.script.segments): id, title, text."""
    return [{**s, "text": str(s["text"]).strip()} for s in script_model.segments(script)]


file_sha256 = sha256_file


@functools.cache
def _piper_with(voices: tuple) -> TtsEngine:
    from .tts.piper_engine import PiperEngine

    return PiperEngine(voices=dict(voices))


def _engines(settings: EpisodeSettings, lang: str = "en") -> Callable[[str], TtsEngine]:
    """Engine getter honouring settings.piper_voice ({lang: voice.onnx}) and a host's
    voice ("kokoro:am_michael": that voice of the engine, in `lang`)."""
    voices = tuple(sorted((str(k).lower(), str(v)) for k, v in (settings.piper_voice or {}).items()))

    def get(name: str) -> TtsEngine:
        if ":" in name:         # a host's named voice (pipeline.tts.voices)
            from .tts.voices import voice_engine
            return voice_engine(name, lang)
        if name == "piper" and voices:
            return _piper_with(voices)
        return get_engine(name)

    return get


def _chain(engine: str, lang: str, get: Callable[[str], TtsEngine]) -> list[str]:
    """tts.fallback_chain, with the episode's own piper voices."""
    chain = fallback_chain(engine, lang)  # unknown engine -> EngineError listing names
    if "piper" in chain or get("piper") is get_engine("piper"):
        return chain
    out = []
    for name in (engine, *offline_preference(lang)):
        if name not in out and (name in chain or (name == "piper" and get(name).supports(lang))):
            out.append(name)
    return out


def last_timeline(out_dir: Path) -> dict | None:
    """The timeline.json of the last synthesis in `out_dir` (read once per synthesis)."""
    try:
        old = read_json(out_dir / TIMELINE)
    except (OSError, ValueError):
        return None
    return old if isinstance(old, dict) else None


def mastering_hint(old: dict | None, mastering: dict) -> dict | None:
    """The gain and encoder margin that worked last time, when mastered the same way.

    After an edit the episode is almost the same audio, so starting from them
    usually needs one limiter pass and one encode instead of several."""
    if old is None or old.get("mastering") != mastering:
        return None
    loud = old.get("loudness") or {}
    return loud if {"gain_db", "encoder_margin_db", "aim_lufs"} <= loud.keys() else None


def _previous(old: dict | None, out_dir: Path, key: str, audio_keys: list[str]) -> dict | None:
    """The timeline of the last assembly when its inputs were the same and its MP3 is intact
    (and the timeline itself too: one segment per piece of speech assembled)."""
    if old is None:
        return None
    try:
        if old.get("assembly_key") != key or not old.get("audio_sha256"):
            return None
        if [s.get("audio_key") for s in old["segments"]] != audio_keys:
            return None
        if file_sha256(out_dir / AUDIO) != old["audio_sha256"]:
            return None
        return old
    except (OSError, ValueError, AttributeError):
        return None


def synthesize(
    script_path: Path,
    out_dir: Path,
    engine: str = "gtts",
    pause_ms: int | None = None,
    on_event: Event = log_event,
    rate: float | None = None,
    cache_dir: Path | None = None,
    settings: EpisodeSettings | None = None,
    *,
    config_path: Path | ShowConfig | None = None,
    overrides: dict[str, dict] | None = None,
    on_piece: Callable | None = None,
    script: Script | None = None,
    spare_core: Callable[[], AbstractContextManager] | None = None,
) -> Timeline:
    """script.yaml -> out_dir/episode.mp3 + out_dir/timeline.json; returns the timeline.

    `settings` (default EpisodeSettings()) gives the pause, rate, bitrate,
    channels, loudness target, true-peak ceiling, music beds, cover and piper
    voices; `pause_ms` / `rate`, when given, override the settings' values.
    Tags: pipeline.audio.tags (post.json beside the script, podcast.yaml at `config_path`
    or the show config parsed, default pipeline.config.show.find_config). When neither the
    segments' audio nor the settings and tags changed, the MP3 is not assembled again
    (the same bytes: the transcript cache still hits). `overrides`
    (pipeline.heal): {segment id: {"spell": "all", "rate": r, "engine": name,
    "reword": true, "take": n}}, each key optional, applied to that segment only.
    `on_piece(index, piece)`: called with each segment's finished MP3 piece (pipeline.audio.pieces)
    as soon as it is mastered, while the next ones are spoken (pipeline.overlap hears it then).
    `script`: the script a build read already (`script_path` then only names it in messages).
    `spare_core()`: holds a core token the hearing does not need yet (pipeline.overlap): with it
    a second thread speaks ahead until the episode gain is fixed (pipeline.tts.ahead).
    """
    # this thread's CPU less the engines' (accounted inside): mastering, encodes, bookkeeping
    with cputime.account(cputime.MASTERING):
        return _synthesize(Path(script_path), Path(out_dir), engine, pause_ms, on_event, rate, cache_dir,
                           settings, config_path, overrides, on_piece, script, spare_core)


def _synthesize(script_path: Path, out_dir: Path, engine: str, pause_ms: int | None, on_event: Event,
                rate: float | None, cache_dir: Path | None, settings: EpisodeSettings | None,
                config_path: Path | ShowConfig | None, overrides: dict[str, dict] | None,
                on_piece: Callable | None, script: Script | None,
                spare_core: Callable[[], AbstractContextManager] | None = None) -> Timeline:
    settings = settings or EpisodeSettings()   # numpy/ffmpeg are imported only once there is work
    mastering = Mastering.of(settings, pause_ms)     # impossible audio settings: fail before any speech
    rate = settings.rate if rate is None else rate
    script = spoken_script(script) if script is not None else load_script(Path(script_path))
    segs, tails, mastering = _segments(script, Path(script_path), mastering)
    voices = _Voices(engine, script["language"], settings, cache_dir, on_event)
    out_dir = Path(out_dir)
    from .audio.tags import episode_tags

    tags = episode_tags(script, out_dir, settings, config_path)   # bad podcast.yaml: fail before work
    last, hint, maker = _before_speaking(mastering, out_dir, cache_dir, on_piece)
    bar = progress.current()
    bar.add_total(len(segs))
    rows, wavs = _speak_all(segs, voices, overrides or {}, rate, maker, bar,
                            [(tail, settings.loudness_lufs, settings.true_peak_db) for tail in tails],
                            _ahead(segs, voices, overrides or {}, rate, maker, spare_core))
    inputs = _assembly_inputs(rows, mastering, tags, settings)
    key = json_digest(inputs)
    old = _previous(last, out_dir, key, inputs["segments"])
    if old is not None:
        bar.note("episode.mp3 up to date")
        result = _old_result(old)
    else:
        bar.status("mastering and encoding episode.mp3")
        result = _assemble(wavs, rows, voices.lang, settings, mastering, tags, out_dir, maker, on_event, hint)
    piece_rows = _piece_rows(result.pieces, out_dir) if old is None else old.get("pieces")
    timeline = _timeline(voices, rows, rate, mastering.pause_ms, result, inputs, key, old is None, out_dir)
    timeline["pieces"] = piece_rows
    if old is None and any(r.get("speaker") for r in rows):
        _add_speaker_loudness(timeline, out_dir)
    return _written(timeline, out_dir, bar)


def _add_speaker_loudness(timeline: Timeline, out_dir: Path) -> None:
    """A conversation's timeline says each host's integrated loudness (within 1 LU of each other)."""
    from .audio.speakers import episode_speaker_loudness
    timeline["loudness"]["speakers"] = episode_speaker_loudness(out_dir / AUDIO, timeline["segments"])


def _segments(script: Script, script_path: Path, mastering: Mastering) -> tuple[list, list[int], Mastering]:
    """The segments to speak, the silence after each, and the mastering with the pause
    between two segments: a conversation has a short gap between turns, and the
    episode's pause after the last turn of a point."""
    segs = script_segments(script)
    if not segs:
        raise InputError(f"{script_path} has nothing to say: every text is empty")
    if not turns.is_conversation(script):
        return segs, [0] * len(segs), mastering
    from .audio.speakers import turn_gaps
    gap, tails = turn_gaps(segs, mastering.pause_ms)
    return segs, tails, replace(mastering, pause_ms=gap)


def _written(timeline: Timeline, out_dir: Path, bar: progress.Stage) -> Timeline:
    """timeline.json written, and the stage's line saying what was made."""
    write_json(out_dir / TIMELINE, timeline)
    try:
        speaking_rate.learn(timeline)     # the next script of this voice is sized by it
    except OSError as e:                  # a read-only cache must not fail the episode
        log.debug("speaking rate not recorded: %s", e)
    loud = timeline["loudness"]
    bar.note(f"{timeline['resynthesized']} new, episode {timeline['duration']:.1f} s ({timeline['tts_engine']}), "
             f"{loud.get('integrated_lufs')} LUFS, {loud.get('true_peak_dbtp')} dBTP")
    return timeline


def _before_speaking(mastering: Mastering, out_dir: Path, cache_dir: Path | None, on_piece: Callable | None):
    """The last synthesis' timeline (read once), the mastering hint it gives, and the
    piece maker started from that hint."""
    from .audio.assemble import mastering_key

    last = last_timeline(out_dir)
    hint = mastering_hint(last, mastering_key(mastering))
    return last, hint, _piece_maker(mastering, hint, cache_dir, on_piece)


def _ahead(segs: list[dict], voices: _Voices, overrides: dict, rate: float, maker,
           spare_core: Callable[[], AbstractContextManager] | None) -> SpeakAhead | None:
    """A second speaker for the head (pipeline.tts.ahead), when there is a spare core, a
    head (pieces wait for the gain) and an engine that speaks from two threads."""
    if spare_core is None or maker is None or maker.gain is not None:
        return None
    if not getattr(voices.get(voices.chain[0]), "concurrent", False):
        return None

    def speakable(j: int) -> bool:
        return not overrides.get(segs[j]["id"]) and not segs[j].get("voice")

    def speak(j: int) -> tuple[dict, Path]:
        with cputime.account(cputime.MASTERING):     # as the synthesis thread's own CPU is
            return voices.speak(segs[j], overrides.get(segs[j]["id"]) or {}, rate)

    return SpeakAhead(len(segs), speak, speakable, lambda: maker.gain is None, spare_core)


def _speak_all(segs: list[dict], voices: _Voices, overrides: dict, rate: float, maker,
               bar: progress.Stage, tails: list[tuple[int, float, float]],
               ahead: SpeakAhead | None = None) -> tuple[list[dict], list[Path]]:
    """Every segment spoken, in order (the head on two threads with `ahead`); each handed
    to the PieceMaker as soon as it is (its piece can then be transcribed while the next
    one is spoken). A host's turn is level-matched first (pipeline.audio.speakers.level_matched:
    `tails` gives its silence after it, and the episode's loudness and ceiling)."""
    rows: list[dict] = []
    wavs: list[Path] = []
    try:
        for i, (seg, tail) in enumerate(zip(segs, tails)):
            bar.status(seg["id"])
            row, wav = ahead.take(i) if ahead else voices.speak(seg, overrides.get(seg["id"]) or {}, rate)
            _keep(seg, row, wav, tail, rows, wavs, maker)
            bar.advance()
    finally:
        if ahead:
            ahead.stop()
    return rows, wavs


def _keep(seg: dict, row: dict, wav: Path, tail: tuple[int, float, float], rows: list[dict],
          wavs: list[Path], maker) -> None:
    """One spoken segment into the episode, in order (a host's turn level-matched first)."""
    if seg.get("speaker"):
        from .audio.speakers import level_matched, matched_key
        wav = level_matched(wav, *tail)
        row["audio_key"] = matched_key(wav)     # what the episode holds: the piece cache's key
    rows.append(row)
    wavs.append(wav)
    if maker is not None:
        maker.add(wav, row["audio_key"])


class _Voices:
    """The engines of one episode: each segment spoken by the first of the chain that
    works, an engine that failed never retried this run (and why, for the timeline)."""

    def __init__(self, engine: str, lang: str, settings: EpisodeSettings, cache_dir: Path | None,
                 on_event: Event):
        self.requested, self.lang, self.on_event = engine, lang, on_event
        self.get = _engines(settings, lang)
        self.chain = _chain(engine, lang, self.get)
        if not self.chain:
            raise UnsupportedLanguage(
                f"no speech engine here speaks {lang!r}", "use a language espeak-ng knows, e.g. en or fr"
            )
        self.cache = Path(cache_dir) if cache_dir else Path(paths.CACHE_DIR) / "tts"
        self.dead: dict[str, str] = {}  # engine -> why it can't run
        # online engines found unreachable: none of their voices (gtts:co.uk) is tried again
        self.unreachable: set[str] = set()
        self.fallback_reason = None
        if self.chain[0] != engine:
            self.dead[engine] = self.fallback_reason = f"{engine} has no voice for {lang!r}"
            self.fell_back(engine, f"{self.fallback_reason}; falling back to {self.chain[0]}")

    def fell_back(self, engine: str, msg: str) -> None:
        """Report that `engine` could not speak: to a caller's own on_event every time, to
        the log once per process and engine (later runs say it at debug level only)."""
        if self.on_event is log_event:
            if engine in _FALLBACKS_LOGGED:
                log.debug(msg)
                return
            _FALLBACKS_LOGGED.add(engine)
        self.on_event(msg)

    def speak(self, seg: dict, ov: dict, rate: float) -> tuple[dict, Path]:
        """One segment -> (its timeline row, its WAV in the cache)."""
        seg_rate = override_rate(ov, rate)
        seg_chain = self.chain
        if ov.get("engine") and ov["engine"] in _chain(ov["engine"], self.lang, self.get):
            seg_chain = [ov["engine"], *[c for c in self.chain if c != ov["engine"]]]
        if seg.get("voice"):        # a host speaks in their own voice (the chain only if it cannot)
            own = [seg["voice"], *([seg["offline"]] if seg.get("offline") else [])]
            seg_chain = [*own, *[c for c in self.chain if c not in own]]
        for name in seg_chain:
            if name in self.dead or self.get(name).name in self.unreachable:
                continue
            spoken = spoken_text(seg["text"], self.get(name).name, self.lang, self.on_event,
                                 spell=ov.get("spell"), reword=ov.get("reword") or False)
            got = self._try(name, spoken, seg_rate, seg, ov, seg_chain)
            if got is not None:
                break
        else:
            raise EngineUnavailable(
                f"no speech engine could speak {self.lang!r}: " + "; ".join(self.dead.values()),
                "connect to the network for gtts, or check the offline voices (make setup)",
            )
        wav, hit = got
        # audio_key: identity of this segment's raw speech (pipeline.transcribe reuses
        # the words heard in it while it stays the same)
        row = {"id": seg["id"], "title": seg["title"], "text": seg["text"], "spoken": spoken,
               "engine": self.get(name).name, "cache_hit": hit, "audio_key": file_sha256(wav)}
        if seg.get("speaker"):
            row.update(speaker=seg["speaker"], voice=name, chapter=seg["chapter"])
        if ov:
            kept = ("strategy", "spell", "rate", "engine", "reword", "take", "sentences")
            row["override"] = {k: ov[k] for k in kept if k in ov}
        return row, wav

    def _try(self, name: str, spoken: str, rate: float, seg: dict, ov: dict, chain: list[str]):
        """(wav, cache hit) from engine `name`, or None when it is unavailable (noted in `dead`)."""
        eng = self.get(name)
        key = cache_key(eng.name, eng.voice_id(self.lang), self.lang, rate, spoken + plan_key(ov))
        wav = self.cache / f"{key}.wav"
        if wav_ok(wav):
            return wav, True
        try:
            with cputime.account(cputime.TTS):
                if ov.get("sentences"):   # heal: some sentences spoken their own way
                    speak_sentences(seg["text"], name, self.lang, wav, rate, ov, self.get, self.cache)
                else:   # a seeded engine: the same key, the same audio (heal's takes: the next seeds)
                    eng.synthesize(spoken, self.lang, wav, rate=rate, **seed_kwargs(eng, key, ov.get("take") or 0))
        except EngineUnavailable as e:
            reason = e.cause if e.cause.startswith((name, eng.name)) else f"{name} unavailable: {e.cause}"
            self.dead[name] = reason
            if not eng.offline:
                self.unreachable.add(eng.name)
            self.fallback_reason = self.fallback_reason or reason
            nxt = next((c for c in chain if c not in self.dead and self.get(c).name not in self.unreachable), None)
            self.fell_back(name, f"{reason}; falling back to {nxt}" if nxt else reason)
            return None
        if not wav_ok(wav):
            raise EngineError(f"{name} wrote no usable audio for segment {seg['id']}")
        return wav, False

    def most_used(self, rows: list[dict]) -> tuple[str, Counter]:
        counts = Counter(r["engine"] for r in rows)
        # ties go to the engine earlier in the chain
        chain = self.chain
        return max(counts, key=lambda n: (counts[n], -(chain.index(n) if n in chain else len(chain)))), counts


def _assembly_inputs(rows: list[dict], mastering: Mastering, tags: dict, settings: EpisodeSettings) -> dict:
    """Everything the MP3's bytes depend on (its digest is the timeline's assembly_key)."""
    from .audio.assemble import mastering_key

    return {
        "format": ASSEMBLY_FORMAT,
        "segments": [r["audio_key"] for r in rows],
        "mastering": mastering_key(mastering),
        "titles": [r["title"] for r in rows],
        "tags": tags,
        **{k: _file_id(getattr(settings, k)) for k in ("music_intro", "music_outro", "cover")},
    }


def _piece_maker(mastering: Mastering, hint: dict | None, cache_dir: Path | None, on_piece: Callable | None):
    """A PieceMaker (pipeline.audio.assemble) when the episode can be mastered piece by
    piece: no music bed (it spans segments) and pauses long enough to join in silence."""
    from .audio import pieces
    from .audio.assemble import PieceMaker

    if mastering.music_intro or mastering.music_outro or mastering.pause_ms < pieces.MIN_PAUSE_MS:
        return None
    hint = hint or {}
    cache = Path(cache_dir) if cache_dir else Path(paths.CACHE_DIR) / "tts"
    return PieceMaker(cache / "pieces", mastering,
                      gain_db=hint.get("gain_db") if hint.get("layout") == "pieces" else None,
                      on_piece=on_piece)


def _assemble(wavs: list[Path], rows: list[dict], lang: str, settings: EpisodeSettings, mastering: Mastering,
              tags: dict, out_dir: Path, maker, on_event: Event, hint: dict | None):
    """The episode's MP3, tagged: joined pieces, or the whole episode mastered at once
    (music beds, short pauses, or pieces outside the loudness tolerances)."""
    from .audio.assemble import assemble_full, assemble_pieces
    from .audio.chapters import chapter_list
    from .audio.tags import id3_chapters, write_tags

    chapters: list[Chapter] = []

    def tag_it(tmp: Path, result) -> None:
        # chapter times are known once mastered (intro music shifts the speech)
        timed = [{**r, "start": start} for r, (start, _) in zip(rows, result.times)]
        chapters.extend(id3_chapters(chapter_list(timed, lang, result.duration)))
        write_tags(tmp, tags, chapters, settings.cover)

    result = assemble_pieces(maker, out_dir / "episode.mp3", tag_it) if maker is not None else None
    if result is None:
        if maker is not None:
            on_event("the pieces missed the loudness tolerances: mastering the whole episode")
        result = assemble_full(wavs, out_dir / "episode.mp3", mastering, before_rename=tag_it,
                               hint=hint)
    result.chapters = chapters
    return result


def _old_result(old: dict):
    """The last assembly's figures, when it is still current."""
    from .audio.master import MasterResult

    return MasterResult(times=[(s["start"], s["end"]) for s in old["segments"]], duration=old["duration"],
                        loudness=old["loudness"], music=old.get("music", {}), chapters=old["chapters"])


def _timeline(voices: _Voices, rows: list[dict], rate: float, pause_ms: int, result, inputs: dict,
              key: str, reassembled: bool, out_dir: Path) -> Timeline:
    for row, (start, end) in zip(rows, result.times):
        row["start"], row["end"] = round(start, 6), round(end, 6)
    used, counts = voices.most_used(rows)
    return {
        "language": voices.lang,
        "tts_engine": used,
        "requested_engine": voices.requested,
        "fallback_reason": voices.fallback_reason,
        "engines": dict(counts),
        "rate": rate,
        "pause_ms": pause_ms,
        "duration": round(result.duration, 6),
        "audio": "episode.mp3",
        "segments": [
            cast(TimedSegment, {k: r[k] for k in ("id", "title", "text", "speaker", "voice", "spoken", "engine",
                                                  "start", "end", "cache_hit", "override", "audio_key")
                                if k in r})
            for r in rows
        ],
        "resynthesized": sum(not r["cache_hit"] for r in rows),
        "reassembled": reassembled,
        "mastering": inputs["mastering"],
        "loudness": result.loudness,
        "music": result.music,
        "music_files": {"intro": inputs["music_intro"], "outro": inputs["music_outro"]},
        "chapters": result.chapters,
        "pieces": None,      # filled by the caller (the last assembly's when it is current)
        "tags": inputs["tags"],
        "assembly_key": key,
        "audio_sha256": file_sha256(out_dir / AUDIO),
    }


def _piece_rows(made: list, out_dir: Path) -> list[dict] | None:
    """Where each segment's piece lies in episode.mp3 (pipeline.transcribe hears them one by one)."""
    if not made:
        return None
    from .audio.pieces import piece_starts

    size = (out_dir / "episode.mp3").stat().st_size
    offset = size - sum(len(p.mp3) for p in made)       # the frames follow the ID3 tag and the Info header
    rows = []
    for p, start in zip(made, piece_starts(made)):
        rows.append({"offset": offset, "bytes": len(p.mp3), "sha256": hashlib.sha256(p.mp3).hexdigest(),
                     "start": round(start / SAMPLE_RATE, 6), "samples": p.samples})
        offset += len(p.mp3)
    return rows


def _file_id(path) -> str | None:
    """Content id of a settings file (music, cover), so replacing it rebuilds the MP3."""
    if not path:
        return None
    p = Path(path)
    if not p.is_file():
        raise InputError(f"file not found: {p}", "check the music_intro / music_outro / cover settings")
    return file_sha256(p)
