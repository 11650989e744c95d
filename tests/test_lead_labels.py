"""A list item's label before its sentence, said as a host would (issue 23, item 2, residue).

"**Details:** The roadmap has 22 items", "Progress: The Rust project has made progress …", "How it's
going: We would like …" (compiler-team-2022-midyear) were said "Details. The roadmap …": a label that
adds nothing is not said, a leading phrase ("Regarding new contributors: …") takes a comma, a label
naming what its sentence is about is said as a heading is, and a label holding a figure keeps it.
Over tests/corpus, the seed and the demo at one, two and a half and six minutes; the readings here are
the test's own, not the condenser's.
"""

import re

import pytest

from pipeline.condense import rewrite_for_ear

from . import test_script_residue as residue

# The post, its source text and its scripts at one, two and a half and six minutes, over the corpus,
# the seed and the demo: the residue tests' own fixture.
scripts = residue.scripts

# A label before its sentence that a host would not say as a heading: a leading phrase said with a comma.
LEADING_PHRASE = re.compile(r"(?:^|[.!?]\s)((?:Regarding|Concerning|As for|With regards? to|In other words|Simply put|"
                            r"In short|Pour|Concernant|Quant à|En ce qui concerne|Au total|En bref|Autrement dit)"
                            r"\b[^.!?:,]{0,60})\.\s")
# Heading-like words that say nothing of their own before a sentence (the test's own list).
EMPTY_LABEL = re.compile(r"(?:^|[.!?]\s)(Details|Détails|Progress|Note|Remarque|How it started|How it's going|"
                         r"Where we started|Summary|Résumé|Update)\.\s")


def test_a_lead_label_that_adds_nothing_is_not_said_and_a_leading_phrase_takes_a_comma(scripts):
    """"Details. The roadmap has 22 items", "Progress. The Rust project has made progress", "How it's
    going. We would like …" (compiler-team-2022-midyear): the label is dropped; "Regarding new
    contributors. We have had …", "Simply put. Seeing no one …": said "Regarding new contributors, we …"."""
    _, _, made = scripts
    stiff = [(s["target_seconds"], m.group(1)) for s in made for p in s["points"]
             for rule in (LEADING_PHRASE, EMPTY_LABEL) for m in rule.finditer(p["text"])]
    assert not stiff, stiff


@pytest.mark.parametrize("said, lang, heard", [
    # a label whose head noun the sentence repeats, or a heading-like word, is dropped
    ("Progress: The Rust project has made progress on this ambition.", "en",
     "The Rust project has made progress on this ambition."),
    ("Goals: we had no goals for this ambition.", "en", "We had no goals for this ambition."),
    ("Details: The roadmap has 22 items on it.", "en", "The roadmap has 22 items on it."),
    ("Remarque: ce blogue est le premier d'une série.", "fr", "Ce blogue est le premier d'une série."),
    # ... unless its sentence's subject stands for the label
    ("Soutien: Il s'agit de la correction des bogues et du soutien aux utilisateurs.", "fr",
     "Soutien. Il s'agit de la correction des bogues et du soutien aux utilisateurs."),
    # a label that says what the sentence is about is said as a heading is
    ("Fonctionnalité: Il s'agit de la raison d'être du produit.", "fr",
     "Fonctionnalité. Il s'agit de la raison d'être du produit."),
    ("Taille du marché : Le marché dépassera 24 milliards.", "fr", "Taille du marché. Le marché dépassera 24 milliards."),
    # a leading phrase takes a comma; the word after it stays as written when it is a name
    ("Regarding new contributors: We have had four people join.", "en",
     "Regarding new contributors, we have had four people join."),
    ("Simply put: Seeing no one complain would be great.", "en", "Simply put, seeing no one complain would be great."),
    ("Regarding new contributors: RFC 3191 got two new authors.", "en",
     "Regarding new contributors, RFC 3191 got two new authors."),
    ("Au total: 303 pour DPI et 177 pour ARCS.", "fr", "Au total, 303 pour DPI et 177 pour ARCS."),
    # a label holding a number keeps it
    ("Étape 2: Le projet est approuvé.", "fr", "Étape 2: Le projet est approuvé."),
    # no label: an example, a clause, a time
    ("Par exemple: ChatGPT génère du texte.", "fr", "Par exemple: ChatGPT génère du texte."),
    ("The reason is simple: we had no time.", "en", "The reason is simple: we had no time."),
])
def test_a_lead_label_is_said_as_a_host_would(said, lang, heard):
    assert rewrite_for_ear(said, lang) == heard
