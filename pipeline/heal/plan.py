"""The sentence scope of a heal round: which sentences of a failing segment it
re-speaks, and the way each sentence of the segment is spoken.

A segment (a script point) holds several sentences; a way of speaking that wins
back one sentence's number can lose another's (on the French corpus post, Pico
with each number set apart won back both "101" of a point and lost its "1 291
jours", which Kokoro's first take had right). So a round
re-speaks only the sentences holding a failing number, each in the round's way;
the others keep the way they had, which is their first build's (nothing) or the
way of the round that had them heard right. The plan is sticky: a sentence
heard right once keeps its way, even when a later hearing of the segment loses
it again (Whisper hears a sentence in the context of its neighbours: on the
corpus post "1 291 jours", heard in Kokoro's voice, was heard "1290" once the
sentence before it was Pico's, and re-speaking it lost the way that had worked).
Only when every failing sentence was heard once are those sentences re-spoken.

A plan whose sentences are all spoken the same way (a one-sentence segment, or
every sentence failing) is that way for the whole segment, spoken in one piece as
before; otherwise it is the "sentences" override of pipeline.tts.sentences,
which speaks the planned sentences alone and the runs between them as first
built, and joins the pieces into the segment's one WAV.
"""

from ..numbers import FAILING
from ..tts.sentences import sentence_of_numbers, sentence_spans

# What of a segment's way of speaking a sentence can take on its own.
WAY_KEYS = ("spell", "rate", "engine", "reword", "take")


def way_of(override: dict) -> dict:
    return {k: v for k, v in override.items() if k in WAY_KEYS}


def saved_ways(text: str, lang: str, saved: dict | None) -> list[dict]:
    """One way per sentence of `text`, from a segment's saved override (overrides.json):
    a sentence plan, a whole-segment way, or nothing (as first built)."""
    count = max(1, len(sentence_spans(text, lang)))
    saved = saved or {}
    if saved.get("sentences"):
        return [dict(saved["sentences"].get(str(i), {})) for i in range(count)]
    return [way_of(saved) for _ in range(count)]


def failing_sentences(text: str, lang: str, statuses: list[str]) -> list[int]:
    """The sentences of `text` holding a failing number, by the segment's verify rows
    (one per number, in pipeline.numbers.extract order); every sentence when the rows
    do not line up with the text's numbers (then the segment is re-spoken whole)."""
    where = sentence_of_numbers(text, lang)
    count = max(1, len(sentence_spans(text, lang)))
    if len(where) != len(statuses):
        return list(range(count))
    return sorted({where[k] for k, st in enumerate(statuses) if st in FAILING})


def heard_sentences(text: str, lang: str, statuses: list[str]) -> set[int]:
    """The sentences of `text` whose every number was heard (none when the rows do
    not line up with the text's numbers)."""
    where = sentence_of_numbers(text, lang)
    if len(where) != len(statuses):
        return set()
    return set(where) - {where[k] for k, st in enumerate(statuses) if st in FAILING}


def to_respeak(failing: list[int], heard: set[int]) -> list[int]:
    """The failing sentences never heard yet; if there are none, all the failing ones."""
    return [i for i in failing if i not in heard] or failing


def respeak(ways: list[dict], sentences: list[int], way: dict) -> list[dict]:
    """`ways` with `sentences` spoken `way`, the others as they were."""
    return [dict(way) if i in sentences else w for i, w in enumerate(ways)]


def as_override(ways: list[dict]) -> dict:
    """The override that speaks each sentence its way: one way for the whole segment
    when all sentences share it, else the sentences plan (unplanned ones as first built)."""
    if all(w == ways[0] for w in ways):
        return dict(ways[0])
    return {"sentences": {str(i): w for i, w in enumerate(ways) if w}}
