"""Stage 2, condense: post.json -> script.yaml, a key-points script a host reads.

The default condenser is extractive and deterministic: it scores the post's
sentences (claims with figures first, every section covered, greetings and
asides last), keeps 4 to 8 within a listening budget, and never changes a
number. Condensers sit behind a registry so others can join.
"""

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import fsio, numbers
from .. import text as textmod
from ..config.episode import EpisodeSettings, load_settings, source_of
from ..config.hosts import hosts_of, resolve_format
from ..config.show import show_config
from ..contracts import NumberRef, Point, Post, Script, Sentence
from ..errors import InputError
from ..fsio import sha256_file
from ..registry import Registry
from ..script import check_not_edited, load_script, meta_path, source_mentions, unsourced_numbers
from . import conversation
from . import rate as speaking_rate
from .budget import (
    LENGTH_TOLERANCE,
    MAX_POINTS,
    MIN_POINTS,
    TARGET_SECONDS,
    WORDS_PER_MINUTE,
    seconds_for_words,
    word_budget,
)
from .dates import MONTHS, spoken_date
from .labels import MAX_LABEL_WORDS, say_label
from .lists import announces_list, hangs_on_previous, leaning_on_list, said_with_items
from .llm import llm_condense
from .locutions import without_locutions
from .pronouns import impersonal, unanchored_pronoun

SECONDS_PER_POINT = 25
MAX_SENTENCES_PER_POINT = 4
DUPLICATE_JACCARD = 0.5

# Sentences that talk about the blog, greet, thank or call to action rather
# than inform: never key points.
ASIDE_RE = re.compile(
    r"je m'appelle|bienvenue sur|mon blog|dans cet article|dans ce (billet|blogue)|ce blogue|"
    r"j'esp[eè]re|abonnez|my name is|welcome to|this (blog|post|article)|in this (article|blog)|"
    r"i hope|we hope you|nous esp[ée]rons que vous|subscribe|let's (start|begin)|commençons|thanks? (you )?for reading|"
    r"merci de (votre )?lecture|^(hello|hi|hey|bonjour|salut)\b|thank(s| you)\b|grateful|"
    r"let us know|strap in|stay tuned|feel free|don't forget|n'hésitez pas|we invite you|"
    # a question asking the reader to join, write or sign up ("Vous désirez intégrer la liste ?")
    r"^(vous (désirez|souhaitez|voulez)|voulez-vous|souhaitez-vous|do you want to|would you like to|"
    r"want to) (intégrer|rejoindre|recevoir|vous abonner|vous inscrire|join|receive|get|sign up)\b|"
    r"we('d| would) love|join us|check out|suivez-nous|follow us|you can (read|learn|find|follow|"
    r"take a look|try|see)|we recommend (you|reading)|if you('d| would) like to|to stay up to date|"
    r"^(note|remarque)\s*:|read (more|on)\b|learn more|pour en savoir plus|click|cliquez|"
    r"as (shown|seen) (above|below|in the)|(see|in) the (chart|table|graph|figure) (above|below)|"
    r"ci-(dessus|dessous)|(le|ce) (tableau|graphique) (suivant|ci)|see the (guide|docs?|"
    r"documentation|changelog|release notes|blog post)|play online|give it a try|try it (out|now)|"
    r"essayez|share your (findings|feedback|thoughts)|"
    # a closing line: "C'est tout pour nos mises à jour pour le moment", "Restez à l'affût", "That's all"
    r"^c'est tout pour\b|restez à l'affût|^that's (all|it) for\b", re.I)
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
MAX_SUBJECT_STEPS = 3
LEANING_COST = 0.6
REPEATED_COST = 3.0
TABLE_HEADLINE_BONUS = 4.5
MAX_LEAN_RATIO, MAX_LEAN_WORDS = 2, 40
SHORT_POST_RATIO = 1.2
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
        "intro_by": "Bonjour. Voici les points clés de l'article {de_author} : {title}.",
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
    # Asides in brackets with no digit, after a space: "501(c)(3)" is a name, not an aside.
    (r"(?<=\s)\((?=[^)]*[^\W\d_])[^()\d]*\)\s*", {"en": "", "fr": ""}),
    # the aside's own commas left doubled: "la DARES, (voir …), deviennent"
    (r",\s*,", {"en": ",", "fr": ","}),
    # A bare year before a sentence's opening word, where a CJK date unit stood ("2025 年Les
    # investissements …", machine translation; ingest drops the 年) or a line break did: said as a
    # reader would, "En 2025, les investissements …". A name after the year stays ("2025 Toyota").
    (rf"^((?:1[89]|20)\d\d)\s+(?P<lower>{textmod.OPENERS_RE})(?:(?<=')|(?![\w']))",
     {"en": r"In \1, \g<lower>", "fr": r"En \1, \g<lower>"}),
]
# A list's items said inside their lead-in's sentence ("… pris en charge : par la DINSIC …, et par
# l'ACOSS …."): the one word a join adds before the last item (lists.said_with_items).
LIST_AND = {"en": "and", "fr": "et"}

# A sentence opening on one of these leans on what came before it: a pronoun
# or demonstrative, or a connective that answers a sentence the listener must
# have heard ("Meanwhile, …", "Ces résultats …", "Par ailleurs, …").
LEANING_OPENERS = {
    "en": "this these those that they it its their he she them such both meanwhile however again also "
          "moreover furthermore additionally therefore thus hence instead nevertheless nonetheless "
          "likewise similarly but and so yet still otherwise|in addition|as a result|on the other hand|"
          "in fact|for example|for instance|the same|the former|the latter|even so|the second|the third",
    "fr": "ce cet cette ces cela ceci celui celle ceux celles il elle ils elles leur leurs voilà cependant "
          "toutefois pourtant néanmoins ainsi donc aussi mais et or également enfin|par ailleurs|en outre|"
          "de plus|en effet|en revanche|par contre|de même|en fait|par conséquent|d'ailleurs|"
          "par exemple|le même|la même|les mêmes|au contraire|c'est pourquoi|"
          # an ordinal answering a first one the listener did not hear
          "la deuxième|le deuxième|la seconde|le second|la troisième|le troisième",
}


def _leans_re(openers: str) -> re.Pattern:
    words, *phrases = openers.split("|")
    forms = sorted(words.split() + phrases, key=len, reverse=True)
    return re.compile(r"^[«\"'\s]*(?:" + "|".join(map(re.escape, forms)) + r")(?:-(?:ci|là))?(?![\w-])",
                      re.I)


LEANS_RE = {lang: _leans_re(openers) for lang, openers in LEANING_OPENERS.items()}
# A subject naming what a sentence before it said: "306 of these", "La raison de cet échec …", "The
# cause of this delay …" (the post, its year, its release stand: "The goal of this release").
LEANS_INSIDE_RE = re.compile(r"^[«\"'\s]*\S+(?:\s\S+)?\s(?:of (?:these|those|them)\b|d'entre (?:eux|elles)\b|"
                             r"(?:of|for|behind|de|du|des|pour) (?:this|these|those|such|ce|cet|cette|ces)\s+"
                             r"(?!(?:year|month|week|post|blog|article|survey|release|report|study|année|mois|"
                             r"billet|blogue|étude|rapport|article)\b)[^\W\d_])", re.I)
# A connective closing the sentence answers the one before it just as an opening one does:
# "It is still possible to disable the expiry though."
# A subject whose noun is in the sentence before ("There are two reasons. The first is …", "One is
# integrating Webrender …", "Les plus connus sont BERT et GPT-3"): an ordinal, "one"/"another", a superlative.
ELLIPTIC_SUBJECT_RE = re.compile(
    r"^[«\"'\s]*(?:(?:the )?(?:first|second|third|last|latter|former|other)|one|another|the (?:most|least) \w+|"
    r"l['’](?:un|une|autre)|une? autre|(?:les?|la) (?:premi[eè]re?s?|seconde?s?|deuxième|derni[eè]re?s?|"
    r"plus \w+)) (?:is|are|was|were|est|sont|était|étaient)\b", re.I)
