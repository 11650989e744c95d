"""Number engine: find, compare, trace, speak and lint the numbers of a text.

Pure Python (stdlib only, no text2num/num2words): safe to import from any stage.

    extract(text, lang)            -> [Mention]   numbers, percents, currencies, percentage
                                                  points, multipliers, fractions, times, dates
    compare(script, heard, lang)   -> [Match]     ok | changed | lost | unit-missing
    trace(script, source, lang)    -> [Mention | None]
    verbalize(mention, lang)       -> words for a TTS engine
    spell_out(text, lang, kinds)   -> text with numbers replaced by words
    spell_symbols(text, lang)      -> digits kept, unit/currency/period symbols in words
    lint(text, lang)               -> [Flag]      numbers that cannot be right

Values are canonical strings: exact decimals fully scaled ("49200000000", "-15"),
ISO dates with the parts that were said ("2025-08-18", "--08-01", "2025-08"),
times "15:45", fractions "1/3" (see model.py).
One module per language (lang_fr, lang_en); the grammar and stages are shared.
"""

from .align import FAILING, compare
from .extract import extract
from .langs import SUPPORTED_LANGUAGES
from .lint import lint
from .model import Flag, Match, Mention
from .speak import spell_out, spell_symbols, verbalize
from .trace import trace

__all__ = [
    "FAILING",
    "SUPPORTED_LANGUAGES",
    "Flag",
    "Match",
    "Mention",
    "compare",
    "extract",
    "lint",
    "spell_out",
    "spell_symbols",
    "trace",
    "verbalize",
]
