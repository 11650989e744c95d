"""Chapter titles that are titles and leads a host would say (issue 23, item 2, residue).

Over tests/corpus, the seed and the demo at one, two and a half and six minutes, in both languages:
a title made of a point's words never opens inside a fixed locution ("Sein de l'Urssaf …" from "au
sein de", "Certain nombre d'instruments …", "Hands of Rust users"), is a noun phrase of two to six
words that does not end on a participle waiting for its object ("Bonnes pratiques favorisant",
"Travaux liés"), and no two chapters share one, not even in the plural ("Réseau de chaleur" after
"Réseaux de chaleur"). The readings here are the test's own, not the condenser's.
"""

import re

import pytest

from pipeline.condense import noun_phrases, point_title

from . import test_script_residue as residue

# The post, its source text and its scripts at one, two and a half and six minutes, over the corpus,
# the seed and the demo: the residue tests' own fixture.
scripts = residue.scripts

def made_titles(post, made):
    """(length, title, text) of every title that is not one of the post's headings."""
    headings = {s["heading"].rstrip(" .:").casefold() for s in post["sections"] if s["heading"]}
    return [(s["target_seconds"], p["title"], p["text"]) for s in made for p in s["points"]
            if p["title"].casefold() not in headings]


# Fixed locutions (the test's own list): a word inside one names nothing on its own.
_DE = r"(?:de|du|des|d['’])"
LOCUTIONS = {
    "fr": [rf"au sein {_DE}", rf"en matière {_DE}", rf"un certain nombre {_DE}", rf"à hauteur {_DE}",
           rf"en termes {_DE}", rf"dans le cadre {_DE}", rf"à l['’]égard {_DE}", rf"au cours {_DE}",
           rf"en raison {_DE}", r"grâce à", r"à grande échelle", r"au fil du temps", rf"à l['’]aide {_DE}",
           rf"au niveau {_DE}", rf"en fonction {_DE}", r"en ce qui concerne", r"par rapport à",
           rf"à la suite {_DE}", rf"en vue {_DE}", rf"par le biais {_DE}", rf"en faveur {_DE}",
           rf"à titre {_DE}", rf"au moyen {_DE}", rf"à l['’]issue {_DE}", rf"de la part {_DE}",
           rf"à l['’]instar {_DE}", rf"bon nombre {_DE}", rf"un grand nombre {_DE}", rf"la plupart {_DE}",
           rf"une partie {_DE}", rf"tout au long {_DE}", r"à l['’]heure actuelle", rf"à l['’]échelle {_DE}"],
    "en": [r"a number of", r"in terms of", r"as part of", r"on behalf of", r"(?:in|into) the hands of", r"on top of",
           r"in front of", r"a lot of", r"a couple of", r"a bit of", r"in spite of", r"by means of",
           r"with regards? to", r"with respect to", r"in favou?r of", r"the (?:overwhelming )?majority of",
           r"a (?:wide )?(?:variety|range|series|set|total) of", r"in light of", r"at the (?:end|start) of",
           r"in the middle of", r"the rest of", r"at scale", r"on average", r"at least", r"in particular"],
}


def test_no_title_opens_inside_a_fixed_locution(scripts):
    """"Sein de l'Urssaf Caisse Nationale" (au sein de), "Matière d'évaluation …" (en matière de),
    "Certain nombre d'instruments …" (un certain nombre de), "Grande échelle" (à grande échelle),
    "Top of Vite" (on top of): the noun phrase after the locution is the title, or another."""
    post, _, made = scripts
    lang = post["language"]
    inside = []
    for n, title, text in made_titles(post, made):
        for m in re.finditer(rf"(?<![\w'’]){re.escape(title)}", text, re.I):
            for loc in LOCUTIONS[lang]:
                for span in re.finditer(rf"(?<![\w'’-]){loc}", text, re.I):
                    if span.start() < m.start() < span.end():
                        inside.append((n, title, span.group()))
    assert not inside, inside


# Words no noun phrase ends on (the test's own lists): function words; a participle or an
# adjective whose object or noun follows it in the text ("favorisant le partage", "liés aux
# fonctionnalités", "growing line in"); a label or a heading-like word on its own.
FUNCTION_END = {"en": set("a an the of for to in on at by with and or its their from".split()),
                "fr": set("le la les l un une des du de d à au aux et ou pour par sur dans en son sa ses leur".split())}
PARTICIPLE = {"en": re.compile(r"(?:ing|ed)$"), "fr": re.compile(r"(?:ants?|ée?s?|[^aeiou]ie?s?|[^aeioqg]ue?s?)$")}
GOVERNED = {"en": re.compile(r"\s+(?:a|an|the|by|to|with|its|their)\b", re.I),
            "fr": re.compile(r"\s+(?:le|la|les|l['’]|un|une|à|au|aux|par|ses|leurs?)(?![\w-])", re.I)}