# "… why this could have been the case", "… que ce soit le cas": the case is the sentence before.
THE_CASE_RE = re.compile(r"\b(?:this|that|it)(?: \w+){1,3} the case\b|\b(?:ce|c['’]\w+)(?: \w+){0,2} le cas\b", re.I)
LEANS_AFTER_RE = re.compile(r"[\s,](?:though|either|d'ailleurs|pourtant|quand même)\s*[.!]?[\"»”']*$", re.I)
# A short leading phrase holding a demonstrative leans as an opening one does: "Based on these
# results, …", "As this chart shows, …", "Dans ce contexte, …", "D'après les résultats, …" (results
# that were not said). The post itself and the present ("in this post", "à ce jour") stand.
_STANDING_NOUNS = (r"year|month|week|post|blog|article|survey|release|minor|major|version|update|edition|"
                   r"report|study|paper|episode|newsletter|guide|time|today|année|mois|semaine|billet|blogue|"
                   r"étude|rapport|version|édition|numéro|moment|jour")
LEANS_LEAD_RE = {
    "en": re.compile(
        r"^[\"'\s]*(?:based on|according to|because of|due to|thanks to|compared (?:to|with)|apart from|"
        r"in (?:light|view) of|in addition to|on top of|in|at|on|from|with|given|after|before|for|by|under|"
        r"despite|unlike|like|beyond|besides|as|during|through|following|of)\s+(?:all\s+)?"
        rf"(?:(?:these|those|this|such)\s+(?!(?:{_STANDING_NOUNS})\b)|"
        r"the (?:[\w-]+ )?(?:results?|data|findings|numbers|figures|answers|responses|chart|table|graph|above)\b)",
        re.I),
    "fr": re.compile(
        r"^[«\"'\s]*(?:d'après|selon|suite à|au vu de|compte tenu de|à partir de|à la lumière de|face à|"
        r"en complément de|à côté de|à propos de|au sujet de|"
        r"grâce à|à la suite de|au-delà de|en plus de|comme le montrent?|malgré|avec|dans|en|pour|par|sur|"
        r"sous|à|après|avant|depuis|outre|vu|lors de|pendant|de)\s+(?:tous\s+|toutes\s+)?"
        rf"(?:(?:ces|cette|cet|ce)\s+(?!(?:{_STANDING_NOUNS})\b)(?!qu)|cela\b|ceci\b|(?:celui|celle|ceux|celles)-(?:ci|là)\b|"
        r"(?:les|ces) (?:résultats|données|chiffres|réponses|statistiques)\b)", re.I),
}
# Openers that do not lean: the post speaking of itself or of the present, impersonal forms.
STANDING_RE = re.compile(
    r"^[«\"'\s]*(?:(?:this|ce|cette) (?:year|month|week|post|blog|article|survey|release|année|mois|billet)\b|"
    r"il (?:y a|faut|existe|reste|semble|apparaît|est (?:possible|important|nécessaire|clair|difficile))\b|"
    r"it (?:is|was) (?:important|clear|worth|possible|likely|hard|easy|not)\b)", re.I)
# A demonstrative subject after a short opening clause leans as an opening one does: "Bien
# qu'initialement envisagée, cette méthode ne fait pas …" (the method of the sentence before).
LEANS_AFTER_CLAUSE_RE = re.compile(rf"^[^,.;:]{{3,40}},\s+(?:cette|ces|cet|this|these|those)\s+"
                                   rf"(?!(?:{_STANDING_NOUNS})\b)[^\W\d_]", re.I)
# A sentence about a chart, table, figure or screenshot the listener cannot see.
UNSEEN_RE = re.compile(
    r"\b(?:figure|fig\.|chart|graph|table|screenshot|diagram|tableau|graphique|schéma)\s*(?:\d|above|below|"
    r"ci-dessus|ci-dessous|suivant)|\bthe (?:chart|graph|table|screenshot|diagram|image|figure)s?\b|"
    r"\bas (?:you can see|shown|seen)\b|\b(?:ce|le|du|au) (?:tableau|graphique|schéma)\b|"
    r"\b(?:la|cette) figure\b|ci-(?:dessus|dessous|haut|contre)|\b(?:above|below):|"
    # a slideshow, slides or an animation shown beside the text ("Navigate through the slideshow below")
    r"\b(?:slides|animation|video|vidéo)\s+(?:below|above|ci-dessous|ci-dessus)\b|\b(?:slideshow|diaporama)\b|"
    # It points ahead at what is shown, not said: "Voici quelques statistiques …", "Here are …".
    r"^[«\"'\s]*(?:voici|here (?:are|is)|here's|below (?:is|are)|the following)\b", re.I)


# Words a host cannot say: code that lost its backticks at ingest (the readers keep a code span's
# text, not its marking). A token with braces ("des blocs {ojs}", "{width=70%}"), a tag ("d'<iframe>",
# "Box<T>"), a path
# ("DELETE /api/v1/crates/:name", "src/bin/main"), an identifier of three or more lower-case parts
# joined by "_" or "-" with a digit ("x86_64-unknown-linux-gnu"). The condenser picks whole
# sentences, so such a sentence is not picked rather than said with a hole in it. A code span shaped
# like an identifier ("mdurl.Parse", "GOEXPERIMENT=greenteagc") keeps its backticks at ingest for this.
UNSAYABLE_RE = re.compile(r"[{}`]|</?[A-Za-z][\w-]*>|(?<!\S)/[^\W\d_]|[^\W\d_][\w.-]*/[\w.:-]+/"
                          r"|(?<![\w-])(?=[a-z0-9_-]*\d)[a-z0-9]+(?:[_-][a-z0-9]+){2,}(?![\w-])"
                          # an identifier joined by "_" ("cg_clif", "ship cg_gcc with rustup"): prose has none
                          r"|[^\W\d_][^\W_]*_[^\W_]"
                          # a pull request, an issue or a commit by its number ("PR #92268 is now …",
                          # "issue #123", "lightningcss#479"); an RFC's number is its name ("RFC #3660")
                          r"|\b(?:PRs?|pull requests?|issues?|tickets?|commits?|bugs?)\s*#\s*\d"
                          r"|(?<![\w&#])(?<!RFC )[\w.-]*#\d{2,}")


def unsayable(text: str) -> bool:
    """True when the sentence holds a token a host cannot read aloud (UNSAYABLE_RE)."""
    return bool(UNSAYABLE_RE.search(text))


CAPTION_WORDS = 15
SHOWN = ("table", "figure")
# A caption names what it labels: "Figure 2: …", "Tableau 1 – …", "Source : …".
CAPTION_RE = re.compile(r"^(?:figure|fig\.|table|tableau|graphique|chart|graph|diagram|schéma|source)\s*\d*\s*[:.–—-]",
                        re.I)


def is_caption(sent: Sentence, post: Post) -> bool:
    """A table's or figure's caption, never a key point: a short paragraph right before one
    ("Nombre d'exigences par type"), or alone between one and the next heading or the post's
    end ("Nombre d'exigences par instrument de politique."), or one that says "Figure 2:"."""
    if CAPTION_RE.match(sent["text"]):
        return True
    blocks = post.get("blocks") or []
    i = sent.get("block")
    if i is None or not 0 <= i < len(blocks) or word_count(sent["text"]) > CAPTION_WORDS:
        return False
    if blocks[i]["type"] != "paragraph":
        return False
    after = blocks[i + 1]["type"] if i + 1 < len(blocks) else "end"
    before = blocks[i - 1]["type"] if i else "start"
    return after in SHOWN or before in SHOWN and after in ("heading", "end")


def is_bracketed(text: str) -> bool:
    """A whole sentence in brackets, "(This is based on the goals listed in the post.)": an aside
    to the reader, leaning on what the page shows around it."""
    t = text.strip()
    if t[:1] not in "([" or t.rstrip(".!?")[-1:] not in ")]":
        return False
    depth = 0
    for k, ch in enumerate(t):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0:
            return not t[k + 1:].strip(" .!?")
    return False


def leans(text: str, lang: str) -> bool:
    """True when the sentence cannot be understood without the one before it: it opens on a word
    that answers an unsaid sentence, or a pronoun in it comes before anything it could stand for."""
    standing = STANDING_RE.match(text) or impersonal(text, lang)
    if not standing and (LEANS_RE[lang].match(text) or LEANS_INSIDE_RE.match(text)
                         or LEANS_AFTER_CLAUSE_RE.match(text)
                         or LEANS_LEAD_RE[lang].match(text)):
        return True
    if LEANS_AFTER_RE.search(text) or THE_CASE_RE.search(text) or ELLIPTIC_SUBJECT_RE.match(text):
        return True
    return unanchored_pronoun(text, lang)


