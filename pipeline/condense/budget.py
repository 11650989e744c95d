"""The limits every condenser keeps: how many key points, and how many words fit the
listening time. The extractive condenser (pipeline.condense) and the llm one
(pipeline.condense.llm) both read them here, so neither imports the other for them."""

MIN_POINTS, MAX_POINTS = 4, 8
TARGET_SECONDS = 150
# Speaking rates measured on the offline voices (words per minute).
WORDS_PER_MINUTE = {"en": 165, "fr": 160}
INTRO_OUTRO_WORDS = 45


def word_budget(lang: str, target_seconds: float) -> int:
    return max(60, int(target_seconds * WORDS_PER_MINUTE[lang] / 60) - INTRO_OUTRO_WORDS)
