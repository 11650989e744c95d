"""Phrasings of numbers the vectors do not cover, probed three ways each.

For a script phrasing: (a) heard as written -> ok; (b) heard in another spelling
Whisper uses (digits/words, "," or "." decimals, "%"/"percent", "$5"/"5 dollars")
-> ok; (c) heard with a different value -> never ok (a false ok is the worst bug).
Rows that document a deliberate limitation are xfail(strict=True) with the reason.
"""

from __future__ import annotations

import pytest

from pipeline.numbers import FAILING, compare, extract, spell_out

OK = "ok"
FAIL = "fail"  # at least one script number is changed or lost: never all ok


def limit(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# (lang, script, heard, expected): OK, FAIL, or the list of statuses in order
COMPARE = [
    # -- per mille and basis points: a percent at another scale --------------------------
    ("fr", "Un taux de 5 pour mille.", "Un taux de 5 pour mille.", OK),
    ("fr", "Un taux de 5 pour mille.", "Un taux de 5 ‰.", OK),
    ("fr", "Un taux de 5 pour mille.", "Un taux de cinq pour mille.", OK),
    ("fr", "Un taux de 5 pour mille.", "Un taux de 0,5 %.", OK),
    ("fr", "Un taux de 5 pour mille.", "Un taux de 5 %.", FAIL),
    ("fr", "Un taux de 5 pour mille.", "Un taux de 6 pour mille.", FAIL),
    ("fr", "Un taux de 5 ‰.", "Un taux de cinq pour cent.", FAIL),
    ("fr", "Entre 3 et 5 ‰.", "entre trois et cinq pour mille.", OK),
    ("fr", "Entre 3 et 5 ‰.", "entre 3 et 5 %.", ["changed", "changed"]),
    ("fr", "Une baisse de 25 points de base.", "Une baisse de 25 pb.", OK),
    ("fr", "Une baisse de 25 points de base.", "Une baisse de 0,25 point de pourcentage.", OK),
    ("fr", "Une baisse de 25 points de base.", "Une baisse de 25 %.", FAIL),
    ("en", "Rates at 3 per thousand.", "Rates at 3 ‰.", OK),
    ("en", "Rates at 3 ‰.", "Rates at 3%.", FAIL),
    ("en", "A cut of 50 bps.", "A cut of 50 bps.", OK),
    ("en", "A cut of 50 bps.", "A cut of fifty basis points.", OK),
    ("en", "A cut of 50 bps.", "A cut of 0.5 percentage points.", OK),
    ("en", "A cut of 50 bps.", "A cut of 50%.", FAIL),
    ("en", "A cut of 50 bps.", "A cut of 25 basis points.", FAIL),
    # -- "half a million": one amount, not the fraction 1/2 and then a million ----------
    ("en", "Half a million people.", "Half a million people.", OK),
    ("en", "Half a million people.", "500,000 people.", OK),
    ("en", "Half a million people.", "five hundred thousand people.", OK),
    ("en", "Half a million people.", "0.5 million people.", OK),
    ("en", "Half a million people.", "a million people.", FAIL),
    ("en", "Half a million people.", "half a billion people.", FAIL),
    ("en", "It cost half a billion dollars.", "It cost $500 million.", OK),
    ("en", "It cost half a billion dollars.", "It cost $500 billion.", FAIL),
    ("en", "Only 0.5% left.", "Only half a percent left.", OK),
    ("en", "Only 0.5% left.", "Only 5% left.", FAIL),
    ("en", "Down 0.5 percentage points.", "Down half a percentage point.", OK),
    ("en", "Down 0.5 percentage points.", "Down a percentage point.", FAIL),
    ("en", "Half of them left.", "1/2 of them left.", OK),
    ("en", "Half of them left.", "A third of them left.", FAIL),
    ("fr", "Un demi-million de personnes.", "500 000 personnes.", OK),
    ("fr", "Un demi-million de personnes.", "un million de personnes.", FAIL),
    ("en", "A quarter million people.", "250,000 people.", OK),
    ("en", "A quarter million people.", "a million people.", FAIL),
    # -- "3.5K": a capital K after a decimal or a number of two digits or more ------------
    ("en", "3.5K users joined.", "3.5K users joined.", OK),
    ("en", "3.5K users joined.", "3,500 users joined.", OK),
    ("en", "3.5K users joined.", "three point five thousand users joined.", OK),
    ("en", "3.5K users joined.", "3.6K users joined.", FAIL),
    ("en", "3.5K users joined.", "35K users joined.", FAIL),
    ("en", "50K users joined.", "fifty thousand users joined.", OK),
    ("en", "50K users joined.", "15K users joined.", FAIL),
    ("fr", "3,5K abonnés.", "trois mille cinq cents abonnés.", OK),
    ("fr", "3,5K abonnés.", "4 500 abonnés.", FAIL),
    ("en", "We have 1.2k users.", "We have 1,200 users.", OK),
    ("en", "We have 1.2k users.", "We have 1.3k users.", FAIL),
    ("en", "It cost $2.4bn.", "It cost 2.4 billion dollars.", OK),
    ("en", "It cost $2.4bn.", "It cost $2.4 million.", FAIL),
    ("fr", "Cela coûte 1,5 Md€.", "Cela coûte 1,5 milliard d'euros.", OK),
    ("fr", "Cela coûte €1,5 Md.", "Cela coûte 1,6 milliard d'euros.", FAIL),
    ("fr", "Cela coûte 2,5 Mrd €.", "Cela coûte 2,5 milliards d'euros.", OK),
    ("fr", "Cela coûte 2,5 Mrd €.", "Cela coûte 2,5 M€.", FAIL),
    # -- numeric dates: the other order when only it is a date --------------------------
    ("en", "Released 14/03/2025.", "Released 14/03/2025.", OK),
    ("en", "Released 14/03/2025.", "Released March 14, 2025.", OK),
    ("en", "Released 14/03/2025.", "Released March 15, 2025.", FAIL),
    ("en", "Released 14/03/2025.", "Released March 14, 2024.", FAIL),
    ("en", "Released 03/14/2025.", "Released March 14th 2025.", OK),
    ("en", "Released 03/04/2025.", "Released April 3, 2025.", FAIL),
    ("fr", "Publié le 14/03/2025.", "Publié le quatorze mars deux mille vingt-cinq.", OK),
    ("fr", "Publié le 14/03/2025.", "Publié le 15 mars 2025.", FAIL),
    ("fr", "Publié le 03/14/2025.", "Publié le 14 mars 2025.", OK),
    ("fr", "Publié le 03/04/2025.", "Publié le 4 mars 2025.", FAIL),
    ("en", "Released 2025-03-14.", "Released March 14, 2025.", OK),
    ("en", "Released 2025-03-14.", "Released 2025-03-15.", FAIL),
    ("en", "On March 14th.", "On the fourteenth of March.", OK),
    ("en", "On March 14th.", "On March 15th.", FAIL),
    ("fr", "Le 14 juillet 1789.", "Le quatorze juillet mil sept cent quatre-vingt-neuf.", OK),
    ("fr", "Le 14 juillet 1789.", "Le quatorze juillet mil sept cent quatre-vingt-dix.", FAIL),
    ("fr", "Le 14 juillet 1789.", "Le quatorze juillet dix-sept cent quatre-vingt-neuf.", OK),
    ("fr", "Le 14 mars.", "Le quatorze mars.", OK),
    ("fr", "Le 14 mars.", "Le 15 mars.", FAIL),
    # -- vulgar fractions: "¾" alone, "3½" glued to digits ------------------------------
    ("en", "About ¾ of users.", "About ¾ of users.", OK),
    ("en", "About ¾ of users.", "About three quarters of users.", OK),
    ("en", "About ¾ of users.", "About 3/4 of users.", OK),
    ("en", "About ¾ of users.", "About one quarter of users.", FAIL),
    ("en", "It took 3½ hours.", "It took three and a half hours.", OK),
    ("en", "It took 3½ hours.", "It took 3.5 hours.", OK),
    ("en", "It took 3½ hours.", "It took 4.5 hours.", FAIL),
    ("en", "It took 3½ hours.", "It took 3 hours.", FAIL),
    ("fr", "Les ⅔ des gens.", "Les deux tiers des gens.", OK),
    ("fr", "Les ⅔ des gens.", "Le tiers des gens.", FAIL),
    ("fr", "Il a fallu 2½ jours.", "Il a fallu 2,5 jours.", OK),
    ("fr", "Il a fallu 2½ jours.", "Il a fallu deux jours et demi.", OK),  # the half after a unit
    ("fr", "Il a fallu 2½ jours.", "Il a fallu trois jours et demi.", FAIL),
    ("fr", "Il a fallu 2½ jours.", "Il a fallu deux jours.", FAIL),
    pytest.param("fr", "Il a fallu 2½ heures.", "Il a fallu deux heures et demie.", OK, marks=limit(
        "'N heures et demie' is read as a time of day (02:30), never as the duration 2.5: "
        "a correct hearing of a duration in hours is lost (not a false ok)")),
    ("en", "About 1/3 of users.", "About one-third of users.", OK),
    ("en", "About 1/3 of users.", "About two thirds of users.", FAIL),
    ("en", "About two-thirds of users.", "About 2/3 of users.", OK),
    ("en", "About two-thirds of users.", "About 2/5 of users.", FAIL),
    ("fr", "Un tiers des gens.", "1/3 des gens.", OK),
    ("fr", "Un tiers des gens.", "Un quart des gens.", FAIL),
    # -- times of day: "et demie", "et quart", "moins le quart" -------------------------
    ("fr", "Rendez-vous à 2 heures et demie.", "Rendez-vous à deux heures et demie.", OK),
    ("fr", "Rendez-vous à 2 heures et demie.", "Rendez-vous à 2 h 30.", OK),
    ("fr", "Rendez-vous à 2 heures et demie.", "Rendez-vous à 2 heures.", FAIL),
    ("fr", "Rendez-vous à 2 heures et demie.", "Rendez-vous à 3 heures et demie.", FAIL),
    ("fr", "Rendez-vous à 10 h 15.", "Rendez-vous à dix heures et quart.", OK),
    ("fr", "Rendez-vous à 10 h 15.", "Rendez-vous à dix heures et demie.", FAIL),
    ("fr", "Rendez-vous à 9 h 45.", "Rendez-vous à dix heures moins le quart.", OK),
    ("fr", "Rendez-vous à 9 h 45.", "Rendez-vous à dix heures.", FAIL),
    ("fr", "Rendez-vous à 15 h 30.", "Rendez-vous à quinze heures trente.", OK),
    ("fr", "Rendez-vous à 15 h 30.", "Rendez-vous à 15h30.", OK),
    ("fr", "Rendez-vous à 15 h 30.", "Rendez-vous à seize heures trente.", FAIL),
    ("en", "Meet at 9:30 pm.", "Meet at nine thirty pm.", OK),
    ("en", "Meet at 9:30 pm.", "Meet at 21:30.", OK),
    ("en", "Meet at 9:30 pm.", "Meet at 9:30 am.", FAIL),
    ("en", "Meet at 9:30 pm.", "Meet at 9:40 pm.", FAIL),
    # -- ratios "1:4": two numbers, not a code ----------------------------------------
    ("en", "A 1:4 ratio.", "A 1:4 ratio.", OK),
    ("en", "A 1:4 ratio.", "A one to four ratio.", OK),
    ("en", "A 1:4 ratio.", "A 1 to 4 ratio.", OK),
    ("en", "A 1:4 ratio.", "A 1:5 ratio.", ["ok", "changed"]),
    ("en", "A 1:4 ratio.", "A one to five ratio.", ["ok", "changed"]),
    ("en", "A 16:9 screen.", "A sixteen by nine screen.", OK),
    ("en", "A 16:9 screen.", "A 4:3 screen.", FAIL),
    ("fr", "Un ratio de 1:4.", "Un ratio de un pour quatre.", OK),
    ("fr", "Un ratio de 1:4.", "Un ratio de 1:5.", FAIL),
    ("en", "3 in 10 users.", "Three in ten users.", OK),
    ("en", "3 in 10 users.", "4 in 10 users.", FAIL),
    # -- years in periods: "FY2024" is a year, "mid-2025" too ---------------------------
    ("en", "Revenue in FY2024.", "Revenue in FY 2024.", OK),
    ("en", "Revenue in FY2024.", "Revenue in fiscal year 2024.", OK),
    ("en", "Revenue in FY2024.", "Revenue in FY2025.", FAIL),
    ("en", "Revenue in FY24.", "Revenue in FY25.", FAIL),
    ("en", "Growth by mid-2025.", "Growth by mid 2025.", OK),
    ("en", "Growth by mid-2025.", "Growth by mid-2026.", FAIL),
    ("en", "Revenue in Q3 2025.", "Revenue in Q3 2026.", FAIL),
    ("en", "Revenue in Q3 2025.", "Revenue in Q4 2025.", FAIL),
    ("en", "Revenue in Q3 2025.", "Revenue in the third quarter of 2025.", OK),
    ("en", "Revenue in H1.", "Revenue in H1.", OK),
    ("en", "Revenue in H1.", "Revenue in H2.", FAIL),
    # -- collective numbers: "a dozen", "une vingtaine" ----------------------------------
    ("en", "A dozen bugs.", "12 bugs.", OK),
    ("en", "A dozen bugs.", "a dozen bugs.", OK),
    ("en", "A dozen bugs.", "13 bugs.", FAIL),
    ("en", "A dozen bugs.", "two dozen bugs.", FAIL),
    ("en", "Two dozen eggs.", "24 eggs.", OK),
    ("en", "Two dozen eggs.", "a dozen eggs.", FAIL),
    ("fr", "Une douzaine d'œufs.", "douze œufs.", OK),
    ("fr", "Une douzaine d'œufs.", "13 œufs.", FAIL),
    ("fr", "Une vingtaine de personnes.", "une vingtaine de personnes.", OK),
    ("fr", "Une vingtaine de personnes.", "20 personnes.", OK),
    ("fr", "Une vingtaine de personnes.", "une trentaine de personnes.", FAIL),
    ("fr", "Une centaine de personnes.", "deux centaines de personnes.", FAIL),
    pytest.param("fr", "Une dizaine de milliers de personnes.", "10 000 personnes.", OK, marks=limit(
        "'une dizaine de milliers' is read as 10, the 'de milliers' after it is not a magnitude: "
        "a correct hearing is changed (not a false ok)")),
    # -- "twenty-five hundred", "12 hundred": hundreds past a thousand --------------------
    ("en", "Twenty-five hundred people.", "2,500 people.", OK),
    ("en", "Twenty-five hundred people.", "25 hundred people.", OK),
    ("en", "Twenty-five hundred people.", "2,600 people.", FAIL),
    ("en", "Twenty-five hundred people.", "25 people.", FAIL),
    ("en", "It rose 12 hundred percent.", "It rose 1,200%.", OK),
    ("en", "It rose 12 hundred percent.", "It rose 1,300%.", FAIL),
    ("en", "We have 1.2k users.", "We have 12 hundred users.", OK),
    ("en", "We have 1.2k users.", "We have 13 hundred users.", FAIL),
    ("fr", "Mille deux cents personnes.", "Douze cents personnes.", OK),
    ("fr", "Mille deux cents personnes.", "1 200 personnes.", OK),
    ("fr", "Mille deux cents personnes.", "treize cents personnes.", FAIL),
    ("fr", "1 200 personnes.", "onze cents personnes.", FAIL),
    ("en", "A hundred and one reasons.", "101 reasons.", OK),
    ("en", "A hundred and one reasons.", "one hundred one reasons.", OK),
    ("en", "A hundred and one reasons.", "a hundred reasons.", FAIL),
    ("en", "In nineteen eighty-four.", "In 1984.", OK),
    ("en", "In nineteen eighty-four.", "In 1985.", FAIL),
    # -- scientific notation: "1e6", "10^6" -------------------------------------------
    ("en", "About 10^6 people.", "About 10^6 people.", OK),
    ("en", "About 10^6 people.", "About 1,000,000 people.", OK),
    ("en", "About 10^6 people.", "About a million people.", OK),
    ("en", "About 10^6 people.", "About 10^7 people.", FAIL),
    ("en", "About 1e6 people.", "About one million people.", OK),
    ("en", "About 1e6 people.", "About 1e7 people.", FAIL),
    ("en", "About 2.5e9 dollars.", "About $2.5 billion.", OK),
    ("en", "About 2.5e9 dollars.", "About 2.5 million dollars.", FAIL),
    ("fr", "Environ 2,5e9 euros.", "Environ 2,5 milliards d'euros.", OK),
    ("fr", "Environ 2,5e9 euros.", "Environ 2,5 millions d'euros.", FAIL),
    ("fr", "Le 3e prix.", "Le troisième prix.", OK),
    ("fr", "Le 3e prix.", "Le 4e prix.", FAIL),
    ("fr", "Le 1er prix.", "Le premier prix.", OK),
    ("fr", "Le 1er prix.", "Le deuxième prix.", FAIL),
    ("en", "The 21st century.", "The twenty-first century.", OK),
    ("en", "The 21st century.", "The twentieth century.", FAIL),
    # -- signs, ranges, multipliers, units outside the verified set ------------------------
    ("en", "It was −3 °C.", "It was minus 3 degrees Celsius.", OK),
    ("en", "It was −3 °C.", "It was -3 °C.", OK),
    ("en", "It was −3 °C.", "It was 3 °C.", FAIL),
    ("fr", "Il faisait −3 °C.", "Il faisait moins trois degrés Celsius.", OK),
    ("fr", "Il faisait −3 °C.", "Il faisait moins quatre degrés.", FAIL),
    ("en", "Up +5% this year.", "Up five percent this year.", OK),
    ("en", "Up +5% this year.", "Up 6% this year.", FAIL),
    ("en", "It fell -5%.", "It fell 5%.", FAIL),
    ("en", "Down -0.5 points.", "Down minus 0.5 points.", OK),
    ("en", "Down -0.5 points.", "Down 0.5 points.", FAIL),
    ("en", "A 10–15% rise.", "A 10 to 15% rise.", OK),
    ("en", "A 10–15% rise.", "A 10-15 percent rise.", OK),
    ("en", "A 10–15% rise.", "A 10 to 20% rise.", FAIL),
    ("fr", "Une hausse de 10–15 %.", "Une hausse de dix à quinze pour cent.", OK),
    ("fr", "Une hausse de 10–15 %.", "Une hausse de 10 à 20 %.", FAIL),
    ("en", "Between 3 and 4 hours.", "Between three and four hours.", OK),
    ("en", "Between 3 and 4 hours.", "Between 3 and 5 hours.", FAIL),
    ("en", "It is 5x faster.", "It is five times faster.", OK),
    ("en", "It is 5x faster.", "It is 6x faster.", FAIL),
    ("en", "It grew 1.5x.", "It grew 1.5%.", FAIL),
    ("fr", "C'est ×3 plus rapide.", "C'est trois fois plus rapide.", OK),
    ("fr", "C'est ×3 plus rapide.", "C'est ×4 plus rapide.", FAIL),
    pytest.param("fr", "Il a grandi de 1,5x.", "Il a grandi une fois et demie.", OK, marks=limit(
        "'une fois et demie': 'une fois' is an article and a noun, never a multiplier; the half "
        "after it is not read: a correct hearing is lost (not a false ok)")),
    ("en", "Speed 130 km/h.", "Speed 130 kilometers per hour.", OK),
    ("en", "Speed 130 km/h.", "Speed 140 km/h.", FAIL),
    ("fr", "Un appartement de 45 m².", "Un appartement de 45 mètres carrés.", OK),
    ("fr", "Un appartement de 45 m².", "Un appartement de 46 m².", FAIL),
    ("en", "It was 70 °F.", "It was seventy degrees.", OK),
    ("en", "It was 70 °F.", "It was 71 °F.", FAIL),
    ("en", "Speed 130 km/h.", "Speed 130 mph.", FAIL),
    ("en", "Certified ISO 9001.", "Certified ISO nine thousand one.", OK),  # a name's number is verified
    ("en", "Certified ISO 9001.", "Certified ISO 9002.", FAIL),
    ("en", "It costs 5 CHF.", "It costs 5 dollars.", FAIL),
    # -- large numbers, phone numbers, Belgian and Swiss tens ------------------------------
    ("fr", "Il y a 1 000 000 d'habitants.", "Il y a un million d'habitants.", OK),
    ("fr", "Il y a 1 000 000 d'habitants.", "Il y a 1 million d'habitants.", OK),
    ("fr", "Il y a 1 000 000 d'habitants.", "Il y a 10 millions d'habitants.", FAIL),
    ("fr", "Il y a 1 000 000 d'habitants.", "Il y a 1 000 001 habitants.", FAIL),
    ("en", "There are 1,000,000 people.", "There are one million people.", OK),
    ("en", "There are 1,000,000 people.", "There are 10 million people.", FAIL),
    ("en", "There are 1 million people.", "There are a million people.", OK),
    ("en", "There are 1 million people.", "There are 1 billion people.", FAIL),
    ("fr", "Appelez le 01 23 45 67 89.", "Appelez le zéro un vingt-trois quarante-cinq soixante-sept "
                                          "quatre-vingt-neuf.", OK),
    ("fr", "Appelez le 01 23 45 67 89.", "Appelez le 01 23 45 67 88.", FAIL),
    ("fr", "Quatre-vingt-dix-neuf euros.", "99 €.", OK),
    ("fr", "Quatre-vingt-dix-neuf euros.", "quatre-vingt-dix euros.", FAIL),
    ("fr", "Soixante-dix personnes.", "70 personnes.", OK),
    ("fr", "Soixante-dix personnes.", "soixante-et-onze personnes.", FAIL),
    ("fr", "Septante personnes.", "soixante-dix personnes.", OK),
    ("fr", "Septante personnes.", "80 personnes.", FAIL),
    ("fr", "Nonante-neuf personnes.", "quatre-vingt-dix-neuf personnes.", OK),
    ("fr", "Nonante-neuf personnes.", "98 personnes.", FAIL),
    ("fr", "Huitante personnes.", "80 personnes.", OK),
    ("fr", "Huitante personnes.", "90 personnes.", FAIL),
    ("en", "Only 0.5% left.", "Only point five percent left.", OK),
    ("en", "Only 0.5% left.", "Only 0.6% left.", FAIL),
    ("fr", "Il était à 0,05 %.", "Il était à 0.05 %.", OK),
    ("fr", "Il était à 0,05 %.", "Il était à 0,5 %.", FAIL),
    ("en", "Up 5 per cent.", "Up 5%.", OK),
    ("en", "Up 5 per cent.", "Up 6 per cent.", FAIL),
    # -- "3 millions et demi": half the magnitude after digits ----------------------------
    ("fr", "3 millions et demi d'habitants.", "3,5 millions d'habitants.", OK),
    ("fr", "3 millions et demi d'habitants.", "trois millions et demi d'habitants.", OK),
    ("fr", "3 millions et demi d'habitants.", "3 500 000 habitants.", OK),
    ("fr", "3 millions et demi d'habitants.", "3 millions d'habitants.", FAIL),
    ("fr", "3 millions et demi d'habitants.", "4,5 millions d'habitants.", FAIL),
    ("fr", "3 millions et demi d'euros.", "3 millions d'euros.", FAIL),
    ("en", "2 million and a half people.", "two and a half million people.", OK),
    ("en", "2 million and a half people.", "2 million people.", FAIL),
    ("fr", "Levé 1,5 M€.", "Levé un million et demi d'euros.", OK),
    ("fr", "Levé 1,5 M€.", "Levé 15 millions d'euros.", FAIL),
    ("en", "Raised £3m.", "Raised 3 million pounds.", OK),
    ("en", "Raised £3m.", "Raised £3bn.", FAIL),
    ("en", "Raised €500k.", "Raised 500,000 euros.", OK),
    ("en", "Raised €500k.", "Raised €600k.", FAIL),
    ("en", "A $1.2T market.", "A 1.2 trillion dollar market.", OK),
    ("en", "A $1.2T market.", "A $1.2 billion market.", FAIL),
    ("en", "A 2.5% rise.", "A 2 and a half percent rise.", OK),
    ("en", "A 2.5% rise.", "A two and a half percent rise.", OK),
    ("en", "A 2.5% rise.", "A two percent rise.", FAIL),
    ("en", "Over 2.5 million.", "Over 2 and a half million.", OK),
    ("en", "Over 2.5 million.", "Over 3 and a half million.", FAIL),
    ("en", "Over 2.5 million.", "Over 2 million.", FAIL),
    ("fr", "Une hausse de 2,5 %.", "Une hausse de 2 et demi pour cent.", OK),
    ("fr", "Une hausse de 2,5 %.", "Une hausse de deux et demi pour cent.", OK),
    ("fr", "Une hausse de 2,5 %.", "Une hausse de 2 pour cent.", FAIL),
    # -- prices said with the coins after the currency: "cinq euros quatre-vingt-dix-neuf" ----
    ("fr", "Ça coûte 5,99 €.", "Ça coûte cinq euros quatre-vingt-dix-neuf.", OK),
    ("fr", "Ça coûte 5,99 €.", "Ça coûte 5 euros 99.", OK),
    ("fr", "Ça coûte 5,99 €.", "Ça coûte cinq euros quatre-vingt-neuf.", FAIL),
    ("fr", "Ça coûte 5,99 €.", "Ça coûte 5 euros.", FAIL),
    ("fr", "Ça coûte 5 euros.", "Ça coûte 5 euros 20.", FAIL),
    ("fr", "Ça coûte 5 euros 20 fois.", "Ça coûte 5 euros 20 fois.", OK),
    ("en", "It costs $5.99.", "It costs five dollars ninety-nine.", OK),
    ("en", "It costs $5.99.", "It costs five dollars and ninety-nine cents.", OK),
    ("en", "It costs $5.99.", "It costs $5.89.", FAIL),
    ("en", "It costs $5.99.", "It costs 5 dollars.", FAIL),
    # -- decades, Roman numerals, weak ordinals (some deliberate limitations) ---------------------
    ("en", "In the 1990s.", "In the nineteen nineties.", OK),
    ("en", "In the 1990s.", "In the nineteen eighties.", FAIL),
    ("en", "In the '90s.", "In the 90s.", OK),
    ("en", "In the '90s.", "In the 80s.", FAIL),
    ("en", "In the 1990s.", "In the 1990s.", OK),
    ("en", "In the 1990s.", "In the 1980s.", FAIL),
    ("en", "In the '90s.", "In the nineties.", OK),  # a decade word after "the" (atoms.py)
    ("en", "In the '90s.", "In the eighties.", FAIL),
    # a decade heard without its century is the script's decade (align.same_decade); a wrong one is changed
    ("en", "In the 1990s.", "In the 90s.", OK),
    ("en", "In the 1990s.", "In the 80s.", FAIL),
    ("fr", "Dans les années 1990.", "Dans les années quatre-vingt-dix.", OK),
    ("fr", "Dans les années 1990.", "Dans les années quatre-vingt.", FAIL),
    ("fr", "Le XXIe siècle.", "Le vingt-et-unième siècle.", OK),
    ("fr", "Le XXIe siècle.", "Le 21e siècle.", OK),
    ("fr", "Le XXIe siècle.", "Le XXe siècle.", FAIL),
    ("fr", "Au XVIIIe siècle.", "Au dix-huitième siècle.", OK),
    ("fr", "Au XVIIIe siècle.", "Au XVIIe siècle.", FAIL),
    pytest.param("fr", "Louis XIV régna.", "Louis XV régna.", FAIL, marks=limit(
        "Roman numerals are read only before 'siècle' (XXIe siècle); elsewhere they are names "
        "and initials (Louis XIV, CV, XL), not verified")),
    pytest.param("en", "The first step.", "The second step.", FAIL, marks=limit(
        "'one', 'first', 'premier' are weak words (an article, 'at first'): not verified in a "
        "script; written as digits ('1st', '1er') they are")),
    ("en", "The 1st step.", "The second step.", FAIL),
]

# (lang, script, heard): names and versions are not quantities: no number to verify,
# so no false "changed" either
CODES = [
    ("en", "A 4K screen.", "A 4K screen."),
    ("en", "Install v2.4.1 now.", "Install version 2.4.1 now."),
    ("en", "During COVID-19.", "During COVID nineteen."),
    ("fr", "Pendant le COVID-19.", "Pendant le COVID 19."),
    ("en", "It ran 2:05:30.", "It ran 2:05:30."),
    ("en", "Version 1:4a.", "Version 1:4b."),
    ("en", "Hash 1e6a.", "Hash 1e7a."),
]

# (lang, text, [(value, kind, unit), ...]): what the extractor must find
EXTRACT = [
    ("fr", "Un taux de 5 pour mille.", [("0.5", "percent", "%")]),
    ("en", "A cut of 50 bps.", [("0.5", "points", "pp")]),
    ("en", "Half a million people.", [("500000", "number", None)]),
]


def _row_id(row) -> str:
    return f"{row[0]}:{row[1]}|{row[2]}"[:90]


@pytest.mark.parametrize("lang,script,heard,expected", COMPARE, ids=[
    _row_id(r.values if hasattr(r, "values") else r) for r in COMPARE])
def test_phrasing_compare(lang, script, heard, expected):
    assert extract(script, lang, include_codes=True), "the script number was not found at all"
    got = [m.status for m in compare(script, heard, lang)]
    if expected == OK:
        assert got and all(s == "ok" for s in got), got
    elif expected == FAIL:
        assert any(s in FAILING for s in got), got
    else:
        assert got == expected


@pytest.mark.parametrize("lang,text,expected", EXTRACT, ids=[
    _row_id((r.values if hasattr(r, "values") else r)[:2] + ("",)) for r in EXTRACT])
def test_phrasing_extract(lang, text, expected):
    assert [(m.value, m.kind, m.unit) for m in extract(text, lang)] == expected


@pytest.mark.parametrize("lang,script,heard", CODES, ids=[_row_id(r) for r in CODES])
def test_phrasing_codes_are_not_verified(lang, script, heard):
    assert [m.status for m in compare(script, heard, lang)] == []


# (lang, text, spoken): new phrasings reach the TTS engine as words it cannot misread
SPOKEN = [
    ("fr", "¾ des gens, 3½ jours.", "trois quarts des gens, trois virgule cinq jours."),
    ("fr", "Un taux de 5 ‰.", "Un taux de zéro virgule cinq pour cent."),
    ("en", "About 1e6 people.", "About one million people."),
    ("en", "We have 3.5K users.", "We have three thousand five hundred users."),
]


@pytest.mark.parametrize("lang,text,spoken", SPOKEN, ids=[r[1] for r in SPOKEN])
def test_phrasing_spoken(lang, text, spoken):
    assert spell_out(text, lang) == spoken
    assert all(m.status == "ok" for m in compare(text, spoken, lang))
