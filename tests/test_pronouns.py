"""A pronoun with nothing before it to stand for leans on the sentence before, wherever it sits (issue 23)."""

import pytest

from pipeline.condense import condense, leans
from pipeline.ingest import ingest

from .conftest import SEED_POST

# The seed's sentence: "il" is the generative AI of a sentence the script had left out.
SEED_SENTENCE = ("On s'attend à ce qu'il devienne de plus en plus populaire dans le monde des affaires "
                 "à partir de 2022 environ, mais sa mise en œuvre est coûteuse.")


@pytest.mark.parametrize("sentence, lang", [
    (SEED_SENTENCE, "fr"),
    ("Nous pensons qu'elles vont croître.", "fr"),
    ("Il y a deux ans, elle a lancé le projet.", "fr"),  # the impersonal opener is not the pronoun that leans
    ("Il est devenu populaire.", "fr"),
    ("Il est passé de 5 à 10 %.", "fr"),  # a participle, not "il est clair que"
    ("Currently, it focuses on the browser side and the basic plugins.", "en"),
    ("We found that they were slower.", "en"),
    ("It was used to build the site.", "en"),
    ("In 2024, its revenue grew by 5%.", "en"),
    ("Most of them said they liked it.", "en"),
    # tests/corpus/recap-reseau-2022.fr.md: "eux" are the "quatre projets" of a sentence left out
    ("Si l'un d'eux existait déjà depuis plus de deux ans, trois sont nés pour l'occasion.", "fr"),
    ("Parmi eux, trois sont nés cette année.", "fr"),
    ("Chacune d'elles a reçu un prix.", "fr"),
    # impersonal, but its closing "though" answers the sentence before (crates-io-update-2025.md)
    ("It is still possible to disable the expiry or choose other expiry durations though.", "en"),
])
def test_a_pronoun_before_any_noun_phrase_or_name_leans(sentence, lang):
    assert leans(sentence, lang)


@pytest.mark.parametrize("sentence, lang", [
    ("Le ministre a dit qu'il viendrait.", "fr"),                 # its antecedent is in the sentence
    ("Les membres du réseau, dont certains d'entre eux à l'Insee, ont voté.", "fr"),
    ("Lors d'un atelier, l'un des projets a gagné.", "fr"),      # "un" before a noun is its determiner
    ("Gartner prévoit qu'il y aura des annulations.", "fr"),
    ("On estime qu'il faut deux ans.", "fr"),
    ("Selon le rapport, il faudra deux ans.", "fr"),
    ("Il s'agit d'un système qui utilise l'IA.", "fr"),
    ("Il n'y a pas de retour.", "fr"),
    ("Il semble que les coûts baissent.", "fr"),
    ("Il est important de démarrer petit.", "fr"),
    ("Il est important pour les entreprises de démarrer avec des projets pilotes.", "fr"),     # the seed
    ("Nous croyons fermement qu'il incombe aux directeurs de livrer.", "fr"),
    ("Developers said they wanted faster builds.", "en"),          # a bare plural names them
    ("The company said it would grow.", "en"),
    ("1495 respondents said that they use CI.", "en"),
    ("Approximately 60% of respondents say that they use cargo.", "en"),
    ("If @bjorn3 hadn't started, they would not know.", "en"),
    ("It takes two years to break even.", "en"),
    ("It's worth noting that prices rose.", "en"),
    ("We use it every day.", "en"),                                  # an object, not a subject
])
def test_a_pronoun_with_an_antecedent_or_impersonal_does_not_lean(sentence, lang):
    assert not leans(sentence, lang)


def test_the_seeds_unnamed_il_is_spoken_after_its_sentence_or_not_at_all(tmp_path):
    post = ingest(SEED_POST, tmp_path / "post.json")
    sid = next(s["id"] for s in post["sentences"] if s["text"] == SEED_SENTENCE)
    script = condense(tmp_path / "post.json", tmp_path / "script.yaml")
    for p in script["points"]:
        if sid in p["sources"]:
            assert p["sources"][p["sources"].index(sid) - 1] == f"s{int(sid[1:]) - 1}", p["text"]
