"""Which script or language a text is written in, and conversion between Chinese scripts.

OpenCC does the conversion: ``t2s`` to fold traditional input onto the simplified knowledge base,
``s2t`` to answer a traditional-character question in traditional characters. ``s2t`` (not
``s2tw``) because askers write the common traditional forms (內, 裏, 為) rather than Taiwan
phrasing, and answers must keep legal terms recognisable.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

import opencc

__all__ = ["LANGS", "Lang", "detect_language", "to_simplified", "to_traditional"]

Lang = Literal["zh", "zh-hant", "en"]
LANGS: tuple[Lang, ...] = ("zh", "zh-hant", "en")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# A sentence that starts the English way is English even when its Chinese term is long
# ("what is 危险废物识别标志": 6 letters, 8 characters).
_ENGLISH_START = re.compile(
    r"^\W*(?:what|how|when|where|who|which|why|is|are|do|does|did|can|could|should|must|need"
    r"|will|would|our|we|if|any)\b",
    re.IGNORECASE,
)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones; other text passes through."""
    return str(_converter("t2s").convert(text))


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Convert simplified Chinese to traditional characters (cached: answers repeat)."""
    return str(_converter("s2t").convert(text))


def detect_language(text: str) -> Lang:
    """Guess the language of a question.

    English wins when Latin letters clearly outnumber Chinese characters, so an English question
    quoting a Chinese term ("the 分类管理名录 catalogue") is still answered in English, and in a
    sentence that starts the English way when they are at least half as many ("what is
    危险废物识别标志"). Chinese text
    is traditional when it holds more characters that only exist in traditional script than ones
    that only exist in simplified script. Text with neither (digits, punctuation) counts as ``zh``,
    the programme's working language.
    """
    cjk = _CJK.findall(text)
    latin = len(_LATIN.findall(text))
    if latin and (latin > 2 * len(cjk) or (2 * latin >= len(cjk) and _ENGLISH_START.match(text))):
        return "en"
    if not cjk:
        return "zh"
    chinese = "".join(cjk)
    simplified = to_simplified(chinese)
    traditional_only = sum(a != b for a, b in zip(chinese, simplified, strict=False))
    if not traditional_only:
        return "zh"
    traditional = str(_converter("s2t").convert(chinese))
    simplified_only = sum(a != b for a, b in zip(chinese, traditional, strict=False))
    return "zh-hant" if traditional_only > simplified_only else "zh"