def unseen(text: str) -> bool:
    """True when the sentence speaks of something shown, not said (a chart, a table)."""
    return bool(UNSEEN_RE.search(text))


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
    if leans(s, post["language"]):
        score -= LEANING_COST     # it brings the sentence it leans on: more words, less news
    if sentence.get("kind") == "table":
        score += TABLE_HEADLINE_BONUS   # a table's totals, stated once: headline figures, not a flattened row
    if sentence.get("kind") == "list" and n < 10:
        score -= 0.5
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
    return similar_words(set(textmod.words(a)), set(textmod.words(b)))


def similar_words(wa: set[str], wb: set[str]) -> bool:
    """Two sentences' word sets sharing more than DUPLICATE_JACCARD of their union."""
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


# A comma that closes a relative clause ("Les tarifs…, qui exploitent…, et les aides…,
# peuvent répondre") is no clause boundary: the head would have no verb of its own.
RELATIVE_CLOSED_RE = re.compile(r"(?:qui|que|qu['’]|dont|où|lequel|laquelle|lesquels|lesquelles|"
                                r"which|who|whom|whose)\b", re.I)


def split_long(s: str, lang: str) -> str:
    """An overlong sentence cut at its most central clause boundary, for breath."""
    words = s.split()
    if len(words) <= LONG_SENTENCE_WORDS:
        return s
    cuts = [m for m in SPLIT_RE[lang].finditer(s)
            if len(s[:m.start()].split()) >= MIN_PART_WORDS and len(s[m.end():].split()) >= MIN_PART_WORDS
            and not RELATIVE_CLOSED_RE.match(s[:m.start()].rsplit(",", 1)[-1].strip())]
    if not cuts:
        return s
    cut = min(cuts, key=lambda m: abs(m.start() - len(s) / 2))
    head, tail = s[:cut.start()].rstrip(" ,;"), s[cut.end():]
    tail = re.sub(r"^(?:and|et|so|donc)\s+", "", tail) if re.match(r"^(and|et|so|donc)\s", tail) else tail
    return f"{head}. {tail[:1].upper()}{tail[1:]}"


# What a cut or a dropped link leaves before a sentence's first word: "», étant …", ", and …".
LEADING_RESIDUE_RE = re.compile(r"^[\s,;:.!?»”)\]]+")


def _ear_rewrite(template: str, m: re.Match) -> str:
    """One EAR_REWRITES replacement; the group named "lower" is spoken mid-sentence, in lower case,
    the one named "upper" opens a sentence, in upper case."""
    groups = m.groupdict()
    if groups.get("lower") is not None:
        template = template.replace(r"\g<lower>", groups["lower"].lower())
    if groups.get("upper") is not None:
        template = template.replace(r"\g<upper>", groups["upper"].upper())
    return m.expand(template)


def rewrite_for_ear(s: str, lang: str) -> str:
    """Light, safe rewriting: the result must carry exactly the same numbers."""
    out = s
    for pattern, repl in EAR_REWRITES:
        out = re.sub(pattern, functools.partial(_ear_rewrite, repl[lang]), out)
    out = say_label(out, lang)
    out = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", out)).strip()
    out = LEADING_RESIDUE_RE.sub("", out)
    out = split_long(out, lang)
    return out if same_numbers(s, out, lang) else s


def same_numbers(before: str, after: str, lang: str) -> bool:
    """A rewrite for the ear carries exactly the numbers of what it rewrites."""
    return [(m.value, m.kind, m.unit) for m in numbers.extract(before, lang)] == \
        [(m.value, m.kind, m.unit) for m in numbers.extract(after, lang)]


CLAUSE_RE = re.compile(r",\s+(?=(?:mais|but|while|alors que|tandis que|and|et)\s)|;\s+")


def without_flagged_clauses(text: str, flags: list[str]) -> str:
    """The sentence less its clauses holding a figure the source lint flagged.

    "…entre 350 et 400 milliards de dollars, mais un article publié le 2025er
    août 8 souligne…" keeps its first clause; a sentence whose main clause is
    flagged stays as it is, and is never a candidate (`candidates`).
    """
    if not any(f in text for f in flags):
        return text
    clauses = CLAUSE_RE.split(text)
    if any(f in clauses[0] for f in flags):
        return text
    kept = [c for c in clauses if not any(f in c for f in flags)]
    return ", ".join(kept).rstrip(" ,;") + "."


def clean_flagged(post: Post) -> Post:
    """The post less the clauses holding a flagged figure; a sentence that lost one keeps them in
    `dropped` (what comes after it in its paragraph may lean on them)."""
    flags = [f["text"] for f in post.get("lint") or []]
    if not flags:
        return post
    sentences: list[Sentence] = []
    for s in post["sentences"]:
        kept = without_flagged_clauses(s["text"], flags)
        sentences.append({**s, "text": kept, "dropped": s["text"]} if kept != s["text"] else s)
    return {**post, "sentences": sentences}


def prepared(post: Post) -> Post:
    """The post as the condenser reads it: flagged clauses out, the lead marked, the sentences that
    name someone by a user handle or a repository marked."""
    return mark_handles(mark_lead(clean_flagged(post)))


# A user handle ("@wesleywiser"), and a repository or a path of one slash ("inseefrlab/ssphub"):
# nothing a host can say. "and/or", "yank/unyank", "repository/system" are words and are said.
HANDLE_RE = re.compile(r"(?<![\w.@])@([A-Za-z][\w-]*)")
SLASHED_RE = re.compile(r"(?<![\w/.-])[A-Za-z][\w.-]+/[A-Za-z][\w.-]+(?![\w/])")
WORD_RE = re.compile(r"(?<![\w/@_-])[^\W\d_]+(?![\w/_-])")


def mark_handles(post: Post) -> Post:
    """Sentences naming someone by a user handle, with or without its "@" ("@wesleywiser thinks",
    "wesleywiser thinks" where the post writes "@wesleywiser" elsewhere), or a repository by the
    path its link has ("le Github inseefrlab/ssphub"): `names_handle`, never said."""
    texts = [s["text"] for s in post["sentences"]]
    handles = {h.lower() for t in texts for h in HANDLE_RE.findall(t)}
    urls = " ".join(str(src.get("url") or "") for src in post.get("sources") or []).lower()

    def named(text: str) -> bool:
        if HANDLE_RE.search(text) or handles & {w.lower() for w in WORD_RE.findall(text)}:
            return True
        return any(f"/{path.lower()}" in urls for path in SLASHED_RE.findall(text))

    sentences: list[Sentence] = [{**s, "names_handle": True} if named(s["text"]) else s
                                 for s in post["sentences"]]
    return {**post, "sentences": sentences}


def flagged(sent: Sentence, post: Post) -> bool:
    """The sentence holds a figure the source lint flagged as scrambled: not for the ear."""
    return any(f["text"] in sent["text"] for f in post.get("lint") or [])


def candidates(post: Post) -> list[Sentence]:
    """The sentences worth a full score: all of them, or on a huge post a cheap first cut.

    Scoring reads every figure with the number engine; past MAX_CANDIDATES
    sentences the lead, each section's opening and the sentences richest in
    figures (by a regex count) are kept, so condensing stays linear. A sentence still
    holding a figure the source lint flagged as scrambled (its main clause: clean_flagged
    dropped the others) is none: a long episode would reach it however low it scored.
    """
    sents = [s for s in post["sentences"] if not flagged(s, post)]
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
    """Sentences, best first, taking sections in turns so every section gets a say: its first turn
    goes to the best sentence it may say. One naming a user handle or a PR waits for no turn; a
    template an earlier sentence has said, or nearly (`similar`: "Progress: The Rust project has
    made progress …", "… has not made any progress …"), comes last in its section, since an
    episode says it once."""
    by_section: dict[int, list[tuple[float, Sentence]]] = {}
    earlier: set[str] = set()
    earlier_words: list[set[str]] = []
    for sent in candidates(post):
        if never_said(sent, post):
            continue
        bucket = by_section.setdefault(sent["section"], [])
        keys, words = spoken_keys(sent["text"], post["language"]), set(textmod.words(sent["text"]))
        repeated = bool(keys & earlier) or any(similar_words(words, w) for w in earlier_words)
        earlier |= keys
        earlier_words.append(words)
        bucket.append((score_sentence(sent, len(bucket), post) - REPEATED_COST * repeated, sent))
    ranked = [sorted(b, key=lambda x: (-x[0], sentence_index(x[1]))) for _, b in sorted(by_section.items())]
    order: list[tuple[float, Sentence]] = []
    for depth in range(max((len(b) for b in ranked), default=0)):
        tier = [b[depth] for b in ranked if depth < len(b)]
        order.extend(sorted(tier, key=lambda x: (-x[0], sentence_index(x[1]))))
    return order


