"""Whisper base writes French compound numbers by their parts ("60 et 11" for
soixante et onze): read by French composition, only when the script says it."""

import pytest

from pipeline import numbers


@pytest.mark.parametrize("script,heard", [
    ("Il y a 71 chats.", "Il y a 60 et 11 chats."),
    ("Il y a 71 chats.", "Il y a 60-11 chats."),
    ("Il y a 91 chats.", "Il y a 80 11 chats."),
    ("Il y a 80 chats.", "Il y a 4 20 chats."),
    ("La hausse est de 97 %.", "La hausse est de 4 20 17 %."),
    ("Le billet coûte 75 euros.", "Le billet coûte 60 15 euros."),
    ("Son prix moyen est de 2 150 euros.", "Son prix moyen est de 2,150 euros."),   # English thousands
    ("Il recense 2,3 millions de vélos.", "Il recense 2 millions 300 000 vélos."),
    ("On compte 1,5 million d'utilisateurs.", "On compte un virgule 5 millions d'utilisateurs."),
    ("Le rapport paraît en 2025.", "Le rapport paraît en 2000, 25."),
    ("Il a publié son bilan le 12 mars 2025.", "Il a publié son bilan 12 mars, 2025."),
    ("Le secteur pèse 3,2 milliards d'euros.", "Le secteur pèse 3 milliards 200 millions d'euros."),
    ("Le dividende est de 0,85 euro.", "Le dividende de 0 euros est 85 centimes."),   # "et" written "est"
    ("Son prix moyen est de 2 150 euros.", "Son prix moyen est de 2000, 100, 50 euros."),  # group by group
    ("Le loyer est de 1 520 euros.", "Le loyer est de 1000 500 20 euros."),
    ("Le ticket vaut 3 150 euros.", "Le ticket vaut 3000, 150 euros."),
])
def test_a_french_composition_is_the_number_the_script_says(script, heard):
    assert [m.status for m in numbers.compare(script, heard, "fr")] == ["ok"]


@pytest.mark.parametrize("script,heard,statuses", [
    ("Il y a 72 chats.", "Il y a 60 et 11 chats.", ["changed"]),          # 71 is not 72
    ("Entre 60 et 11 chats, 71.", "Entre 60 et 11 chats, 71.", ["ok", "ok", "ok"]),  # two real numbers
    ("Il y a 60 et 11 chats.", "Il y a 60 et 11 chats.", ["ok", "ok"]),
    ("Le taux est de 2,150 %.", "Le taux est de 2,150 %.", ["ok"]),
    ("Le taux est de 2,15 %.", "Le taux est de 2,150 %.", ["ok"]),
    ("Il y a 2 150 chats.", "Il y a 2,15 chats.", ["changed"]),
    ("Il y a 2 millions et 300 000 chats.", "Il y a 2 millions et 300 000 chats.", ["ok", "ok"]),
    ("On compte 2,5 millions d'utilisateurs.", "On compte un virgule 5 millions d'utilisateurs.", ["changed"]),
    ("En 2000, 25 pays ont signé.", "En 2000, 25 pays ont signé.", ["ok", "ok"]),
    ("Le 12 mars, 2025 projets.", "Le 12 mars, 2025 projets.", ["ok", "ok"]),
    ("Le dividende est de 0,75 euro.", "Le dividende de 0 euros est 85 centimes.", ["changed"]),
    ("L'écart avec 3 euros est 5 centimes.", "L'écart avec 3 euros est 5 centimes.", ["ok", "ok"]),
    ("Il y a 2 150 chats.", "Il y a 2000, 100, 40 chats.", ["changed"]),    # 2140 is not 2150
    ("Il y a 2 150 chats.", "Il y a 2000, 50, 100 chats.", ["changed"]),    # no French number reads so
    ("Il y a 2 150 chats.", "Il y a 250 chats.", ["changed"]),
    ("De 2000, 100 et 50 chats.", "De 2000, 100 et 50 chats.", ["ok", "ok", "ok"]),   # three real numbers
    ("There are 71 cats.", "There are 60 11 cats.", ["changed"]),          # English has no such reading
])
def test_parts_are_never_merged_into_a_number_the_script_does_not_need(script, heard, statuses):
    lang = "en" if script.startswith("There") else "fr"
    assert [m.status for m in numbers.compare(script, heard, lang)] == statuses
