"""A third-person pronoun whose sentence names nothing it could stand for (issue 23).

"On s'attend à ce qu'il devienne de plus en plus populaire …": the "il" is
the generative AI of the sentence before. Spoken alone, the listener hears a
pronoun with nothing to hang it on, wherever it sits in the sentence, not only
at its opening. A pronoun has a possible antecedent when a noun phrase with a
determiner ("Le ministre a dit qu'il …") or a name ("Gartner prévoit qu'il …")
comes before it; impersonal uses ("il faut", "il est clair que", "it takes",
"it is worth") stand for nothing and never lean.
"""

import re

# Subject (and stressed) third-person pronouns. English "it" is also an object
# ("we use it"), so it counts only where a subject stands: after a conjunction.
# French "eux" is the stressed "ils": "l'un d'eux", "parmi eux", "chacun d'eux" name a group said before.
PRONOUNS = {"fr": {"il", "elle", "ils", "elles", "eux"}, "en": {"he", "she", "they", "it", "its"}}
IT_SUBJECT_AFTER = {"", ",", ";", "that", "because", "when", "if", "since", "while", "although", "though",
                    "unless", "until", "whether", "so", "and", "but", "as", "once", "where", "now"}
DETERMINERS = {
    # Third-person possessives are not here: "sa mise en œuvre", "its cost" lean themselves.
    "fr": set("le la les l' un une des du au aux ce cet cette ces notre nos votre vos mon ma mes chaque "
              "plusieurs certains certaines quelques d' de".split()),
    "en": set("the a an this that these those our your my each every several some many most all both any no "
              "such of".split()),
}
# Words that are not the noun of a noun phrase: what follows a determiner that is a pronoun itself.
NOT_NOUNS = {
    "fr": set("que qu' qui dont où quoi il elle ils elles eux on nous vous je tu ne n' se s' y en plus moins "
              "très trop un une d' de".split()),  # "l'un d'eux": "un" is a pronoun there
    "en": set("it they he she we you i is are was were be that which who whom whose there not of them "
              "us those these".split()),
}
# Capitalised words that name nothing: pronouns, connectives and adverbs opening a sentence.
NOT_NAMES = {
    "fr": set("il elle ils elles on nous vous je tu ce cela ceci ça c' qu' l' d' s' selon depuis pour dans "
              "avec sur en au aux par lors mais et or donc ainsi alors aujourd'hui cependant toutefois "
              "pourtant néanmoins enfin puis ensuite si quand lorsque comme parce puisque bien même aussi "
              "également désormais actuellement finalement malgré grâce après avant entre sans sous vers "
              "chez parmi oui non tous toutes plusieurs certains certaines beaucoup seulement "
              "notamment chacun chacune aucun aucune".split()),
    "en": set("it its they he she we you i this that these those there here then now today however "
              "meanwhile also so but and or yet still if when while since because as after before in on "
              "at by for from with without of to into over under about again instead thus therefore "
              "hence moreover furthermore additionally finally recently currently overall yes no most many some "
              "all both one several only just even once what which who how why".split()),
}
# Impersonal forms: the pronoun stands for nothing (checked on the words from the pronoun on).
IMPERSONAL = {
    "fr": re.compile(
        r"^il (?:ne |n')?(?:y |en )?(?:a|avait|aura|aurait|faut|faudra|faudrait|fallait|semble|semblerait|"
        r"s'agit|s'agissait|s'agira|existe|existait|reste|restait|suffit|suffira|convient|apparaît|"
        r"paraît|arrive|manque|vaut|importe|incombe|appartient|revient|pleut|se peut|en va|était une fois)\b|"
        r"^il (?:ne |n')?(?:est|était|sera|serait|devient|reste) (?:pas |plus |donc |aussi |encore |bien |"
        r"très |toujours |souvent )*[^\W\d_][\w-]*(?<!é)(?<!ée)(?<!és)(?<!ées) (?:de|d'|que|qu'|à)|"
        r"^il (?:ne |n')?(?:est|était|sera|serait) (?:pas |plus |donc |aussi |encore |bien |très )*"
        r"(?:temps|question|vrai|clair|probable|possible|impossible|évident|important|nécessaire|difficile|"
        r"facile|essentiel|utile|intéressant|rare|fréquent|courant|normal|logique|dommage|crucial)\b", re.I),
    "en": re.compile(
        r"^it(?:'s| is| was| will be| would be| has been| had been| isn't| wasn't| is not| was not)"
        r" (?:not |also |still |now |very |quite |really |more |less |much |so |too |always |often |"
        r"usually |therefore |thus )*(?:important|clear|worth|possible|impossible|likely|unlikely|hard|"
        r"easy|difficult|true|unclear|necessary|essential|interesting|notable|surprising|time|safe|fair|"
        r"obvious|common|rare|tempting|tough|better|best|enough|natural|crucial|critical|vital|"
        r"[a-z]+(?<!ed) (?:to|that|for|whether|how|when))\b|"
        r"^it (?:will |would |can |could |may |might )?(?:take|takes|took|seems|seemed|appears|appeared|"
        r"turns out|turned out|remains to|makes sense|"
        r"looks like|depends|follows that|goes without|pays to|helps to|matters)\b|"
        r"^it(?:'s| is) (?:a |an )?(?:shame|pity|fact|matter of)\b", re.I),
}
# Elided words, words, @handles (names), figures (a determiner: "1495 respondents") and clause marks.
TOKEN_RE = re.compile(r"(?:[cdjlmnst]|qu|lorsqu|puisqu|quoiqu)['’](?=[^\W\d_])|@?[^\W\d_][\w-]*(?:['’][\w-]+)*|"
                      r"@\w+|\d[\d.,]*%?|[,;:]", re.I)


