"""Turning a normalised, synonym-expanded text into matching features.

Chinese has no spaces, and managers' questions are short, so words are a poor unit: character
bigrams are robust to word-boundary choices and to a single wrong character. English and numbers
become whole words, lightly stemmed ("permits" → "permit"), common function words dropped.
"""

from __future__ import annotations

import re

__all__ = ["CHINESE_FUNCTION_WORDS", "STOPWORDS", "features", "stem"]

_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9./-]*")
# "gb/t16297-1996" is also "gb", "16297" and "1996": askers quote standards with or without year.
_PARTS = re.compile(r"[a-z]+|[0-9]+(?:\.[0-9]+)?")
# Function words of questions.
_STOPWORD_TEXT = (
    "a an the of to in on at for by with and or is are was were be been do does did we our us "
    "i my me you your it its this that these those there what which who whom when where how "
    "can could should would will shall may might must have has had if any some about from as "
    "into than then so not no yes get got gets also just still need actually really only "
    "through ever even much more most other such own same both each very too let tell know "
    "want like please okay ok hi hello thanks one"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Chinese question and function words. Left in place they glue onto their neighbours and make
# rare, meaningless bigrams (37822是什么时候开始 → 候开, 始实) that outweigh the real terms. "When"
# questions keep one shared marker: when a rule took effect is a fact of its own.
_WHEN = ("什么时候", "啥时候", "什么时间", "啥时间", "哪一年", "哪年", "哪天", "何时", "几时")
_FUNCTION_WORDS = (
    "是什么", "是不是", "是否", "是哪", "要不要", "能不能", "可不可以", "需不需要", "有没有",
    "会不会", "算不算", "还是", "什么", "啥", "哪些", "哪个", "哪种", "哪几", "哪一", "哪",
    "怎么样", "怎么", "咋", "如何", "怎样", "这块", "这个", "那个", "的", "了", "吗",
)  # fmt: skip
CHINESE_FUNCTION_WORDS = frozenset((*_WHEN, *_FUNCTION_WORDS))
_FUNCTION = re.compile(
    "|".join(re.escape(w) for w in sorted((*_WHEN, *_FUNCTION_WORDS), key=len, reverse=True))
)


def _split_function_words(text: str) -> str:
    return _FUNCTION.sub(lambda m: " qwhen " if m.group(0) in _WHEN else " ", text)


def stem(word: str) -> str:
    """Strip plural and tense endings: "permits" → "permit", "stored" → "stor"."""
    # Plural and tense endings only: enough to meet "permits"/"permit", "stored"/"store".
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    # "store", "stored" and "storing" all end up as "stor".
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def features(text: str) -> set[str]:
    """The set of features of a normalised, expanded text.

    >>> sorted(features("危险废物贮存 storing 60"))
    ['60', 'stor', '危险', '废物', '物贮', '贮存', '险废']
    """
    found: set[str] = set()
    for match in _RUN.finditer(_split_function_words(text)):
        run = match.group(0)
        if run[0] >= "\u3400":
            if len(run) == 1:
                found.add(run)
            else:
                found.update(run[i : i + 2] for i in range(len(run) - 1))
        elif run == "when":
            found.add("qwhen")
        elif run not in STOPWORDS:
            found.add(stem(run))
            parts = _PARTS.findall(run)
            if len(parts) > 1:
                found.update(stem(p) for p in parts if len(p) > 1 and p not in STOPWORDS)
    return found
