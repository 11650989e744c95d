"""Language-aware text helpers: cleaning, sentence splitting, language detection.

Cleaning is an ordered list of small functions (as gTTS does for its text
pre-processing), so a new rule is one more function in CLEANERS.
"""

import re
import unicodedata

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
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch"}

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
HASHTAG_RE = re.compile(r"(?<![\w&])#\w[\w-]*")
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


def separate_glued_words(text: str) -> str:
    """'InvestissementLa réalité' -> 'Investissement La réalité' (lost spaces in MT output)."""
    text = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý][a-zà-ÿ])", " ", text)
    return re.sub(r"(?<=[A-Z]{2})(?=[A-ZÀ-Ý][a-zà-ÿ]{2,})", " ", text)


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


def clean(text: str) -> str:
    for step in CLEANERS:
        text = step(text)
    return text


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", text.lower())


def detect_language(text: str) -> str:
    """The supported language the text is written in, or UnsupportedLanguage."""
    counts = {lang: 0 for lang in STOPWORDS}
    vocab = {lang: set(ws) for lang, ws in STOPWORDS.items()}
    for w in words(text[:20000]):
        for lang, ws in vocab.items():
            if w in ws:
                counts[lang] += 1
    best = max(counts, key=counts.get)
    if counts[best] < 3:
        raise UnsupportedLanguage(
            "could not tell the post's language (too little text in a known language)",
            f"pass --lang; supported languages: {', '.join(SUPPORTED_LANGUAGES)}",
        )
    check_language(best)
    return best


def check_language(lang: str) -> str:
    if lang not in SUPPORTED_LANGUAGES:
        name = LANGUAGE_NAMES.get(lang, lang)
        raise UnsupportedLanguage(
            f"the post is in {name} ({lang}), which the pipeline cannot speak and check",
            f"supported languages: {', '.join(SUPPORTED_LANGUAGES)}",
        )
    return lang


_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"»”')\]]*(?=\s+|$)")


def _ends_with_abbreviation(chunk: str, lang: str) -> bool:
    m = re.search(r"([\w.'°-]+)\.+$", chunk)
    if not m:
        return False
    token = m.group(1).lower()
    if token in ABBREVIATIONS.get(lang, set()):
        return True
    # A single capital letter: an initial ("J. Smith") or "M." (Monsieur).
    return len(token) == 1 and token.isalpha()


def split_sentences(text: str, lang: str) -> list[str]:
    """Split at sentence ends, but not after abbreviations or inside decimals.

    The sentence end must be followed by white space (or the end), which keeps
    "49.2" and "U.S.A" whole; abbreviations come from ABBREVIATIONS.
    """
    sentences, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        end = m.end()
        chunk = text[start:end]
        if m.group().startswith(".") and _ends_with_abbreviation(chunk.rstrip("\"»”')]"), lang):
            continue
        nxt = text[end:].lstrip()
        if nxt and nxt[0].islower():
            continue
        if chunk.strip():
            sentences.append(chunk.strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
