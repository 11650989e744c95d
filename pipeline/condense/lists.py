"""What a list item leans on: its list's lead-in (issue 23).

"En 2019, le projet dispose d'un budget de 250 000 € HT pris en charge :" then
"- Par la DINSIC à hauteur de 150 000 € HT", "- Par l'ACOSS à hauteur de
100 000 € HT": an item that is no full sentence (it has no finite verb, or
opens on a preposition or in lower case, carrying on its lead-in) means nothing
alone. It is said with the lead-in, and its siblings when they fit, or not at
all. A sentence summing a list up ("In total: …", "Au total : …") leans on the
list with its lead-in (a table's total line names what it counts itself:
ingest.tables). The condenser's `with_subject` asks here what such a sentence needs.
"""

import re

from ..contracts import Post, Sentence

# Finite verbs a list item may hold: auxiliaries, modals and the commonest verbs, and endings
# no noun has ("-aient", "-eront"). A present in "-e" ("repose", "adopte") is not seen: such an
# item is taken with its lead-in, which costs words, never sense.
FINITE = {
    "fr": set("est sont était étaient sera seront serait seraient fut a ont avait avaient aura auront aurait "
              "auraient fait font peut peuvent pourra pourront pourrait doit doivent devra devrait va vont "
              "vient viennent permet permettent reste restent semble semblent devient deviennent dispose "
              "disposent compte comptent existe existent représente représentent prend prennent sont "
              "suit suivent offre offrent inclut incluent contient contiennent met mettent dit disent "
              "voit voient sait savent veut veulent y ne n' se s'".split()),   # "ne … pas", "se relève"
    "en": set("is are was were be been am has have had do does did can could will would shall should may "
              "might must isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't can't "
              "won't wouldn't shouldn't couldn't makes made takes took gives gave gets got goes went comes "
              "came allows allowed lets needs needed means meant remains became becomes seems".split()),
}
FINITE_END = {
    "fr": re.compile(r"(?:[^m]ent|aient|ait|eront|eraient|erait|ons|ez)$"),
    "en": re.compile(r"(?:'s|'re|'ve|'ll|'d)$"),
}
SUBJECTS = {"fr": set("il elle on nous vous ils elles je j' tu".split()),
            "en": set("i we they he she there".split())}   # "it", "you": objects too
# An item carrying on its lead-in: a preposition or a conjunction first ("Par l'ACOSS à hauteur de …").
CONTINUES_RE = {
    "fr": re.compile(r"^[«\"'\s]*(?:par|pour|avec|sans|via|chez|vers|auprès|dont|et|ou|ainsi que)\b", re.I),
    "en": re.compile(r"^[\"'\s]*(?:by|for|with|without|via|from|into|through|and|or|which|who|including)\b", re.I),
}
# A sentence summing a list up: "Au total : 303 pour DPI, …", "In total: 12 for …".
SUMS_UP_RE = re.compile(r"^[«\"'\s]*(?:au total|en tout|in total|overall|altogether|all in all)\s*[:,]", re.I)
TOKEN_RE = re.compile(r"(?:[cdjlmnst]|qu)['’]|[^\W\d_][\w'’-]*", re.I)


# A relative clause's verb is not the item's: "Good support of 128-bit integers on platforms that
# don't support them" has none of its own.
RELATIVE_RE = re.compile(r"\b(?:that|which|who|whom|whose|qui|que|qu'|dont|où)\b[^,;:]*", re.I)


def has_finite_verb(text: str, lang: str) -> bool:
    """A crude guess that the text holds a finite verb of its own (FINITE, FINITE_END, a subject
    pronoun): one outside a relative clause, or two in all ("The change that was merged is …")."""
    return bool(verb_cues(RELATIVE_RE.sub(" ", text), lang)) or verb_cues(text, lang) >= 2


def verb_cues(text: str, lang: str) -> int:
    tokens = [t.lower().replace("’", "'") for t in TOKEN_RE.findall(text)]
    return sum(bool(t in FINITE[lang] or len(t) > 4 and FINITE_END[lang].search(t) or t in SUBJECTS[lang])
               for t in tokens)


def fragment(text: str, lang: str) -> bool:
    """A list item that is no sentence of its own: lower case first, a preposition or a conjunction
    first (CONTINUES_RE), or no finite verb ("2 Politiques.", "La marge du porteur …")."""
    first = re.search(r"[^\W\d_]|\d", text)
    if first and first.group().islower():
        return True
    return bool(CONTINUES_RE[lang].match(text)) or not has_finite_verb(text, lang)


def hangs_on_previous(sent: Sentence, lang: str) -> bool:
    """The sentence carries on the one before it in the post (a list fragment, a sum): a point
    never puts a chapter break between them."""
    kind = sent.get("kind")
    if kind == "list":
        return fragment(sent["text"], lang)
    return kind == "paragraph" and bool(SUMS_UP_RE.match(sent["text"]))


