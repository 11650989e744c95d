"""The post's date as a host says it in the intro (narration and conversation alike)."""

import re

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


def spoken_date(raw: str | None, lang: str) -> str | None:
    """'2025-09-12' -> 'September 12, 2025' / '12 septembre 2025'; None if not a date."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", str(raw or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    year, month, day = int(m.group(1)), MONTHS[lang].split()[int(m.group(2)) - 1], int(m.group(3))
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month} {year}"
    return f"{month} {day}, {year}"