def pick_sentences(post: Post, budget: int, kept: Iterable[Sentence] = ()) -> list[Sentence]:
    """The sentences a host would read, filling the word budget, each with its subject.

    `kept`: sentences already chosen (the adjust step's script), counted in the
    budget; the next best sentences the condenser passed over join them. Once
    no whole sentence fits, the best one that overshoots the budget by less
    than it falls short is taken too: at one minute a sentence is a tenth of
    the length, and stopping short of it misses the target by as much.
    """
    chosen: list[Sentence] = list(kept)
    used = sum(word_count(s["text"]) for s in chosen)
    ranked = worth_saying(post, budget)
    for fill in (True, False):
        for sent in ranked:
            group = sayable(sent, chosen, post)
            n = sum(word_count(s["text"]) for s in group)
            if not group or (used + n > budget if fill else used + n - budget >= budget - used):
                continue
            chosen.extend(group)
            used += n
            if not fill:
                break
    return sorted(chosen, key=sentence_index)


def worth_saying(post: Post, budget: int) -> list[Sentence]:
    """The sentences, best first, a script of `budget` words may take."""
    total = sum(word_count(s["text"]) for s in post["sentences"] if not never_said(s, post))
    # A post about as long as the budget keeps every sentence that is not an aside (its total
    # counts the asides, lead-ins and questions that are never read, not the captions or what
    # speaks of a chart: those are never sayable).
    min_score = -1.0 if total <= SHORT_POST_RATIO * budget else 0.0
    return [sent for score, sent in rank_sentences(post) if score >= min_score]


def sayable(sent: Sentence, chosen: list[Sentence], post: Post) -> list[Sentence]:
    """The sentences `sent` brings to the script (itself and what it leans on), or [] when it
    is chosen already, repeats a chosen one, or what it leans on would cost more than it says."""
    if sent in chosen or any(similar(sent["text"], c["text"]) for c in chosen) or announces_list(sent, post):
        return []       # a list's lead-in comes with its items (with_list), never alone
    group = [s for s in with_subject(sent, post) if s not in chosen]
    if any(flagged(s, post) for s in group):
        return []       # it leans on a scrambled figure ("Ces chiffres montrent …")
    lang = post["language"]
    said = {key for c in chosen for key in spoken_keys(c["text"], lang)}
    if any(said & spoken_keys(s["text"], lang) for s in group):
        return []       # a template the post repeats ("Progress: …") is said once an episode
    own = word_count(sent["text"])
    if sum(word_count(s["text"]) for s in group) - own > max(MAX_LEAN_RATIO * own, MAX_LEAN_WORDS):
        return []
    return group


@functools.lru_cache(maxsize=4096)
def spoken_keys(text: str, lang: str) -> frozenset[str]:
    """The words, lower-cased, of each sentence the host says for `text` (a long one is said in two):
    two sentences sharing a key say the same thing twice."""
    spoken = textmod.split_sentences(rewrite_for_ear(text, lang), lang)
    keys = (textmod.words(t) for t in spoken)
    # A label said before its sentence ("Goals. We think …", "Goals. We had …") is no sentence of its own.
    return frozenset(" ".join(k) for k in keys if len(k) > MAX_LABEL_WORDS)


def once_each(chosen: list[Sentence], lang: str) -> list[Sentence]:
    """The chosen sentences less any that says again what one before it said, word for word."""
    seen: set[str] = set()
    out = []
    for s in chosen:
        keys = spoken_keys(s["text"], lang)
        if not keys & seen:
            seen |= keys
            out.append(s)
    return out


def never_said(sent: Sentence, post: Post) -> bool:
    """A sentence no key point speaks: about a chart or table unseen, a caption, an aside in brackets,
    code or a user handle a host cannot say, a fragment left where a link stood, or a sentence
    leaning on a clause left out for a flagged figure."""
    text = sent["text"]
    return (unseen(text) or is_caption(sent, post) or is_bracketed(text) or unsayable(text)
            or bool(sent.get("names_handle") or HANDLE_RE.search(text)) or is_fragment(text)
            or leans_on_dropped(sent, post))


# A sentence made of a leading phrase and a few capitalised words after its last comma, no verb: what
# is left where a link's text stood glued to the next sentence ("Par exemple, selon un rapport de
# CNBC de mars 2024, Amazon.", "Selon une étude … publiée par The Register le 18 août 2025, Outils
# d'IA."). "Selon le ministre, Paris gagnera." has its verb after the comma and stands.
FRAGMENT_RE = re.compile(
    r"^(?:(?:par exemple|for example|for instance|ainsi|also)\s*,\s*)?(?:selon|d'après|according to|"
    r"as reported (?:by|in)|comme l'(?:indique|écrit|rapporte))\b[^.!?;:]*,"
    r"(?P<tail>[^.!?;:,]{1,40})[.!?]?$", re.I)
NAME_PARTICLES = {"de", "du", "des", "of", "the", "and", "et"}


# A hole where an address stood (the readers never read one, a link's text included): a sentence
# ending on a preposition ("… can be found at.", "… disponibles sur."), a verb of use with no object
# ("We can use to implement this easily.").
HOLE_RE = re.compile(r"\b(?:at|from|via|of|the|an?|with|sur|à|de|des|du|la|le|les|avec|par|chez)\s*[.!?:]$|"
                     r"\b(?:use|uses|using|visit|see|utiliser|utilisez|consultez|visitez|voir)\s+(?:to|pour|and|et)\s",
                     re.I)


def is_fragment(text: str) -> bool:
    """A leading phrase and, after its last comma, a name and no verb (FRAGMENT_RE), or a hole where
    an address stood (HOLE_RE): no sentence."""
    if HOLE_RE.search(text.strip()):
        return True
    m = FRAGMENT_RE.match(text.strip())
    if not m:
        return False
    return all(w[:1].isupper() or w.lower() in NAME_PARTICLES or bool(re.match(r"[dl]['’][A-ZÀ-Ý]", w))
               for w in m.group("tail").split())


# A sentence after a dropped clause in its paragraph names what that clause said: "un article publié
# par l'AIC … souligne que …" dropped, "L'article indique également …" and "La raison de cet échec …"
# lean on it. A demonstrative, a connective or a definite noun the clause used is such a link.
DEMONSTRATIVE_RE = re.compile(r"(?<![\w'’])(?:ce|cet|cette|ces|this|these|those|such|également|also|too|aussi)"
                              r"(?![\w'’-])", re.I)
DEFINITE_RE = re.compile(r"(?<![\w'’])(?:l['’]|le |la |les |the )([^\W\d_]{3,})", re.I)


def leans_on_dropped(sent: Sentence, post: Post) -> bool:
    """The sentence follows, in its paragraph, one that lost a clause (clean_flagged), and may lean on it."""
    sentences = post["sentences"]
    i = sentence_index(sent) - 1
    dropped_words: set[str] = set()
    for prev in reversed(sentences[max(0, i - MAX_SUBJECT_STEPS):i]):
        if prev.get("block") != sent.get("block"):
            break
        if prev.get("dropped"):
            dropped_words = set(textmod.words(str(prev["dropped"]))) - set(textmod.words(prev["text"]))
            break
    if not dropped_words:
        return False
    text = sent["text"]
    return (bool(DEMONSTRATIVE_RE.search(text)) or leans(text, post["language"])
            or any(w.lower() in dropped_words for w in DEFINITE_RE.findall(text)))


