"""Stage 2, condense: post.json -> script.yaml, a key-points script a host reads.

The default condenser is extractive and deterministic: it scores the post's
sentences (claims with figures first, every section covered, greetings and
asides last), keeps 4 to 8 within a listening budget, and never changes a
number. Condensers sit behind a registry so others can join.
"""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import yaml

from .. import fsio, numbers
from .. import text as textmod
from ..config.episode import load_settings, source_of
from ..contracts import NumberRef, Point, Post, Script, Segment, Sentence
from ..episode import POST, SCRIPT_META
from ..errors import InputError, yaml_problem
from ..fsio import sha256_file
from ..registry import Registry
from . import conversation

MIN_POINTS, MAX_POINTS = 4, 8
MAX_SENTENCES_PER_POINT = 4
TARGET_SECONDS = 150
# Speaking rates measured on the offline voices (words per minute).
WORDS_PER_MINUTE = {"en": 165, "fr": 160}
INTRO_OUTRO_WORDS = 45
DUPLICATE_JACCARD = 0.5

# Sentences that talk about the blog, greet, thank or call to action rather
# than inform: never key points.
ASIDE_RE = re.compile(
    r"je m'appelle|bienvenue sur|mon blog|dans cet article|dans ce (billet|blogue)|ce blogue|"
    r"j'esp[eè]re|abonnez|my name is|welcome to|this (blog|post|article)|in this (article|blog)|"
    r"i hope|subscribe|let's (start|begin)|commençons|thanks? (you )?for reading|"
    r"merci de (votre )?lecture|^(hello|hi|hey|bonjour|salut)\b|thank(s| you)\b|grateful|"
    r"let us know|strap in|stay tuned|feel free|don't forget|n'hésitez pas|we invite you|"
    r"we('d| would) love|join us|check out|suivez-nous|follow us|you can (read|learn|find|follow|"
    r"take a look|try|see)|we recommend (you|reading)|if you('d| would) like to|to stay up to date|"
    r"^(note|remarque)\s*:|read (more|on)\b|learn more|pour en savoir plus|click|cliquez|"
    r"as (shown|seen) (above|below|in the)|(see|in) the (chart|table|graph|figure) (above|below)|"
    r"ci-(dessus|dessous)|(le|ce) (tableau|graphique) (suivant|ci)|see the (guide|docs?|"
    r"documentation|changelog|release notes|blog post)|play online|give it a try|try it (out|now)|"
    r"essayez|share your (findings|feedback|thoughts)", re.I)
# Version strings, hardware specs and sizes: figures that are not news.
TECHNICAL_RE = re.compile(r"\b\d+\.\d+\.\d+\b|\b\d+(GB|MB|KB|TB|GHz|MHz)\b|\bv\d+(\.\d+)+\b", re.I)
# Words that make a figure a headline: money, shares, magnitudes, change.
MAGNITUDE_RE = re.compile(r"\b(million|billion|trillion|milliards?|millions?|thousand|mille)\b", re.I)
COMPARISON_RE = re.compile(
    r"\b(up|down|rose|fell|grew|increased?|decreased?|drop(ped)?|jump(ed)?|doubled?|tripled?|"
    r"compared|versus|vs|more than|less than|fewer than|from \S+ to|times|faster|slower|higher|lower|"
    r"hausse|baisse|augment\w*|diminu\w*|progress\w*|recul\w*|plus de|moins de|contre|"
    r"fois|par rapport)\b", re.I)
