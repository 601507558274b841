"""Whether a help request is urgent, from the word list in ``locales/urgent_words.yaml``."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

__all__ = ["is_urgent", "urgent_words"]


@cache
def urgent_words() -> tuple[str, ...]:
    """Every urgent word, all languages together, lower-cased."""
    source = resources.files("catalog").joinpath("locales", "urgent_words.yaml").read_text("utf-8")
    data = yaml.safe_load(source) or {}
    return tuple(str(word).lower() for words in data.values() for word in words)


@cache
def _english_word(word: str) -> re.Pattern[str]:
    # English words match at a word start, so "fire" also catches "fires"; the odd false alarm
    # ("firewall") costs less than a missed emergency.
    return re.compile(r"\b" + re.escape(word))


def is_urgent(text: str) -> bool:
    """Whether the text mentions an emergency (leak, spill, fire, exceedance, …)."""
    lowered = text.lower()
    for word in urgent_words():
        if word.isascii():
            if _english_word(word).search(lowered):
                return True
        elif word in lowered:
            return True
    return False