def with_subject(sent: Sentence, post: Post) -> list[Sentence]:
    """The sentence, preceded by what it leans on; [] when that cannot be said.

    "They made 41% of all rides" needs "Women still take fewer trips than men"
    (from the paragraph before if need be); a sentence of figures with no name
    in it ("Out of those who answered, 74.5% selected no") needs the sentence
    before it in the same paragraph. A sentence whose antecedent is in another
    section, is a chart or is too far back is left out: no point opens on
    "Meanwhile", "Ces résultats" or "306 of these".
    """
    lang = post["language"]
    if never_said(sent, post):
        return []
    if (on_list := with_list(sent, post)) is not None:
        return on_list
    group = [sent]
    for _ in range(MAX_SUBJECT_STEPS):       # "Riders took…" needs "It counted…", which needs its own
        first = group[0]
        leaning = leans(first["text"], lang)
        i = sentence_index(first) - 1
        prev = post["sentences"][i - 1] if i > 0 else None
        if prev is None or prev["section"] != first["section"]:
            break
        unnamed = (prev.get("block") == first.get("block") and numbers.extract(first["text"], lang)
                   and not names_something(first["text"]))
        if not (leaning or unnamed) or prev["text"].endswith(":") or never_said(prev, post):
            break
        if leaning_on_list(prev, post) is not None:
            break       # a list item that is no sentence: "it" would stand for the list's lead-in
        group.insert(0, prev)
    if leans(group[0]["text"], lang):
        # Only a sentence that leans itself is left out; one that merely lacked a name stands alone.
        return [] if leans(sent["text"], lang) else [sent]
    if SAME_TIME_RE.match(sent["text"]) and not any(DATE_RE.search(s["text"]) for s in group[:-1]):
        return []       # "Le même jour, Fortune rapportait …": the day was in a sentence not said
    return group


def with_list(sent: Sentence, post: Post) -> list[Sentence] | None:
    """A list item that is no sentence of its own (or a sum of a list, a table's total line) with
    its lead-in, and its siblings when they fit in what a sentence may bring (sayable); [] when
    the lead-in cannot be said; None for a sentence that leans on no list (lists.leaning_on_list)."""
    leaned = leaning_on_list(sent, post)
    if leaned is None:
        return None
    lead, siblings = leaned
    if lead is None:
        return []
    head = with_subject(lead, post)
    if not head:
        return []
    own = word_count(sent["text"])
    most = max(MAX_LEAN_RATIO * own, MAX_LEAN_WORDS)
    if sum(word_count(s["text"]) for s in head + siblings) <= most:
        head = head + [s for s in siblings if s not in head]
    return head + [sent]


# A sentence dated by the one before it ("Le même jour, …", "That year, …") needs that date said.
SAME_TIME_RE = re.compile(r"^[«\"'\s]*(?:le même (?:jour|mois)|la même (?:année|semaine)|ce jour-là|cette année-là|"
                          r"ce mois-là|the same (?:day|week|month|year)|(?:later )?that (?:day|week|month|year))\b",
                          re.I)
DATE_RE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:%s|yesterday|today|hier|aujourd'hui)\b"
                     % "|".join(name for names in MONTHS.values() for name in names.split()), re.I)


def names_something(text: str) -> bool:
    """True when the sentence names an entity: a capitalized word past its first."""
    tokens = re.findall(r"[^\W\d_][\w'’-]*", re.sub(r"\b(?:[cdjlmnst]|qu)['’]", "", text, flags=re.I))
    return any(t[:1].isupper() for t in tokens[1:])


def group_points(chosen: list[Sentence], lang: str, max_points: int = MAX_POINTS) -> list[list[Sentence]]:
    """Chosen sentences -> points: one per section, or per paragraph in a post without headings."""
    sections = {s["section"] for s in chosen}
    by_section = len(sections) >= MIN_POINTS
    key = (lambda s: s["section"]) if by_section else (lambda s: (s["section"], s.get("block")))
    groups: list[list[Sentence]] = []
    for s in chosen:
        # A full point still takes a sentence that leans on its last one ("They made up 64%…").
        room = len(groups[-1]) < MAX_SENTENCES_PER_POINT if groups else False
        follows = bool(groups) and sentence_index(s) == sentence_index(groups[-1][-1]) + 1
        if follows and (leans(s["text"], lang) or hangs_on_previous(s, lang)):
            groups[-1].append(s)
        elif groups and key(groups[-1][-1]) == key(s) and room:
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


def max_points(target_seconds: float) -> int:
    """Eight points for a few minutes; a long episode gets a point per SECONDS_PER_POINT, so a
    long post's sections stay chapters of their own rather than being merged eight ways."""
    return max(MAX_POINTS, round(target_seconds / SECONDS_PER_POINT))


def sentence_index(sent: Sentence) -> int:
    return int(sent["id"][1:])


MAX_TITLE_WORDS = 10
# Words a title is never made of: function words, common verbs and adverbs.
TITLE_STOPWORDS = {
    "en": set("""a an the and or but if then than so as at by for from in into of on onto to with without
        about over under after before between through during per via this that these those it its they
        them their there here we our us you your he she his her i me my is are was were be been being
        am do does did done have has had having can could will would shall should may might must not no
        also just only very more most much many some any all each every both either other such same own
        what which who whom whose when where why how while because since until although though even
        still yet again now already ever never always often usually new first last next one two lot lots
        make makes made making use uses used using get gets got take takes took give gives gave see seen
        said says say want wanted like well back way ways around up down out off across well thing things
        able let lets really quite rather almost about around whether however within themselves itself
        consider considered think thought know known find found need needs like yes once who's
        terms it's let's that's there's what's here's he's she's we're they're you're isn't doesn't
        don't can't won't called named instead neither nor bit less began begin begins follows continue
        continues remain remains become becomes became indicate indicates mentioned shown try tried
        discuss wish wishes towards toward upon among beyond against despite seems seem prefer prefers
        occurs occur generates generate helps require requires allows allow provides provide includes
        include shows means happens enables appears tends keeps adds brings offers""".split()),
    "fr": set("""le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont où
        ce cet cette ces cela ceci celui celle ceux celles il elle ils elles on nous vous je j me m te t se
        s lui leur leurs son sa ses mon ma mes ton ta tes notre nos votre vos y en ne n pas plus moins
        très trop peu aussi ainsi alors encore déjà toujours jamais est sont était étaient être été a ont
        avait avaient avoir eu fait faire font peut peuvent pourrait doit doivent devrait faut sur sous
        dans par pour avec sans entre vers chez selon depuis pendant avant après comme si tout tous toute
        toutes même autre autres chaque certains certaines quelques plusieurs bien mal non oui c est dont
        lorsque quand parce puisque afin tant cependant toutefois également notamment fois faites
        signifie permet permettre voici voilà envers effectue effectuer lors termes sera aura fera ici
        prend prennent fait font dit met doit doivent peut peuvent veut va vont vient tient voit sait
        agit agissait propose proposent comprend comprennent offre offrent delà beaucoup presque
        possible impossible généralement directement désire souhaite affecte moment seulement soit soient""".split()),
}
# A word that only a locution holds after "à"/"au" ("mise à jour", "à partir de", "au delà", "au
# lieu de"): no title opens on it ("Jour du statut", "Partir de données fines").
LOCUTION_TAIL = {"fr": ("à", "au", "aux"), "en": ()}
LOCUTION_WORDS = set("jour partir travers propos cause condition savoir delà lieu".split())
# Words that end no title: "mise" waits for its "à disposition"/"en place", a possessive for its noun
# ("… speedup for Amazon's").
TITLE_NO_END = {"fr": re.compile(r"^mises?$"), "en": re.compile(r"['’]s$")}
# An infinitive after "de"/"d'"/"à"/"pour" opens a verb phrase, not a title ("D'utiliser
# directement …", "Dire quelque chose").
INFINITIVE_AFTER = {"fr": re.compile(r"^(?:d['’])?\S+(?:er|ir)$|^(?:d['’])?(?:dire|faire|prendre|mettre|lire|écrire)$"),
                    "en": re.compile(r"$^")}
INFINITIVE_LEAD = {"fr": {"de", "à", "pour", "sans"}, "en": set()}
# A verb reporting what follows ("Berg Insight indique que …", "the report notes that …"): the
# word before "que"/"that" ends a subject, not a title.
REPORTING_VERB = {"fr": (re.compile(r"[et]$"), re.compile(r"^(?:que|qu['’].*)$", re.I)),
                  "en": (re.compile(r"s$"), re.compile(r"^that$", re.I))}
