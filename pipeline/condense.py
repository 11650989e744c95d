"""Stage 2, condense: post.json -> script.yaml, a key-points script a host reads.

The default condenser is extractive and deterministic: it scores the post's
sentences (claims with figures first, every section covered, greetings and
asides last), keeps 4 to 8 within a listening budget, and never changes a
number. Condensers sit behind a registry so others can join.
"""

import re
from pathlib import Path

import yaml

from . import fsio, numbers, text as textmod
from .errors import InputError, yaml_problem
from .fsio import sha256_file
from .registry import Registry
from .settings import load_settings, source_of

MIN_POINTS, MAX_POINTS = 4, 8
MAX_SENTENCES_PER_POINT = 4
TARGET_SECONDS = 150
# Speaking rates measured on the offline voices (words per minute).
WORDS_PER_MINUTE = {"en": 165, "fr": 160}
INTRO_OUTRO_WORDS = 45
DUPLICATE_JACCARD = 0.5

# Sentences that talk about the blog rather than the subject.
ASIDE_RE = re.compile(
    r"je m'appelle|bienvenue sur|mon blog|dans cet article|j'esp[eè]re|abonnez|"
    r"my name is|welcome to|this (blog|post|article)|in this article|i hope|subscribe|"
    r"let's (start|begin)|commençons|thanks for reading|merci de (votre )?lecture", re.I)

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


def score_sentence(sentence: dict, position: int, post: dict) -> float:
    s = sentence["text"]
    n = word_count(s)
    score = min(len(numbers.extract(s, post["language"])), 3) * 1.5
    if position == 0:
        score += 0.5
    if n < 6:
        score -= 2
    elif n > 45:
        score -= 1.5
    if ASIDE_RE.search(s):
        score -= 3
    if s.endswith("?"):
        score -= 1.5
    if any(flag["text"] in s for flag in post.get("lint") or []):
        score -= 4    # a figure the source lint flagged as scrambled: not for the ear
    title_words = {w for w in textmod.words(post.get("title") or "") if len(w) > 3}
    score += 0.3 * len(title_words & set(textmod.words(s)))
    return score


