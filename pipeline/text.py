"""Language-aware text helpers: cleaning, sentence splitting, language detection.

Cleaning is an ordered list of small functions (as gTTS does for its text
pre-processing), so a new rule is one more function in CLEANERS.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UnsupportedLanguage

SUPPORTED_LANGUAGES = ("en", "fr")

# Stopwords that tell languages apart in a few hundred words. Languages we
# cannot speak are listed too, so a German post is named as German.
STOPWORDS = {
    "en": "the and of to is in that it for with as was are this be on by not or from have".split(),
    "fr": "le la les des est et une dans que qui pour pas sur avec sont au aux du ce cette mais".split(),
    "de": "der die das und ist nicht mit den sich auf für ein eine dem auch es zu".split(),
    "es": "el los las y es del que en una por para con no se su lo como más".split(),
    "it": "il di che è la per un una sono non con gli del della nel anche".split(),
    "pt": "o os as e é do da que em um uma para com não se no na dos".split(),
    "nl": "de het een en is van dat in op te zijn niet met voor ook".split(),
}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ja": "Japanese",
                  "zh": "Chinese", "ko": "Korean", "ru": "Russian", "ar": "Arabic", "el": "Greek",
                  "he": "Hebrew", "hi": "Hindi", "th": "Thai", "uk": "Ukrainian", "pl": "Polish",
                  "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "tr": "Turkish",
                  "cs": "Czech", "ro": "Romanian", "hu": "Hungarian", "ca": "Catalan"}
STOPWORD_OWNERS: dict[str, list[str]] = {}
for _lang, _words in STOPWORDS.items():
    for _w in _words:
        STOPWORD_OWNERS.setdefault(_w, []).append(_lang)
# Letters of scripts no supported language is written in (first match wins).
SCRIPTS = [(lang, re.compile(f"[{chars}]")) for lang, chars in (
    ("ja", "\u3040-\u30ff"), ("zh", "\u3400-\u4dbf\u4e00-\u9fff"), ("ko", "\uac00-\ud7af\u1100-\u11ff"),
    ("ru", "\u0400-\u04ff"), ("ar", "\u0600-\u06ff"), ("el", "\u0370-\u03ff"), ("he", "\u0590-\u05ff"),
    ("hi", "\u0900-\u097f"), ("th", "\u0e00-\u0e7f"))]
SAMPLE_CHARS = 20000
# Below this share of the paragraphs' words, no language is the post's own.
# The language of most of the words wins; without a majority, one that leads
# the next by half again; otherwise the user is asked for --lang.
MAJORITY_SHARE = 0.5
CLEAR_LEAD = 1.5

# Abbreviations after which a period does not end a sentence.
ABBREVIATIONS = {
    "en": {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd",
           "co", "corp", "jr", "sr", "no", "fig", "approx", "u.s", "u.k", "jan", "feb", "mar",
           "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"},
    "fr": {"m", "mm", "mme", "mlle", "dr", "pr", "st", "ste", "etc", "cf", "ex", "env", "p",
           "av", "apr", "j.-c", "n°", "no", "janv", "févr", "avr", "juil", "sept", "oct",
           "nov", "déc", "c.-à-d"},
}

# Scripts that never belong in a French or English post: left by machine
# translation, they would be spelled out letter by letter or skipped by TTS.
STRAY_SCRIPT_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff65-\uff9f\u3000-\u303f"
    "\uff01-\uff0f\uff1a-\uff20]+"
)
EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F900-\U0001F9FF\uFE0F\u200d]+"
)
# Characters that must never reach an output (page, feed, ID3, show notes,
# terminal): C0/C1 controls but tab and newline (a bell rings, an ESC drives the
# terminal), bidi embeddings, overrides, isolates and marks (an unclosed U+202E
# reverses everything after it), lone surrogates and non-characters (unencodable).
UNSAFE_CHARS_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# A hashtag starts with a letter: "#3660" is a reference the post's words name ("RFC #3660").
HASHTAG_RE = re.compile(r"(?<![\w&])#[^\W\d_][\w-]*")
SPACES_RE = re.compile(r"[ \t\u00a0\u202f]{2,}")


def sanitize(text) -> str:
    """Untrusted text made safe to show: no controls, no bidi reordering (None -> "").

    Used at every output boundary, and first among the CLEANERS of a post.
    """
    if text is None:
        return ""
    return UNSAFE_CHARS_RE.sub("", text if isinstance(text, str) else str(text))


def strip_stray_scripts(text: str) -> str:
    return STRAY_SCRIPT_RE.sub(" ", text)


def strip_emoji(text: str) -> str:
    return EMOJI_RE.sub("", text)


def strip_hashtags(text: str) -> str:
    return HASHTAG_RE.sub("", text)


def normalize_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u2019", "'")


# Words that open a sentence or a heading. Machine translation sometimes drops
# the break before one ("InvestissementLa réalité", "ChatGPTCes outils"); a
# brand's inner capital (McGraw, WhatsApp, LinkedIn, WebAssembly, kWh) is never
# one of them, so only these are split off. "In", "On", "It" are left out on
# purpose: LinkedIn, AddOn.
SENTENCE_OPENERS = {
    "fr": "La Le Les L'|Des Ces Cette Ce Cet Alors Pour Dans Mais Et Il Elle Ils Elles Un Une Selon "
          "Depuis Avec Sur Aujourd'hui Pourtant Ainsi Enfin Cependant Toutefois Par Lors En Au Aux Du "
          "Seulement Comme Parmi Malgré Grâce Néanmoins Notamment",
    "en": "The This These Those That Today When While Why How What But And So Then There However "
          "According Since After Before",
}
OPENERS_RE = "|".join(map(re.escape, " ".join(SENTENCE_OPENERS.values()).replace("|", " ").split()))


def _glue_re(openers: str) -> re.Pattern:
    # The capital is checked first: it fails fast at almost every position.
    return re.compile(rf"(?=[A-ZÀ-Ý])(?:(?<=[a-zà-ÿ]{{3}})|(?<=[A-Z]{{2}}))(?=(?:{openers})(?![a-zà-ÿ]))")


# Only a word that opens a sentence of the post's language is split off: in a French post
# "FoundersToday" is a name ("un article de FoundersToday publié en 2025"), not "Founders. Today".
GLUE_RE: dict[str | None, re.Pattern] = {lang: _glue_re("|".join(map(re.escape, words.replace("|", " ").split())))
           for lang, words in SENTENCE_OPENERS.items()}
GLUE_RE[None] = _glue_re(OPENERS_RE)      # the language not yet known: either language's openers
# Punctuation with no space after it before a capital, where a link or a line
# break stood: "Par exemple :ChatGPT", "2025,Outils", "opportunité.Démarrage".
# A comma between two words is glued whatever the case: "deux autres rapports,étude de PwC".
GLUED_PUNCTUATION_RE = re.compile(r"(?:(?<=[\w)\s][,;:])|(?<=[a-zà-ÿ]{2}[.!?]))(?=[A-ZÀ-Ý][a-zà-ÿA-Z])|"
                                  r"(?<=[^\W\d_]{3},)(?=[^\W\d_]{2})")


def separate_glued_words(text: str, lang: str | None = None) -> str:
    """'InvestissementLa réalité' -> 'Investissement. La réalité' (lost breaks in MT output).

    Only a sentence-opening word glued to the end of another is split off, so
    camel-case names (McGraw, WhatsApp, LinkedIn, WebAssembly) and units (kWh)
    stay whole; the lost break was a line's end, so the opener starts a sentence.
    Punctuation glued to a capital gets its space back.
    """
    return GLUE_RE.get(lang, GLUE_RE[None]).sub(". ", GLUED_PUNCTUATION_RE.sub(" ", text))


# Function words machine translation glues to the end of the word before ("gestion de
# donnéesest insuffisant", the Japanese between them dropped).
GLUED_FUNCTION_WORDS = {
    "fr": sorted("est et sont des les une ces dans pour avec de la le il elle un ce".split(), key=len, reverse=True),
    # not "is", "it": "analysis", "transit" are a plural-looking word and one of them
    "en": sorted("and the of to this these are was were".split(), key=len, reverse=True),
}
# The word before ends as a plural or a participle does; a word of the language does not go on
# past such an ending with a function word, so "fortune" (fort), "annuelle" (annuel), "sommeil"
# (somme), "interest", "fastest" are never cut, whatever the post's vocabulary.
GLUED_WORD_END_RE = {"fr": re.compile(r"(?:s|x|é|ée)$"), "en": re.compile(r"s$")}
LOWER_WORD_RE = re.compile(r"(?<![\w'’@/.-])[a-zà-ÿœæ]{6,}(?![\w'’@/-])")
MIN_GLUED_WORD = 4


@dataclass(frozen=True)
class PostWords:
    """The post's own vocabulary (lower-cased word counts) in its language."""

    lang: str
    counts: Counter

    @classmethod
    def of(cls, texts: Iterable[str], lang: str) -> "PostWords":
        return cls(lang, Counter(w for t in texts for w in re.findall(r"[^\W\d_]+", t.lower())))


