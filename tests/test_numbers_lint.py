"""lint(): the scrambled figures of the seed post are flagged, clean posts stay quiet."""

from __future__ import annotations

import pytest

from pipeline.numbers import lint

from .conftest import SEED_POST

SEED_PROBLEMS = [
    "2024 milliards de dollars",
    "d’ici 130",
    "en 3",
    "le 2025er août 8",
    "des 2025 premières startups",
    "premier semestre 1",
]

CLEAN_FR = [
    """Au premier semestre 2025, les investissements en capital-risque dans l'IA générative ont
atteint 49,2 milliards de dollars, contre 56 milliards sur l'ensemble de 2024. Selon le MIT,
95 % des projets pilotes échouent ; seuls 5 % des organisations utilisent l'IA à grande échelle.
Le 18 août 2025, Fortune rapportait que les entreprises américaines avaient investi entre 350 et
400 milliards de dollars. D'ici 2030, le marché pourrait dépasser 1 300 milliards d'euros.""",
    """La start-up, fondée en 2019, compte 1 200 salariés et 3,5 millions d'utilisateurs. Elle a
levé 1,2 Md€ le 1er octobre, soit 30 % de plus qu'en 2023. Son chiffre d'affaires a progressé de
76,4 % en 3 ans, et 71 clients ont signé au premier trimestre 2025. En 2024, elle a dépensé
quatre-vingt-dix-sept millions d'euros en recherche, soit un quart de son budget.""",
    """Le rapport publié en mars 2024 estime que 80 % des entreprises hésitent encore. Depuis 2022,
le nombre de modèles a été multiplié par 12, et plus de 15 300 brevets ont été déposés. GPT-4 et
Llama 3 dominent ; la COVID-19 avait déjà accéléré la numérisation. Le podcast compte
1 000 000 d'auditeurs et publie 2 épisodes par semaine depuis le 8 août 2025.""",
]
CLEAN_EN = [
    """In H1 2025, venture funding for generative AI reached $49.2 billion, up from $36 billion in
2024. Global spending is projected to reach $644 billion in 2025, a 76.4% increase. Only 5% of
organizations use it at scale, and 95% of pilots fail, according to an MIT study published on
August 18, 2025. Between 2023 and 2025, companies invested between 350 and 400 billion dollars.""",
    """The startup, founded in 2019, has 1,200 employees and 3.5 million users. It raised €1.2bn on
November 17, 2025, 30% more than in 2023. Revenue grew 12% in Q3 and 71 customers signed in the
first quarter of 2025. Since 2022, the number of models has grown by 12, and there were 15,300
patent filings. By 2030 the market could exceed $1.3 trillion.""",
]


@pytest.fixture(scope="module")
def seed_flags():
    text = SEED_POST.read_text(encoding="utf-8")
    return text, lint(text, "fr")


@pytest.mark.parametrize("problem", SEED_PROBLEMS)
def test_seed_problem_is_flagged(seed_flags, problem):
    text, flags = seed_flags
    start = text.index(problem)
    end = start + len(problem)
    hits = [f for f in flags if f.start < end and start < f.end]
    assert hits, f"{problem!r} not flagged; flags: {[f.text for f in flags]}"
    assert all(text[f.start:f.end] == f.text and f.reason for f in hits)


def test_seed_has_no_other_flags(seed_flags):
    text, flags = seed_flags
    spans = [(text.index(p), text.index(p) + len(p)) for p in SEED_PROBLEMS]
    extra = [f.text for f in flags if not any(f.start < e and s < f.end for s, e in spans)]
    assert extra == []


@pytest.mark.parametrize("text", CLEAN_FR)
def test_clean_french_post_is_quiet(text):
    flags = lint(text, "fr")
    assert len(flags) <= 1, [(f.text, f.reason) for f in flags]


@pytest.mark.parametrize("text", CLEAN_EN)
def test_clean_english_post_is_quiet(text):
    flags = lint(text, "en")
    assert len(flags) <= 1, [(f.text, f.reason) for f in flags]


@pytest.mark.parametrize("lang,text,flagged", [
    ("fr", "Le marché dépassera 2024 milliards de dollars.", "2024 milliards de dollars"),
    ("fr", "La croissance devrait se poursuivre en 3.", "en 3"),
    ("fr", "Au premier semestre 1, le financement a doublé.", "premier semestre 1"),
    ("fr", "Un article publié le 2025er août 8 le confirme.", "le 2025er août 8"),
    ("fr", "La valorisation des 2025 premières startups.", "des 2025 premières startups"),
    ("fr", "Il faudra attendre d'ici 130 (selon Berg).", "d'ici 130"),
    ("en", "The market will reach 2024 billion dollars.", "2024 billion dollars"),
    ("en", "Funding in the first half of 1 doubled.", "first half of 1"),
    ("en", "Growth reached 2025% last year.", "2025%"),
])
def test_rule_examples(lang, text, flagged):
    assert [f.text for f in lint(text, lang)] == [flagged]


@pytest.mark.parametrize("lang,text", [
    ("fr", "En 2024, le marché a progressé de 3 % en 3 ans, divisé en 3 parties."),
    ("fr", "D'ici 2030, 1 900 milliards d'euros ; fin 2025, 2 000 salariés ; le 31 décembre 2025."),
    ("en", "In 2024, one in 3 firms grew by 3. The 2025 report covers 1,900 billion dollars."),
])
def test_quiet_examples(lang, text):
    assert lint(text, lang) == []


@pytest.mark.parametrize("lang,text,flagged", [
    # another number earlier in the sentence does not make the year cue a ratio
    ("fr", "Les ventes atteindront 3 millions d'ici 130.", "d'ici 130"),
    ("fr", "Les ventes atteindront trois millions d'ici 130.", "d'ici 130"),
    ("fr", "Le parc comptait 12 sites en 3.", "en 3"),
    ("en", "Sales will reach 3 million until 130.", "until 130"),
    ("en", "Sales will reach three million until 130.", "until 130"),
    # a ratio: a number right before "en" / "in"
    ("fr", "Un salarié sur 4, soit 1 en 3.", None),
    ("fr", "En 2024, 1 en 3.", None),
    ("en", "In 2024, it was 1 in 3.", None),
])
def test_year_cue_after_a_number(lang, text, flagged):
    assert [f.text for f in lint(text, lang)] == ([flagged] if flagged else [])