def unanchored_pronoun(text: str, lang: str) -> bool:
    """True when a third-person pronoun comes before anything in its sentence it could stand for."""
    tokens = [t.replace("’", "'") for t in TOKEN_RE.findall(text)]
    low = [t.lower() for t in tokens]
    for i, word in enumerate(low):
        if word in PRONOUNS[lang] and _subject(low, i, lang):
            if not impersonal(" ".join(low[i:i + 8]).replace("' ", "'"), lang):
                return True
        elif _antecedent(tokens, low, i, lang):
            return False
    return False


def impersonal(text: str, lang: str) -> bool:
    """True when the text opens on an impersonal pronoun ("Il s'agit de …", "It takes two years …")."""
    return bool(IMPERSONAL[lang].match(" ".join(TOKEN_RE.findall(text.lower().replace("’", "'"))[:8])
                                       .replace("' ", "'")))


def _subject(low: list[str], i: int, lang: str) -> bool:
    """French pronouns here are all subjects (or stressed); English "it" only after a conjunction."""
    if lang == "fr" or low[i] != "it":
        return True
    return (low[i - 1] if i else "") in IT_SUBJECT_AFTER


def _antecedent(tokens: list[str], low: list[str], i: int, lang: str) -> bool:
    """A noun phrase with a determiner, or a name, starts at token i."""
    word = low[i]
    if word[:1] == "@":
        return True
    if word in DETERMINERS[lang] or word[:1].isdigit() and not word.endswith("%"):
        nxt = low[i + 1] if i + 1 < len(low) else ""
        return bool(nxt) and nxt[0].isalpha() and nxt not in NOT_NOUNS[lang] and nxt not in PRONOUNS[lang]
    tok = tokens[i]
    if not tok[:1].isupper() or word in NOT_NAMES[lang] or word.rstrip("'") in NOT_NAMES[lang]:
        return False
    # A sentence's first word is capitalised anyway: a name, or a bare plural ("Developers said they …").
    return i > 0 or not re.search(r"(?:ment|ly)$", word)
