"""How fast each voice speaks, learned from the audio it has produced.

The condenser budgets words; a length is seconds. Every synthesis records,
per engine, language and rate setting, how many script words took how many
seconds (the segments of its timeline.json), in the cache's
speaking-rates.json. Until a voice has spoken MIN_LEARNED_WORDS words, the
rate measured once per engine and shipped here stands in.
"""

from pathlib import Path

from .. import fsio, paths
from ..contracts import Timeline
from .budget import WORDS_PER_MINUTE as DEFAULT_WPM  # when neither the voice nor its engine is known

RATES_FILE = "speaking-rates.json"
# Script words per minute at rate 1.0, measured on three points of two corpus
# posts (project-based-funding.en.html, financement-par-projet.fr.md) with each
# offline voice; Kokoro from its builds of the demo (797 words, 137) and of the seed
# (1,236 words, 166-174): on the language's default (165) its English demo came out
# 23 % over one minute. gtts (online) and anything unmeasured use that default.
SHIPPED_WPM = {
    "piper": {"en": 153},
    "pico": {"en": 134, "fr": 171},
    "espeak": {"en": 153, "fr": 202},
    "kokoro": {"en": 137, "fr": 170},
}
MIN_LEARNED_WORDS = 300
# Past this many words the totals are halved, so what a voice does now outweighs what it did.
MAX_LEARNED_WORDS = 5000


def rates_path(cache_dir: Path | None = None) -> Path:
    return Path(cache_dir or paths.CACHE_DIR) / RATES_FILE


def key_of(engine: str, lang: str, rate: float | None) -> str:
    return f"{engine}|{lang}|{float(rate or 1.0):g}"


def learn(timeline: Timeline, cache_dir: Path | None = None) -> dict:
    """Add a timeline's newly spoken segments (script words, seconds) to the learned totals; returns them."""
    path = rates_path(cache_dir)
    totals: dict = fsio.read_json(path) if path.exists() else {}
    lang, rate = timeline.get("language") or "en", timeline.get("rate")
    for seg in timeline.get("segments") or []:
        seconds = float(seg.get("end") or 0) - float(seg.get("start") or 0)
        words = len(str(seg.get("text") or "").split())
        # Audio from the cache was counted when it was made: heal and the adjust step speak an
        # episode again and again, and its unchanged segments must not outweigh the voice's others.
        if seconds <= 0 or not words or not seg.get("engine") or seg.get("cache_hit"):
            continue
        entry = totals.setdefault(key_of(str(seg["engine"]), lang, rate), {"words": 0.0, "seconds": 0.0})
        entry["words"] += words
        entry["seconds"] += seconds
        if entry["words"] > MAX_LEARNED_WORDS:
            entry["words"], entry["seconds"] = entry["words"] / 2, entry["seconds"] / 2
    fsio.write_json(path, totals)
    return totals


def words_per_minute(engine: str | None, lang: str, rate: float | None = 1.0,
                     cache_dir: Path | None = None) -> float:
    """The voice's script words per minute: learned when it has spoken enough, else shipped."""
    path = rates_path(cache_dir)
    if engine and path.exists():
        entry = fsio.read_json(path).get(key_of(engine, lang, rate))
        if entry and entry["words"] >= MIN_LEARNED_WORDS and entry["seconds"] > 0:
            return 60 * entry["words"] / entry["seconds"]
    shipped = SHIPPED_WPM.get(engine or "", {}).get(lang) or DEFAULT_WPM[lang]
    return shipped * float(rate or 1.0)
