"""The compiled search index: every phrasing as a feature set, with inverted lists.

Built once per knowledge base. Inverted lists (feature → phrasings, feature → entries) let a
question touch only the phrasings that share a feature with it, so the cost of a question grows
with the length of those lists, not with the size of the knowledge base; numpy does the
accumulation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from knowledge.base import KnowledgeBase
from knowledge.features import features
from knowledge.homophones import HomophoneFixer
from knowledge.normaliser import normalise
from knowledge.retrieval import Bm25, words
from knowledge.segmenter import Segmenter
from knowledge.synonyms import SynonymTable

__all__ = ["INDEX_ANSWERS", "PHRASING_REPEAT", "Index", "Phrasing"]

# What an entry's BM25 document holds: its phrasings (this many times: the way people ask weighs
# more than the answer's wording), keywords, and, with INDEX_ANSWERS, the answer texts and the
# titles of the laws cited. Measured by cross-validation (knowledge/README.md).
PHRASING_REPEAT = 1
INDEX_ANSWERS = True


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One way of asking for an entry, normalised and expanded."""

    entry: int
    lang: str
    text: str
    features: frozenset[str]


@dataclass
class Index:
    """Inverted lists over phrasings and entries, with entry-level IDF weights."""

    synonyms: SynonymTable
    entry_ids: list[str]
    phrasings: list[Phrasing] = field(default_factory=list)
    keywords: list[frozenset[str]] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    unknown_idf: float = 0.0
    phrasing_postings: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    entry_postings: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    phrasing_weight: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    phrasing_entry: npt.NDArray[np.int32] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int32)
    )
    vocabulary: frozenset[str] = frozenset()
    homophones: HomophoneFixer | None = None
    segmenter: Segmenter | None = None
    bm25: Bm25 | None = None
    # Everything an entry says (phrasings, keywords, answers, cited titles), prepared like a
    # question: whether an entry speaks of a term at all (see Matcher.foreign_df).
    entry_texts: list[str] = field(default_factory=list)
    _pending: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, kb: KnowledgeBase, synonyms: SynonymTable) -> Index:
        """Index every phrasing (Chinese and English, curated and asked) and entry keywords."""
        index = cls(synonyms=synonyms, entry_ids=[e.id for e in kb.entries])
        index.homophones = HomophoneFixer(_correctable_terms(kb, synonyms))
        entry_features: list[set[str]] = []
        for number, entry in enumerate(kb.entries):
            own: set[str] = set()
            for lang, text in entry.ways_of_asking():
                own |= index._add(number, lang, text)
            kw = frozenset(synonyms.expand(normalise(k)) for k in entry.keywords)
            index.keywords.append(kw - {""})
            for keyword in kw:
                own |= features(keyword)
            entry_features.append(own)
        index._finish(entry_features)
        index._build_bm25(kb)
        return index

    def _build_bm25(self, kb: KnowledgeBase) -> None:
        """The BM25 side: a segmenter knowing the KB's terms, one document per entry."""
        texts: list[list[str]] = [[] for _ in kb.entries]
        for p in self.phrasings:
            texts[p.entry].extend([p.text] * PHRASING_REPEAT)
        for number, entry in enumerate(kb.entries):
            texts[number].extend(self.keywords[number])
            if INDEX_ANSWERS:
                texts[number].extend(self.prepare(answer) for answer in entry.answer.values())
                texts[number].extend(self.prepare(c.title) for c in entry.basis)
        self.entry_texts = ["\n".join(t) for t in texts]
        terms = set(self.synonyms.terms) | {k for kw in self.keywords for k in kw}
        self.segmenter = Segmenter(terms, (t for ts in texts for t in ts))
        self.bm25 = Bm25([[w for t in ts for w in self.words(t)] for ts in texts])

    def words(self, prepared: str) -> list[str]:
        """BM25 words of a prepared text (see ``retrieval.words``)."""
        assert self.segmenter is not None
        return words(self.segmenter, prepared)

    def prepare(self, text: str) -> str:
        """Normalise, correct homophone typos and expand a text the way the index was built."""
        text = normalise(text)
        if self.homophones is not None:
            text = self.homophones.fix(text)
        return self.synonyms.expand(text)

    def _add(self, entry: int, lang: str, text: str) -> set[str]:
        prepared = self.prepare(text)
        found = features(prepared)
        self.phrasings.append(Phrasing(entry, lang, prepared, frozenset(found)))
        for feature in found:
            self._pending[feature].append(len(self.phrasings) - 1)
        return found

    def _finish(self, entry_features: list[set[str]]) -> None:
        by_entry: defaultdict[str, list[int]] = defaultdict(list)
        for number, found in enumerate(entry_features):
            for feature in found:
                by_entry[feature].append(number)
        self.idf = {f: self._idf(len(ids)) for f, ids in by_entry.items()}
        self.unknown_idf = self._idf(1)
        self.entry_postings = {f: np.array(ids, dtype=np.int32) for f, ids in by_entry.items()}
        self._refresh_phrasings()
        self.vocabulary = frozenset(self.idf)

    def _refresh_phrasings(self) -> None:
        self.phrasing_postings = {
            f: np.array(ids, dtype=np.int32) for f, ids in self._pending.items()
        }
        self.phrasing_weight = np.array(
            [sum(self.weight(f) for f in p.features) or 1.0 for p in self.phrasings]
        )
        self.phrasing_entry = np.array([p.entry for p in self.phrasings], dtype=np.int32)

    def _idf(self, entries_with_feature: int) -> float:
        # BM25's IDF over entries: a feature shared by every phrasing of one entry is still rare.
        total = max(len(self.entry_ids), 1)
        return math.log(1 + (total - entries_with_feature + 0.5) / (entries_with_feature + 0.5))

    def weight(self, feature: str) -> float:
        """IDF of a feature; features the knowledge base never uses get the rarest weight."""
        return self.idf.get(feature, self.unknown_idf)

    def add_phrasing(self, entry: int, lang: str, text: str) -> None:
        """Add a curated phrasing; it is searchable as soon as this returns."""
        if self.bm25 is not None:
            self.bm25.add(entry, self.words(self.prepare(text)))
        if self.entry_texts:
            self.entry_texts[entry] += "\n" + self.prepare(text)
        for feature in self._add(entry, lang, text):
            entries = self.entry_postings.get(feature, np.zeros(0, dtype=np.int32))
            if entry not in entries:
                entries = np.append(entries, np.int32(entry))
                self.entry_postings[feature] = entries
                self.idf[feature] = self._idf(len(entries))
        self._refresh_phrasings()


def _correctable_terms(kb: KnowledgeBase, synonyms: SynonymTable) -> set[str]:
    """Chinese domain terms and entry keywords: the words a homophone typo is corrected to."""
    terms = {v for v, term in synonyms.canonical.items() if term in synonyms.domain}
    terms |= {normalise(k) for entry in kb.entries for k in entry.keywords}
    return {t for t in terms if t and all("\u3400" <= ch <= "\u9fff" for ch in t)}
