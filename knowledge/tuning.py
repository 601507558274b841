"""Choosing the matcher's weights and thresholds by k-fold cross-validation on training questions.

Run: ``python -m knowledge.tuning knowledge/eval/pool/train.yaml ../shared/eval/dev.yaml``.

Only training sets may be given: the held-out half of the pool (``heldout.yaml``) is never read
here, so no weight or threshold can be fitted to it, and its figures stay an honest estimate of
questions nobody on the team has seen.

Every question is matched once; what the decision needs is kept as arrays (the parts of each
candidate's score, whether the candidate is the right entry, whether its answer states the kind
of fact asked, the question's evidence). A setting of weights and thresholds then costs a few
numpy operations per question, so thousands of settings are tried in seconds.

The utility maximised is per 100 questions of real traffic (``ANSWERABLE_SHARE`` answerable,
``UNANSWERABLE_SHARE`` not): ``85 × (correct + 0.3 × suggest_with − 4 × wrong) / answerable −
10 × 4 × answered / unanswerable``. A confident wrong answer, or an answer to a question the
knowledge base does not answer, costs four correct answers (issue 11: wrong is the worst
outcome), and a "did you mean" holding the right entry is worth something; rates, because the
training pool holds far more unanswerable questions than people send.

Folds are stratified by nothing but a seeded shuffle (seed 11), so the run is reproducible.
Three families are compared: the character-bigram scores alone (BM25 weight 0), BM25 alone
(with the same guards) and both.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.answer_type import missing_answer_type
from knowledge.asked import asked_from_cases, with_asked
from knowledge.base import KnowledgeBase
from knowledge.evaluation import Case, load_cases
from knowledge.loader import load_knowledge_base
from knowledge.matcher import DEFAULT_TUNING, MAX_SUGGESTIONS, STRONG_OVERLAP, Matcher, Tuning
from knowledge.smalltalk import is_smalltalk

__all__ = [
    "Counts",
    "Prepared",
    "counts",
    "cross_validate",
    "cross_validate_folds",
    "fold_members",
    "prepare_cases",
    "prepare_folds",
    "search",
]

WRONG_COST = 4.0
# The mix of real traffic the utility is computed for (shared/eval/TOPICS.md: about 10% of
# questions are out of scope; the rest is compliance questions and a little small talk). The
# training pool holds far more unanswerable questions (28%, half of them near misses written on
# purpose), which would otherwise make every setting too timid for the questions people ask.
ANSWERABLE_SHARE = 0.85
UNANSWERABLE_SHARE = 0.10
SUGGEST_VALUE = 0.3
SEED = 11

# Searched strictest first, so that of settings with equal utility the one that guesses least wins.
_ANSWER_AT = (45.0, 35.0, 25.0, 15.0)
_MARGIN = (12.0, 8.0, 6.0, 4.0, 3.0, 2.0, 0.0)
_WEAK_AT = (101.0, 55.0, 40.0)
_SUGGEST_AT = (15.0, 10.0)
# Off, then from the most specific terms only to terms a fifth of the entries mention.
_FOREIGN_DF = (0.0, 3.0, 8.0, 20.0, 40.0)


@dataclass(frozen=True, slots=True)
class Prepared:
    """One training question, matched once."""

    case: Case
    fixed: str  # "smalltalk" or "refused" when the decision does not depend on scores, else ""
    parts: npt.NDArray[np.float64]  # candidates × (phrasing, coverage, fuzz, bm25)
    right: npt.NDArray[np.bool_]  # candidate is the right entry
    typed: npt.NDArray[np.bool_]  # candidate's answer states the kind of fact asked
    strong: npt.NDArray[np.bool_]  # candidate's best phrasing is a near-verbatim match
    foreign: npt.NDArray[np.float64]  # Matcher.foreign_df of each candidate
    evidence: bool
    asks: bool
    weak: bool


@dataclass(frozen=True, slots=True)
class Counts:
    """Verdict counts for one setting on a set of questions."""

    answerable: int
    correct: int
    wrong: int
    suggest_with: int
    out_of_scope: int
    oos_answered: int
    smalltalk: int
    smalltalk_handled: int

    @property
    def utility(self) -> float:
        """The figure maximised (see the module docstring): per 100 questions of real traffic."""
        answerable = self.answerable or 1
        unanswerable = self.out_of_scope or 1
        per_answerable = (
            self.correct + SUGGEST_VALUE * self.suggest_with - WRONG_COST * self.wrong
        ) / answerable
        per_unanswerable = -WRONG_COST * self.oos_answered / unanswerable
        return 100 * (ANSWERABLE_SHARE * per_answerable + UNANSWERABLE_SHARE * per_unanswerable)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def _values(self) -> tuple[int, ...]:
        return (
            self.answerable,
            self.correct,
            self.wrong,
            self.suggest_with,
            self.out_of_scope,
            self.oos_answered,
            self.smalltalk,
            self.smalltalk_handled,
        )

    def line(self) -> str:
        """The counts as one printable line."""
        a = self.answerable or 1
        missed = self.answerable - self.correct - self.wrong
        return (
            f"correct {self.correct}/{self.answerable} ({self.correct / a:.1%})  "
            f"wrong {self.wrong} ({self.wrong / a:.1%})  "
            f"suggest-with {self.suggest_with}/{missed}  "
            f"OOS answered {self.oos_answered}/{self.out_of_scope}  "
            f"small talk {self.smalltalk_handled}/{self.smalltalk}  "
            f"utility {self.utility:.1f}"
        )


def prepare_cases(matcher: Matcher, cases: Iterable[Case]) -> list[Prepared]:
    """Match every question once and keep what the decision needs."""
    prepared = []
    for case in cases:
        fixed = ""
        text = matcher.index.prepare(case.question)
        if is_smalltalk(case.question):
            fixed = "smalltalk"
        elif matcher.refuses(case.question, text):
            fixed = "refused"
        judged = matcher.judge(text)
        if not fixed and matcher.chats(case.question, judged):
            fixed = "smalltalk"
        found = judged.found
        entries = [matcher.kb.entries[c.entry] for c in found]
        parts = np.array(
            [(c.phrasing, c.coverage, c.fuzz, c.bm25) for c in found], dtype=np.float64
        ).reshape(-1, 4)
        right = np.array(
            [case.expect == "answer" and case.is_right_entry(e) for e in entries], dtype=bool
        )
        answers = [f"{e.answer['zh']}\n{e.answer['en'].casefold()}" for e in entries]
        typed = np.array([missing_answer_type(text, a) is None for a in answers], dtype=bool)
        strong = np.array([c.phrasing >= STRONG_OVERLAP for c in found], dtype=bool)
        foreign = np.array([matcher.foreign_df(text, c.entry) for c in found], dtype=np.float64)
        prepared.append(
            Prepared(
                case=case,
                fixed=fixed,
                parts=parts,
                right=right,
                typed=typed,
                strong=strong,
                foreign=foreign,
                evidence=judged.evidence,
                asks=judged.asks_something,
                weak=judged.weak_evidence,
            )
        )
    return prepared


@dataclass(frozen=True, slots=True)
class _Ranked:
    """Per question, for one weight vector: what the thresholds are compared with."""

    expect: npt.NDArray[np.str_]
    fixed: npt.NDArray[np.str_]
    top: npt.NDArray[np.float64]
    gap: npt.NDArray[np.float64]
    agree: npt.NDArray[np.bool_]
    top_right: npt.NDArray[np.bool_]
    top_typed: npt.NDArray[np.bool_]
    evidence: npt.NDArray[np.bool_]
    weak: npt.NDArray[np.bool_]
    asks: npt.NDArray[np.bool_]
    right_in_top: npt.NDArray[np.float64]  # best score of a right entry among the top 3, or -1
    foreign: npt.NDArray[np.float64]  # the top candidate's Matcher.foreign_df


def _rank(data: Sequence[Prepared], weights: npt.NDArray[np.float64]) -> _Ranked:
    size = len(data)
    top = np.full(size, -1.0)
    gap = np.zeros(size)
    agree = np.zeros(size, dtype=bool)
    top_right = np.zeros(size, dtype=bool)
    top_typed = np.zeros(size, dtype=bool)
    evidence = np.zeros(size, dtype=bool)
    right_in_top = np.full(size, -1.0)
    foreign = np.full(size, np.inf)
    for n, p in enumerate(data):
        if len(p.parts) == 0:
            continue
        scores = 100 * (p.parts @ weights)
        order = np.argsort(-scores, kind="stable")
        first = order[0]
        top[n] = scores[first]
        gap[n] = scores[first] - (scores[order[1]] if len(order) > 1 else 0.0)
        chars = int(np.argmax(p.parts[:, :3] @ weights[:3]))
        agree[n] = first == chars == int(np.argmax(p.parts[:, 3]))
        top_right[n] = p.right[first]
        top_typed[n] = p.typed[first]
        foreign[n] = p.foreign[first]
        evidence[n] = p.evidence or p.strong[first]
        shown = order[:MAX_SUGGESTIONS]
        hits = scores[shown][p.right[shown]]
        if len(hits):
            right_in_top[n] = float(hits.max())
    return _Ranked(
        expect=np.array([p.case.expect for p in data]),
        fixed=np.array([p.fixed for p in data]),
        top=top,
        gap=gap,
        agree=agree,
        top_right=top_right,
        top_typed=top_typed,
        evidence=evidence,
        weak=np.array([p.weak for p in data], dtype=bool),
        asks=np.array([p.asks for p in data], dtype=bool),
        right_in_top=right_in_top,
        foreign=foreign,
    )


def _counts(
    r: _Ranked,
    answer_at: float,
    margin: float,
    suggest_at: float,
    weak_at: float,
    split: float,
    foreign_df: float = 0.0,
) -> Counts:
    scored = r.fixed == ""
    evidence = r.evidence | (r.weak & (r.top >= weak_at))
    gap_needed = np.where(r.agree, margin, split)
    answered = (
        scored
        & evidence
        & (r.top >= answer_at)
        & (r.gap >= gap_needed)
        & r.asks
        & r.top_typed
        & (r.foreign > foreign_df)
    )
    floor = np.where(evidence, suggest_at, np.where(r.weak, answer_at, max(answer_at, weak_at)))
    suggested = scored & ~answered & (r.top >= floor)
    answerable = r.expect == "answer"
    oos = r.expect == "none"
    small = r.expect == "smalltalk"
    return Counts(
        answerable=int(answerable.sum()),
        correct=int((answerable & answered & r.top_right).sum()),
        wrong=int((answerable & answered & ~r.top_right).sum()),
        suggest_with=int((answerable & suggested & (r.right_in_top >= floor)).sum()),
        out_of_scope=int(oos.sum()),
        oos_answered=int((oos & answered).sum()),
        smalltalk=int(small.sum()),
        smalltalk_handled=int((small & (r.fixed == "smalltalk")).sum()),
    )


def counts(data: Sequence[Prepared], tuning: Tuning) -> Counts:
    """Verdict counts of one setting on prepared questions."""
    weights = np.array([tuning.phrasing, tuning.coverage, tuning.fuzz, tuning.bm25])
    ranked = _rank(data, weights)
    return _counts(
        ranked,
        tuning.answer_at,
        tuning.margin,
        tuning.suggest_at,
        tuning.weak_answer_at,
        tuning.split_margin,
        tuning.foreign_df,
    )


def _weight_grid(family: str, step: int = 4) -> list[tuple[float, float, float, float]]:
    if family == "bm25":
        return [(0.0, 0.0, 0.0, 1.0)]
    grid = []
    for a, b, c in itertools.product(range(step + 1), repeat=3):
        rest = step - a - b - c
        if rest < 0:
            continue
        weights = (a / step, b / step, c / step, rest / step)
        if family == "chars" and weights[3] > 0:
            continue
        if family == "fused" and weights[3] == 0:
            continue
        grid.append(weights)
    return grid


def search(data: Sequence[Prepared], family: str) -> tuple[Tuning, Counts]:
    """The setting of one family with the best utility on ``data`` (ties: the strictest)."""
    best: tuple[Tuning, Counts] | None = None
    for weights in _weight_grid(family):
        ranked = _rank(data, np.array(weights))
        for answer_at, margin, split, suggest_at, weak_at, foreign in itertools.product(
            _ANSWER_AT, _MARGIN, _MARGIN, _SUGGEST_AT, _WEAK_AT, _FOREIGN_DF
        ):
            if suggest_at > answer_at or weak_at < answer_at or split < margin:
                continue
            found = _counts(ranked, float(answer_at), margin, suggest_at, weak_at, split, foreign)
            if best is None or found.utility > best[1].utility:
                tuning = Tuning(
                    *weights, float(answer_at), suggest_at, margin, weak_at, split, foreign
                )
                best = (tuning, found)
    assert best is not None
    return best


def fold_members(size: int, folds: int) -> list[list[int]]:
    """The question numbers of each fold: a seeded shuffle dealt round-robin."""
    order = list(range(size))
    random.Random(SEED).shuffle(order)
    return [sorted(order[k::folds]) for k in range(folds)]


def cross_validate(data: Sequence[Prepared], family: str, folds: int = 5) -> Counts:
    """Counts on each held fold for the setting chosen on the other folds, summed."""
    parts = [[data[i] for i in fold] for fold in fold_members(len(data), folds)]
    return cross_validate_folds([parts] * folds, family)


def cross_validate_folds(prepared: Sequence[Sequence[Sequence[Prepared]]], family: str) -> Counts:
    """Like `cross_validate`, with each fold's questions prepared per held fold.

    ``prepared[k][j]`` is fold ``j`` as seen while fold ``k`` is held out (`prepare_folds`).
    """
    total: Counts | None = None
    for k, view in enumerate(prepared):
        train = [d for j, part in enumerate(view) if j != k for d in part]
        tuning, _ = search(train, family)
        found = counts(view[k], tuning)
        total = found if total is None else total + found
    assert total is not None
    return total


def prepare_folds(
    kb: KnowledgeBase, cases: Sequence[Case], folds: int, *, asked: bool, tuning: Tuning
) -> list[list[list[Prepared]]]:
    """Every fold's questions matched for every held fold: ``[held][fold]``.

    With ``asked``, the matcher that matches fold ``j`` while fold ``k`` is held out has learned
    the questions of every other fold as asked questions (knowledge.asked), so that no question is
    ever matched against itself, and the held fold stays unseen while the setting is chosen.
    Without, every fold is matched by one matcher on the curated phrasings alone.
    """
    groups = [[cases[i] for i in fold] for fold in fold_members(len(cases), folds)]
    known = [e.id for e in kb.entries]
    matchers: dict[frozenset[int], Matcher] = {}
    done: dict[tuple[frozenset[int], int], list[Prepared]] = {}
    views = []
    for k in range(folds):
        view = []
        for j in range(folds):
            left_out = frozenset({j, k}) if asked else frozenset()
            if left_out not in matchers:
                learned = [c for n, g in enumerate(groups) if n not in left_out for c in g]
                chosen = with_asked(kb, asked_from_cases(learned, known) if asked else {})
                matchers[left_out] = Matcher(chosen, tuning=tuning)
            if (left_out, j) not in done:
                done[left_out, j] = prepare_cases(matchers[left_out], groups[j])
            view.append(done[left_out, j])
        views.append(view)
    return views


def main(argv: Sequence[str] | None = None) -> None:
    """Cross-validate the three families, then print the setting chosen on all training data."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="training question sets")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--no-asked",
        dest="asked",
        action="store_false",
        help="match on the curated phrasings alone (no training questions learned as asked)",
    )
    args = parser.parse_args(argv)
    for path in args.sets:
        if "heldout" in path.name:
            parser.error(f"{path} is the held-out set: it is never used for tuning")
    cases = [case for path in args.sets for case in load_cases(path)]
    kb = load_knowledge_base(asked=False)
    views = prepare_folds(
        kb, cases, args.folds, asked=args.asked, tuning=replace(DEFAULT_TUNING, bm25=0.25)
    )
    # All questions, each matched while its own fold was held out.
    data = [d for k, view in enumerate(views) for d in view[k]]
    learned = "with the other folds learned as asked questions" if args.asked else "curated only"
    print(f"{len(data)} training questions, {args.folds}-fold cross-validation (seed {SEED}), "
          f"{learned}")  # fmt: skip
    for family in ("chars", "bm25", "fused"):
        print(f"  {family:6} CV: {cross_validate_folds(views, family).line()}")
    print(f"  current default on all: {counts(data, DEFAULT_TUNING).line()}")
    for family in ("chars", "bm25", "fused"):
        tuning, found = search(data, family)
        print(f"chosen ({family}) on all training data: {tuning}\n  {found.line()}")


if __name__ == "__main__":
    main()
