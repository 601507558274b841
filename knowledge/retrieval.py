"""BM25 over jieba words (``bm25s``): one document per entry.

An entry's document holds its phrasings, keywords, answer (both languages) and the titles of the
laws it cites, all normalised and synonym-expanded like the question, then cut into words by
:class:`~knowledge.segmenter.Segmenter`. Question and function words (什么, 怎么, the, how) are
dropped; English words are stemmed like the character features.

Scores are made comparable across questions by dividing by the best a question could score: the
sum, over its words, of the largest contribution that word makes to any entry (a word the
knowledge base never uses counts as the rarest word). So 1.0 means "every word of the question is
in one entry, as strongly as anywhere", and a question about something the knowledge base never
mentions scores low even when one common word matches.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge.features import CHINESE_FUNCTION_WORDS, STOPWORDS, stem
from knowledge.segmenter import Segmenter

__all__ = ["K1", "B", "Bm25", "words"]

# Lucene's defaults; measured (k1 1.2–2.0, b 0.5–0.9) without a gain worth a departure.
K1 = 1.5
B = 0.75
# Single characters that carry no topic: particles, pronouns, glue.
_GLUE = frozenset("的了吗呢啊吧么是在有和与及或就都也要会能可把被对给让从向为个这那些我你他它们咱")


def words(segmenter: Segmenter, prepared: str) -> list[str]:
    """The BM25 terms of a normalised, expanded text."""
    found = []
    for word in segmenter.cut(prepared):
        if word in CHINESE_FUNCTION_WORDS or word in _GLUE:
            continue
        if word.isascii():
            if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
                continue
            word = stem(word)
        found.append(word)
    return found


class Bm25:
    """A bm25s index over entry documents, with normalised scores."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.documents = [list(d) for d in documents]
        self._build()

    def _build(self) -> None:
        self._stale = False
        # bm25s wants at least one token per document; an empty entry gets a token nobody asks.
        corpus = [d or ["\x00"] for d in self.documents]
        self.engine = bm25s.BM25(k1=K1, b=B, method="lucene")
        self.engine.index(corpus, show_progress=False)
        scores = self.engine.scores
        data, indptr = scores["data"], scores["indptr"]
        # The largest contribution of each word to any one document.
        self.best = np.array(
            [
                float(data[indptr[i] : indptr[i + 1]].max()) if indptr[i + 1] > indptr[i] else 0.0
                for i in range(len(indptr) - 1)
            ]
        )
        self.rarest = float(self.best.max()) if len(self.best) else 1.0
        # In how many entries each word occurs: the guard's notion of a specific word.
        self._df: dict[str, int] = {}
        for document in self.documents:
            for word in set(document):
                self._df[word] = self._df.get(word, 0) + 1

    @property
    def df(self) -> dict[str, int]:
        """In how many entry documents each word occurs."""
        if self._stale:
            self._build()
        return self._df

    def add(self, document: int, extra: Sequence[str]) -> None:
        """Append words to one entry's document (a curated phrasing); used from the next query.

        The index is rebuilt lazily, once for any number of additions (start-up loads every
        curated phrasing in a row).
        """
        self.documents[document].extend(extra)
        self._stale = True

    def scores(self, query: Sequence[str]) -> npt.NDArray[np.float64]:
        """Normalised BM25 score (0–1) of every document for the query's words."""
        if self._stale:
            self._build()
        vocabulary: dict[str, int] = self.engine.vocab_dict
        unique = list(dict.fromkeys(query))
        known = [vocabulary[w] for w in unique if w in vocabulary]
        ceiling = sum(float(self.best[i]) for i in known) + self.rarest * (len(unique) - len(known))
        if not known or ceiling <= 0:
            return np.zeros(len(self.documents))
        raw = self.engine.get_scores_from_ids(known)
        return np.asarray(raw, dtype=np.float64) / ceiling
