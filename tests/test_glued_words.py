"""Words glued where machine translation dropped characters or a page had a link are split back (issue 23)."""

import pytest

from pipeline import text as textmod
from pipeline.ingest import ingest

from .conftest import SEED_POST

SEED_GLUED = "Lacune en matière de gouvernance : gestion de donnéesest insuffisant et le projet est abandonné."


def split(sentence: str, lang: str, elsewhere: str) -> str:
    """The sentence cleaned with a post made of it and `elsewhere` in view."""
    return textmod.clean_in_post([sentence, elsewhere], lang)[0]


@pytest.mark.parametrize("glued, lang, elsewhere, unglued", [
    (SEED_GLUED, "fr", "énormes quantités de données",
     "Lacune en matière de gouvernance : gestion de données est insuffisant et le projet est abandonné."),
    ("Les outils comptent les donnéeset les coûts.", "fr", "données", "Les outils comptent les données et les coûts."),
    ("Most developersare happy with the compilersand the tools.", "en", "developers like compilers",
     "Most developers are happy with the compilers and the tools."),
])
def test_a_post_word_glued_to_a_function_word_is_split(glued, lang, elsewhere, unglued):
    assert split(glued, lang, elsewhere) == unglued


@pytest.mark.parametrize("sentence, lang, elsewhere", [
    # Words of the language made of a post word and a function word: never cut.
    ("La ville de Toulouse et sa forest.", "fr", "toulou fores for"),
    ("Our interest, budget, arrest, contest and manifest.", "en", "inter budg arr cont manif for"),
    ("Une fortune annuelle, le sommeil et la maison.", "fr", "fort annuel somme mais"),
    ("The fastest transit and the analysis.", "en", "fast trans analys"),
    ("Sur YouTube, un iPhone et OpenAI.", "fr", "you tube phone open"),
    # A glued-looking token the post also uses elsewhere is its own word.
    ("Les donnéesest restent.", "fr", "données donnéesest"),
    # A function word after a word the post never uses alone.
    ("Les quantitésest grandes.", "fr", "rien"),
])
def test_words_of_the_language_and_names_stay_whole(sentence, lang, elsewhere):
    assert split(sentence, lang, elsewhere) == sentence


@pytest.mark.parametrize("text, labels, spaced", [
    ("Selon :l'étude, 5 % des outils", ["l'étude"], "Selon : l'étude, 5 % des outils"),
    ("le modèle ChatGPTgénère du texte", ["ChatGPT"], "le modèle ChatGPT génère du texte"),
    ("Voir,la page.", ["la page"], "Voir, la page."),
    # Never inside a figure or an address, nor where no link stood.
    ("3,2 % à 10:30, soit 1.5 fois", ["2"], "3,2 % à 10:30, soit 1.5 fois"),
    ("voir https://x.test/a,b et exemple:la suite", ["https://x.test/a,b"], "voir https://x.test/a,b et exemple:la suite"),
])
def test_a_links_text_glued_to_its_neighbours_gets_its_spaces(text, labels, spaced):
    assert textmod.space_link_edges(text, labels) == spaced


def test_markdown_and_html_links_glued_to_the_text_are_spaced(tmp_path):
    md = tmp_path / "post.md"
    md.write_text("# Les outils\n\nPar exemple :[ChatGPT](https://chat.test)génère du texte et des images "
                  "pour les entreprises, selon :[l'étude](https://etude.test) publiée cette année.\n",
                  encoding="utf-8")
    html = tmp_path / "post.html"
    html.write_text("<html lang='fr'><body><article><h1>Les outils</h1><p>Par exemple :<a href='https://chat.test'>"
                    "ChatGPT</a>génère du texte et des images pour les entreprises, selon :<a "
                    "href='https://etude.test'>l'étude</a> publiée cette année.</p></article></body></html>",
                    encoding="utf-8")
    for src in (md, html):
        text = " ".join(s["text"] for s in ingest(src, tmp_path / "post.json")["sentences"])
        assert "exemple: ChatGPT génère du texte" in text, text     # (no space before ':' in a sentence)
        assert "selon: l'étude publiée" in text, text


def test_the_seed_reads_donnees_est(tmp_path):
    post = ingest(SEED_POST, tmp_path / "post.json")
    text = " ".join(s["text"] for s in post["sentences"])
    assert "gestion de données est insuffisant" in text and "donnéesest" not in text
