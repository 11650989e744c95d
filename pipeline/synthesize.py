"""Stage 3, synthesize: script.yaml -> episode.mp3 + timeline.json.

Each segment (intro, point-1..N, outro) is spoken by the first engine of
`fallback_chain(engine, language)` that works, cached by content under
CACHE_DIR/tts/, then all segments are joined with pauses into one MP3. The
timeline records where each segment sits in the episode (verify maps Whisper's
words back to segments with it), which engine spoke it, and why a fallback
happened.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Callable

import yaml

from . import paths
from .errors import EngineError, EngineUnavailable, InputError, UnsupportedLanguage
from .fsio import write_json
from .tts import fallback_chain, get_engine, wav_ok
from .tts.text import protect_numbers, spell_numbers

# Which numbers to spell out (pipeline.numbers.spell_out) before an engine
# sees them: engine -> language ("*" = any other) -> kinds, see tts/text.py.
# Observed (docs/numbers.md and our own runs): espeak-ng reads en "1 000" as
# "one zero zero zero", "$49.2 billion" as "dollar forty-nine point two
# billion"; fr "49.2" as "point deux", "8e" as "huit e", "$49.2" symbol first.
# Piper phonemizes with espeak-ng, so it inherits exactly those misreadings.
# gTTS: Google's front end verbalizes numbers well in every language, so we
# only keep them whole (NBSP) -- except the French-style "1 000" in English.
SPELL_OUT_POLICY: dict[str, dict[str, frozenset[str]]] = {
    "espeak": {
        "en": frozenset({"space_grouped", "currency"}),
        "fr": frozenset({"decimal_point", "currency", "ordinal"}),
        "*": frozenset({"space_grouped", "decimal_point", "currency", "ordinal"}),
    },
    "piper": {
        "en": frozenset({"space_grouped", "currency"}),
        "fr": frozenset({"decimal_point", "currency", "ordinal"}),
        "*": frozenset({"space_grouped", "decimal_point", "currency", "ordinal"}),
    },
    "gtts": {
        "en": frozenset({"space_grouped"}),
        "*": frozenset(),
    },
}
# Engines that cut text at spaces: numbers get no-break spaces inside.
PROTECT_NUMBERS = {"gtts"}

Event = Callable[[str], None]


def print_to_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _spell_out_fn():
    """pipeline.numbers.spell_out if it exists yet, else None (digit-level fixes only)."""
    try:
        from .numbers import spell_out
    except ImportError:
        return None
    return spell_out


def spell_kinds(engine: str, lang: str) -> frozenset[str]:
    table = SPELL_OUT_POLICY.get(engine, {})
    base = lang.split("-")[0].lower()
    return table.get(lang, table.get(base, table.get("*", frozenset())))


def spoken_text(text: str, engine: str, lang: str, on_event: Event | None = None) -> str:
    """The text actually given to `engine`: numbers rewritten per SPELL_OUT_POLICY."""
    kinds = spell_kinds(engine, lang)
    out = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()  # one line; keeps NBSPs
    if kinds:
        spell = _spell_out_fn()
        try:
            out = spell_numbers(out, lang, kinds, spell)
        except Exception as e:  # a bug in spell_out must not cost the episode
            if on_event:
                on_event(f"warning: spell_out failed ({e!r}); numbers left as digits")
            out = spell_numbers(out, lang, kinds, None)
    if engine in PROTECT_NUMBERS:
        out = protect_numbers(out, lang)
    return out


def cache_key(engine: str, voice: str, lang: str, rate: float, text: str) -> str:
    blob = json.dumps([engine, voice, lang, round(float(rate), 4), text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_script(path: Path) -> dict:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"script not found: {path}", "run the condense stage first") from None
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML: {e}", "fix the line it names") from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise InputError(f"{path} has no 'points' list", "see README: script.yaml format")
    lang = str(data.get("language") or "").strip().lower()
    if not lang:
        raise InputError(f"{path} has no 'language'", "add e.g. 'language: en'")
    data["language"] = lang
    return data


def script_segments(script: dict) -> list[dict]:
    """Spoken segments in order: intro, point-1..N, outro; empty texts skipped."""
    segs = [("intro", script.get("intro"))]
    for i, p in enumerate(script["points"], 1):
        segs.append((f"point-{i}", p.get("text") if isinstance(p, dict) else p))
    segs.append(("outro", script.get("outro")))
    return [{"id": sid, "text": str(t).strip()} for sid, t in segs if t and str(t).strip()]


def synthesize(
    script_path: Path,
    out_dir: Path,
    engine: str = "gtts",
    pause_ms: int = 600,
    on_event: Event = print_to_stderr,
    rate: float = 1.0,
    cache_dir: Path | None = None,
) -> dict:
    """script.yaml -> out_dir/episode.mp3 + out_dir/timeline.json; returns the timeline."""
    from .audio import assemble  # pydub/ffmpeg only when we get this far

    script = load_script(Path(script_path))
    lang = script["language"]
    segs = script_segments(script)
    if not segs:
        raise InputError(f"{script_path} has nothing to say: every text is empty")
    chain = fallback_chain(engine, lang)  # unknown engine -> EngineError listing names
    if not chain:
        raise UnsupportedLanguage(
            f"no speech engine here speaks {lang!r}", "use a language espeak-ng knows, e.g. en or fr"
        )
    cache = Path(cache_dir) if cache_dir else Path(paths.CACHE_DIR) / "tts"
    out_dir = Path(out_dir)

    dead: dict[str, str] = {}  # engine -> why it can't run; never retried this run
    fallback_reason = None
    if chain[0] != engine:
        dead[engine] = fallback_reason = f"{engine} has no voice for {lang!r}"
        on_event(f"{fallback_reason}; falling back to {chain[0]}")

    progress = sys.stderr.isatty()
    rows, wavs = [], []
    for i, seg in enumerate(segs, 1):
        if progress:
            on_event(f"synthesizing {i}/{len(segs)} ({seg['id']}) ...")
        for name in chain:
            if name in dead:
                continue
            eng = get_engine(name)
            spoken = spoken_text(seg["text"], name, lang, on_event)
            wav = cache / f"{cache_key(name, eng.voice_id(lang), lang, rate, spoken)}.wav"
            hit = wav_ok(wav)
            if not hit:
                try:
                    eng.synthesize(spoken, lang, wav, rate=rate)
                except EngineUnavailable as e:
                    reason = e.cause if e.cause.startswith(name) else f"{name} unavailable: {e.cause}"
                    dead[name] = reason
                    fallback_reason = fallback_reason or reason
                    nxt = next((c for c in chain if c not in dead), None)
                    on_event(f"{reason}; falling back to {nxt}" if nxt else reason)
                    continue
                if not wav_ok(wav):
                    raise EngineError(f"{name} wrote no usable audio for segment {seg['id']}")
            break
        else:
            raise EngineUnavailable(
                f"no speech engine could speak {lang!r}: " + "; ".join(dead.values()),
                "connect to the network for gtts, or check the offline voices (make setup)",
            )
        wavs.append(wav)
        rows.append({"id": seg["id"], "text": seg["text"], "spoken": spoken, "engine": name,
                     "cache_hit": hit})

    times = assemble(wavs, pause_ms, out_dir / "episode.mp3")
    for row, (start, end) in zip(rows, times):
        row["start"], row["end"] = round(start, 6), round(end, 6)

    counts = Counter(r["engine"] for r in rows)
    # most used; ties go to the engine earlier in the chain
    used = max(counts, key=lambda n: (counts[n], -chain.index(n)))
    timeline = {
        "language": lang,
        "tts_engine": used,
        "requested_engine": engine,
        "fallback_reason": fallback_reason,
        "engines": dict(counts),
        "rate": rate,
        "pause_ms": pause_ms,
        "duration": round(times[-1][1], 6),
        "audio": "episode.mp3",
        "segments": [
            {k: r[k] for k in ("id", "text", "spoken", "engine", "start", "end", "cache_hit")}
            for r in rows
        ],
    }
    write_json(out_dir / "timeline.json", timeline)
    if progress:
        on_event(f"synthesized {len(rows)} segments, {timeline['duration']:.1f} s ({used})")
    return timeline
