"""A list item's label before its sentence ("**Details:** The roadmap …"), said as a host would.

- A leading phrase ("Regarding new contributors:", "Simply put:", "Au total :") opens the
  sentence: said with a comma, "Regarding new contributors, we have had …".
- A label that adds nothing is not said: a heading-like word ("Details", "Note", "How it's
  going") or a label whose head noun the sentence says again ("Progress: The Rust project has
  made progress …", "Goals: we had no goals …").
- Any other label says what the sentence is about ("Fonctionnalité: Il s'agit …", "Taille du
  marché: Le marché …"): read as a heading is, the label then a stop.
A label holding a figure is left as written (its number is said); an example's "Par exemple:"
is no label.
"""

import re

# A list item's label ("**Taille du marché**: …") is a few words.
MAX_LABEL_WORDS = 4
_NOT_A_LABEL = r"(?!(?i:par exemple|for example|for instance|exemple|example)\s*:)"
# A label of up to MAX_LABEL_WORDS words before a capitalised sentence, or of one or two before a
# lower-case one (a longer run before a colon may be prose: "The reason is simple: we …").
LABEL_RE = re.compile(
    rf"^{_NOT_A_LABEL}(?P<label>[A-ZÀ-Ý][^\W\d_]*(?:[ '’-][^\W\d_]+){{0,{MAX_LABEL_WORDS - 1}}})\s*:\s+(?=[A-ZÀ-Ý])"
    rf"|^{_NOT_A_LABEL}(?P<short>[A-ZÀ-Ý][^\W\d_]*(?: [^\W\d_]+)?)\s*:\s+(?=[a-zà-ÿ])")
# A phrase that leads into its sentence rather than naming it: said with a comma.
LEADING_RE = re.compile(
    r"^(?P<lead>(?:Regarding|Concerning|As for|As to|With regards? to|In other words|Simply put|In short|"
    r"In summary|Pour|Concernant|Quant (?:à|aux?)|En ce qui concerne|Au total|En bref|En résumé|Bref|"
    r"Autrement dit|Côté)\b[^.!?:\d]{0,60}?)\s*:\s+(?P<first>\S+)")
# Heading-like words that say nothing of their own before a sentence.
EMPTY_LABELS = {"details", "détails", "progress", "progrès", "note", "notes", "remarque", "nb", "summary",
                "how it started", "how it's going", "where we started", "résumé", "update", "mise à jour",
                "status", "statut", "état", "background", "context", "contexte", "overview", "aperçu"}
# A sentence whose subject stands for its label ("Soutien: Il s'agit de la correction des bogues, … du
# soutien"): the label is its subject, said even when the sentence names it again.
STANDS_FOR_LABEL = re.compile(r"(?i:il s['’]agit|il|elle|ce|c['’]|cela|it|this|these|they)\b")
# Words of a label that are not its head noun.
_MINOR = set("de du des d la le les l of the a an and et for pour en in".split())


def say_label(text: str, lang: str) -> str:
    """The sentence with its leading label said as a host would (see the module's docstring)."""
    if m := LEADING_RE.match(text):
        first = m.group("first")
        if re.fullmatch(r"[A-ZÀ-Ý][a-zà-ÿ'’]+[,;]?", first) and not re.match(r"\s*[A-ZÀ-Ý]", text[m.end():]):
            first = first[:1].lower() + first[1:]        # "We have" -> "we have"; "RFC 3191", "Julien Gaffuri" stay
        return f"{m.group('lead')}, {first}{text[m.end():]}"
    m = LABEL_RE.match(text)
    if not m:
        return text
    label = m.group("label") or m.group("short")
    rest = text[m.end():]
    if label.casefold().replace("’", "'") in EMPTY_LABELS or head_repeated(label, rest, lang) \
            and not STANDS_FOR_LABEL.match(rest):
        return rest[:1].upper() + rest[1:]
    return f"{label}. {rest[:1].upper()}{rest[1:]}"


def head_repeated(label: str, sentence: str, lang: str) -> bool:
    """The label's head noun (the first content word in French, the last in English) is said again
    in its sentence, singular or plural: "Goals: we had no goals …", "Progress: … made progress"."""
    words = [w for w in re.findall(r"[^\W\d_]+", label.casefold()) if w not in _MINOR]
    if not words:
        return False
    head = words[0] if lang == "fr" else words[-1]
    stem = re.sub(r"[sx]$", "", head)
    return bool(re.search(rf"(?<![\w-]){re.escape(stem)}[sx]?(?![\w-])", sentence, re.I))