def split_glued_function_words(text: str, post: PostWords) -> str:
    """'de donnéesest insuffisant' -> 'de données est insuffisant'.

    Only a lower-case token the post uses once, made of a word the post uses
    elsewhere (4 letters or more, ending as a plural or participle does) and a
    function word of its language; names and camel case (Toulouse, YouTube,
    iPhone, OpenAI) are never touched.
    """
    if post.lang not in GLUED_FUNCTION_WORDS:
        return text
    return LOWER_WORD_RE.sub(lambda m: _unglued(m.group(), post), text)


def _unglued(token: str, post: PostWords) -> str:
    if post.counts.get(token, 0) > 1 or token in STOPWORDS[post.lang]:
        return token
    for word in GLUED_FUNCTION_WORDS[post.lang]:
        head = token[:-len(word)]
        if (token.endswith(word) and len(head) >= MIN_GLUED_WORD and post.counts.get(head)
                and GLUED_WORD_END_RE[post.lang].search(head) and head not in STOPWORDS[post.lang]
                and not any(w != token and w.startswith(token) for w in post.counts)):
            return f"{head} {word}"
    return token


# What is cleaned with the whole post in view, in order, after CLEANERS: f(text, post words).
POST_CLEANERS = [
    split_glued_function_words,
]


def clean_in_post(texts: list[str], lang: str) -> list[str]:
    """The post's cleaned texts, each cleaned again with the post's own vocabulary in view."""
    post = PostWords.of(texts, lang)
    for step in POST_CLEANERS:
        texts = [step(t, post) for t in texts]
    return texts