TITLE_LINK = {"en": ("of", "for"), "fr": ("de", "des", "du", "d'")}
# A word right before a determiner, or a participle before an agent's "by"/"par", is no
# noun phrase's end: "Electric bike carries a battery", "Main roads close most of …", "Tarifs
# compétitifs offerts par les réseaux".
VERB_AFTER = {"en": set("a an the its their his her our your some most many every each two three four five six seven "
                        "eight nine ten several".split()),
              "fr": set("un une les leur leurs ses son sa chaque plusieurs deux trois quatre cinq six sept huit neuf "
                        "dix".split())}
# A verb form right after an auxiliary, "to"/"pour" or a gerund's "en" opens no noun phrase: "Reached
# Rust programmers" ("has reached …"), "Développer de nouveaux produits" ("et développer" is not
# caught, "pour développer" is), "Améliorant continuellement …" ("en améliorant").
_PAST = re.compile(r"(?:ed|en|wn|ing)$")
_PAST_FR = re.compile(r"(?:ée?s?|er|ir|[^e]u)$")     # "a fallu", "a voulu"
AUXILIARY_VERB = {
    "en": {**dict.fromkeys("has have had is are was were been be being".split(), _PAST),
           "to": re.compile(r"^(?!(?:the|a|an)$)[a-z]+$")},
    "fr": {**dict.fromkeys("a ont avait avaient est sont été sera seront pour".split(), _PAST_FR),
           "en": re.compile(r"ant$"), "et": re.compile(r"(?:er|ir)$")},
}
PARTICIPLE_RE = {"en": re.compile(r"(?:ed|en|wn|de|ht|lt|nt)$"),
                 "fr": re.compile(r"(?:ée?s?|ie?s?|ue?s?|erte?s?|uite?s?|inte?s?|ise?s?)$")}


def point_title(group: list[Sentence], post: Post, taken: Iterable[str] = (), spoken: str | None = None) -> str:
    """The point's chapter title: the heading its sentences come from, else a noun phrase of its words.

    Never a cut sentence and never one a chapter before it already has, not even
    in the plural; a heading that names a chart or table is used only over the
    table's own figures said (a total row, ingest.tables).
    """
    used = {title_key(t) for t in taken}
    heading = post["sections"][group[0]["section"]]["heading"]
    usable = bool(heading and word_count(heading) <= MAX_TITLE_WORDS and not item_name(heading)
                  and (heading not in chart_headings(post) or all(s.get("kind") == "table" for s in group)))
    own = usable and all(s["section"] == group[0]["section"] for s in group)
    phrases = noun_phrases(spoken or " ".join(s["text"] for s in group), post)
    # A noun phrase of two words or more, else the heading the point opens under, else one word.
    options = [heading.rstrip(" .:")] if own and heading else []
    options += [p for p in phrases if " " in p] + ([heading.rstrip(" .:")] if usable and heading else [])
    options += [p for p in phrases if " " not in p]
    for title in options:
        if title_key(title) not in used:
            return title
    base = options[0] if options else (heading or "Point")
    n = 2
    while title_key(f"{base} ({n})") in used:
        n += 1
    return f"{base} ({n})"


TITLE_KEY_SKIP = set("l le la les the a an de du des d of".split())


def title_key(title: str) -> str:
    """A title as a listener tells it from another: case, articles, links and endings aside
    ("Réseaux de chaleur" and "Réseau de chaleur", "L'IA générative" and "L'IA de génération" are one title)."""
    words = re.findall(r"[^\W_]+", title.casefold().replace("’", "'"))
    return " ".join(re.sub(r"(?<=..)[sx]$", "", w)[:5] for w in words if w not in TITLE_KEY_SKIP)


# A heading naming data, results or a chart ("Overall Survey Results", "Quelques données",
# "Statistiques"): over a section holding a table or a figure, the name of what is shown.
DATA_HEADING_RE = re.compile(r"\b(?:results?|résultats?|statisti\w*|data|données|chiffres|numbers|figures|"
                             r"totals?|breakdown|répartition|tables?|tableaux?|charts?|graphs?|graphiques?)\b", re.I)


def chart_headings(post: Post) -> set[str]:
    """Headings of a chart or a table, not of a topic: directly followed by one, or naming data
    (DATA_HEADING_RE) over a section that holds one."""
    blocks = post.get("blocks") or []
    out = set()
    for i, block in enumerate(blocks):
        if block["type"] != "heading":
            continue
        name = str(block.get("text") or "").rstrip(" .:")
        section = []
        for after in blocks[i + 1:]:
            if after["type"] == "heading":
                break
            section.append(after["type"])
        shown = any(kind in ("table", "figure") for kind in section)
        if section[:1] in (["table"], ["figure"]) or shown and DATA_HEADING_RE.search(name):
            out.add(name)
    return out


def item_name(heading: str) -> bool:
    """A heading written in lower case ("async crashdump dissection", "wg-debugging"): the name of a
    work item or a label, not a chapter title; an identifier ("cg_clif") is never said either."""
    return not any(ch.isupper() for ch in heading) or unsayable(heading)


def noun_phrases(text: str, post: Post) -> list[str]:
    """Runs of content words from the text ("dev server performance", "gestion des produits"), best first.

    A word weighs by how often the point and the post's title use it; a run
    is two to five words, joined at most once by "of"/"de"; a single word
    comes after every longer run; no run starts inside a fixed locution.
    """
    lang = post["language"]
    tokens = re.findall(r"[^\W\d_][\w-]*(?:['’][^\W\d_][\w-]*)*|\S", without_locutions(text, lang))
    counts: dict[str, int] = {}
    for t in tokens:
        counts[bare(t)] = counts.get(bare(t), 0) + 1
    title = set(textmod.words(post.get("title") or ""))
    scored = []
    for run in word_runs(tokens, lang):
        run = five_words(run, lang)
        while run and (link_word(run[-1], lang) or verb_like(bare(run[-1]), lang, final=True)
                       or TITLE_NO_END[lang].search(run[-1].lower())):
            run.pop()
        if not run:
            continue
        weight = sum(counts[bare(w)] + 2 * (bare(w) in title) for w in run if not link_word(w, lang))
        # Two to five words make a title; a single word only when nothing longer is found.
        scored.append((len(run) == 1, -weight / (1 + 0.15 * len(run)), " ".join(run)))
    seen: dict[str, None] = {}
    for _, _, phrase in sorted(scored, key=lambda x: x[:2]):
        seen.setdefault(phrase[:1].upper() + phrase[1:], None)
    return list(seen)


# A run of words opened right after one of these is a preposition's object, with no verb in it:
# "In American cities a ride …" is no "cities" verb before its determiner.
PREPOSITIONS = {"en": set("in on at for from of with to into by about across under over".split()),
                "fr": set("à au aux dans en sur pour par avec sous chez vers".split())}
# A French participle whose object or agent follows ("favorisant le partage", "liés aux
# fonctionnalités"): no noun phrase ends on it.
GOVERNING_PARTICIPLE = {"fr": (re.compile(r"(?:ants?|ée?s?)$"), re.compile(r"^(?:le|la|les|l['’].*|sur|dans|avec)$")),
                        "en": (re.compile(r"$^"), re.compile(r"$^"))}
# A two-letter acronym is a word of a title: "L'IA de génération", "UX".
ACRONYM_RE = re.compile(r"(?:[a-z]['’])?[A-Z]{2}")
# A participle's "à"/"au"/"aux" links it to its noun as "de" does: "Travaux liés aux fonctionnalités".
PARTICIPLE_LINK = {"fr": ("à", "au", "aux"), "en": ()}
# A verb taking "de" and an infinitive ("L'équipe continue de bénéficier …"): no title holds it.
DE_VERBS = {"fr": set("continue continuent permet permettent tente tentent essaie essaient cesse cessent décide "
                      "décident choisit choisissent refuse refusent évite évitent risque risquent".split()),
            "en": set()}
# "Capacité d'une équipe", "Diffusion de la connaissance": an article after the one link word.
LINK_ARTICLE = {"fr": re.compile(r"^(?:d['’]une?|la)$"), "en": re.compile(r"$^")}


def five_words(run: list[str], lang: str) -> list[str]:
    """A run cut to five words at most: before its link word when the link would leave the noun after it
    behind ("Low success rates of large …" -> "Low success rates"), and never ending "of varying"."""
    if len(run) > 5:
        links = [i for i, w in enumerate(run[:6]) if link_word(w, lang)]
        run = run[:links[0]] if links and links[0] >= 2 else run[:5]
    if len(run) > 2 and link_word(run[-2], lang) and re.search(r"ing$|ants?$", run[-1].lower()):
        run = run[:-2]       # "Different extension mechanisms of varying …"
    return run


