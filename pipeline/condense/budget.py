"""The limits every condenser keeps: how many key points, and how many words fit the
listening time. The extractive condenser (pipeline.condense) and the llm one
(pipeline.condense.llm) both read them here, so neither imports the other for them."""

MIN_POINTS, MAX_POINTS = 4, 8
TARGET_SECONDS = 150
# Speaking rates measured on the offline voices (words per minute).
WORDS_PER_MINUTE = {"en": 165, "fr": 160}
INTRO_OUTRO_WORDS = 45
LENGTH_TOLERANCE = 0.07      # an episode within ±7 % of the length asked for is on target
MIN_WORDS = 20     # one sentence, however short the length asked for


def word_budget(lang: str, target_seconds: float) -> int:
    return max(MIN_WORDS, int(target_seconds * WORDS_PER_MINUTE[lang] / 60) - INTRO_OUTRO_WORDS)


def seconds_for_words(lang: str, words: int) -> float:
    """The length whose word_budget is `words` (word_budget's inverse, for a budget counted elsewhere)."""
    return (words + INTRO_OUTRO_WORDS + 0.5) * 60 / WORDS_PER_MINUTE[lang]