# A link's text glued to the text around it ("voir :l'annonce", "[ChatGPT]génère"): the capital
# cases are separate_glued_words'; a lower-case letter is only split off where a link stood.
def space_link_edges(text: str, labels: Iterable[str]) -> str:
    """'selon :l'étude' -> 'selon : l'étude' when "l'étude" was a link's text; never inside a
    figure ("3,2", "10:30") or an address, since the label starts and ends with a letter."""
    for label in {lab for lab in labels if re.match(r"[^\W\d_].*[^\W\d_]$|[^\W\d_]$", lab or "")}:
        if "/" in label or "://" in label:
            continue
        edge = rf"(?:(?<=[,;:])|(?<=[^\W\d_][.!?])){re.escape(label)}|{re.escape(label)}(?=[a-zà-ÿ])"
        text = re.sub(edge, _spaced, text)
    return text


def _spaced(m: re.Match) -> str:
    text = m.string
    before = " " if m.start() and text[m.start() - 1] in ",;:.!?" else ""
    after = " " if m.end() < len(text) and text[m.end()].isalpha() and text[m.end()].islower() else ""
    return f"{before}{m.group()}{after}"


def collapse_spaces(text: str) -> str:
    return SPACES_RE.sub(" ", text).strip()


CLEANERS = [
    sanitize,
    normalize_unicode,
    strip_stray_scripts,
    strip_emoji,
    strip_hashtags,
    separate_glued_words,
    collapse_spaces,
]


def clean(text: str, lang: str | None = None) -> str:
    """The CLEANERS in order; `lang` (the post's language, when known) for the steps that need it."""
    for step in CLEANERS:
        text = step(text, lang) if step is separate_glued_words else step(text)
    return text


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", text.lower())


def _stopword_scores(text: str) -> dict[str, float]:
    """Stopword hits per language, a word shared by k languages counting 1/k."""
    scores = {lang: 0.0 for lang in STOPWORDS}
    for w in words(text):
        owners = STOPWORD_OWNERS.get(w)
        if owners:
            for lang in owners:
                scores[lang] += 1 / len(owners)
    return scores


