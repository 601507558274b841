"""Matching a manager's question to a knowledge-base entry.

Pipeline: small talk? (``smalltalk.py``) → normalise (OpenCC t2s, NFKC, case, punctuation,
fillers) → correct homophone typos of domain terms (``homophones.py``: 排污正 → 排污证) → expand
synonyms → refuse injection, evasion, other subjects and price questions (``scope.py``) → score
candidates with two rankers → decide → for a question reporting trouble, attach the first steps
(``trouble.py``).

Score (0–100) of an entry: ``100 × Σ weight × part`` (``Tuning``), the parts being
  * phrasing: IDF-weighted character-bigram overlap with the entry's best phrasing, as an
    F-measure (β² = 0.5);
  * coverage: the share of the question's bigram weight the entry as a whole explains;
  * fuzz: rapidfuzz ``ratio`` of the question and the best phrasing;
  * bm25: BM25 (``bm25s``) over jieba words with the knowledge base's own user dictionary, one
    document per entry (phrasings, keywords, answers, cited titles), normalised by the best the
    question could score (``retrieval.py``).
Candidates: the entries of the 40 best phrasings plus the 10 best BM25 entries.

Decision (thresholds in ``Tuning``):
  * refused requests are ``unanswered``; small talk is ``smalltalk``;
  * ``answered`` needs domain evidence (a domain term, a specific entry keyword, a standard
    number the KB cites, or a near-verbatim phrasing; a word that at most three entries use counts
    from ``weak_answer_at``), a score of ``answer_at``, a lead over the runner-up of ``margin``
    when BM25 alone and the character scores alone pick the same entry and ``split_margin`` when
    they disagree, a question that says more than a bare topic, an answer that states the kind
    of fact asked (``answer_type.py``), and no domain term in the question that the entry never
    mentions and at most ``foreign_df`` entries do (a near miss: 排水许可证 is not 排污许可证);
  * otherwise ``suggest`` (up to three entries at ``suggest_at`` or more; without evidence only
    at answer strength), else ``unanswered``.

Weights and thresholds are chosen by ``python -m knowledge.tuning`` (5-fold cross-validation on
``knowledge/eval/pool/train.yaml`` + ``shared/eval/dev.yaml``; never on the held-out half);
cross-validated figures, and why BM25 joins rather than replaces the character scores, are in
``knowledge/README.md``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from knowledge.answer_type import missing_answer_type
from knowledge.base import KnowledgeBase
from knowledge.entry import Entry
from knowledge.features import features
from knowledge.index import Index
from knowledge.index_cache import cached_index
from knowledge.language import Lang, detect_language
from knowledge.normaliser import normalise
from knowledge.outcome import Outcome, Suggestion
from knowledge.scope import is_off_topic, is_refused
from knowledge.smalltalk import is_chit_chat, is_smalltalk
from knowledge.synonyms import SynonymTable, load_synonyms
from knowledge.trouble import penalty_last, reports_trouble

__all__ = ["DEFAULT_TUNING", "Candidate", "Judged", "Matcher", "Tuning"]

MAX_SUGGESTIONS = 3
# Near-verbatim match of a phrasing: evidence enough even without a listed domain term (curated
# phrasings added from real traffic use the askers' own words).
STRONG_OVERLAP = 0.8

_BETA2 = 0.5
_TOP_PHRASINGS = 40
_TOP_BM25 = 10
# A word used by at most this many entries is specific (weak evidence; see Tuning).
_SPECIFIC_DF = 3
STANDARD_WORD = re.compile(r"^(?:gbz|gb|hj|cj|db)t?\d{3,5}")
# Places name where a rule applies, not what it is about: no evidence of a compliance question.
_PLACES = frozenset({"无锡", "江苏", "wuxi", "jiangsu", "苏州", "常州"})
# Emergency first-steps entries shown before the answer to a question reporting trouble.
_FIRST_STEPS = 2
_SECOND_STEPS = 0.8


@dataclass(frozen=True, slots=True)
class Tuning:
    """The weights of the score and the decision thresholds (chosen by cross-validation).

    The score (0–100) is ``100 × Σ weight × part``; the weights need not sum to one.
    """

    phrasing: float
    coverage: float
    fuzz: float
    bm25: float
    answer_at: float
    suggest_at: float
    margin: float
    # A question whose only sign of being about compliance is a word few entries use (喷漆房,
    # stack) is answered only from this score up (above 100: never).
    weak_answer_at: float = 101.0
    # Margin over the runner-up when BM25 alone and the character scores alone would pick
    # different entries: the two rankers disagree, so the question is likely to be ambiguous.
    split_margin: float = 0.0
    # A question naming a domain term that the best entry never mentions, and that at most this
    # many entries mention, asks about something else (the transfer manifest, not the ledger; a
    # drainage licence, not the discharge permit): offered as a choice, not answered. 0: off.
    foreign_df: float = 0.0


# Chosen by ``python -m knowledge.tuning`` (5-fold cross-validation on 2,091 training questions:
# the pool's train.yaml and shared/eval/dev.yaml, each fold matched with the other folds learned
# as asked questions, at most 8 per entry and language; sixth round, 2026-12-01;
# knowledge/README.md), for the utility of ``knowledge.tuning`` on the traffic mix of TOPICS.md.
# The weights are the fifth round's; with the asked questions a split between the rankers needs a
# wider margin (12) and a "did you mean" a higher floor (15). Cross-validated: 1,162 correct of
# 1,476, 14 wrong, 48 of 507 unanswerable answered (curated phrasings alone: 1,031, 11, 35).
DEFAULT_TUNING = Tuning(
    phrasing=0.5,
    coverage=0.25,
    fuzz=0.0,
    bm25=0.25,
    answer_at=35.0,
    suggest_at=15.0,
    margin=8.0,
    weak_answer_at=40.0,
    split_margin=12.0,
    foreign_df=40.0,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One scored entry, with the parts of its score (kept for evaluation and tuning)."""

    entry: int
    score: float
    phrasing: float
    coverage: float
    fuzz: float
    bm25: float = 0.0

    def rescored(self, tuning: Tuning) -> Candidate:
        """The same candidate scored with other weights (for tuning without re-matching)."""
        score = 100 * (
            tuning.phrasing * self.phrasing
            + tuning.coverage * self.coverage
            + tuning.fuzz * self.fuzz
            + tuning.bm25 * self.bm25
        )
        return Candidate(self.entry, score, self.phrasing, self.coverage, self.fuzz, self.bm25)


