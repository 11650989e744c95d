"""Spoken forms people and recognisers use (issue 24, item 4), class by class, in both
languages: each class has a correct hearing (ok) and a wrong one (never ok)."""

from __future__ import annotations

import pytest

from pipeline.numbers import FAILING, compare

OK = "ok"
FAIL = "fail"

# (class, lang, script, heard, expected)
ROWS = [
    # times in words: o'clock, half past, quarter to/past, "ten to eleven", "oh" minutes, a m / p m
    ("time", "en", "Doors open at 3:00.", "Doors open at three o'clock.", OK),
    ("time", "en", "Doors open at 3:00.", "Doors open at four o'clock.", FAIL),
    ("time", "en", "Doors open at 3:30.", "Doors open at half past three.", OK),
    ("time", "en", "Doors open at 3:30.", "Doors open at half past four.", FAIL),
    ("time", "en", "Doors open at 11:45.", "Doors open at quarter to twelve.", OK),
    ("time", "en", "Doors open at 11:45.", "Doors open at a quarter to eleven.", FAIL),
    ("time", "en", "Doors open at 6:15.", "Doors open at a quarter past six.", OK),
    ("time", "en", "Doors open at 10:50.", "Doors open at ten to eleven.", OK),
    ("time", "en", "Doors open at 10:50.", "Doors open at ten to twelve.", FAIL),
    ("time", "en", "Doors open at 6:20.", "Doors open at twenty past six.", OK),
    ("time", "en", "Doors open at 6:20.", "Doors open at twenty past seven.", FAIL),
    ("time", "en", "Doors open at 8:06.", "Doors open at eight oh six.", OK),
    ("time", "en", "Doors open at 8:06.", "Doors open at eight oh seven.", FAIL),
    ("time", "en", "Doors open at 11:40 am.", "Doors open at eleven forty a m.", OK),
    ("time", "en", "Doors open at 11:40 am.", "Doors open at eleven forty p m.", FAIL),
    ("time", "en", "Doors open at 9:15 pm.", "Doors open at a quarter past nine p m.", OK),
    ("time", "en", "Doors open at 12:00.", "Doors open at noon.", OK),
    ("time", "fr", "Rendez-vous à 12 h.", "Rendez-vous à midi.", OK),
    ("time", "fr", "Rendez-vous à 12 h.", "Rendez-vous à minuit.", FAIL),
    ("time", "fr", "Rendez-vous à 0 h.", "Rendez-vous à minuit.", OK),
    ("time", "fr", "Rendez-vous à 11 h 45.", "Rendez-vous à midi moins le quart.", OK),
    ("time", "fr", "Rendez-vous à 11 h 45.", "Rendez-vous à midi.", FAIL),
    ("time", "fr", "Rendez-vous à 12 h 30.", "Rendez-vous à midi et demi.", OK),
    ("time", "fr", "Rendez-vous à 12 h 30.", "Rendez-vous à midi et quart.", FAIL),
    ("time", "fr", "Rendez-vous à 0 h 15.", "Rendez-vous à minuit et quart.", OK),
    ("time", "fr", "Rendez-vous à 9 h 45.", "Rendez-vous à dix heures moins le quart.", OK),
    ("time", "en", "Doors open at 1 a.m.", "Doors open at one AM.", OK),
    ("time", "en", "Doors open at 1 a.m.", "Doors open at 1 a.m.", OK),
    ("time", "en", "Doors open at 1 a.m.", "Doors open at one PM.", FAIL),
    ("time", "en", "Doors open at 1 a.m.", "Doors open at two AM.", FAIL),
    ("time", "en", "I have 1 cat.", "I have one cat.", OK),
    ("time", "en", "Doors open at 23:00.", "Doors open at twenty-three o'clock.", OK),
    ("time", "en", "Doors open at 23:00.", "Doors open at twenty-two o'clock.", FAIL),
    ("time", "en", "Doors open at 8:00.", "Doors open at eight oclock.", OK),
    ("time", "en", "Doors open at 8:00.", "Doors open at nine oclock.", FAIL),
    ("time", "en", "Doors open at 12:59 a.m.", "Doors open at one min to one am.", OK),
    ("time", "en", "Doors open at 12:59 a.m.", "Doors open at two mins to one am.", FAIL),
    ("time", "fr", "Rendez-vous à 20 h.", "Rendez-vous à huit heures du soir.", OK),
    ("time", "fr", "Rendez-vous à 20 h.", "Rendez-vous à 20 heures.", OK),
    ("time", "fr", "Rendez-vous à 20 h.", "Rendez-vous à huit heures du matin.", FAIL),
    ("time", "fr", "Rendez-vous à 20 h.", "Rendez-vous à neuf heures du soir.", FAIL),
    ("time", "fr", "Rendez-vous à 14 h.", "Rendez-vous à deux heures de l'après-midi.", OK),
    ("time", "fr", "Rendez-vous à 14 h.", "Rendez-vous à deux heures.", FAIL),
    ("time", "fr", "Rendez-vous à 11 h 45.", "Rendez-vous à onze heures et trois quarts.", OK),
    ("time", "fr", "Rendez-vous à 11 h 45.", "Rendez-vous à onze heures et quart.", FAIL),
    ("time", "fr", "Rendez-vous à 11 h 57.", "Rendez-vous à midi moins trois.", OK),
    ("time", "fr", "Rendez-vous à 11 h 57.", "Rendez-vous à midi moins quatre.", FAIL),
    ("time", "fr", "Rendez-vous à 9 h 50.", "Rendez-vous à dix heures moins dix.", OK),
    ("time", "fr", "Rendez-vous à 9 h 50.", "Rendez-vous à 9 h 50.", OK),
    ("time", "fr", "Rendez-vous à 9 h 50.", "Rendez-vous à dix heures moins cinq.", FAIL),
    # "oh" and "zero" as digits after the point
    ("point", "en", "It measured 18.05.", "It measured eighteen point oh five.", OK),
    ("point", "en", "It measured 18.05.", "It measured eighteen point oh six.", FAIL),
    ("point", "en", "It measured 18.05.", "It measured eighteen point zero five.", OK),
    ("point", "fr", "Il mesure 18,05 m.", "Il mesure dix-huit virgule zéro cinq mètres.", OK),
    ("point", "fr", "Il mesure 18,05 m.", "Il mesure dix-huit virgule cinq mètres.", FAIL),
    # cents and centimes alone
    ("coins", "en", "It costs $0.20.", "It costs twenty cents.", OK),
    ("coins", "en", "It costs $0.20.", "It costs twenty dollars.", FAIL),
    ("coins", "en", "It costs $0.01.", "It costs one cent.", OK),
    ("coins", "en", "It costs £0.50.", "It costs fifty pence.", OK),
    ("coins", "en", "It costs £0.50.", "It costs fifteen pence.", FAIL),
    ("coins", "fr", "Il coûte 0,50 €.", "Il coûte cinquante centimes.", OK),
    ("coins", "fr", "Il coûte 0,50 €.", "Il coûte cinquante euros.", FAIL),
    ("coins", "fr", "Il coûte 0,01 €.", "Il coûte un centime.", OK),
    ("coins", "fr", "Il coûte 0,99 €.", "Il coûte quatre-vingt-dix-neuf centimes.", OK),
    # mixed numbers and fractions in words
    ("fraction", "en", "It took 2 1/2 days.", "It took two and a half days.", OK),
    ("fraction", "en", "It took 2 1/2 days.", "It took three and a half days.", FAIL),
    ("fraction", "en", "Only 1/100 of it.", "Only one hundredth of it.", OK),
    ("fraction", "en", "Only 1/100 of it.", "Only one tenth of it.", FAIL),
    ("fraction", "fr", "Il faut 2 1/2 jours.", "Il faut deux jours et demi.", OK),
    ("fraction", "fr", "Il faut 2 1/2 jours.", "Il faut 2,5 jours.", OK),
    ("fraction", "fr", "Il faut 2 1/2 jours.", "Il faut deux jours.", FAIL),
    ("fraction", "fr", "Un centième des votes.", "1/100 des votes.", OK),
    # ordinals of round numbers
    ("ordinal", "en", "The 100th day.", "The one hundredth day.", OK),
    ("ordinal", "en", "The 1000th customer.", "The one thousandth customer.", OK),
    ("ordinal", "en", "The 1000th customer.", "The one hundredth customer.", FAIL),
    ("ordinal", "fr", "Le 100e jour.", "Le centième jour.", OK),
    ("ordinal", "fr", "Le 1000e client.", "Le millième client.", OK),
    ("ordinal", "fr", "Le 1000e client.", "Le centième client.", FAIL),
    # decades
    ("decade", "en", "In the 1980s.", "In the nineteen eighties.", OK),
    ("decade", "en", "In the 1980s.", "In the nineteen nineties.", FAIL),
    ("decade", "en", "In the '80s.", "In the eighties.", OK),
    ("decade", "en", "In the '80s.", "In the seventies.", FAIL),
    ("decade", "fr", "Dans les années 80.", "Dans les années quatre-vingt.", OK),
    ("decade", "fr", "Dans les années 80.", "Dans les années quatre-vingt-dix.", FAIL),
    # dates in any order, with or without "the ... of", ISO and numeric
    ("date", "en", "On 25 July 2012.", "On the twenty-fifth of July twenty twelve.", OK),
    ("date", "en", "On 25 July 2012.", "On July twenty-fifth, twenty twelve.", OK),
    ("date", "en", "On 25 July 2012.", "On the twenty-fourth of July twenty twelve.", FAIL),
    ("date", "en", "On 2016-11-03.", "On November third twenty sixteen.", OK),
    ("date", "en", "On 2016-11-03.", "On the third of November, twenty sixteen.", OK),
    ("date", "en", "On 2016-11-03.", "On November third twenty seventeen.", FAIL),
    ("date", "fr", "Le 25/07/2012.", "Le vingt-cinq juillet deux mille douze.", OK),
    ("date", "fr", "Le 2016-11-03.", "Le trois novembre deux mille seize.", OK),
    ("date", "fr", "Le 2016-11-03.", "Le trois décembre deux mille seize.", FAIL),
    ("date", "fr", "Le 3 novembre 2016.", "Le 3/11/2016.", OK),
    ("date", "en", "On july 25 2012.", "On July twenty-fifth, twenty twelve.", OK),
    ("date", "en", "On july 25 2012.", "On July 25, 2012.", OK),
    ("date", "en", "On july 25 2012.", "On July 26, 2012.", FAIL),
    ("date", "en", "On 25 jul 2012.", "On the twenty fifth of july twenty twelve.", OK),
    ("date", "en", "On 25 jul 2012.", "On the twenty fifth of june twenty twelve.", FAIL),
    ("date", "en", "On 2006-08-05.", "On august fifth two thousand six.", OK),
    ("date", "en", "On 2006-08-05.", "On august sixth two thousand six.", FAIL),
    ("date", "en", "On 15-01-2020.", "On the fifteenth of January, 2020.", OK),
    ("date", "en", "On 15-01-2020.", "On the fifteenth of January, 2021.", FAIL),
    ("date", "en", "On May 5th.", "On may fifth.", OK),
    ("date", "en", "On May 5th.", "On may sixth.", FAIL),
    ("date", "en", "They march 14 miles.", "They march fourteen miles.", OK),  # a verb, no date
    ("date", "fr", "Le 02-03-2003.", "Le deux mars deux mille trois.", OK),
    ("date", "fr", "Le 02-03-2003.", "Le 2 mars 2003.", OK),
    ("date", "fr", "Le 02-03-2003.", "Le deux mai deux mille trois.", FAIL),
    # years and prices read in pairs
    ("pairs", "en", "In 1995.", "In nineteen ninety five.", OK),
    ("pairs", "en", "In 1995.", "In nineteen eighty five.", FAIL),
    ("pairs", "en", "It costs $155.", "It costs one fifty five dollars.", OK),
    ("pairs", "en", "It costs $155.", "It costs one sixty five dollars.", FAIL),
    ("pairs", "fr", "En 1995.", "En dix-neuf cent quatre-vingt-quinze.", OK),
    ("pairs", "fr", "En 1995.", "En mille neuf cent quatre-vingt-quinze.", OK),
    ("pairs", "fr", "En 1995.", "En mille neuf cent quatre-vingt-seize.", FAIL),
    ("pairs", "en", "He lived at 123 Elm Street.", "He lived at one twenty three Elm Street.", OK),
    ("pairs", "en", "He lived at 123 Elm Street.", "He lived at one twenty four Elm Street.", FAIL),
    ("pairs", "en", "He lived at 1428 Elm Street.", "He lived at fourteen twenty eight Elm Street.", OK),
    ("pairs", "en", "He lived at 1428 Elm Street.", "He lived at fourteen twenty nine Elm Street.", FAIL),
    ("pairs", "fr", "Il vit au 123 rue Haute.", "Il vit au un vingt-trois rue Haute.", OK),
    ("pairs", "fr", "Il vit au 123 rue Haute.", "Il vit au un vingt-quatre rue Haute.", FAIL),
    # digits said one by one ("oh" a zero inside the run)
    ("digits", "en", "The code is 95051.", "The code is nine five zero five one.", OK),
    ("digits", "en", "The code is 95051.", "The code is 95051.", OK),
    ("digits", "en", "The code is 95051.", "The code is nine five zero five two.", FAIL),
    ("digits", "en", "It holds 13000 rows.", "It holds one three oh oh oh rows.", OK),
    ("digits", "en", "It holds 13000 rows.", "It holds one three oh oh one rows.", FAIL),
    ("digits", "en", "A 401(k) plan.", "A four oh one k plan.", OK),
    ("digits", "en", "A 401(k) plan.", "A four oh two k plan.", FAIL),
    ("digits", "en", "Pick 1, 2 and 3.", "Pick one, two and three.", OK),
    ("digits", "fr", "Le code est 95051.", "Le code est neuf cinq zéro cinq un.", OK),
    ("digits", "fr", "Le code est 95051.", "Le code est neuf cinq zéro cinq deux.", FAIL),
    ("digits", "fr", "Il y a 123000 lignes.", "Il y a un deux trois zéro zéro zéro lignes.", OK),
    ("digits", "fr", "Il y a 123000 lignes.", "Il y a un deux trois zéro zéro lignes.", FAIL),
    # numbers glued to units and currencies
    ("glued", "en", "It weighs 12kg.", "It weighs twelve kilograms.", OK),
    ("glued", "en", "It weighs 12kg.", "It weighs twelve pounds.", FAIL),
    ("glued", "en", "A ¥30b deal.", "A thirty billion yen deal.", OK),
    ("glued", "en", "A ¥30b deal.", "A thirty million yen deal.", FAIL),
    ("glued", "en", "Ping was 250ms.", "Ping was 250 milliseconds.", OK),
    ("glued", "fr", "Il pèse 12kg.", "Il pèse douze kilogrammes.", OK),
    ("glued", "fr", "Il pèse 12kg.", "Il pèse douze grammes.", FAIL),
    ("glued", "fr", "Un disque de 2To.", "Un disque de deux téraoctets.", OK),
    # magnitudes past the trillion, Belgian and Swiss tens (outside test set, issue 24)
    ("scale", "en", "About 2000000000000000 bytes.", "About two quadrillion bytes.", OK),
    ("scale", "en", "About 2000000000000000 bytes.", "About two trillion bytes.", FAIL),
    ("scale", "en", "A 3000000000000000000 count.", "A three quintillion count.", OK),
    ("scale", "fr", "Environ 2000000000000000 octets.", "Environ deux billiards d'octets.", OK),
    ("scale", "fr", "Environ 2000000000000000 octets.", "Environ deux billions d'octets.", FAIL),
    ("scale", "fr", "Il a 72 ans.", "Il a septante-deux ans.", OK),
    ("scale", "fr", "Il a 72 ans.", "Il a septante-trois ans.", FAIL),
    ("scale", "fr", "Il a 71 ans.", "Il a septante et un ans.", OK),
    ("scale", "fr", "Il a 91 ans.", "Il a nonante et un ans.", OK),
    ("scale", "fr", "Il a 77 ans.", "Il a soixante-dix-sept ans.", OK),
    # a decimal said with zeros after the point, a magnitude after any decimal
    ("zeros", "en", "It ran 18.0 km.", "It ran eighteen point zero kilometers.", OK),
    ("zeros", "en", "It ran 18.0 km.", "It ran 18.0 km.", OK),
    ("zeros", "en", "It ran 18.0 km.", "It ran eighteen point zero miles.", FAIL),
    ("zeros", "en", "It ran 18.0 km.", "It ran nineteen point zero kilometers.", FAIL),
    ("zeros", "en", "It ran 18.01 km.", "It ran eighteen point zero kilometers.", FAIL),
    ("zeros", "en", "It is 2805.873 billion.", "It is two thousand eight hundred five point eight seven three billion.",
     OK),
    ("zeros", "en", "It is 2805.873 billion.", "It is two thousand eight hundred five point eight seven three million.",
     FAIL),
    ("zeros", "fr", "Il court 18,0 km.", "Il court dix-huit virgule zéro kilomètres.", OK),
    ("zeros", "fr", "Il court 18,0 km.", "Il court 18,0 km.", OK),
    ("zeros", "fr", "Il court 18,0 km.", "Il court dix-neuf virgule zéro kilomètres.", FAIL),
    ("zeros", "fr", "Il vaut 1 805,8 milliards.", "Il vaut mille huit cent cinq virgule huit milliards.", OK),
    ("zeros", "fr", "Il vaut 1 805,8 milliards.", "Il vaut mille huit cent cinq virgule huit millions.", FAIL),
    # currencies said by their full names
    ("currency", "en", "It costs ₩460 billion.", "It costs four hundred sixty billion won.", OK),
    ("currency", "en", "It costs ₩460 billion.", "It costs 460 billion won.", OK),
    ("currency", "en", "It costs ₩460 billion.", "It costs four hundred sixty billion yen.", FAIL),
    ("currency", "en", "It costs $4.69.", "It costs four united states dollars and sixty nine cents.", OK),
    ("currency", "en", "It costs $4.69.", "It costs four united states dollars and sixty eight cents.", FAIL),
    ("currency", "fr", "Il coûte 80 000 ₩.", "Il coûte quatre-vingt mille wons.", OK),
    ("currency", "fr", "Il coûte 80 000 ₩.", "Il coûte 80 000 wons.", OK),
    ("currency", "fr", "Il coûte 80 000 ₩.", "Il coûte quatre-vingt mille yens.", FAIL),
    # ordinals: the zeroth
    ("ordinal", "en", "The 0th element.", "The zeroth element.", OK),
    ("ordinal", "en", "The 0th element.", "The first element.", FAIL),
    # how Whisper base writes what a voice said right: fr compounds by their parts
    # ("soixante et un pour cent" as "60 et 1%"), en a range's first time with a dot
    # and the range's meridiem ("four thirty and six thirty p.m.")
    ("whisper", "fr", "Il a obtenu 61 % des voix.", "Il a obtenu 60 et 1% des voix.", OK),
    ("whisper", "fr", "Il a obtenu 61 % des voix.", "Il a obtenu 60 et 1 % des voix.", OK),
    ("whisper", "fr", "Il a obtenu 61 % des voix.", "Il a obtenu 60 et 2% des voix.", FAIL),
    ("whisper", "fr", "Il a obtenu 21 % des voix.", "Il a obtenu 20 et 1% des voix.", OK),
    ("whisper", "fr", "Il a 31 ans.", "Il a 30 et 1 ans.", OK),
    ("whisper", "fr", "Il a obtenu 71 % des voix.", "Il a obtenu 60 et 11 % des voix.", OK),
    # heard on real French posts (tests/corpus), Kokoro saying them right, both Whisper engines
    # writing the same: "dix fois" /di fwa/ as "d'y fois" (sobriete-energetique), "mille deux cent
    # quatre-vingt-onze jours" as "1 200 411 jours" (financement-par-projet)
    ("whisper", "fr", "Les prix, soit 10 fois supérieurs.", "Les prix, soit d'y fois supérieure.", OK),
    ("whisper", "fr", "Les prix, soit 10 fois supérieurs.", "Les prix, soit 2 fois supérieure.", FAIL),
    ("whisper", "fr", "Les prix, soit 10 fois supérieurs.", "Les prix, soit fois supérieure.", FAIL),
    ("whisper", "fr", "Ces 6 fois-là.", "Ces si fois-là.", OK),
    ("whisper", "fr", "Ces 10 fois-là.", "Ces si fois-là.", FAIL),
    ("whisper", "fr", "Il faut 1 291 jours.", "Il faut 1 200 411 jours.", OK),
    ("whisper", "fr", "Il faut 1 291 jours.", "Il faut 1 200 412 jours.", FAIL),
    ("whisper", "fr", "Il faut 2 091 jours.", "Il faut 2 411 jours.", OK),
    ("whisper", "fr", "Il faut 1 291 jours.", "Il faut 1 200 411 semaines.", FAIL),
    ("whisper", "en", "Open between 4:30 and 6:30 pm.", "Open between 4.30 and 6.30 pm.", OK),
    ("whisper", "en", "Open between 4:30 and 6:30 pm.", "Open between 4.30 and 6.30 p.m.", OK),
    ("whisper", "en", "Open between 4:30 and 6:30 pm.", "Open between 5.30 and 6.30 pm.", FAIL),
    ("whisper", "en", "Open between 4:30 pm and 6:30 pm.", "Open between 4.30 and 6.30 pm.", OK),
    ("whisper", "en", "Open between 4:30 am and 6:30 pm.", "Open between 4.30 and 6.30 pm.", FAIL),
    ("whisper", "en", "Open from 11:30 am to 1:30 pm.", "Open from 11.30 to 1.30 pm.", OK),
    ("whisper", "en", "Open from 11:30 pm to 1:30 pm.", "Open from 11.30 to 1.30 pm.", FAIL),
    ("whisper", "en", "Shares rose 4.30 and 6.30 percent.", "Shares rose 4.30 and 6.30 percent.", OK),
]


@pytest.mark.parametrize("cls,lang,script,heard,expected", ROWS,
                         ids=[f"{r[0]}:{r[1]}:{r[2]}|{r[3]}"[:90] for r in ROWS])
def test_spoken_form(cls, lang, script, heard, expected):
    got = [m.status for m in compare(script, heard, lang)]
    if expected == OK:
        assert got and all(s == "ok" for s in got), got
    else:
        assert any(s in FAILING for s in got), got


def test_every_class_has_cases_in_both_languages():
    classes = {r[0] for r in ROWS}
    for cls in classes:
        assert {r[1] for r in ROWS if r[0] == cls} == {"en", "fr"}, cls
