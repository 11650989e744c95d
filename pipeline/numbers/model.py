"""The public records of the number engine: Mention, Match, Flag.

A Mention's value is canonical so that two spellings of the same quantity
compare equal as strings:
  * numbers, percents, currencies: an exact decimal, fully scaled, without
    exponent or trailing zeros ("49200000000", "76.4", "0.05");
  * dates: ISO 8601 with the parts that were said: "2025-08-18" (full),
    "--08-01" (day and month, no year), "2025-08" (month and year, no day);
  * times of day: "15:45" (24-hour; "03:45" when no am/pm was given);
  * fractions: lowest terms, "1/3", "3/4";
  * percentage points ("10pp", unit "pp") and multipliers ("2x", "twice",
    unit "x") are decimals like numbers.
A negative value keeps its sign ("-15"); a "+" changes nothing ("19").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contracts import LintFlag

KINDS = ("number", "percent", "currency", "points", "multiplier", "quantity", "fraction", "time", "date", "period",
         "name", "code")
# kinds whose value is not a decimal: each pairs only with its own kind
TEXT_KINDS = ("date", "time", "fraction", "period", "name")


@dataclass(frozen=True)
class Mention:
    value: str
    kind: str
    unit: str | None
    text: str
    start: int
    end: int
    decade: bool = False  # "the 1980s", "the eighties" (80: its century unsaid), fr "les années 80"

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "kind": self.kind,
            "unit": self.unit,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Match:
    script: Mention
    status: str
    heard: Mention | None
    note: str | None = None  # why a heard quantity is changed: "130 km/h heard in mph (≈ 80.78 mph)"

    def to_dict(self) -> dict:
        row = {
            "text": self.script.text,
            "value": self.script.value,
            "kind": self.script.kind,
            "unit": self.script.unit,
            "status": self.status,
            "heard": self.heard.text if self.heard else None,
        }
        if self.note:
            row["note"] = self.note
        return row


@dataclass(frozen=True)
class Flag:
    text: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> LintFlag:
        return {"text": self.text, "start": self.start, "end": self.end, "reason": self.reason}