@dataclass(frozen=True, slots=True)
class Judged:
    """A prepared question with its scored candidates and the tuning-independent guards."""

    prepared: str
    found: tuple[Candidate, ...]
    evidence: bool
    asks_something: bool
    weak_evidence: bool = False


def _rankers_agree(found: list[Candidate], tuning: Tuning) -> bool:
    """Whether BM25 alone and the character scores alone would both pick the fused choice."""
    first = found[0].entry
    by_bm25 = max(found, key=lambda c: c.bm25).entry
    chars = max(
        found,
        key=lambda c: (
            tuning.phrasing * c.phrasing + tuning.coverage * c.coverage + tuning.fuzz * c.fuzz
        ),
    ).entry
    return by_bm25 == first == chars


def _is_evidence(keyword: str, index: Index) -> bool:
    """Whether a keyword, found in a question, shows the question is about compliance.

    Everyday words (罚款, 企业) and short numbers (1, 20) say nothing about the topic; standard
    numbers (37822) and domain terms do.
    """
    if keyword in index.synonyms.terms and keyword not in index.synonyms.domain:
        return False
    if keyword in _PLACES:  # 明天无锡天气怎么样 is not a compliance question
        return False
    if keyword.replace(".", "").replace("-", "").isdigit():
        return len(keyword) >= 4 and keyword.isdigit()
    return len(keyword) >= 2


def _accumulate(
    postings: list[npt.NDArray[np.int32]], weights: list[float], size: int
) -> npt.NDArray[np.float64]:
    """Per position, the sum of the weights of the lists that hold it (lists hold no repeats)."""
    if not postings:
        return np.zeros(size)
    lengths = [len(p) for p in postings]
    return np.bincount(
        np.concatenate(postings), weights=np.repeat(weights, lengths), minlength=size
    ).astype(np.float64, copy=False)