def test_a_made_title_is_a_noun_phrase_of_two_to_six_words(scripts):
    """"American" (one word: "In American cities a ride …"), "Bonnes pratiques favorisant" (…le partage
    de codes), "Travaux liés" (…aux fonctionnalités): a title names what the point is about."""
    post, _, made = scripts
    lang = post["language"]
    weak = []
    for n, title, text in made_titles(post, made):
        words = title.split()
        last = re.sub(r"^[a-z]['’]", "", words[-1].lower())
        if not 2 <= len(words) <= 6 or last in FUNCTION_END[lang]:
            weak.append((n, title))
            continue
        at = text.lower().find(title.lower())
        if PARTICIPLE[lang].search(last) and at >= 0 and GOVERNED[lang].match(text, at + len(title)):
            weak.append((n, title, text[at:at + len(title) + 15]))
    assert not weak, weak


def title_key(title: str) -> str:
    """A title with no article, accent-insensitive case and no plural mark: the test's own reading."""
    words = re.findall(r"[^\W\d_]+|\d+", title.casefold().replace("’", "'"))
    return " ".join(re.sub(r"(?<=..)[sx]$", "", w) for w in words if w not in {"l", "le", "la", "les", "the"})


@pytest.mark.parametrize("first, second", [("Réseaux de chaleur", "Réseau de chaleur"),
                                           ("L'IA générative", "L'IA de génération")])
def test_a_title_too_close_to_an_earlier_one_is_not_taken(first, second):
    post = {"language": "fr", "title": "", "sections": [{"heading": None}], "blocks": []}
    group = [{"id": "s0", "section": 0, "text": f"{second} progresse vite."}]
    assert point_title(group, post, [first], f"{second} progresse vite.") not in (first, second)


def test_no_two_chapters_share_a_title_not_even_in_the_plural(scripts):
    """"Réseaux de chaleur" then "Réseau de chaleur" (enquete-ifop-chaleur): one title twice to a listener."""
    _, _, made = scripts
    twice = []
    for s in made:
        keys = [title_key(p["title"]) for p in s["points"]]
        twice += [(s["target_seconds"], p["title"]) for p, k in zip(s["points"], keys) if keys.count(k) > 1]
    assert not twice, twice


@pytest.mark.parametrize("text, lang, title", [
    ("En 2022 le projet devient mieux intégré au sein de l'Urssaf Caisse Nationale.", "fr",
     "L'Urssaf Caisse Nationale"),
    ("Un certain nombre d'instruments de politique du CT ont été réajustés.", "fr", "Instruments de politique"),
    ("Nous avons indiqué la directive en matière d'évaluation de l'incidence algorithmique.", "fr",
     "Évaluation de l'incidence algorithmique"),
    ("A number of contributors joined as part of the debugging working group.", "en", "Debugging working group"),
    ("In American cities a ride is closer to $3.75.", "en", "American cities"),
    ("Pour pouvoir diffuser les bonnes pratiques favorisant le partage de codes.", "fr", "Bonnes pratiques"),
    ("Les travaux liés aux fonctionnalités devraient être effectués aux étapes 1 et 2.", "fr",
     "Travaux liés aux fonctionnalités"),
    ("There are multiple sources on low success rates of large IT-Enabled projects.", "en", "Low success rates"),
    ("Les sources soulignent les grands projets axés sur les TI.", "fr", "Grands projets"),
    # a verb inside: before "de" and its infinitive, a number word, an object after "-ant", an adverb
    ("L'équipe mon-entreprise continue de bénéficier du soutien.", "fr", "L'équipe mon-entreprise"),
    ("Le réseau comporte deux canaux de communication.", "fr", "Deux canaux de communication"),
    ("Des projets comportant des points de contrôle.", "fr", "Points de contrôle"),
    ("A particular investment adds value to the department.", "en", "Particular investment"),
    ("Il est extrêmement rare de disposer d'une base de sondage.", "fr", "Base de sondage"),
])
def test_a_noun_phrase_starts_after_a_locution_and_ends_on_its_noun(text, lang, title):
    assert noun_phrases(text, {"language": lang, "title": ""})[0] == title


@pytest.mark.parametrize("text, lang, title", [
    # a participle or an adjective with its complement opens no title; a verb ends one
    ("Maintained efficient HMR on top of ESM output.", "en", "Efficient HMR"),
    ("Rust seems to be especially popular for creating server backends, web and networking services.", "en",
     "Server backends"),
    ("Le gestionnaire de produit veille à ce que l'équipe soit outillée pour réussir.", "fr",
     "Gestionnaire de produit"),
])
def test_a_title_opens_on_its_noun_phrase_not_a_participle_nor_ends_on_a_verb(text, lang, title):
    assert noun_phrases(text, {"language": lang, "title": ""})[0] == title


@pytest.mark.parametrize("text, lang, cut", [
    ("We had a loosely defined goal of shipping async fn in traits this year.", "en",
     re.compile(r"^(?:Defined|Loosely)\b|\bshipping\b")),
    ("Rust seems to be especially popular for creating server backends.", "en", re.compile(r"^Popular\b")),
])
def test_no_title_keeps_a_participle_or_a_gerund_from_a_verb_phrase(text, lang, cut):
    assert not any(cut.search(p) for p in noun_phrases(text, {"language": lang, "title": ""})), \
        noun_phrases(text, {"language": lang, "title": ""})
