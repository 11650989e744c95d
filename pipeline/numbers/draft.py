"""The mutable working record of one mention while the extractor builds it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .canon import decimal_str
from .model import Mention
from .tokens import Token


@dataclass
class Draft:
    value: Decimal | str  # str only for dates
    kind: str
    first: int  # token indexes, inclusive
    last: int
    unit: str | None = None
    ordinal: bool = False
    decimal: bool = False
    mag: int | None = None  # magnitude word/abbreviation that scaled the value
    digits: str | None = None  # the digit group as written, if written with digits
    words: bool = False  # written in words
    single: str | None = None  # the single word ("un", "one", "premier")
    weak: bool = False  # "un"/"one"/"premier": maybe an article, kept only for compare
    carried: int | None = None  # magnitude carried back from the other end of a range
    carried_unit: bool = False  # unit carried back from the other end of a range
    scale: Decimal | None = None  # factor of a scaled unit ("‰" = 0.1 %), carried like the unit
    name: bool = False  # the number of a product name ("Windows 11"): a code
    decade: bool = False  # "the 1980s", "the eighties", fr "les années 80": a decade, not a count

    def span(self, tokens: list[Token]) -> tuple[int, int]:
        return tokens[self.first].start, tokens[self.last].end

    def mention(self, text: str, tokens: list[Token]) -> Mention:
        start, end = self.span(tokens)
        value = self.value if isinstance(self.value, str) else decimal_str(self.value)
        return Mention(value, self.kind, self.unit, text[start:end], start, end, self.decade)

    @property
    def amount(self) -> Decimal:
        """The value of a numeric draft (every kind but date and time, whose value is text)."""
        if isinstance(self.value, str):
            raise TypeError(f"a {self.kind} draft has no amount: {self.value!r}")
        return self.value

    @property
    def year_like(self) -> bool:
        """Written as four plain digits between 1900 and 2100."""
        return (self.digits is not None and len(self.digits) == 4 and self.digits.isdigit()
                and 1900 <= int(self.digits) <= 2100)
