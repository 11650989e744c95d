"""Units of measure as part of a number's value: "2.5 GW", "130 km/h", "250 ms", "12kg".

A unit is normalised to one symbol (the Mention's `unit`) with a dimension and a
scale (its factor to the dimension's base unit), and spoken forms in English and
French. The same quantity in the same unit is the same value; another unit or
another scale ("2.5 megawatts" for "2.5 GW", "130 mph" for "130 km/h") is a
changed number, even a correct conversion: the listener did not hear what the
post wrote (align.py names the conversion).

Written forms are matched on the text right after a number (symbols
case-sensitive, words in any case, a space or a hyphen between words), so
"km/h", "m²", "°C", "tCO2e" need no tokens of their own. A rate may follow a
unit: "3 t per capita" is "t/cap", "10 TWh/an" is "TWh/yr".

Tonnes are one family whatever their magnitude: "12 Mt" is 12 million tonnes
("12 megatonnes" and "12 million tonnes" are both said for it); other prefixes
are units of their own (a gigawatt is not said as "a billion watts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    scale: Decimal  # factor to the dimension's base unit
    en: tuple[str, str]  # spoken: singular, plural
    fr: tuple[str, str]
    offset: Decimal = Decimal(0)  # temperature: base = value * scale + offset


@dataclass(frozen=True)
class Hit:
    unit: Unit
    end: int  # text offset after the unit (and its rate)
    factor: Decimal  # tonnes written with a magnitude: "Mt" = 10^6 t
    rate: str | None  # "/yr", "/cap" ...


UNITS: dict[str, Unit] = {}
# spelling -> (symbol, factor); symbols are case-sensitive, words are not
_SYMBOLS: dict[str, tuple[str, int]] = {}
_WORDS: dict[str, tuple[str, int]] = {}
# single letters that are too often something else after a number: only before
# punctuation or the end of the text ("5 m." but not "5 m users")
_LONE = frozenset({"m", "s", "t", "g", "h", "L", "W", "J", "l", "d", "B", "mi", "an", "us"})


def _unit(symbol: str, dimension: str, scale, en: tuple[str, str], fr: tuple[str, str],
          symbols: tuple[str, ...] = (), words: tuple[str, ...] = (), offset: str = "0") -> None:
    UNITS[symbol] = Unit(symbol, dimension, Decimal(scale), en, fr, Decimal(offset))
    for s in (symbol,) + symbols:
        _SYMBOLS[s] = (symbol, 1)
    for w in en + fr + words:
        _WORDS[w.lower()] = (symbol, 1)
        prefix = next((p for p in _SPOKEN_PREFIXES if w.lower().startswith(p) and len(w) > len(p) + 2), None)
        if prefix:  # "kilo watt hours", "milli seconds": a recogniser's split of the word
            _WORDS[f"{prefix} {w.lower()[len(prefix):].lstrip('-')}"] = (symbol, 1)


_SPOKEN_PREFIXES = ("kilo", "mega", "méga", "giga", "tera", "téra", "peta", "milli", "micro", "nano", "centi")


_PREFIXES = (("", "", 1), ("k", "kilo", 10**3), ("M", "mega", 10**6), ("G", "giga", 10**9), ("T", "tera", 10**12))
_FR_PREFIX = {"": "", "kilo": "kilo", "mega": "méga", "giga": "giga", "tera": "téra"}


def _build_power_and_energy() -> None:
    """The units of power, energy and frequency."""
    for p, name, scale in _PREFIXES:
        fp = _FR_PREFIX[name]
        _unit(f"{p}W", "power", scale, (f"{name}watt", f"{name}watts"), (f"{fp}watt", f"{fp}watts"),
              words=(f"{fp}wat", f"{name}-watts") if name else ())
        wh_words = tuple(f"{a}{sep}{b}" for a in (f"{name}watt", f"{fp}watt", f"{name}watts", f"{fp}watts")
                         for sep in (" ", "-", "") for b in ("hour", "hours", "heure", "heures"))
        _unit(f"{p}Wh", "energy", scale, (f"{name}watt-hour", f"{name}watt-hours"),
              (f"{fp}wattheure", f"{fp}wattheures"), words=wh_words)
        if p:
            _unit(f"{p}Hz", "frequency", scale, (f"{name}hertz", f"{name}hertz"), (f"{fp}hertz", f"{fp}hertz"))
    _unit("Hz", "frequency", 1, ("hertz", "hertz"), ("hertz", "hertz"))
    _unit("J", "energy-j", 1, ("joule", "joules"), ("joule", "joules"))
    for p, name, scale in _PREFIXES[1:4]:
        _unit(f"{p}J", "energy-j", scale, (f"{name}joule", f"{name}joules"),
              (f"{_FR_PREFIX[name]}joule", f"{_FR_PREFIX[name]}joules"))


def _build_speed() -> None:
    """The units of speed."""
    _unit("km/h", "speed", "0.2777777777777777777777777778", ("kilometer per hour", "kilometers per hour"),
          ("kilomètre-heure", "kilomètres-heure"), symbols=("kmh", "km/hr", "kph"),
          words=("kilometres per hour", "kilometre per hour", "kilomètres par heure", "kilomètre par heure",
                 "kilomètres heure", "kilomètres à l'heure", "km par heure", "km à l'heure",
                 "kilometers an hour", "kilometres an hour", "kilomètres/heure", "km per hour", "km an hour"))
    _unit("mph", "speed", "0.44704", ("mile per hour", "miles per hour"), ("mile à l'heure", "miles à l'heure"),
          symbols=("MPH", "mi/h"), words=("miles an hour", "milles à l'heure", "miles par heure"))
    _unit("m/s", "speed", 1, ("meter per second", "meters per second"), ("mètre par seconde", "mètres par seconde"),
          words=("metres per second", "metre per second", "mètres/seconde"))
    _unit("kn", "speed", "0.5144444444444444444444444444", ("knot", "knots"), ("nœud", "nœuds"),
          symbols=("kts",), words=("noeuds",))


def _build_time() -> None:
    """The units of time."""
    _unit("ns", "time", "1e-9", ("nanosecond", "nanoseconds"), ("nanoseconde", "nanosecondes"))
    _unit("µs", "time", "1e-6", ("microsecond", "microseconds"), ("microseconde", "microsecondes"),
          symbols=("μs", "us"))
    _unit("ms", "time", "1e-3", ("millisecond", "milliseconds"), ("milliseconde", "millisecondes"),
          symbols=("msec",))
    _unit("s", "time", 1, ("second", "seconds"), ("seconde", "secondes"), symbols=("sec", "secs"))
    _unit("min", "time", 60, ("minute", "minutes"), ("minute", "minutes"), symbols=("mins",))
    _unit("h", "time", 3600, ("hour", "hours"), ("heure", "heures"), symbols=("hr", "hrs"))
    _unit("d", "time", 86400, ("day", "days"), ("jour", "jours"))
    _unit("wk", "time", 604800, ("week", "weeks"), ("semaine", "semaines"))
    _unit("mo", "time", 2629746, ("month", "months"), ("mois", "mois"))
    _unit("yr", "time", 31556952, ("year", "years"), ("an", "ans"), symbols=("yrs",), words=("années",))


def _build_data() -> None:
    """The units of data."""
    _unit("bit", "data", "0.125", ("bit", "bits"), ("bit", "bits"))
    _unit("B", "data", 1, ("byte", "bytes"), ("octet", "octets"), symbols=())
    for p, name, scale in (("k", "kilo", 10**3), ("M", "mega", 10**6), ("G", "giga", 10**9),
                           ("T", "tera", 10**12), ("P", "peta", 10**15)):
        fp = _FR_PREFIX.get(name, "péta")
        extra = ("KB",) if p == "k" else ()
        _unit(f"{p}B", "data", scale, (f"{name}byte", f"{name}bytes"), (f"{fp}octet", f"{fp}octets"),
              symbols=extra + (f"{p.upper()}o",) + ((f"{p}o",) if p == "k" else ()),
              words=(f"{name}octets",))
        _unit(f"{p.upper()}iB", "data", 2 ** (10 * (1 + "kMGTP".index(p))), (f"{name[:2]}bibyte", f"{name[:2]}bibytes"),
              (f"{name[:2]}bioctet", f"{name[:2]}bioctets"))
        _unit(f"{p}bit/s", "bitrate", Decimal(scale) / 8, (f"{name}bit per second", f"{name}bits per second"),
              (f"{fp}bit par seconde", f"{fp}bits par seconde"),
              symbols=(f"{p}b/s", f"{p}bps", f"{p.upper()}bps", f"{p}bit/s", f"{p.upper()}bit/s"),
              words=(f"{name}bits a second", f"{fp}bits/s"))
        _unit(f"{p}bit", "data", Decimal(scale) / 8, (f"{name}bit", f"{name}bits"), (f"{fp}bit", f"{fp}bits"),
              symbols=(f"{p}b",) if p in "GT" else ())


def _build_mass() -> None:
    """The units of mass (tonnes: one family, see the module's docstring)."""
    _unit("mg", "mass", "1e-6", ("milligram", "milligrams"), ("milligramme", "milligrammes"),
          words=("milligrammes",))
    _unit("g", "mass", "1e-3", ("gram", "grams"), ("gramme", "grammes"), words=("grammes",))
    _unit("kg", "mass", 1, ("kilogram", "kilograms"), ("kilogramme", "kilogrammes"),
          symbols=("kgs",), words=("kilo", "kilos", "kilogrammes", "kilogrammes"))
    _unit("t", "mass", 1000, ("tonne", "tonnes"), ("tonne", "tonnes"),
          words=("ton", "tons", "metric ton", "metric tons", "metric tonnes"))
    _unit("lb", "mass", "0.45359237", ("pound", "pounds"), ("livre", "livres"), symbols=("lbs",))
    _unit("tCO2e", "co2", 1000, ("tonne of CO2 equivalent", "tonnes of CO2 equivalent"),
          ("tonne d'équivalent CO2", "tonnes d'équivalent CO2"),
          symbols=("tCO2", "tCO₂", "tCO₂e", "teqCO2", "tCO2eq", "tCO2-eq", "t CO2", "t CO2e", "t CO₂",
                   "t éq. CO2", "t eqCO2", "téqCO2", "t of CO2", "t de CO2", "t d'équivalent CO2"),
          words=("tonnes of CO2", "tons of CO2", "tonnes of carbon dioxide", "tonnes de CO2", "tonnes of CO2e",
                 "tonnes d'équivalent CO₂", "tonnes de CO₂", "tonnes of CO2-equivalent", "tonnes équivalent CO2",
                 "tonnes CO2", "tonnes CO2 equivalent", "tonnes of carbon dioxide equivalent"))
    for p, f in (("k", 10**3), ("M", 10**6), ("G", 10**9)):
        _SYMBOLS[f"{p}t"] = ("t", f)
        for s in ("tCO2", "tCO₂", "tCO2e", "tCO₂e", "tCO2eq", "teqCO2", "t CO2", "t CO2e", "t CO₂", "t of CO2",
                  "t de CO2", "t de CO₂", "t d'équivalent CO2", "t éq. CO2", "t eqCO2", "t of CO2e", "t CO2eq"):
            _SYMBOLS[f"{p}{s}"] = ("tCO2e", f)
    for w, f in (("kilotonne", 10**3), ("kilotonnes", 10**3), ("megatonne", 10**6), ("megatonnes", 10**6),
                 ("mégatonne", 10**6), ("mégatonnes", 10**6), ("gigatonne", 10**9), ("gigatonnes", 10**9)):
        _WORDS[w] = ("t", f)
        for tail in (" of CO2", " de CO2", " of CO2 equivalent", " d'équivalent CO2", " of carbon dioxide",
                     " de CO₂", " of CO2e", " CO2"):
            _WORDS[(w + tail).lower()] = ("tCO2e", f)


def _build_length_area_volume() -> None:
    """The units of length, area, volume."""
    _unit("mm", "length", "0.001", ("millimeter", "millimeters"), ("millimètre", "millimètres"),
          words=("millimetre", "millimetres"))
    _unit("cm", "length", "0.01", ("centimeter", "centimeters"), ("centimètre", "centimètres"),
          words=("centimetre", "centimetres"))
    _unit("m", "length", 1, ("meter", "meters"), ("mètre", "mètres"), words=("metre", "metres"))
    _unit("km", "length", 1000, ("kilometer", "kilometers"), ("kilomètre", "kilomètres"),
          symbols=("kms",), words=("kilometre", "kilometres"))
    _unit("mi", "length", "1609.344", ("mile", "miles"), ("mile", "miles"))
    _unit("ft", "length", "0.3048", ("foot", "feet"), ("pied", "pieds"))
    _unit("m²", "area", 1, ("square meter", "square meters"), ("mètre carré", "mètres carrés"),
          symbols=("m2", "sq m", "sqm"), words=("square metres", "square metre", "mètres carré", "mètre carrés"))
    _unit("km²", "area", 10**6, ("square kilometer", "square kilometers"),
          ("kilomètre carré", "kilomètres carrés"), symbols=("km2", "sq km"),
          words=("square kilometres", "square kilometre"))
    _unit("ha", "area", 10**4, ("hectare", "hectares"), ("hectare", "hectares"))
    _unit("ft²", "area", "0.09290304", ("square foot", "square feet"), ("pied carré", "pieds carrés"),
          symbols=("sq ft", "sqft", "ft2"))
    _unit("ac", "area", "4046.8564224", ("acre", "acres"), ("acre", "acres"))
    _unit("m³", "volume", 1, ("cubic meter", "cubic meters"), ("mètre cube", "mètres cubes"),
          symbols=("m3",), words=("cubic metres", "cubic metre"))
    _unit("L", "volume", "0.001", ("liter", "liters"), ("litre", "litres"), symbols=("l",),
          words=("litre", "litres"))
    _unit("mL", "volume", "0.000001", ("milliliter", "milliliters"), ("millilitre", "millilitres"),
          symbols=("ml",), words=("millilitres",))
    _unit("gal", "volume", "0.003785411784", ("gallon", "gallons"), ("gallon", "gallons"))
    _unit("bbl", "volume", "0.158987294928", ("barrel", "barrels"), ("baril", "barils"))


def _build_temperature() -> None:
    """The units of temperature: "degrees" alone is a temperature of either scale (align.py)."""
    _unit("°C", "temperature", 1, ("degree Celsius", "degrees Celsius"), ("degré Celsius", "degrés Celsius"),
          symbols=("° C", "ºC", "℃", "°c"), words=("degrees centigrade", "degrés centigrades", "degrees C",
                                                   "degré", "degrés C"), offset="273.15")
    _WORDS.pop("degré", None)
    _unit("°F", "temperature", "0.5555555555555555555555555556",
          ("degree Fahrenheit", "degrees Fahrenheit"), ("degré Fahrenheit", "degrés Fahrenheit"),
          symbols=("° F", "ºF", "℉"), words=("degrees F",), offset="255.3722222222222222222222222")
    _unit("°", "temperature", 1, ("degree", "degrees"), ("degré", "degrés"), symbols=("º",))
    _unit("K", "temperature-k", 1, ("kelvin", "kelvins"), ("kelvin", "kelvins"))
    _SYMBOLS.pop("K")  # "50K": fifty thousand (atoms.py); kelvins only said in words
    for word in ("pound", "pounds", "livre", "livres"):  # money (units.py), or books
        _WORDS.pop(word)


def _build() -> None:
    for build in (_build_power_and_energy, _build_speed, _build_time, _build_data, _build_mass,
                  _build_length_area_volume, _build_temperature):
        build()


_build()

RATES = {
    "/yr": (("per year", "a year", "per annum", "/yr", "/year", "/y", "annually", "yearly"),
            ("par an", "/an", "par année", "annuels", "annuelles", "/a")),
    "/cap": (("per capita", "per person", "per head", "per inhabitant"),
             ("par habitant", "par personne", "par tête", "/hab", "par hab")),
    "/d": (("per day", "a day", "/day", "/d", "daily"), ("par jour", "/jour", "/j")),
    "/mo": (("per month", "a month", "/month", "/mo"), ("par mois", "/mois")),
    "/kWh": (("per kWh", "/kWh", "per kilowatt-hour", "per kilowatt hour"),
             ("par kWh", "/kWh", "le kWh", "par kilowattheure")),
}
_RATE_WORDS: dict[str, str] = {}
for _rate, (_en, _fr) in RATES.items():
    for _w in _en + _fr:
        _RATE_WORDS[_w.lower()] = _rate


def _alternation(spellings, ignore_case: bool) -> str:
    return _longest_first([(s, ignore_case) for s in spellings])


def _longest_first(spellings: list[tuple[str, bool]]) -> str:
    """One regex alternation of (spelling, any case?), the longest spelling tried first:
    "km per hour" (a word) before "km" (a symbol), or "130 km per hour" is read in km."""
    parts = []
    for s, ignore_case in sorted(spellings, key=lambda p: len(p[0]), reverse=True):
        pat = r"[\s\-]+".join(re.escape(p) for p in s.split(" "))
        pat = pat.replace("'", "['’]")
        parts.append(f"(?i:{pat})" if ignore_case else pat)
    return "|".join(parts)


_LONE_END = re.compile(r"\s*(?:[.,;:!?)\]»]|$|(?:de|d['’]|of)\s)")


_GAP = re.compile(r"[ \u00a0\u202f\u2009]?")


@lru_cache(maxsize=None)
def _pattern(first: str) -> re.Pattern | None:
    """The units whose spelling starts with `first` (lower-cased): one small regex each."""
    symbols = [s for s in _SYMBOLS if s[0].lower() == first]
    words = [w for w in _WORDS if w[0].lower() == first]
    if not symbols and not words:
        return None
    units = _longest_first([(s, False) for s in symbols] + [(w, True) for w in words])
    rates = _alternation(_RATE_WORDS, True)
    return re.compile(rf"(?P<unit>{units})(?![^\W_])(?:(?P<rgap>\s?)(?P<rate>{rates})(?![^\W_]))?")


_LINK = re.compile(r"[ \u00a0\u202f\u2009](?:de |d['’]|of )")


def unit_after(text: str, end: int, glued_ok: bool = True, linked: bool = False) -> Hit | None:
    """The unit written at text[end:] (after a number), or None. `linked`: after a
    magnitude word, "de"/"of" may come first ("12 millions de tonnes")."""
    link = _LINK.match(text, end) if linked else None
    if link is not None:
        hit = unit_after(text, link.end() - (0 if text[link.end() - 1] in "'’" else 1))
        if hit is not None:
            return hit
    start = _GAP.match(text, end).end()  # type: ignore[union-attr]
    if start >= len(text) or (start == end and not glued_ok):
        return None
    pattern = _pattern(text[start].lower())
    m = pattern.match(text, start) if pattern else None
    if m is None:
        return None
    written = m.group("unit")
    key = re.sub(r"[\s\-]+", " ", written).replace("’", "'")
    symbol, factor = _SYMBOLS.get(key) or _SYMBOLS.get(written) or _WORDS.get(key.lower()) or (None, 1)
    if symbol is None:
        return None
    if written in _LONE and not _LONE_END.match(text, m.end("unit")) and not m.group("rate"):
        return None
    rate = _RATE_WORDS.get(m.group("rate").lower()) if m.group("rate") else None
    if rate == "/yr" and symbol == "yr" or rate == "/d" and symbol == "d" or symbol == "mo" and rate == "/mo":
        rate = None
    stop = m.end() if rate else m.end("unit")
    return Hit(UNITS[symbol], stop, Decimal(factor), rate)


def info(symbol: str | None) -> Unit | None:
    """The unit of a mention's unit symbol ("GW", "km/h/cap"), without its rate."""
    return None if symbol is None else UNITS.get(base_symbol(symbol)[0])


def base_symbol(symbol: str) -> tuple[str, str]:
    """("km/h", "/cap") for "km/h/cap"; ("GW", "") for "GW"."""
    for rate in RATES:
        if symbol.endswith(rate) and symbol[: -len(rate)] in UNITS:
            return symbol[: -len(rate)], rate
    return symbol, ""


def generic(a: str, b: str) -> bool:
    """One unit says less than the other: "degrees" for "°F" (a temperature either way)."""
    ua, ub = info(a), info(b)
    return (ua is not None and ub is not None and ua.dimension == ub.dimension
            and "°" in (ua.symbol, ub.symbol) and base_symbol(a)[1] == base_symbol(b)[1])


def conversion(value: Decimal, source: str, target: str) -> Decimal | None:
    """`value` in unit `source` expressed in `target` (same dimension and rate), or None."""
    (a, ra), (b, rb) = base_symbol(source), base_symbol(target)
    ua, ub = UNITS.get(a), UNITS.get(b)
    if ua is None or ub is None or ua.dimension != ub.dimension or ra != rb or "°" in (a, b):
        return None
    return (value * ua.scale + ua.offset - ub.offset) / ub.scale


def spoken(symbol: str, lang: str, plural: bool) -> str:
    """The words for a unit symbol: "gigawatts", "kilomètres-heure", "tonnes per capita"."""
    base, rate = base_symbol(symbol)
    unit = UNITS[base]
    words = (unit.en if lang == "en" else unit.fr)[1 if plural else 0]
    if rate:
        en, fr = RATES[rate]
        words += " " + (en[0] if lang == "en" else fr[0])
    return words