def similar(a: str, b: str) -> bool:
    wa, wb = set(textmod.words(a)), set(textmod.words(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) > DUPLICATE_JACCARD


LONG_SENTENCE_WORDS = 32
MIN_PART_WORDS = 8
# Where a long sentence may be cut in two: a clause boundary, never inside a number.
SPLIT_RE = {
    "en": re.compile(r";\s+|,\s+(?=(?:but|while|and|which|so)\s)"),
    "fr": re.compile(r";\s+|,\s+(?=(?:mais|tandis que|alors que|et|ce qui|donc)\s)"),
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


def clean_flagged(post: dict) -> dict:
    flags = [f["text"] for f in post.get("lint") or []]
    if not flags:
        return post
    sentences = [{**s, "text": without_flagged_clauses(s["text"], flags)} for s in post["sentences"]]
    return {**post, "sentences": sentences}


def rank_sentences(post: dict) -> list[tuple[float, dict]]:
    """Sentences, best first, taking sections in turns so every section gets a say."""
    by_section: dict[int, list[tuple[float, dict]]] = {}
    for sent in post["sentences"]:
        bucket = by_section.setdefault(sent["section"], [])
        bucket.append((score_sentence(sent, len(bucket), post), sent))
    ranked = [sorted(b, key=lambda x: -x[0]) for _, b in sorted(by_section.items())]
    order: list[tuple[float, dict]] = []
    for depth in range(max(len(b) for b in ranked)):
        tier = [b[depth] for b in ranked if depth < len(b)]
        order.extend(sorted(tier, key=lambda x: -x[0]))
    return order


def pick_points(post: dict, budget: int) -> list[list[dict]]:
    """Key points as groups of sentences: one point per section, grown within the budget."""
    groups: dict[int, list[dict]] = {}
    chosen: list[dict] = []
    used = 0
    # A post shorter than the budget keeps every sentence that is not an aside.
    min_score = -2.5 if sum(word_count(s["text"]) for s in post["sentences"]) <= budget else 1
    for score, sent in rank_sentences(post):
        n = word_count(sent["text"])
        new_point = sent["section"] not in groups
        if new_point and len(groups) >= MAX_POINTS:
            continue
        enough = len(groups) >= MIN_POINTS
        if enough and (score < 0 or used + n > budget):
            continue
        if not new_point and (score < min_score
                              or len(groups[sent["section"]]) >= MAX_SENTENCES_PER_POINT):
            continue
        if any(similar(sent["text"], c["text"]) for c in chosen):
            continue
        for s in with_antecedent(sent, post, chosen):
            groups.setdefault(s["section"], []).append(s)
            chosen.append(s)
            used += word_count(s["text"])
    if len(groups) < MIN_POINTS:
        groups = split_groups(groups)
    ordered = sorted(groups.values(), key=lambda g: min(sentence_index(s) for s in g))
    return [sorted(g, key=sentence_index) for g in ordered]


def with_antecedent(sent: dict, post: dict, chosen: list[dict]) -> list[dict]:
    """The sentence, preceded by the one it refers to ("They ...") when that is not chosen yet."""
    i = sentence_index(sent) - 1
    if i > 0 and ANAPHORA_RE.match(sent["text"]):
        prev = post["sentences"][i - 1]
        if prev["section"] == sent["section"] and prev not in chosen:
            return [prev, sent]
    return [sent]


def split_groups(groups: dict[int, list[dict]]) -> dict[int, list[dict]]:
    """Too few sections for MIN_POINTS: every chosen sentence becomes its own point."""
    flat = sorted((s for g in groups.values() for s in g), key=sentence_index)
    return {i: [s] for i, s in enumerate(flat)}


def sentence_index(sent: dict) -> int:
    return int(sent["id"][1:])


def point_title(group: list[dict], post: dict) -> str:
    sent = group[0]
    heading = post["sections"][sent["section"]]["heading"]
    if heading and len({s["section"] for s in post["sentences"]}) >= MIN_POINTS:
        return heading if word_count(heading) <= 10 else " ".join(heading.split()[:10]) + "…"
    words = sent["text"].split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def extractive(post: dict, target_seconds: float = TARGET_SECONDS) -> dict:
    lang = post["language"]
    post = clean_flagged(post)
    chosen = pick_points(post, word_budget(lang, target_seconds))
    if not chosen:
        raise InputError("the post has no sentence worth a key point", "pass a longer post")
    points = []
    for group in chosen:
        points.append({
            "title": point_title(group, post),
            "text": " ".join(rewrite_for_ear(s["text"], lang) for s in group),
            "sources": [s["id"] for s in group],
        })
    return {"points": points}


CONDENSERS.register("extractive", lambda: extractive)
CONDENSERS.register("llm", lambda: __import__(f"{__package__}.llm", fromlist=["llm"]).llm_condense)


def intro_outro(post: dict) -> tuple[str, str]:
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


def numbers_of(text: str, lang: str) -> list[dict]:
    return [{k: m.to_dict()[k] for k in ("text", "value", "kind", "unit")}
            for m in numbers.extract(text, lang)]


def make_script(post: dict, condenser: str = "extractive",
                target_seconds: float = TARGET_SECONDS) -> dict:
    body = CONDENSERS.get(condenser)(post, target_seconds)
    intro, outro = intro_outro(post)
    lang = post["language"]
    found = source_mentions(post)
    for p in body["points"]:
        p["numbers"] = numbers_of(p["text"], lang)
        if unsourced := unsourced_numbers(p["text"], found, lang):
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


def source_text(post: dict) -> str:
    """The post's sentences as one text, the way verify traces them."""
    return " ".join(s["text"] for s in post["sentences"])


def source_mentions(post: dict) -> list[numbers.Mention]:
    return numbers.extract(source_text(post), post["language"])


def untraced(text: str, found: list[numbers.Mention], lang: str) -> list[numbers.Mention]:
    """The numbers of `text` that numbers.trace cannot find among the post's mentions."""
    said = numbers.extract(text, lang)
    if not said:
        return []
    return [m for m, origin in zip(said, numbers.trace(said, found, lang)) if origin is None]


def unsourced_numbers(text: str, found: list[numbers.Mention], lang: str) -> list[str]:
    """The texts of a point's numbers that are not in the post (each once, in order)."""
    return list(dict.fromkeys(m.text for m in untraced(text, found, lang)))


def is_approved(m: numbers.Mention, approved, lang: str) -> bool:
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


def unapproved_numbers(script: dict, post: dict) -> list[dict]:
    """Numbers of the key points (as they read now) not in the post and not approved.

    Traced afresh on the current text, since a person may have edited it; the
    intro and outro are the pipeline's own words and are exempt.
    """
    lang = script.get("language") or post["language"]
    found = source_mentions(post)
    out = []
    for i, p in enumerate(script.get("points") or [], 1):
        for m in untraced(str(p.get("text") or ""), found, lang):
            if not is_approved(m, p.get("approved"), lang):
                out.append({"point": i, "title": p.get("title"), "text": m.text,
                            "value": m.value, "kind": m.kind, "unit": m.unit})
    return out


def require_approved(script_path: Path, post_path: Path | None = None) -> None:
    """Refuse to go on while script.yaml has a number that is neither in the post nor approved.

    `post_path` defaults to the post.json beside the script.
    """
    script_path = Path(script_path)
    post_path = Path(post_path) if post_path else script_path.with_name("post.json")
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
    return Path(script_path).with_name(".script.meta.json")


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
             target_seconds: float | None = None) -> dict:
    """post.json -> script.yaml. The budget comes from the post's settings unless given."""
    post_path, out_path = Path(post_path), Path(out_path)
    if not check_not_edited(out_path, post_path):
        return load_script(out_path)
    post = fsio.read_json(post_path)
    if target_seconds is None:
        target_seconds = load_settings(source_of(post_path, post)).target_seconds
    script = make_script(post, condenser, target_seconds)
    fsio.write_yaml(out_path, script)
    fsio.write_json(meta_path(out_path), {
        "post_sha256": sha256_file(post_path), "script_sha256": sha256_file(out_path)})
    return script


def load_script(path: Path) -> dict:
    """Read a (possibly hand-edited) script.yaml safely and check its shape."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML ({yaml_problem(e)})",
                         "fix the line it names") from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise InputError(f"{path} has no 'points' list", "see README: script.yaml format")
    for i, p in enumerate(data["points"], 1):
        if not isinstance(p, dict) or not str(p.get("text") or "").strip():
            raise InputError(f"{path}: key point {i} has no text", "give every point a 'text'")
    textmod.check_language(str(data.get("language")))
    return data


def segments(script: dict) -> list[dict]:
    """The spoken segments in order: intro, point-1..N, outro (empty ones skipped)."""
    segs = [{"id": "intro", "title": "Intro", "text": script.get("intro") or ""}]
    for i, p in enumerate(script["points"], 1):
        segs.append({"id": f"point-{i}", "title": p.get("title") or f"Point {i}", "text": p["text"]})
    segs.append({"id": "outro", "title": "Outro", "text": script.get("outro") or ""})
    return [s for s in segs if str(s["text"]).strip()]
