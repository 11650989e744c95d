"""Language registry: one module per language, looked up by ISO code."""

from __future__ import annotations

from types import ModuleType

from ..errors import UnsupportedLanguage
from . import lang_en, lang_fr

SUPPORTED_LANGUAGES = ("en", "fr")
_MODULES = {"en": lang_en, "fr": lang_fr}


def get(lang: str) -> ModuleType:
    try:
        return _MODULES[lang]
    except (KeyError, TypeError):
        names = ", ".join(SUPPORTED_LANGUAGES)
        raise UnsupportedLanguage(
            f"numbers: language {lang!r} is not supported (supported languages: {names})",
            f"use one of: {names}",
        ) from None