def verb_before(run: list[str], token: str, lang: str, opened_by: str) -> bool:
    """The run's last word is a verb, seen from the token after it: a determiner or a number word
    ("carries a battery", "comporte deux canaux"; not after a preposition's object, "In American cities
    a ride"), an agent's "by"/"par" after a participle, an object after a French participle ("favorisant
    le partage", "comportant des points"), an adverb after a subject ("Développement de logiciels
    complique considérablement")."""
    if len(run) < 2 or link_word(run[-1], lang):
        return False
    low, last = token.lower(), run[-1].lower()
    participle, governed = GOVERNING_PARTICIPLE[lang]
    return bool(low in VERB_AFTER[lang] and opened_by not in PREPOSITIONS[lang]
                or bare(low) in ("by", "par") and PARTICIPLE_RE[lang].search(bare(last))
                or governed.match(low) and participle.search(last)
                or lang == "fr" and low in ("des", "du") and re.search(r"ants?$", last)
                or len(run) > 2 and verb_like(bare(low), lang, final=False) and low.endswith("ment"))


def link_word(token: str, lang: str) -> bool:
    """A word that only joins a title's nouns ("of", "de", "d'une", "de la", "liés aux"): it weighs
    nothing and ends no title."""
    low = token.lower()
    return bare(token) in TITLE_LINK[lang] or low in PARTICIPLE_LINK[lang] or bool(LINK_ARTICLE[lang].match(low))


def word_runs(tokens: list[str], lang: str) -> list[list[str]]:
    """The tokens cut into runs of content words, each a candidate title (see noun_phrases)."""
    stop = TITLE_STOPWORDS[lang]
    runs: list[list[str]] = [[]]
    opened_by, before = "", ""
    for k, t in enumerate(tokens):
        low, after_aux, before_aux, before = bare(t), AUXILIARY_VERB[lang].get(before), before, t.lower()
        if not runs[-1]:
            opened_by = before_aux
        if after_aux and after_aux.search(low) or opens_no_title(t, before_aux, lang, not runs[-1]) \
                or not runs[-1] and LEADING_PARTICIPLE[lang].search(low) and len(low) > 4 \
                and (before_aux.endswith("ly") or before_aux in SENTENCE_START):
            runs.append([])      # "has reached Rust programmers", "ont organisé trois événements",
            continue             # "Maintained efficient HMR", "loosely defined goal"
        if runs[-1] and runs[-1][-1].lower() in TITLE_LINK[lang] and GERUND[lang].search(low):
            runs[-1][-1 if len(runs[-1]) > 2 else 0:] = []   # "Popular for creating server backends",
            runs.append([])                                  # "goal of shipping async": no title
            continue
        if low in ("à", "a") and len(runs[-1]) > 1 and [bare(w) for w in tokens[k + 1:k + 3]][:1] == ["ce"] \
                and re.match(r"qu", bare(tokens[k + 2]) if k + 2 < len(tokens) else ""):
            runs[-1].pop()       # "Gestionnaire de produit veille à ce que …": a verb, not a noun
        verb_end, that = REPORTING_VERB[lang]
        if that.match(t) and len(runs[-1]) > 1 and verb_end.search(runs[-1][-1]):
            runs[-1].pop()
        if len(runs[-1]) > 1 and runs[-1][-1].lower() in ("de", "d'") and INFINITIVE_AFTER[lang].match(low):
            # "Extrêmement rare de disposer …"; a verb taking it too: "L'équipe continue de bénéficier …"
            runs[-1][-1 - (runs[-1][-2].lower() in DE_VERBS[lang]):] = []
            runs.append([])
            continue
        if verb_before(runs[-1], t, lang, opened_by):
            runs[-1].pop()       # "Electric bike carries a …", "Tarifs compétitifs offerts par …"
            runs.append([])      # "Réseau comporte | deux canaux", "Entreprise offrant | des services"
        linked = any(w.lower() in TITLE_LINK[lang] + PARTICIPLE_LINK[lang] for w in runs[-1])
        if any(ch.isdigit() for ch in t):
            runs.append([])
        elif low in TITLE_LINK[lang] and runs[-1] and not linked:
            runs[-1].append(t)
        elif low in PARTICIPLE_LINK[lang] and len(runs[-1]) > 1 and not linked \
                and re.search(r"ée?s?$", runs[-1][-1].lower()):
            runs[-1].append(t)
        elif runs[-1] and runs[-1][-1].lower() in PARTICIPLE_LINK[lang] and INFINITIVE_AFTER[lang].match(t.lower()):
            runs.append([])      # "services votés à assumer": a verb after "à", not a noun

        elif LINK_ARTICLE[lang].match(t.lower()) and runs[-1] and runs[-1][-1].lower() in ("de", "d'"):
            runs[-1].append(t)
        elif t[:1].isalpha() and low not in stop and (len(low) > 2 or ACRONYM_RE.fullmatch(t)) \
                and not verb_like(low, lang, final=False):
            runs[-1].append(t)
        elif re.match(r"d['’]une?$", t.lower()) and runs[-1] and not linked:
            runs[-1].append(t)
        else:
            runs.append([])
    return runs


# A participle opening a sentence or after an adverb qualifies nothing in the title ("Maintained
# efficient HMR", "a loosely defined goal"); a gerund after "of"/"for" opens a verb phrase ("popular
# for creating server backends").
LEADING_PARTICIPLE = {"en": re.compile(r"(?<!e)ed$"), "fr": re.compile(r"$^")}
GERUND = {"en": re.compile(r"..ing$"), "fr": re.compile(r"$^")}
SENTENCE_START = ("", ".", "!", "?", ":", ";")


def opens_no_title(token: str, before: str, lang: str, run_empty: bool) -> bool:
    """The word after "à" in a locution ("mise à jour", "à partir de"), or an infinitive opening a
    run after "de"/"d'"/"pour": the middle of a phrase, not the start of a title."""
    low = token.lower()
    if before in LOCUTION_TAIL[lang] and bare(low) in LOCUTION_WORDS:
        return True
    return run_empty and (before in INFINITIVE_LEAD[lang] or bool(re.match(r"d['’]", low))) \
        and bool(INFINITIVE_AFTER[lang].match(low))


def bare(token: str) -> str:
    """A token lower-cased, without its elided article ("d'investissement" -> "investissement")."""
    return re.sub(r"^(?:[cdjlmnst]|(?:lors|puis|jus|quoi)?qu)'", "", token.lower().replace("’", "'"))


def verb_like(word: str, lang: str, final: bool) -> bool:
    """A crude guess that a word is a conjugated verb or an adverb, kept out of titles.

    A participle ("marginalized", "liés") may qualify the noun after it, so it
    only stops a run at its end (`final`).
    """
    if len(word) <= 4:
        return False
    if lang == "fr":
        # the future too ("dépassera", "connaîtra", "constitueront"), never a noun's qualifier
        # an adverb too ("continuellement", "précisément"; "élément", "complément" are nouns)
        return bool(re.search(r"(?<!m)ent$|aient$|ait$|ons$|ez$|(?<![éaou])ra$|(?<!f)ront$|(?:ellement|ivement|"
                              r"iquement|amment|emment|airement|ièrement|atement|ûrement|[ai]blement|êmement|"
                              r"(?<!él|pl|gr|cr)ément)$", word)
                    or final and re.search(r"(?:(?<!it)és?|ées?)$", word))   # "activités" is a noun
    return bool(re.search(r"ly$", word) or final and re.search(r"(?<!e)ed$", word))


def extractive(post: Post, target_seconds: float = TARGET_SECONDS) -> dict[str, Any]:
    lang = post["language"]
    post = prepared(post)
    budget = word_budget(lang, target_seconds)
    chosen = pick_sentences(post, budget)
    if not chosen:
        raise InputError("the post has no sentence worth a key point", "pass a longer post")
    return {"points": points_of(chosen, post, max_points(target_seconds)),
            **shortfall(post, chosen, budget, lang)}