class Matcher:
    """Answers questions from one knowledge base.

    Args:
        kb: the loaded knowledge base.
        synonyms: the synonym table; default: ``knowledge/synonyms.yaml``.
        cache_dir: where to keep the compiled index between runs (start-up drops from about
            250 ms to about 100 ms); ``None`` builds it in memory every time.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        synonyms: SynonymTable | None = None,
        *,
        cache_dir: Path | None = None,
        tuning: Tuning = DEFAULT_TUNING,
    ) -> None:
        self.kb = kb
        self.tuning = tuning
        table = synonyms or load_synonyms()
        self.index = (
            cached_index(kb, table, cache_dir) if cache_dir is not None else Index.build(kb, table)
        )
        self._entry_number = {entry_id: n for n, entry_id in enumerate(self.index.entry_ids)}
        self._entry_phrasings: list[list[int]] = [[] for _ in self.index.entry_ids]
        for number, phrasing in enumerate(self.index.phrasings):
            self._entry_phrasings[phrasing.entry].append(number)
        evidence = self.index.synonyms.domain | frozenset(
            k for keywords in self.index.keywords for k in keywords if _is_evidence(k, self.index)
        )
        # The same left-to-right scanner as the synonyms, over the (expanded) evidence terms.
        self._evidence = SynonymTable({term: term for term in evidence})
        # What each entry's answer states, in both languages, for the answer-type check.
        self._answers = [f"{e.answer['zh']}\n{e.answer['en'].casefold()}" for e in kb.entries]
        self._mentions: dict[str, int] = {}  # domain term -> number of entries mentioning it
        # Synonym terms of everyday speech (not domain terms): no sign of a compliance question.
        self._everyday = self.index.synonyms.terms - self.index.synonyms.domain

    def add_phrasing(self, entry_id: str, text: str, lang: Lang) -> None:
        """Teach the matcher another way of asking for an entry; used from the next question on.

        Raises:
            KeyError: if no entry has that id.
        """
        entry = self._entry_number[entry_id]
        self.index.add_phrasing(entry, "en" if lang == "en" else "zh", text)
        self._mentions.clear()
        self._entry_phrasings[entry].append(len(self.index.phrasings) - 1)

    def candidates(self, text: str) -> list[Candidate]:
        """Score the entries that share anything with the question, best first."""
        return self._candidates(self.index.prepare(text))

    def _candidates(self, prepared: str, words: list[str] | None = None) -> list[Candidate]:
        """Scored candidates; ``words``: the question's BM25 words when already cut."""
        index = self.index
        query = features(prepared)
        if not query or not index.phrasings:
            return []
        weights = {f: index.weight(f) for f in query}
        total = sum(weights.values())
        # Each known feature's weight added to the phrasings and entries that have it: one
        # bincount over the concatenated inverted lists instead of a numpy call per feature.
        known = [f for f in weights if f in index.phrasing_postings]
        known_weights = [weights[f] for f in known]
        overlap = _accumulate(
            [index.phrasing_postings[f] for f in known], known_weights, len(index.phrasings)
        )
        coverage = _accumulate(
            [index.entry_postings[f] for f in known], known_weights, len(index.entry_ids)
        )
        recall = overlap / total
        precision = overlap / index.phrasing_weight
        denominator = _BETA2 * precision + recall
        f_measure = np.divide(
            (1 + _BETA2) * precision * recall,
            denominator,
            out=np.zeros_like(denominator),
            where=denominator > 0,
        )
        top = min(_TOP_PHRASINGS, len(f_measure))
        best_phrasings = np.argpartition(-f_measure, top - 1)[:top]
        best: dict[int, tuple[float, int]] = {}
        for p in best_phrasings:
            value = float(f_measure[p])
            if value <= 0:
                continue
            entry = int(index.phrasing_entry[p])
            if entry not in best or value > best[entry][0]:
                best[entry] = (value, int(p))
        bm25 = np.zeros(len(index.entry_ids))
        if index.bm25 is not None:
            bm25 = index.bm25.scores(index.words(prepared) if words is None else words)
            top = min(_TOP_BM25, len(bm25))
            for entry in np.argpartition(-bm25, top - 1)[:top]:
                entry = int(entry)
                if bm25[entry] > 0 and entry not in best:
                    phrasings = self._entry_phrasings[entry]
                    p = phrasings[int(np.argmax(f_measure[phrasings]))]
                    best[entry] = (float(f_measure[p]), p)
        tuning = self.tuning
        found = []
        for entry, (phrasing, p) in best.items():
            similarity = fuzz.ratio(prepared, index.phrasings[p].text) / 100
            cover = min(float(coverage[entry]) / total, 1.0)
            retrieved = float(bm25[entry])
            score = 100 * (
                tuning.phrasing * phrasing
                + tuning.coverage * cover
                + tuning.fuzz * similarity
                + tuning.bm25 * retrieved
            )
            found.append(Candidate(entry, score, phrasing, cover, similarity, retrieved))
        found.sort(key=lambda c: c.score, reverse=True)
        return found

    def has_domain_evidence(self, text: str) -> bool:
        """Whether the question mentions at least one domain term or keyword."""
        return self._has_evidence(self.index.prepare(text))

    def _has_evidence(self, prepared: str) -> bool:
        return bool(self._evidence.found(prepared))

    def _asks_something(self, prepared: str) -> bool:
        """Whether the question says more than a bare topic ("危废", "hazardous waste").

        A bare topic matches a dozen entries almost equally; choosing one would be a guess, so
        such questions get suggestions instead of an answer.
        """
        terms = set(self.index.synonyms.found(prepared))
        if len(terms) > 1:  # 厂界 + 噪声 + 夜间 is a question, not a topic
            return True
        rest = prepared
        for term in terms:
            rest = rest.replace(term, " ")
        return bool(features(rest))

    def ask(self, text: str) -> Outcome:
        """Answer a question, suggest close entries, reply to small talk, or admit not knowing."""
        lang = detect_language(text)
        if is_smalltalk(text):
            return Outcome("smalltalk", lang)
        prepared = self.index.prepare(text)
        if self.refuses(text, prepared):
            return Outcome("unanswered", lang)
        judged = self.judge(prepared)
        if self.chats(text, judged):
            return Outcome("smalltalk", lang)
        outcome = self.decide(judged, lang)
        if not reports_trouble(normalise(text)):
            return outcome
        ranked = self._ranked_first_steps(text)
        best = ranked[0][1] if ranked else 0.0
        # The most relevant steps, and a second set only when it is nearly as relevant (a fire
        # with a chemical spill); the answer itself when it is a first-steps entry.
        steps = tuple(
            entry
            for n, (entry, score) in enumerate(ranked)
            if n == 0 or (n < _FIRST_STEPS and score >= _SECOND_STEPS * best > 0)
        )
        if outcome.status == "answered":
            steps = tuple(e for e in steps if e != outcome.entry)
        answer = outcome.answer
        if outcome.entry is not None and answer is not None:
            # The entry's own text is reordered; the Code note stays whole, after it.
            answer = penalty_last(outcome.entry.answer_for(lang, with_notes=False))
            if note := outcome.entry.note_for(lang):
                answer = f"{answer}\n{note}"
        return replace(outcome, answer=answer, first_steps=steps, trouble=True)

    def chats(self, text: str, judged: Judged) -> bool:
        """Whether a message no small-talk phrase covers is still chat: short, naming nothing of
        the knowledge base (no domain term, no specific word, no match as strong as an answer
        needs), and asking nothing or asking about the bot ("今天好热啊", "这个号是谁在管")."""
        best = judged.found[0].score if judged.found else 0.0
        return (
            not judged.evidence
            and not judged.weak_evidence
            and best < self.tuning.answer_at
            and is_chit_chat(text)
        )

    def refuses(self, text: str, prepared: str) -> bool:
        """Whether a question is never answered: injection, evasion, another subject, prices.

        Args:
            text: the question as asked.
            prepared: the same after :meth:`Index.prepare`.
        """
        if is_refused(prepared):
            return True
        return is_off_topic(normalise(text), domain=self._has_evidence(prepared))

    def judge(self, prepared: str, tuning: Tuning | None = None) -> Judged:
        """Everything the decision needs about one prepared question (see :meth:`decide`)."""
        words = self.index.words(prepared)
        found = self._candidates(prepared, words)
        if tuning is not None:
            found = sorted((c.rescored(tuning) for c in found), key=lambda c: -c.score)
        return Judged(
            prepared=prepared,
            found=tuple(found),
            evidence=self._has_evidence(prepared) or self._cites_standard(words),
            asks_something=self._asks_something(prepared) if found else False,
            weak_evidence=self._has_specific_word(words),
        )

    def _cites_standard(self, words: list[str]) -> bool:
        """A standard number the knowledge base cites (gb16297) shows a compliance question."""
        bm25 = self.index.bm25
        return bm25 is not None and any(
            STANDARD_WORD.match(w) is not None and w in bm25.df for w in words
        )

    def _has_specific_word(self, words: list[str]) -> bool:
        """A word of the knowledge base that few entries use: a weaker sign of a KB question."""
        bm25 = self.index.bm25
        if bm25 is None:
            return False
        everyday = self._everyday
        return any(
            0 < bm25.df.get(w, 0) <= _SPECIFIC_DF
            and w not in everyday
            and (len(w) >= 2 if not w.isascii() else len(w) >= 4 and w.isalpha())
            for w in words
        )

    def decide(self, judged: Judged, lang: Lang, tuning: Tuning | None = None) -> Outcome:
        """Answer, suggest or give up, from the scored candidates and the guards.

        ``tuning`` re-scores the candidates with other weights and thresholds (cross-validation);
        by default the matcher's own.
        """
        tuning = tuning or self.tuning
        found = list(judged.found)
        if tuning != self.tuning:
            found = sorted((c.rescored(tuning) for c in found), key=lambda c: -c.score)
        if not found:
            return Outcome("unanswered", lang)
        first = found[0]
        strong = first.phrasing >= STRONG_OVERLAP or judged.evidence
        evidence = strong or (judged.weak_evidence and first.score >= tuning.weak_answer_at)
        entry = self.kb.entries[first.entry]
        runner_up = found[1].score if len(found) > 1 else 0.0
        margin = tuning.margin if _rankers_agree(found, tuning) else tuning.split_margin
        if (
            evidence
            and first.score >= tuning.answer_at
            and first.score - runner_up >= margin
            and judged.asks_something
            and missing_answer_type(judged.prepared, self._answers[first.entry]) is None
            # Last: it scans the entry's whole text, needed only for a would-be answer.
            and self.foreign_df(judged.prepared, first.entry) > tuning.foreign_df
        ):
            return Outcome(
                "answered",
                lang,
                entry=entry,
                score=round(first.score, 1),
                answer=entry.answer_for(lang),
                citation=entry.citation_for(lang),
            )
        # Without domain evidence (a typo in the only domain word: 应急预按) offer choices only for
        # a match as strong as an answer would need; with none at all, as strong as an answer on
        # weak evidence would need ("tell me a joke" gets no compliance suggestions).
        if evidence:
            floor = tuning.suggest_at
        elif judged.weak_evidence:
            floor = tuning.answer_at
        else:
            floor = max(tuning.answer_at, tuning.weak_answer_at)
        if first.score >= floor:
            suggestions = tuple(
                Suggestion(
                    self.kb.entries[c.entry].id,
                    self.kb.entries[c.entry].title_for(lang),
                    round(c.score, 1),
                )
                for c in found[:MAX_SUGGESTIONS]
                if c.score >= floor
            )
            return Outcome(
                "suggest", lang, entry=entry, score=round(first.score, 1), suggestions=suggestions
            )
        return Outcome("unanswered", lang, score=round(first.score, 1))

    def foreign_df(self, prepared: str, entry: int) -> float:
        """How specific the most specific domain term is that the question names and the entry
        never mentions: the number of entries that do mention it (infinite when there is none).

        Args:
            prepared: the question after :meth:`Index.prepare`.
            entry: the entry's number in the index.
        """
        texts = self.index.entry_texts
        if not texts:
            return math.inf
        missing = [t for t in self._evidence.found(prepared) if t not in texts[entry]]
        return float(min((self._term_entries(t) for t in missing), default=math.inf))

    def _term_entries(self, term: str) -> int:
        if (known := self._mentions.get(term)) is None:
            known = self._mentions[term] = sum(term in t for t in self.index.entry_texts)
        return known

    def first_steps(self, text: str) -> tuple[Entry, ...]:
        """The emergency first-steps entries, the most relevant to the message first.

        Relevance is the entry's score for the message; entries that share nothing with it keep
        their file order after the others.
        """
        return tuple(entry for entry, _ in self._ranked_first_steps(text))

    def _ranked_first_steps(self, text: str) -> list[tuple[Entry, float]]:
        emergency = self.kb.tagged("emergency")
        scores = {c.entry: c.score for c in self._candidates(self.index.prepare(text))}
        ranked = [(e, scores.get(self._entry_number[e.id], 0.0)) for e in emergency]
        # sorted() is stable: entries sharing nothing with the message keep their file order.
        return sorted(ranked, key=lambda pair: -pair[1])
