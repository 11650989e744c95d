"""The adjust step: an episode outside the tolerance of the length asked for, brought
nearer by whole sentences.

After synthesis the episode's length is measured, not guessed. Too long: the
lowest-scored sentences of the script go, each with the sentences that lean on
it, never one with a headline figure. Too short: the next best sentences the
condenser passed over join it. The key points are made again from the sentences
kept, the way the condenser makes them, so a point whose sentences did not change
reads the same and its audio comes from the TTS cache. Never inside a sentence,
never inside a number.

Only the condenser's own script is adjusted: a hand edit, or a script without
the sentences it came from (the llm condenser's may cite none), stays as it is.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

from .. import fsio, numbers, turns
from ..config.hosts import Host
from ..contracts import Post, Script, Sentence, Timeline
from ..fsio import sha256_file
from ..script import load_script, meta_path
from . import (
    HEADLINE_KINDS,
    MAGNITUDE_RE,
    conversation,
    max_points,
    pick_sentences,
    points_of,
    prepared,
    rank_sentences,
    said_all,
    sayable,
    trace_points,
    with_subject,
    word_count,
    worth_saying,
    write_script,
)
from .budget import LENGTH_TOLERANCE

MAX_PASSES = 2


# Why an episode outside the tolerance keeps its length: said in the build's length line.
NOT_CONDENSED = "script.yaml was edited since it was condensed"
NOT_CITED = "its points cite no sentence of the post"
NOTHING_TO_DROP = "no whole sentence can go (each holds a headline figure, is leaned on, or would cut too much)"
NOTHING_TO_ADD = "no sentence of the post left out brings it nearer"


def adjust(script_path: Path, post_path: Path, timeline: Timeline,
           script: Script | None = None, post: Post | None = None,
           why_not: Callable[[str], None] | None = None) -> Script | None:
    """script.yaml adjusted to the length its episode missed (written); None when it is
    on target, cannot be adjusted, or no whole sentence brings it nearer (`why_not` is
    told which of the last two). `script` and `post`: the files' contents when the
    caller read them already (a build's Episode)."""
    def refuse(reason: str) -> Script | None:
        if why_not is not None:
            why_not(reason)
        return None

    script = script if script is not None else load_script(script_path)
    target, measured = float(script.get("target_seconds") or 0), float(timeline.get("duration") or 0)
    if not target or not measured or abs(measured - target) <= LENGTH_TOLERANCE * target:
        return None
    if not as_condensed(Path(script_path)):
        return refuse(NOT_CONDENSED)
    post = post if post is not None else fsio.read_json(post_path)
    if not cites_post(script, post):
        return refuse(NOT_CITED)
    post = prepared(post)
    by_id = {s["id"]: s for s in post["sentences"]}
    chosen = [by_id[i] for p in script["points"] for i in p["sources"]]
    per_word = seconds_per_word(timeline)
    excess = (measured - target) / per_word         # words too many (negative: too few)
    cost = measured_words(script, by_id, timeline, per_word)
    if measured > target:
        kept = shortened(chosen, post, excess, cost)
    else:
        kept = pick_sentences(post, round(words_of(chosen) - excess), chosen)
    left = excess + words_of(kept, cost) - words_of(chosen, cost)
    if abs(left) > LENGTH_TOLERANCE * target / per_word:
        kept = exchanged(kept, post, left, cost)
    kept = sorted(kept, key=lambda s: int(s["id"][1:]))
    if [s["id"] for s in kept] == [s["id"] for s in chosen] or not kept:
        if measured < target and said_all(post, chosen):   # else a sentence more would overshoot
            record_shortfall(Path(script_path), Path(post_path), script, target - measured)
        return refuse(NOTHING_TO_DROP if measured > target else NOTHING_TO_ADD)
    points = points_of(kept, post, max_points(target))
    trace_points(points, post)
    adjusted: Script = {**script, "points": points}
    if turns.is_conversation(script):       # told again as the hosts' turns, intro and outro included
        adjusted = retold(adjusted, post)
    write_script(Path(script_path), Path(post_path), adjusted)
    return adjusted


def record_shortfall(script_path: Path, post_path: Path, script: Script, seconds: float) -> None:
    """The measured shortfall as script.yaml's `short_of_seconds`, in place of the condenser's
    estimate: the post's whole sayable text was spoken (`said_all`) and the episode still falls short
    (the estimate, at the rate the cache believed, thought it had enough). verify.json,
    the show notes and the build's length line say it from there."""
    if script.get("short_of_seconds") != round(seconds):
        write_script(script_path, post_path, {**script, "short_of_seconds": round(seconds)})


def retold(script: Script, post: Post) -> Script:
    """An adjusted conversation's points told again as turns by the hosts it names."""
    lang = script["language"]
    lead, co = (Host(h["name"], ((lang, h["voice"]),), ((lang, h["offline"]),) if h.get("offline") else ())
                for h in script["hosts"])
    narration = {k: v for k, v in script.items() if k not in ("format", "hosts")}
    return conversation.as_conversation(narration, post, (lead, co))    # type: ignore[arg-type]


def as_condensed(script_path: Path) -> bool:
    """True when script.yaml is as the condenser wrote it (no hand edit since)."""
    meta = meta_path(script_path)
    return meta.exists() and fsio.read_json(meta).get("script_sha256") == sha256_file(script_path)


def cites_post(script: Script, post: Post) -> bool:
    """True when every point names the post's sentences it was made from."""
    known = {s["id"] for s in post["sentences"]}
    return all(p.get("sources") and set(p["sources"]) <= known for p in script["points"])


def seconds_per_word(timeline: Timeline) -> float:
    """How long a script word of the key points took in this episode (its voice, its numbers)."""
    points = [s for s in timeline["segments"] if str(s["id"]).startswith("point-")]
    words = sum(word_count(s["text"]) for s in points)
    seconds = sum(float(s["end"]) - float(s["start"]) for s in points)
    return seconds / words if words and seconds > 0 else 60 / 150


def measured_words(script: Script, by_id: dict[str, Sentence], timeline: Timeline,
                   per_word: float) -> dict[str, float]:
    """What each chosen sentence took in this episode, in words at its rate: its share (by
    words) of its point's segment and of the pause before it. A word count misjudges what
    the voice spells out ("import.meta.glob now supports…": 10 words, 8.2 s where 4.9 were
    counted) and the pause a point removed whole takes with it. Empty for a timeline
    whose segments are not the points (a conversation's turns)."""
    spans, end = {}, 0.0
    for seg in timeline["segments"]:
        spans[str(seg["id"])] = (seg["text"], float(seg["end"]) - end)
        end = float(seg["end"])
    cost: dict[str, float] = {}
    for n, point in enumerate(script["points"], 1):
        text, seconds = spans.get(f"point-{n}", ("", 0.0))
        words = {i: word_count(by_id[i]["text"]) for i in point["sources"]}
        if text != point["text"] or seconds <= 0 or not sum(words.values()):
            return {}
        cost.update({i: seconds / per_word * w / sum(words.values()) for i, w in words.items()})
    return cost


def shortened(chosen: list[Sentence], post: Post, excess_words: float,
              cost: dict[str, float] | None = None) -> list[Sentence]:
    """The chosen sentences less the lowest-scored whole ones, about `excess_words` words in all.

    A sentence goes with the sentences that lean on it (a point never opens on
    "They" whose subject went); a sentence with a headline figure (money, a
    share, a magnitude) stays, and so does everything it leans on. Each removal
    must bring the length nearer the target. `cost`: what a sentence took, in words
    (measured_words), where a word count would guess.
    """
    kept = list(chosen)
    left = excess_words
    for sent in by_score(chosen, post):
        if sent not in kept:
            continue
        unit = removable(sent, kept, post)
        words = words_of(unit, cost)
        if not unit or abs(left - words) >= abs(left):
            continue
        kept = [s for s in kept if s not in unit]
        left -= words
    return kept


def exchanged(kept: list[Sentence], post: Post, excess_words: float,
              cost: dict[str, float] | None = None) -> list[Sentence]:
    """The kept sentences with one whole sentence removed, one added, or one exchanged for
    another the condenser passed over, whichever leaves the length nearest its target;
    `kept` itself when none is nearer than `excess_words` (negative: words too few).

    At one minute a sentence is a tenth of the length: the shortest one that can go may
    overshoot below the tolerance where going and taking a shorter one in its stead lands
    within it. What goes goes with what leans on it; what comes comes with its subject,
    never one the removal takes away.
    """
    drops = [u for s in by_score(kept, post) if (u := removable(s, kept, post))]
    adds = [(s, g) for s in worth_saying(post, round(words_of(kept) - excess_words))
            if (g := sayable(s, kept, post))]

    def clash(i: int, j: int) -> bool:
        return any(s in drops[i] for s in with_subject(adds[j][0], post))

    move = best_move(excess_words, [words_of(u, cost) for u in drops], [words_of(g) for _, g in adds], clash)
    if move is None:
        return kept
    drop, add = move
    out = [s for s in kept if drop is None or s not in drops[drop]]
    return out + (adds[add][1] if add is not None else [])


def best_move(excess: float, drops: Sequence[float], adds: Sequence[float],
              clash: Callable[[int, int], bool] = lambda i, j: False) -> tuple[int | None, int | None] | None:
    """The removal, addition, or removal with an addition (indices into `drops` and `adds`,
    their word counts) leaving `excess` words too many (negative: too few) nearest zero:
    (i, j) leaves excess - drops[i] + adds[j]. The first found wins a tie (the lists come
    best first), one change before two; None when no move is nearer than none.
    `clash(i, j)`: addition j leans on what removal i takes away."""
    moves: list[tuple[int | None, int | None]] = [(i, None) for i in range(len(drops))]
    moves += [(None, j) for j in range(len(adds))]
    moves += [(i, j) for i in range(len(drops)) for j in range(len(adds)) if not clash(i, j)]

    def left(move: tuple[int | None, int | None]) -> float:
        i, j = move
        return abs(excess - (drops[i] if i is not None else 0) + (adds[j] if j is not None else 0))

    best = min(moves, key=left, default=None)
    return best if best is not None and left(best) < abs(excess) else None


def removable(sent: Sentence, kept: list[Sentence], post: Post) -> list[Sentence]:
    """`sent` with the kept sentences that lean on it, as they may go together; [] when one of
    them holds a headline figure or they are all the script has."""
    unit = with_dependents(sent, kept, post)
    if any(headline(s, post["language"]) for s in unit) or len(unit) >= len(kept):
        return []
    return unit


def by_score(sentences: list[Sentence], post: Post) -> list[Sentence]:
    """The sentences, lowest-scored first: the first to go."""
    score = {s["id"]: sc for sc, s in rank_sentences(post)}
    return sorted(sentences, key=lambda s: score.get(s["id"], 0.0))


def words_of(sentences: list[Sentence], cost: dict[str, float] | None = None) -> float:
    """Their words, or what they took in words (`cost`, measured_words) when they were spoken."""
    return sum((cost or {}).get(s["id"], word_count(s["text"])) for s in sentences)


def with_dependents(sent: Sentence, kept: list[Sentence], post: Post) -> list[Sentence]:
    """`sent` and every kept sentence that needs it said first (with_subject), transitively."""
    unit = [sent]
    for other in kept:
        if other not in unit and any(s in unit for s in with_subject(other, post)[:-1]):
            unit.append(other)
    return unit


def headline(sent: Sentence, lang: str) -> bool:
    """True when the sentence carries a headline figure: money, a percentage, a magnitude."""
    return any(m.kind in HEADLINE_KINDS or MAGNITUDE_RE.search(m.text) for m in numbers.extract(sent["text"], lang))

