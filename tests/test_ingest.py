import json

import pytest

from pipeline import text as textmod
from pipeline.errors import InputError, UnsupportedLanguage
from pipeline.ingest import ingest

from .conftest import FIXTURES, ROOT, SEED_POST


def sentences(post):
    return [s["text"] for s in post["sentences"]]


def test_markdown_front_matter_sections_sources(tmp_path):
    post = ingest(ROOT / "episodes" / "demo.md", tmp_path / "post.json")
    assert post["title"] == "Why City Bikes Finally Took Off"
    assert post["author"] == "Maya Ortiz" and post["date"] == "2025-09-12"
    assert post["language"] == "en"
    headings = [s["heading"] for s in post["sections"]]
    assert "The boom in numbers" in headings and "Sources" not in headings
    assert {s["url"] for s in post["sources"]} == {
        "https://example.org/umc-survey-2025", "https://example.org/ecr-funding"}
    assert not any("Listen to this article" in s for s in sentences(post))
    assert not any("min read" in s for s in sentences(post))
    on_disk = json.loads((tmp_path / "post.json").read_text())
    assert on_disk["sentences"] == post["sentences"]


def test_html_takes_the_article_not_the_furniture(tmp_path):
    post = ingest(FIXTURES / "cycling.html", tmp_path / "post.json")
    text = " ".join(sentences(post))
    assert post["title"].startswith("Night trains are back")
    assert post["author"] == "Sam Lee"
    assert "2.3 million passengers" in text and "€59" in text and "81%" in text
    for furniture in ("cookies", "Related", "Great article", "Share on Twitter", "Home", "Listen"):
        assert furniture not in text
    assert post["sources"] == [{"title": "European Rail Report 2025",
                                "url": "https://example.org/rail-report"}]


def test_seed_post_is_cleaned(tmp_path):
    post = ingest(SEED_POST, tmp_path / "post.json")
    text = " ".join(sentences(post))
    assert post["language"] == "fr"
    assert "Écouter l'audio" not in text and "#" not in text
    assert not textmod.STRAY_SCRIPT_RE.search(text)
    assert any("95 %" in s for s in sentences(post))
    assert post["sources"], "the post's list of sources goes to the show notes"
    assert not any("• The Register" in s or "| Fortune" in s for s in sentences(post))


def test_sentence_split_keeps_decimals_and_abbreviations():
    s = textmod.split_sentences("Dr. Smith paid $49.2 billion in the U.S. last year. Then M. Dupont left.", "en")
    assert s == ["Dr. Smith paid $49.2 billion in the U.S. last year.", "Then M. Dupont left."]
    fr = textmod.split_sentences("Le taux atteint 49,2 %. M. Martin le confirme. Etc.", "fr")
    assert fr[0] == "Le taux atteint 49,2 %." and fr[1] == "M. Martin le confirme."
    # A quoted question inside a sentence (tests/corpus/etude-diagnostique-dgiit.fr.md) is no end,
    # and a spaced closing guillemet stays with its sentence.
    quoted = textmod.split_sentences("Vous demandez « pourquoi faire cela? », étant donné deux rapports. "
                                     "Il a dit « Non! » Puis il est parti.", "fr")
    assert quoted == ["Vous demandez « pourquoi faire cela? », étant donné deux rapports.",
                      "Il a dit « Non! »", "Puis il est parti."]


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(256)) * 4, "binary"),
])
def test_bad_posts_are_refused_clearly(tmp_path, content, message):
    src = tmp_path / "post.md"
    src.write_bytes(content)
    with pytest.raises(InputError, match=message):
        ingest(src, tmp_path / "post.json")
    assert not (tmp_path / "post.json").exists()


def test_legacy_encoding_is_detected(tmp_path):
    src = tmp_path / "post.txt"
    body = ("Le café du marché\n\nLe marché a progressé de 12 % en 2024 et les ventes ont "
            "dépassé les prévisions. Les clients étaient très satisfaits de la qualité. ") * 3
    src.write_bytes(body.encode("cp1252"))
    post = ingest(src, tmp_path / "post.json")
    assert "marché" in " ".join(sentences(post))


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(InputError, match="not found"):
        ingest(tmp_path / "nope.md", tmp_path / "post.json")
    pdf = tmp_path / "post.pdf"
    pdf.write_text("x")
    with pytest.raises(InputError, match=r"\.md, \.markdown, \.txt"):
        ingest(pdf, tmp_path / "post.json")


def test_unsupported_language_names_the_supported_ones(tmp_path):
    src = tmp_path / "post.txt"
    src.write_text("Die Zahl der Fahrräder ist in der Stadt gestiegen, und es ist nicht "
                   "klar, ob das auch für die anderen Städte gilt. Das ist eine gute Nachricht.")
    with pytest.raises(UnsupportedLanguage, match="(?s)German.*supported languages: en, fr"):
        ingest(src, tmp_path / "post.json")


def test_language_override_is_checked(tmp_path):
    with pytest.raises(UnsupportedLanguage, match="supported languages"):
        ingest(ROOT / "episodes" / "demo.md", tmp_path / "post.json", lang="de")


def test_an_unsupported_lang_option_is_not_blamed_on_the_post(tmp_path):
    """`--lang de` on an English post said "the post is in German (de)": the choice is
    the user's, and the message says so."""
    with pytest.raises(UnsupportedLanguage) as err:
        ingest(ROOT / "episodes" / "demo.md", tmp_path / "post.json", lang="de")
    assert "--lang de is not a language" in err.value.cause and "German" not in err.value.cause
    assert not (tmp_path / "post.json").exists()
