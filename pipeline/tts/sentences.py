"""A segment spoken in pieces: the sentences healing re-speaks on their own.

Healing works at sentence scope (pipeline.heal.plan): a way of speaking that
fixes one sentence's number can break another's ("2 150 euros" heard right by
Pico, while Pico's take of the next sentence loses "58 %"), so each round
re-speaks only the sentences holding a failing number. The "sentences" heal
override names, by index, the sentences to speak their own way:

    {"sentences": {"2": {"spell": "all", "engine": "pico", "rate": 0.85}}}

Every other run of consecutive sentences is spoken as the first build spoke
it (one synthesis per run, so its prosody stays whole), and the pieces are
joined with a short pause into the segment's one WAV. The timeline, the
transcript and the verdict stay per segment: nothing downstream changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import numbers
from ..text import split_sentences
from .speech import cache_key, override_rate, seed_kwargs, spoken_text

PIECE_PAUSE_S = 0.3        # between pieces: about the pause a voice leaves between sentences
OUT_RATE = 44100           # the segment WAV's rate, as the episode is mastered


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each sentence of pipeline.text.split_sentences."""
    spans, pos = [], 0
    for s in split_sentences(text, lang):
        start = text.find(s, pos)
        if start < 0:          # split_sentences strips; a sentence is always found
            continue
        spans.append((start, start + len(s)))
        pos = start + len(s)
    return spans


def sentence_of_numbers(text: str, lang: str) -> list[int]:
    """For each number of `text` (pipeline.numbers.extract order, the order of the
    verify rows of a segment), the index of the sentence holding it."""
    spans = sentence_spans(text, lang)
    out = []
    for m in numbers.extract(text, lang):
        out.append(next((i for i, (a, b) in enumerate(spans) if a <= m.start < b), len(spans) - 1))
    return out


def plan_key(override: dict) -> str:
    """What the sentence plan adds to a segment's cache key ("" when there is none)."""
    plan = override.get("sentences")
    return "" if not plan else "\n#sentences " + json.dumps(plan, sort_keys=True, ensure_ascii=False)


def pieces(text: str, lang: str, plan: dict) -> list[tuple[str, dict]]:
    """(text, override) pieces: each planned sentence alone, the runs between them whole."""
    out: list[tuple[str, dict]] = []
    run: list[str] = []
    for i, (a, b) in enumerate(sentence_spans(text, lang)):
        own = plan.get(str(i))
        if own is None:
            run.append(text[a:b])
            continue
        if run:
            out.append((" ".join(run), {}))
            run = []
        out.append((text[a:b], dict(own)))
    if run:
        out.append((" ".join(run), {}))
    return out


def speak_sentences(text: str, engine: str, lang: str, out_wav: Path, rate: float, override: dict,
                    get: Callable, cache: Path) -> None:
    """Speak `text` piece by piece (see `pieces`), each piece cached like a segment, and
    write the pieces joined by PIECE_PAUSE_S into `out_wav`."""
    from ..audio.ffmpeg import to_rate
    from ..audio.wav import pcm16, read_wav, wav_ok, write_wav

    audio: list = []
    for piece, own in pieces(text, lang, override.get("sentences") or {}):
        eng = get(own.get("engine") or engine)
        spoken = spoken_text(piece, eng.name, lang, spell=own.get("spell"), reword=own.get("reword") or False)
        piece_rate = override_rate(own, rate)
        key = cache_key(eng.name, eng.voice_id(lang), lang, piece_rate, spoken)
        wav = cache / f"{key}.wav"
        if not wav_ok(wav):
            eng.synthesize(spoken, lang, wav, rate=piece_rate, **seed_kwargs(eng, key, own.get("take") or 0))
        x, sr = read_wav(wav)
        if audio:
            audio.append(np.zeros(int(PIECE_PAUSE_S * OUT_RATE), np.float32))
        audio.append(to_rate(x, sr, OUT_RATE))
    write_wav(out_wav, pcm16(np.concatenate(audio)), OUT_RATE)