HEADLINE_KINDS = ("currency", "percent")
MAX_CANDIDATES = 600
MAX_SUBJECT_STEPS = 2
CHEAP_FIGURE_RE = re.compile(r"[%$€£]|\d+|\b(million|billion|milliards?)\b", re.I)
TEMPLATES = {
    "en": {
        "intro": "Welcome. This episode gives you the key points of the post: {title}.",
        "intro_by": "Welcome. This episode gives you the key points of the post by {author}: {title}.",
        "dated": " It was published on {date}.",
        "outro": "Those were the key points of {title}. The full post, with its sources, "
                 "is linked in the show notes. Thanks for listening.",
    },
    "fr": {
        "intro": "Bonjour. Voici les points clés de l'article : {title}.",
        "intro_by": "Bonjour. Voici les points clés de l'article de {author} : {title}.",
        "dated": " Il a été publié le {date}.",
        "outro": "C'étaient les points clés de l'article {title}. L'article complet et ses "
                 "sources sont dans les notes de l'épisode. Merci de votre écoute.",
    },
}

# Rewrites for the ear that never touch a digit: (pattern, {lang: replacement}).
EAR_REWRITES = [
    (r"\s*&\s*", {"en": " and ", "fr": " et "}),
    (r"\be\.g\.,?", {"en": "for example", "fr": "par exemple"}),
    (r"\bi\.e\.,?", {"en": "that is", "fr": "c'est-à-dire"}),
    (r"\bvs\.?(?=\s)", {"en": "versus", "fr": "contre"}),
    (r"\betc\.", {"en": "and so on.", "fr": "et cetera."}),
    (r"\s*\((?=[^)]*[^\W\d_])[^()\d]*\)", {"en": "", "fr": ""}),   # asides in brackets, no digits
]

# A sentence opening on one of these leans on the one before it.
ANAPHORA_RE = re.compile(
    r"^(they|it|this|that|these|those|he|she|its|their|ils|elles|il|elle|cela|ce|ces|"
    r"celui|celle|ceux|leur|leurs)\b", re.I)

CONDENSERS: Registry = Registry("condenser")


def word_count(s: str) -> int:
    return len(s.split())


def figure_weight(sentence: str, lang: str) -> float:
    """How much the sentence's figures make it a headline; diminishing, never a plain count.

    Money, percentages, magnitudes and comparisons weigh most; a year or a
    count weighs little, so a run of bare figures (a flattened table row)
    does not win over a sentence that says something.
    """
    found = numbers.extract(sentence, lang)
    if not found:
        return -_spec_penalty(sentence, lang)   # names and versions only: "Vite 4.2.1 + plugin-react 3.1.0"
    headline = sum(1 for m in found if m.kind in HEADLINE_KINDS or MAGNITUDE_RE.search(m.text))
    weight = 0.0
    for i in range(min(headline, 3)):
        weight += (1.5, 0.75, 0.4)[i]
    if not headline:
        weight += 0.6
    if COMPARISON_RE.search(sentence):
        weight += 0.6
    words = max(word_count(sentence), 1)
    if len(found) / words > 0.25 or "|" in sentence:
        weight -= 3.5          # mostly figures: a table row, not a sentence
    elif TECHNICAL_RE.search(sentence):
        weight -= 2.5
    return weight


def _spec_penalty(sentence: str, lang: str) -> float:
    """A line of product names and versions (no quantity in it) is a spec line, not prose."""
    names = numbers.extract(sentence, lang, include_codes=True)
    if len(names) / max(word_count(sentence), 1) > 0.25:
        return 3.5
    return 2.5 if names and TECHNICAL_RE.search(sentence) else 0.0


def score_sentence(sentence: Sentence, position: int, post: Post) -> float:
    s = sentence["text"]
    n = word_count(s)
    score = figure_weight(s, post["language"])
    if position == 0:
        score += 0.5
    if sentence.get("lead"):
        score += 2.0 - 0.7 * sentence["lead"]     # the post's first sentences open the episode
    if n < 6:
        score -= 2
    elif n > 45:
        score -= 1.5
    if ASIDE_RE.search(s):
        score -= 3
    if s.endswith("?"):
        score -= 1.5
    elif s.endswith(":"):
        score -= 2.5          # it introduces a table, a list or code that is not read
    elif s.endswith("!") and not numbers.extract(s, post["language"]):
        score -= 1
    if sentence.get("kind") == "list" and n < 10:
        score -= 0.5
    if any(flag["text"] in s for flag in post.get("lint") or []):
        score -= 4    # a figure the source lint flagged as scrambled: not for the ear
    title_words = {w for w in textmod.words(post.get("title") or "") if len(w) > 3}
    score += 0.3 * len(title_words & set(textmod.words(s)))
    return score