def leaning_on_list(sent: Sentence, post: Post) -> tuple[Sentence | None, list[Sentence]] | None:
    """(lead-in, siblings) for a sentence that leans on a list; None for one that
    does not. The lead-in is None when there is none to say (a list under a heading).

    A list item that is a fragment: its list's lead-in and the other fragments of the list.
    A sum after a list: the list's lead-in and items. A table's total line names what it
    counts itself (ingest.tables.headline) and stands.
    """
    lang = post["language"]
    sentences = post["sentences"]
    kind = sent.get("kind")
    if kind == "list":
        if not fragment(sent["text"], lang):
            return None
        run = list_run(sent, post)
        return lead_in(run, post), [s for s in run if s is not sent and fragment(s["text"], lang)]
    i = int(sent["id"][1:]) - 1
    prev = sentences[i - 1] if i > 0 else None
    if prev is None or prev["section"] != sent["section"]:
        return None
    if kind == "paragraph" and SUMS_UP_RE.match(sent["text"]) and prev.get("kind") == "list":
        run = list_run(prev, post)
        return lead_in(run, post), run
    return None


def announces_list(sent: Sentence, post: Post) -> bool:
    """A lead-in ending on a colon right before its list ("… pris en charge :"): said alone, it
    announces what never comes; it is said before its items only."""
    if not sent["text"].rstrip().endswith(":"):
        return False
    i = int(sent["id"][1:])
    nxt = post["sentences"][i] if i < len(post["sentences"]) else None
    return nxt is not None and nxt.get("kind") == "list" and nxt.get("block") == (sent.get("block") or 0) + 1


def list_run(item: Sentence, post: Post) -> list[Sentence]:
    """The sentences of the list `item` is in: its block and the list blocks next to it (an HTML
    list in styled blocks is one block per item)."""
    blocks = post.get("blocks") or []

    def listed(s: Sentence) -> bool:
        return s.get("kind") == "list" and s["section"] == item["section"]

    by_block: dict[int, list[Sentence]] = {}
    for s in post["sentences"]:
        if listed(s):
            by_block.setdefault(int(s.get("block") or 0), []).append(s)
    lo = hi = int(item.get("block") or 0)
    while lo - 1 in by_block and blocks[lo - 1]["type"] == "list":
        lo -= 1
    while hi + 1 in by_block and blocks[hi + 1]["type"] == "list":
        hi += 1
    return [s for b in range(lo, hi + 1) for s in by_block.get(b, [])]


def lead_in(run: list[Sentence], post: Post) -> Sentence | None:
    """The sentence right before a list, in a paragraph of its section; None after a heading."""
    first = run[0]
    i = int(first["id"][1:]) - 1
    prev = post["sentences"][i - 1] if i > 0 else None
    if prev is None or prev["section"] != first["section"] or prev.get("kind") != "paragraph":
        return None
    b = prev.get("block")
    # Only a paragraph touching the list: a heading, a table or code between them leaves it alone.
    if b is None or int(b) + 1 != first.get("block"):
        return None
    return prev


def said_with_items(group: list[Sentence], texts: list[str], post: Post, and_word: str) -> list[str]:
    """The point's sentences (`texts`, as said) with each lead-in ending on a colon and the fragment
    items said right after it joined into one sentence, as a host says a list: "… pris en charge :
    par la DINSIC à hauteur de 150 000 € HT, et par l'ACOSS à hauteur de 100 000 € HT." Items holding
    a comma are parted by semicolons; an item keeps its capital only on a name (proper_noun);
    `and_word` is listed with the other speech normalisations (condense.LIST_AND)."""
    lang = post["language"]
    out: list[str] = []
    i = 0
    while i < len(group):
        j = i + 1
        if texts[i].endswith(":") and announces_list(group[i], post):
            while j < len(group) and group[j].get("kind") == "list" and fragment(group[j]["text"], lang) \
                    and sentence_id(group[j]) == sentence_id(group[j - 1]) + 1:
                j += 1
        if j == i + 1:
            out.append(texts[i])
            i += 1
            continue
        items = [as_item(t, post) for t in texts[i + 1:j]]
        sep = "; " if any("," in t for t in items) else ", "
        listed = f"{sep.join(items[:-1])}{sep}{and_word} {items[-1]}" if len(items) > 1 else items[0]
        out.append(f"{texts[i]} {listed}.")
        i = j
    return out


def sentence_id(sent: Sentence) -> int:
    return int(sent["id"][1:])


def as_item(text: str, post: Post) -> str:
    """A list item said inside its lead-in's sentence: its closing stop dropped, its first letter in
    lower case unless its first word is a name."""
    text = text.rstrip(" .;,")
    first = re.match(r"[^\W\d_][\w'’-]*", text)
    if not first or proper_noun(first.group(), post):
        return text
    return text[:1].lower() + text[1:]


def proper_noun(word: str, post: Post) -> bool:
    """A name: an acronym ("ACOSS"), or a word the post writes capitalised in the middle of a sentence."""
    core = re.split(r"['’]", word)[-1] if re.match(r"[A-Za-z]['’]", word) else word
    if len(core) > 1 and core.isupper() or not core[:1].isupper():
        return core[:1].isupper()
    inside = re.compile(rf"(?<=[\w,;] ){re.escape(core)}(?![\w'’-])")
    return any(inside.search(s["text"]) for s in post["sentences"])