def script_language(text: str) -> str | None:
    """The language a non-Latin script points to, when most letters are in it."""
    letters = [ch for ch in text[:SAMPLE_CHARS] if ch.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for ch in letters:
        for lang, pattern in SCRIPTS:
            if pattern.match(ch):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    if sum(counts.values()) / len(letters) < 0.5:
        return None
    # Han characters with kana around are Japanese; without, Chinese.
    return "ja" if lang == "zh" and counts.get("ja") else lang


def detect_language_of(paragraphs: list[str]) -> str:
    """The language of a post given as paragraphs: the majority, or a clear error.

    Each paragraph votes with its length for the language its stopwords point
    to, so a post mixing English, French and German is not read as Dutch (the
    language sharing most stopwords with all three).
    """
    joined = " ".join(paragraphs)
    if scripted := script_language(joined):
        check_language(scripted)
    votes: dict[str, int] = {}
    for para in paragraphs:
        scores = _stopword_scores(para[:SAMPLE_CHARS])
        best = max(scores, key=lambda lang: scores[lang])
        if scores[best] >= 1:
            votes[best] = votes.get(best, 0) + len(para.split())
    total = sum(votes.values())
    if not total or _stopword_scores(joined[:SAMPLE_CHARS])[max(votes, key=lambda lang: votes[lang])] < 3:
        raise UnsupportedLanguage(
            "could not tell the post's language (too little text in a known language)",
            f"pass --lang; supported languages: {', '.join(SUPPORTED_LANGUAGES)}",
        )
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    best, share = ranked[0][0], ranked[0][1] / total
    runner_up = ranked[1][1] / total if len(ranked) > 1 else 0.0
    if share < MAJORITY_SHARE and share < CLEAR_LEAD * runner_up:
        mix = ", ".join(f"{LANGUAGE_NAMES.get(k, k)} {round(100 * v / total)}%" for k, v in ranked[:3])
        raise UnsupportedLanguage(
            f"the post mixes languages ({mix}) with none in a clear majority",
            f"pass --lang with the language to speak it in ({', '.join(SUPPORTED_LANGUAGES)})",
        )
    return check_language(best)


def detect_language(text: str) -> str:
    """The supported language the text is written in, or UnsupportedLanguage."""
    return detect_language_of([p for p in re.split(r"\n\s*\n", text) if p.strip()] or [text])


def check_language(lang: str) -> str:
    if lang not in SUPPORTED_LANGUAGES:
        name = LANGUAGE_NAMES.get(lang, lang)
        raise UnsupportedLanguage(
            f"the post is in {name} ({lang}), which the pipeline cannot speak and check",
            f"supported languages: {', '.join(SUPPORTED_LANGUAGES)}",
        )
    return lang


_NEXT_CHAR_RE = re.compile(r"\s*(\S)")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"»”')\]]*(?=\s+|$)")
# French typography spaces a closing guillemet off: « pourquoi faisons-nous cela ? », étant …
_SPACED_CLOSING_QUOTE_RE = re.compile(r"[ \u00a0\u202f]+[»”]+")


def _ends_with_abbreviation(chunk: str, lang: str) -> bool:
    m = re.search(r"([\w.'°-]+)\.+$", chunk)
    if not m:
        return False
    token = m.group(1).lower()
    if token in ABBREVIATIONS.get(lang, set()):
        return True
    # A single capital letter: an initial ("J. Smith") or "M." (Monsieur).
    return len(token) == 1 and token.isalpha()


# Quotation marks: a sentence end inside an open quotation ends no sentence of the post's.
_QUOTES = (("«", "»"), ("“", "”"))
QUOTE_REACH = 400


def _inside_quotation(text: str, start: int, end: int) -> bool:
    """True when a quotation opened in text[start:end] closes after `end` (within QUOTE_REACH):
    "Vous vous demandez « pourquoi faisons-nous cela? », étant …" is one sentence. A mark that
    never closes splits as if it were not there."""
    # Only the sentence's last QUOTE_REACH characters: a 1.5 MB one-line post stays linear.
    chunk, ahead = text[max(start, end - QUOTE_REACH):end], text[end:end + QUOTE_REACH]
    for opening, closing in _QUOTES:
        if chunk.count(opening) > chunk.count(closing) and closing in ahead:
            return True
    return chunk.count('"') % 2 == 1 and '"' in ahead


def de(name: str) -> str:
    """French "de" before a name, elided before a vowel: "d'Elmina Iusifova", "de Rémy Bernard"."""
    return ("d'" if name[:1].lower() in "aeiouyàâäéèêëîïôöùûü" else "de ") + name


def split_sentences(text: str, lang: str) -> list[str]:
    """Split at sentence ends, but not after abbreviations, inside decimals or inside quotations.

    The sentence end must be followed by white space (or the end), which keeps
    "49.2" and "U.S.A" whole; abbreviations come from ABBREVIATIONS.
    """
    sentences, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        end = m.end()
        quote = _SPACED_CLOSING_QUOTE_RE.match(text, end)     # "« Non! » Puis": the mark ends it too
        end = quote.end() if quote else end
        if _inside_quotation(text, start, end):
            continue
        # Only the end of the chunk and the next letter matter: looking at no
        # more keeps a 1.5 MB single-line post linear.
        tail = text[max(start, end - 80):end]
        if m.group().startswith(".") and _ends_with_abbreviation(tail.rstrip("\"»”')]"), lang):
            continue
        nxt = _NEXT_CHAR_RE.match(text, end)
        if nxt and (nxt.group(1).islower() or nxt.group(1) in ",;:"):     # a quoted question goes on
            continue
        chunk = text[start:end]
        if chunk.strip():
            sentences.append(chunk.strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
