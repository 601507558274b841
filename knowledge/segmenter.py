"""Word segmentation for BM25: jieba with a trimmed dictionary and the knowledge base's own terms.

jieba's full dictionary (349,000 words) costs one to two seconds to load, over the start-up
budget. Retrieval only needs the words that can occur in the knowledge base: a question word the
knowledge base never uses cannot match anything. So the segmenter keeps, from jieba's dictionary,
only the words found in the knowledge base's texts, and adds the knowledge base's own terms
(synonym-table terms, entry keywords, standard numbers) with a high frequency so that
排污许可证 and GB 18597 stay whole. The trimmed word table is small (a few thousand words) and is
pickled with the compiled index (``index_cache.py``); loading it is a dictionary copy.

jieba's HMM guesser for unknown words is off: with it, a run of characters the dictionary does
not know is glued into an invented word that matches nothing; without it, the run falls apart
into single characters, of which the known ones still match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

__all__ = ["STANDARD", "Segmenter", "full_dictionary", "standard_number"]

# Standard numbers as written after normalisation: "gb 18597-2023", "hj 944-2018", "gb/t 16297".
STANDARD = re.compile(
    r"(?<![a-z0-9])(?:gbz|gb|hj|cj|db)(?:/t)?\s?\d{3,5}(?:\.\d{1,2})?(?:-\d{4})?(?![0-9])"
)
_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9./-]*")
# Longest dictionary word worth keeping: longer ones are names of things the KB never mentions.
_LONGEST = 8
# Frequency given to the knowledge base's own terms: above any ordinary word (的 has 318,825).
_TERM_FREQ = 1_000_000


@cache
def full_dictionary() -> dict[str, int]:
    """jieba's bundled dictionary as word → frequency (read once per process, on index build)."""
    path = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, int] = {}
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            word, freq, *_ = line.split(" ")
            words[word] = int(freq)
    return words


def _substrings(texts: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        for run in re.findall(r"[\u3400-\u9fff]+", text):
            for i in range(len(run)):
                for j in range(i + 2, min(len(run), i + _LONGEST) + 1):
                    found.add(run[i:j])
    return found


def standard_number(match: re.Match[str]) -> str:
    """One token for a standard number: "gb/t 16297-1996" and "GB16297" both become "gbt16297"."""
    return re.sub(r"[-.]\d{4}$", "", re.sub(r"[\s/]", "", match.group(0)))


class Segmenter:
    """Cuts a normalised, synonym-expanded text into words.

    Args:
        terms: the knowledge base's own terms; each stays one word.
        corpus: the knowledge base's texts (normalised); jieba's words found in them are kept.
    """

    def __init__(self, terms: Iterable[str], corpus: Iterable[str]) -> None:
        full = full_dictionary()
        kept = {w: f for w in _substrings(corpus) if (f := full.get(w, 0)) > 0}
        chinese_terms = {t for t in terms if t and all("\u3400" <= c <= "\u9fff" for c in t)}
        kept.update(dict.fromkeys(chinese_terms, _TERM_FREQ))
        # jieba's prefix dictionary: every prefix of a word is present (frequency 0 unless a word).
        freq: dict[str, int] = {}
        for word, count in kept.items():
            freq[word] = count
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
        self.freq = freq
        self.total = sum(kept.values())
        self._tokenizer: jieba.Tokenizer | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"freq": self.freq, "total": self.total}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._tokenizer = None

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """A jieba tokenizer over the trimmed word table (no file read, no cache written)."""
        if self._tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ = self.freq
            tokenizer.total = self.total
            tokenizer.initialized = True  # the table is already built: skip the dictionary load
            self._tokenizer = tokenizer
        return self._tokenizer

    def cut(self, text: str) -> list[str]:
        """Words of a normalised text: Chinese words, whole standard numbers, English words.

        >>> segmenter = Segmenter(["排污许可证"], ["排污许可证"])
        >>> segmenter.cut("排污许可证 gb 18597-2023")
        ['排污许可证', 'gb18597']
        """
        text = STANDARD.sub(lambda m: f" {standard_number(m)} ", text)
        words: list[str] = []
        for run in _RUN.finditer(text):
            piece = run.group(0)
            if piece[0] >= "\u3400":
                words.extend(self.tokenizer.lcut(piece, HMM=False))
            else:
                words.append(piece)
        return words