def mark_lead(post: Post) -> Post:
    """The first two sentences of the post's opening paragraph, flagged as its lead."""
    sentences = [s.copy() for s in post["sentences"]]
    first_block = next((s.get("block") for s in sentences if not ASIDE_RE.search(s["text"])
                        and word_count(s["text"]) >= 6), None)
    lead = [s for s in sentences if s.get("block", 0) == first_block][:2]
    for rank, s in enumerate(lead, 1):
        if not ASIDE_RE.search(s["text"]):
            s["lead"] = rank
    return {**post, "sentences": sentences}


def similar(a: str, b: str) -> bool:
    wa, wb = set(textmod.words(a)), set(textmod.words(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) > DUPLICATE_JACCARD


LONG_SENTENCE_WORDS = 32
MIN_PART_WORDS = 8
# Where a long sentence may be cut in two: a clause boundary, never inside a number.
SPLIT_RE = {
    # "and"/"et" only before a new subject: ", and all those who…" is no clause.
    "en": re.compile(r";\s+|,\s+(?=(?:but|while|so|and (?:the|we|they|it|he|she|this|these|its|their|our|"
                     r"i|there|most|many)\b)\s)"),
    "fr": re.compile(r";\s+|,\s+(?=(?:mais|tandis que|alors que|donc|et (?:le|la|les|il|elle|ils|elles|on|"
                     r"nous|ce|cette|ces|l'|c'|leur|leurs)\b)\s?)"),
}


def split_long(s: str, lang: str) -> str:
    """An overlong sentence cut at its most central clause boundary, for breath."""
    words = s.split()
    if len(words) <= LONG_SENTENCE_WORDS:
        return s
    cuts = [m for m in SPLIT_RE[lang].finditer(s)
            if len(s[:m.start()].split()) >= MIN_PART_WORDS and len(s[m.end():].split()) >= MIN_PART_WORDS]
    if not cuts:
        return s
    cut = min(cuts, key=lambda m: abs(m.start() - len(s) / 2))
    head, tail = s[:cut.start()].rstrip(" ,;"), s[cut.end():]
    tail = re.sub(r"^(?:and|et|so|donc)\s+", "", tail) if re.match(r"^(and|et|so|donc)\s", tail) else tail
    return f"{head}. {tail[:1].upper()}{tail[1:]}"


def rewrite_for_ear(s: str, lang: str) -> str:
    """Light, safe rewriting: the result must carry exactly the same numbers."""
    out = s
    for pattern, repl in EAR_REWRITES:
        out = re.sub(pattern, repl[lang], out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", out)).strip()
    out = split_long(out, lang)
    before = [(m.value, m.kind, m.unit) for m in numbers.extract(s, lang)]
    after = [(m.value, m.kind, m.unit) for m in numbers.extract(out, lang)]
    return out if before == after else s


def word_budget(lang: str, target_seconds: float) -> int:
    return max(60, int(target_seconds * WORDS_PER_MINUTE[lang] / 60) - INTRO_OUTRO_WORDS)


CLAUSE_RE = re.compile(r",\s+(?=(?:mais|but|while|alors que|tandis que|and|et)\s)|;\s+")


def without_flagged_clauses(text: str, flags: list[str]) -> str:
    """The sentence less its clauses holding a figure the source lint flagged.

    "…entre 350 et 400 milliards de dollars, mais un article publié le 2025er
    août 8 souligne…" keeps its first clause; a sentence whose main clause is
    flagged stays as it is (and scores low).
    """
    if not any(f in text for f in flags):
        return text
    clauses = CLAUSE_RE.split(text)
    if any(f in clauses[0] for f in flags):
        return text
    kept = [c for c in clauses if not any(f in c for f in flags)]
    return ", ".join(kept).rstrip(" ,;") + "."


def clean_flagged(post: Post) -> Post:
    flags = [f["text"] for f in post.get("lint") or []]
    if not flags:
        return post
    sentences: list[Sentence] = [{**s, "text": without_flagged_clauses(s["text"], flags)}
                                 for s in post["sentences"]]
    return {**post, "sentences": sentences}


def candidates(post: Post) -> list[Sentence]:
    """The sentences worth a full score: all of them, or on a huge post a cheap first cut.

    Scoring reads every figure with the number engine; past MAX_CANDIDATES
    sentences the lead, each section's opening and the sentences richest in
    figures (by a regex count) are kept, so condensing stays linear.
    """
    sents = post["sentences"]
    if len(sents) <= MAX_CANDIDATES:
        return sents
    keep = {s["id"] for s in sents[:3]}
    seen_sections: set = set()
    for s in sents:
        if s["section"] not in seen_sections:
            seen_sections.add(s["section"])
            keep.add(s["id"])
    cheap = sorted(sents, key=lambda s: (-len(CHEAP_FIGURE_RE.findall(s["text"][:400])), sentence_index(s)))
    for s in cheap[:max(0, MAX_CANDIDATES - len(keep))]:
        keep.add(s["id"])
    return [s for s in sents if s["id"] in keep]


def rank_sentences(post: Post) -> list[tuple[float, Sentence]]:
    """Sentences, best first, taking sections in turns so every section gets a say."""
    by_section: dict[int, list[tuple[float, Sentence]]] = {}
    for sent in candidates(post):
        bucket = by_section.setdefault(sent["section"], [])
        bucket.append((score_sentence(sent, len(bucket), post), sent))
    ranked = [sorted(b, key=lambda x: (-x[0], sentence_index(x[1]))) for _, b in sorted(by_section.items())]
    order: list[tuple[float, Sentence]] = []
    for depth in range(max(len(b) for b in ranked)):
        tier = [b[depth] for b in ranked if depth < len(b)]
        order.extend(sorted(tier, key=lambda x: (-x[0], sentence_index(x[1]))))
    return order


def pick_sentences(post: Post, budget: int) -> list[Sentence]:
    """The sentences a host would read, filling the word budget, each with its subject."""
    total = sum(word_count(s["text"]) for s in post["sentences"])
    # A post shorter than the budget keeps every sentence that is not an aside.
    min_score = -1.0 if total <= budget else 0.0
    chosen: list[Sentence] = []
    used = 0
    for score, sent in rank_sentences(post):
        if score < min_score or sent in chosen:
            continue
        if any(similar(sent["text"], c["text"]) for c in chosen):
            continue
        group = [s for s in with_subject(sent, post) if s not in chosen]
        n = sum(word_count(s["text"]) for s in group)
        if used + n > budget:
            continue
        chosen.extend(group)
        used += n
    return sorted(chosen, key=sentence_index)


def with_subject(sent: Sentence, post: Post) -> list[Sentence]:
    """The sentence, preceded by the one naming what it speaks of when it does not.

    "They made 41% of all rides" needs "Women still take fewer trips than men";
    a sentence of figures with no name in it ("Out of those who answered, 74.5%
    selected no") needs the sentence before it in the same paragraph.
    """
    group = [sent]
    for _ in range(MAX_SUBJECT_STEPS):       # "Riders took…" needs "It counted…", which needs its own
        first = group[0]
        i = sentence_index(first) - 1
        if i <= 0:
            break
        prev = post["sentences"][i - 1]
        if prev["section"] != first["section"] or prev.get("block") != first.get("block"):
            break
        if not (ANAPHORA_RE.match(first["text"]) or (numbers.extract(first["text"], post["language"])
                                                     and not names_something(first["text"]))):
            break
        group.insert(0, prev)
    return group


def names_something(text: str) -> bool:
    """True when the sentence names an entity: a capitalized word past its first."""
    tokens = re.findall(r"[^\W\d_][\w'’-]*", text)
    return any(t[:1].isupper() for t in tokens[1:])


def group_points(chosen: list[Sentence], max_points: int = MAX_POINTS) -> list[list[Sentence]]:
    """Chosen sentences -> points: one per section, or per paragraph in a post without headings."""
    sections = {s["section"] for s in chosen}
    by_section = len(sections) >= MIN_POINTS
    key = (lambda s: s["section"]) if by_section else (lambda s: (s["section"], s.get("block")))
    groups: list[list[Sentence]] = []
    for s in chosen:
        # A full point still takes a sentence that leans on its last one ("They made up 64%…").
        room = len(groups[-1]) < MAX_SENTENCES_PER_POINT if groups else False
        leans = (groups and sentence_index(s) == sentence_index(groups[-1][-1]) + 1
                 and ANAPHORA_RE.match(s["text"]))
        if groups and key(groups[-1][-1]) == key(s) and (room or leans):
            groups[-1].append(s)
        else:
            groups.append([s])
    # A lone sentence left over from a full point of its section rejoins it.
    for i in range(len(groups) - 1, 0, -1):
        if len(groups[i]) == 1 and key(groups[i][0]) == key(groups[i - 1][-1]):
            groups[i - 1:i + 1] = [groups[i - 1] + groups[i]]
    while len(groups) > max_points:
        # Merge the adjacent pair of the same section (else any pair) with the fewest words.
        pairs = range(len(groups) - 1)
        same = [i for i in pairs if groups[i][0]["section"] == groups[i + 1][0]["section"]] or list(pairs)
        i = min(same, key=lambda j: sum(word_count(s["text"]) for s in groups[j] + groups[j + 1]))
        groups[i:i + 2] = [groups[i] + groups[i + 1]]
    return groups


def sentence_index(sent: Sentence) -> int:
    return int(sent["id"][1:])


def point_title(group: list[Sentence], post: Post) -> str:
    sent = group[0]
    heading = post["sections"][sent["section"]]["heading"]
    if heading and len(post["sections"]) >= MIN_POINTS:
        return heading if word_count(heading) <= 10 else " ".join(heading.split()[:10]) + "…"
    words = sent["text"].split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def extractive(post: Post, target_seconds: float = TARGET_SECONDS) -> dict[str, list[Point]]:
    lang = post["language"]
    post = mark_lead(clean_flagged(post))
    chosen = pick_sentences(post, word_budget(lang, target_seconds))
    if not chosen:
        raise InputError("the post has no sentence worth a key point", "pass a longer post")
    points: list[Point] = []
    for group in group_points(chosen):
        points.append({
            "title": point_title(group, post),
            "text": " ".join(rewrite_for_ear(s["text"], lang) for s in group),
            "sources": [s["id"] for s in group],
        })
    return {"points": points}


CONDENSERS.register("extractive", lambda: extractive)
CONDENSERS.register("llm", lambda: __import__(f"{__package__}.llm", fromlist=["llm"]).llm_condense)


def intro_outro(post: Post) -> tuple[str, str]:
    t = TEMPLATES[post["language"]]
    title = (post.get("title") or "").rstrip(" .")
    intro = (t["intro_by"] if post.get("author") else t["intro"]).format(
        title=title, author=post.get("author"))
    if date := spoken_date(post.get("date"), post["language"]):
        intro += t["dated"].format(date=date)
    return intro, t["outro"].format(title=title)


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


def spoken_date(raw: str | None, lang: str) -> str | None:
    """'2025-09-12' -> 'September 12, 2025' / '12 septembre 2025'; None if not a date."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", str(raw or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    year, month, day = int(m.group(1)), MONTHS[lang].split()[int(m.group(2)) - 1], int(m.group(3))
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month} {year}"
    return f"{month} {day}, {year}"


def numbers_of(text: str, lang: str) -> list[NumberRef]:
    return [{"text": m.text, "value": m.value, "kind": m.kind, "unit": m.unit}
            for m in numbers.extract(text, lang)]


def make_script(post: Post, condenser: str = "extractive",
                target_seconds: float = TARGET_SECONDS) -> Script:
    body = CONDENSERS.get(condenser)(post, target_seconds)
    intro, outro = intro_outro(post)
    lang = post["language"]
    everything: list[numbers.Mention] = []
    for p in body["points"]:
        p["numbers"] = numbers_of(p["text"], lang)
        # Traced first against the sentences the point names (cheap on a huge
        # post), then against the whole post.
        unsourced = unsourced_numbers(p["text"], source_mentions(post, p.get("sources")), lang)
        if unsourced:
            everything = everything or source_mentions(post)
            unsourced = unsourced_numbers(p["text"], everything, lang)
        if unsourced:
            p["unsourced"] = unsourced
    return {
        "title": post.get("title"),
        "language": lang,
        "source": post.get("source"),
        "condenser": condenser,
        "intro": intro,
        "points": body["points"],
        "outro": outro,
    }


def source_text(post: Post, ids: Iterable[str] | None = None) -> str:
    """The post's sentences (or those with the given ids) as one text, the way verify traces them."""
    wanted = set(ids) if ids is not None else None
    return " ".join(s["text"] for s in post["sentences"] if wanted is None or s["id"] in wanted)


def source_mentions(post: Post, ids: Iterable[str] | None = None) -> list[numbers.Mention]:
    return numbers.extract(source_text(post, ids), post["language"])


def untraced(text: str, found: list[numbers.Mention], lang: str) -> list[numbers.Mention]:
    """The numbers of `text` that numbers.trace cannot find among the post's mentions."""
    said = numbers.extract(text, lang)
    if not said:
        return []
    return [m for m, origin in zip(said, numbers.trace(said, found, lang)) if origin is None]


def unsourced_numbers(text: str, found: list[numbers.Mention], lang: str) -> list[str]:
    """The texts of a point's numbers that are not in the post (each once, in order)."""
    return list(dict.fromkeys(m.text for m in untraced(text, found, lang)))


def is_approved(m: numbers.Mention, approved: Any, lang: str) -> bool:
    """A person approved `m` by listing its text ("42 %") or its value (42) under `approved:`."""
    items = approved if isinstance(approved, list) else [] if approved is None else [approved]
    for item in items:
        if item is None or isinstance(item, (bool, dict, list)):
            continue
        raw = item.isoformat() if hasattr(item, "isoformat") else str(item)
        if " ".join(raw.split()).casefold() in (" ".join(m.text.split()).casefold(), m.value.casefold()):
            return True
        if any(a.value == m.value and a.kind == m.kind for a in numbers.extract(raw, lang)):
            return True
    return False


def unapproved_numbers(script: Script, post: Post) -> list[dict[str, Any]]:
    """Numbers of the key points (as they read now) not in the post and not approved.

    Traced afresh on the current text, since a person may have edited it; the
    intro and outro are the pipeline's own words and are exempt.
    """
    lang = script.get("language") or post["language"]
    found = source_mentions(post)
    out = []
    for i, p in enumerate(script.get("points") or [], 1):
        for m in untraced(conversation.spoken_text_of(p), found, lang):
            if not is_approved(m, p.get("approved"), lang):
                out.append({"point": i, "title": p.get("title"), "text": m.text,
                            "value": m.value, "kind": m.kind, "unit": m.unit})
    return out


def require_approved(script_path: Path, post_path: Path | None = None) -> None:
    """Refuse to go on while script.yaml has a number that is neither in the post nor approved.

    `post_path` defaults to the post.json beside the script.
    """
    script_path = Path(script_path)
    post_path = Path(post_path) if post_path else script_path.with_name(POST)
    if not post_path.exists():
        raise InputError(f"{post_path} not found: the numbers of {script_path} cannot be checked "
                         f"against their post", "run the ingest stage first (or pass the post.json)")
    left = unapproved_numbers(load_script(script_path), fsio.read_json(post_path))
    if left:
        listed = ", ".join(dict.fromkeys(f'"{n["text"]}" (point {n["point"]})' for n in left))
        raise InputError(f"{script_path.name} has numbers that are not in the post: {listed}",
                         "check them against the post; to speak them anyway add them under that "
                         "point's `approved:` list in script.yaml")


def meta_path(script_path: Path) -> Path:
    return Path(script_path).with_name(SCRIPT_META)


def check_not_edited(script_path: Path, post_path: Path) -> bool:
    """True when script.yaml may be (re)generated; False when it is a kept hand edit.

    A hand-edited script is never overwritten: if its source changed too, stop
    and say what to do.
    """
    if not script_path.exists() or not meta_path(script_path).exists():
        return True
    meta = fsio.read_json(meta_path(script_path))
    if sha256_file(script_path) == meta.get("script_sha256"):
        return True
    if sha256_file(post_path) != meta.get("post_sha256"):
        raise InputError(
            f"{script_path} was edited by hand and its post changed since",
            f"keep your edits: `touch {script_path}` to build from it as is; "
            f"or start over from the new post: delete {script_path}",
        )
    return False


def condense(post_path: Path, out_path: Path, condenser: str = "extractive",
             target_seconds: float | None = None, fmt: str | None = None,
             config: Path | None = None) -> Script:
    """post.json -> script.yaml. The budget and format come from the post's settings
    unless given (the format, else from podcast.yaml at `config`, with its hosts)."""
    post_path, out_path = Path(post_path), Path(out_path)
    if not check_not_edited(out_path, post_path):
        return load_script(out_path)
    post: Post = fsio.read_json(post_path)
    settings = load_settings(source_of(post_path, post))
    if target_seconds is None:
        target_seconds = settings.target_seconds
    script = make_script(post, condenser, target_seconds)
    script = told_as(script, post, fmt, settings.format, config)
    fsio.write_yaml(out_path, script)
    fsio.write_json(meta_path(out_path), {
        "post_sha256": sha256_file(post_path), "script_sha256": sha256_file(out_path)})
    return script


def told_as(script: Script, post: Post, asked: str | None, settings_format: str | None,
            config: Path | None) -> Script:
    """The script in the episode's format: as is (narration), or as two hosts' turns."""
    from ..config.hosts import hosts_of, resolve_format
    from ..config.show import show_config

    cfg = show_config(config)
    if resolve_format(asked, settings_format, cfg) != "conversation":
        return script
    return conversation.as_conversation(script, post, hosts_of(cfg))


def load_script(path: Path) -> Script:
    """Read a (possibly hand-edited) script.yaml safely and check its shape."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML ({yaml_problem(e)})",
                         "fix the line it names") from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise InputError(f"{path} has no 'points' list", "see README: script.yaml format")
    for i, p in enumerate(data["points"], 1):
        if not isinstance(p, dict) or not conversation.spoken_text_of(p).strip():
            raise InputError(f"{path}: key point {i} has no text", "give every point a 'text'")
    if conversation.is_conversation(data):
        conversation.check_turns(data, path)
    textmod.check_language(str(data.get("language")))
    return cast(Script, data)      # the keys every stage reads are checked above


def segments(script: Script) -> list[Segment]:
    """The spoken segments in order: intro, point-1..N, outro (empty ones skipped);
    a conversation's turns each (pipeline.condense.conversation.turn_segments)."""
    if conversation.is_conversation(script):
        return conversation.turn_segments(script)
    segs: list[Segment] = [{"id": "intro", "title": "Intro", "text": script.get("intro") or ""}]
    for i, p in enumerate(script["points"], 1):
        segs.append({"id": f"point-{i}", "title": p.get("title") or f"Point {i}", "text": p["text"]})
    segs.append({"id": "outro", "title": "Outro", "text": script.get("outro") or ""})
    return [s for s in segs if str(s["text"]).strip()]
