"""Text normalisation shared by the questions asked and the knowledge base's own phrasings.

Both sides go through the same steps, so whatever the normaliser does (even imperfectly) cannot
make a question miss its entry: traditional → simplified (OpenCC ``t2s``), full-width → half-width
and compatibility forms (NFKC), case folding, punctuation to spaces, filler words removed,
whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.language import to_simplified

__all__ = ["normalise"]

# Chat fillers that carry no meaning for matching. Multi-character Chinese fillers are removed
# wherever they occur; they never occur inside a domain term (so not 一般, as in 一般固废).
# Single characters (吗, 呢, 啊) only at the end of a clause, where they are sentence particles.
_CHINESE_FILLERS = (
    "请问一下", "请问", "麻烦问下", "麻烦问一下", "想问一下", "想问下", "问一下", "问下", "一下",
    "我们", "咱们", "我司", "你们", "您好", "你好", "老师", "谢谢", "的话", "到底", "具体",
)  # fmt: skip
_PARTICLES = "吗呢啊呀吧嘛哈啦哦"
_ENGLISH_FILLERS = ("please", "hi", "hello", "thanks", "thank you", "kindly")

_FILLER = re.compile(
    "|".join(sorted(map(re.escape, _CHINESE_FILLERS), key=len, reverse=True))
    + rf"|[{_PARTICLES}](?=\s|$)"
    + r"|\b(?:"
    + "|".join(_ENGLISH_FILLERS)
    + r")\b"
)
# Keep characters that can belong to a term: letters, digits, CJK, and the joiners in
# "GB/T 16297-1996" or "2.5" (between Latin letters or digits only); the rest separates words.
_PUNCTUATION = re.compile(r"[^\w./-]+|(?<![a-z0-9])[./-]|[./-](?![a-z0-9])|_")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold a text onto the canonical form used for matching.

    >>> normalise("請問：環評ＡＰＰＲＯＶＡＬ要多久呢？")
    '环评approval要多久'
    """
    text = unicodedata.normalize("NFKC", to_simplified(text)).casefold()
    text = _PUNCTUATION.sub(" ", text)
    text = _FILLER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