def points_of(chosen: list[Sentence], post: Post, most: int) -> list[Point]:
    """The chosen sentences (in post order) as key points: grouped, rewritten for the ear, titled."""
    lang = post["language"]
    points: list[Point] = []
    for group in group_points(once_each(chosen, lang), lang, most):
        said = [rewrite_for_ear(s["text"], lang) for s in group]
        joined = said_with_items(group, said, post, LIST_AND[lang])
        text = " ".join(joined if same_numbers(" ".join(said), " ".join(joined), lang) else said)
        points.append({
            "title": point_title(group, post, [p["title"] for p in points], text),
            "text": text,
            "sources": [s["id"] for s in group],
        })
    return points


SHORT_OF_BUDGET = 0.8


def shortfall(post: Post, chosen: list[Sentence], budget: int, lang: str) -> dict[str, int]:
    """{"short_of_seconds": n} when the post has less to say than the length asked for: the
    whole post is shorter, or what a host would read of it is and none of it is left (a long
    post of code, tables, lists and asides has few sentences to say)."""
    said = sum(word_count(s["text"]) for s in chosen)
    whole_post_short = sum(word_count(s["text"]) for s in post["sentences"]) <= budget
    if said >= (SHORT_OF_BUDGET if whole_post_short else 1 - LENGTH_TOLERANCE) * budget:
        return {}
    if not whole_post_short and not said_all(post, chosen):
        return {}
    return {"short_of_seconds": round((budget - said) * 60 / WORDS_PER_MINUTE[lang])}


def said_all(post: Post, chosen: list[Sentence]) -> bool:
    """No sentence worth saying is left out of `chosen` (none a host could add, with what it
    leans on): the post has nothing more to say, whatever the length asked for."""
    return not any(sayable(s, chosen, post) for score, s in rank_sentences(post) if score >= 0)


CONDENSERS.register("extractive", lambda: extractive)
CONDENSERS.register("llm", lambda: llm_condense)


def intro_outro(post: Post) -> tuple[str, str]:
    t = TEMPLATES[post["language"]]
    title = (post.get("title") or "").rstrip(" .")
    intro = (t["intro_by"] if post.get("author") else t["intro"]).format(
        title=title, author=post.get("author"), de_author=textmod.de(post.get("author") or ""))
    if date := spoken_date(post.get("date"), post["language"]):
        intro += t["dated"].format(date=date)
    return intro, t["outro"].format(title=title)


def numbers_of(text: str, lang: str) -> list[NumberRef]:
    return [{"text": m.text, "value": m.value, "kind": m.kind, "unit": m.unit}
            for m in numbers.extract(text, lang)]


def make_script(post: Post, condenser: str = "extractive",
                target_seconds: float = TARGET_SECONDS) -> Script:
    body = CONDENSERS.get(condenser)(post, target_seconds)
    intro, outro = intro_outro(post)
    lang = post["language"]
    trace_points(body["points"], post)
    script: Script = {
        "title": post.get("title"),
        "language": lang,
        "source": post.get("source"),
        "condenser": condenser,
        "intro": intro,
        "points": body["points"],
        "outro": outro,
        "target_seconds": round(float(target_seconds), 1),
    }
    if body.get("short_of_seconds"):
        script["short_of_seconds"] = int(body["short_of_seconds"])
    return script


def trace_points(points: list[Point], post: Post) -> None:
    """Each point's numbers, and those not found in the post (`unsourced`, for the approval guard)."""
    lang = post["language"]
    everything: list[numbers.Mention] = []
    for p in points:
        p.pop("unsourced", None)
        p["numbers"] = numbers_of(p["text"], lang)
        # Traced first against the sentences the point names (cheap on a huge
        # post), then against the whole post.
        unsourced = unsourced_numbers(p["text"], source_mentions(post, p.get("sources")), lang)
        if unsourced:
            everything = everything or source_mentions(post)
            unsourced = unsourced_numbers(p["text"], everything, lang)
        if unsourced:
            p["unsourced"] = unsourced


def condense(post_path: Path, out_path: Path, condenser: str = "extractive",
             target_seconds: float | None = None, engine: str | None = None,
             fmt: str | None = None, config: Path | None = None) -> Script:
    """post.json -> script.yaml. The length and format come from the post's settings
    unless given (the format, else from podcast.yaml at `config`, with its hosts).

    The word budget is the length at the speaking rate of the voice that will
    read it (`engine`, else the settings' tts), learned from its past audio.
    """
    post_path, out_path = Path(post_path), Path(out_path)
    if not check_not_edited(out_path, post_path):
        return load_script(out_path)
    post: Post = fsio.read_json(post_path)
    settings = load_settings(source_of(post_path, post))
    if target_seconds is None:
        target_seconds = settings.target_seconds
    voice_wpm = speaking_rate.words_per_minute(engine or settings.tts, post["language"], settings.rate)
    script = fitted_script(post, condenser, target_seconds, voice_wpm, settings)
    script = told_as(script, post, fmt, settings.format, config, engine or settings.tts)
    write_script(out_path, post_path, script)
    return script


def told_as(script: Script, post: Post, asked: str | None, settings_format: str | None,
            config: Path | None, engine: str | None = None) -> Script:
    """The script in the episode's format: as is (narration), or as two hosts' turns
    (podcast.yaml's hosts, else the default ones for the TTS `engine`)."""
    cfg = show_config(config)
    if resolve_format(asked, settings_format, cfg.format) != "conversation":
        return script
    return conversation.as_conversation(script, post, hosts_of(cfg.hosts, engine))


def write_script(out_path: Path, post_path: Path, script: Script) -> None:
    """script.yaml, and the hashes that tell the condenser's own script from a hand edit."""
    fsio.write_yaml(out_path, script)
    fsio.write_json(meta_path(out_path), {
        "post_sha256": sha256_file(post_path), "script_sha256": sha256_file(out_path)})


def fitted_script(post: Post, condenser: str, target_seconds: float, wpm: float,
                  settings: EpisodeSettings) -> Script:
    """The script whose key points fill what the episode leaves them at this voice's rate.

    The condensers budget words at WORDS_PER_MINUTE less a default intro and
    outro; they are given the seconds that make that budget the words this
    voice says in the points' own time. A pause follows every point, so the
    budget depends on how many points there are: guessed, then condensed again
    once with the count the first script has.
    """
    lang, points = post["language"], MIN_POINTS
    for _ in range(2):
        words = max(1, int(points_seconds(post, settings, wpm, target_seconds, points) * wpm / 60))
        script = make_script(post, condenser, seconds_for_words(lang, words))
        if len(script["points"]) == points:
            break
        points = len(script["points"])
    script["target_seconds"] = round(float(target_seconds), 1)     # asked for, not the condenser's budget
    if script.get("short_of_seconds"):       # the condensers' seconds are the default voice's
        script["short_of_seconds"] = round(script["short_of_seconds"] * WORDS_PER_MINUTE[lang] / wpm)
    return script


def points_seconds(post: Post, settings: EpisodeSettings, wpm: float, target_seconds: float,
                   points: int) -> float:
    """The seconds left to `points` key points: the length asked for less the rest of the episode,
    the intro and outro as generated (at `wpm`), the pauses between segments and the music beds."""
    intro, outro = intro_outro(post)
    spoken = (word_count(intro) + word_count(outro)) * 60 / wpm
    return target_seconds - spoken - pauses_seconds(settings, points + 2) - music_seconds(settings, outro, wpm)


def pauses_seconds(settings: EpisodeSettings, segments: int) -> float:
    """The silence of an episode of `segments` segments: mastered piece by piece (no music) every
    segment ends in its pause; mastered whole (music), only the gaps between them are paused."""
    gaps = segments - 1 if settings.music_intro or settings.music_outro else segments
    return gaps * settings.pause_ms / 1000


def music_seconds(settings: EpisodeSettings, outro: str, wpm: float) -> float:
    """What the music beds add (pipeline.audio.master.layout): the intro's lead before the first
    word, the outro's tail after the last one."""
    if not (settings.music_intro or settings.music_outro):
        return 0.0
    from ..audio.ffmpeg import duration_s
    from ..audio.master import MUSIC_LEAD_S, OUTRO_TAIL_S

    lead = min(duration_s(settings.music_intro), MUSIC_LEAD_S) if settings.music_intro else 0.0
    if not settings.music_outro:
        return lead
    outro_seconds = word_count(outro) * 60 / wpm
    return lead + min(max(0.0, duration_s(settings.music_outro) - outro_seconds), OUTRO_TAIL_S)


