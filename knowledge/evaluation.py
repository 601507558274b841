"""Evaluating the matcher on a question set (format of ``shared/eval/dev.yaml`` and the pool).

Each case has ``id``, ``lang``, ``question`` and ``expect``:

* ``expect: answer`` — the knowledge base answers it. The right entry is named by ``entry`` (an
  id, or a list of acceptable ids) and/or described by ``must_contain`` (every group must match;
  a group matches when any alternative is a case-insensitive substring of the answer). An
  ``answered`` outcome is **correct** when it satisfies both, otherwise **wrong** — the worst
  outcome, a confident answer to another question. For a message reporting trouble, what is
  judged is what the asker reads: the first steps shown before anything else, then the answer
  (so "the pool is leaking" is correct when the right first steps lead). A ``suggest`` outcome
  is counted by whether the right entry is among the suggestions (``suggest_with``) or not
  (``suggest_without``).
* ``expect: none`` — out of scope, or in the domain but not covered by the knowledge base: it must
  not be answered (a suggestion is fine). The two are also counted apart: a question in the
  domain that the knowledge base does not answer (``topic: out_of_kb``, or ``uncovered`` in the
  older fixtures) tempts the matcher with another fact on the same subject, while a question off
  the domain (the weather, a recipe, gibberish) should never come near an answer.
* ``expect: smalltalk`` — a greeting, thanks or "who are you": handled when the status is
  ``smalltalk``.

Figures are reported per language and overall; the targets are those of issue 11.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from knowledge.entry import Entry
from knowledge.errors import InvalidEntry
from knowledge.language import LANGS, Lang
from knowledge.matcher import Matcher
from knowledge.outcome import Outcome

__all__ = [
    "ACCURACY_TARGET",
    "OUT_OF_SCOPE_TARGET",
    "SUGGEST_HIT_TARGET",
    "WRONG_TARGET",
    "Case",
    "CaseResult",
    "Figures",
    "Report",
    "Verdict",
    "evaluate",
    "is_correct",
    "judge",
    "load_cases",
]

ACCURACY_TARGET = 0.95
WRONG_TARGET = 0.01
OUT_OF_SCOPE_TARGET = 0.02
SUGGEST_HIT_TARGET = 0.80

Expect = Literal["answer", "none", "smalltalk"]
Verdict = Literal[
    "correct",
    "wrong",
    "suggest_with",
    "suggest_without",
    "unanswered",
    "oos_answered",
    "oos_declined",
    "smalltalk_handled",
    "smalltalk_missed",
]
_EXPECT: tuple[Expect, ...] = ("answer", "none", "smalltalk")
# Topics of unanswerable questions that are in the domain but not in the knowledge base.
IN_DOMAIN_UNANSWERABLE = frozenset({"out_of_kb", "uncovered"})


@dataclass(frozen=True, slots=True)
class Case:
    """One evaluation question."""

    id: str
    lang: str
    question: str
    expect: Expect
    must_contain: tuple[tuple[str, ...], ...] = ()
    topic: str = ""
    entries: tuple[str, ...] = ()

    def is_right_entry(self, entry: Entry) -> bool:
        """Whether an entry answers this case (by id when the case names one, else by text)."""
        if self.entries and entry.id not in self.entries:
            return False
        if self.entries and not self.must_contain:
            return True
        lang: Lang = self.lang if self.lang in LANGS else "zh"
        return _contains(self, entry.answer_for(lang))

    @property
    def off_domain(self) -> bool:
        """An unanswerable question off the domain altogether (not one the KB merely lacks)."""
        return self.expect == "none" and self.topic not in IN_DOMAIN_UNANSWERABLE


@dataclass(frozen=True, slots=True)
class CaseResult:
    """How the matcher did on one case."""

    case: Case
    outcome: Outcome
    verdict: Verdict

    @property
    def correct(self) -> bool:
        """Whether the outcome is what the case expects."""
        return self.verdict in ("correct", "oos_declined", "smalltalk_handled")


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts for one language (or overall)."""

    answerable: int = 0
    correct: int = 0
    wrong: int = 0
    suggest_with: int = 0
    suggest_without: int = 0
    unanswered: int = 0
    out_of_scope: int = 0
    out_of_scope_answered: int = 0
    off_domain: int = 0  # of out_of_scope: the questions off the domain altogether
    off_domain_answered: int = 0
    smalltalk: int = 0
    smalltalk_handled: int = 0
    total: int = 0
    suggested: int = 0

    @property
    def accuracy(self) -> float:
        """Share of answerable cases answered correctly (1.0 when there are none)."""
        return self.correct / self.answerable if self.answerable else 1.0

    @property
    def wrong_rate(self) -> float:
        """Share of answerable cases answered with another entry's answer."""
        return self.wrong / self.answerable if self.answerable else 0.0

    @property
    def suggest_hit_rate(self) -> float:
        """Of the answerable cases not answered, the share whose suggestions hold the right one."""
        missed = self.suggest_with + self.suggest_without + self.unanswered
        return self.suggest_with / missed if missed else 1.0

    @property
    def out_of_scope_rate(self) -> float:
        """Share of out-of-scope cases that got an answer (0.0 when there are none)."""
        return self.out_of_scope_answered / self.out_of_scope if self.out_of_scope else 0.0

    @property
    def off_domain_rate(self) -> float:
        """Share of the questions off the domain that got an answer (0.0 when there are none)."""
        return self.off_domain_answered / self.off_domain if self.off_domain else 0.0

    @property
    def suggest_rate(self) -> float:
        """Share of all cases that ended in "did you mean" suggestions."""
        return self.suggested / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Counts and rates, for JSON output."""
        return {
            "answerable": self.answerable,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "wrong": self.wrong,
            "wrong_rate": round(self.wrong_rate, 4),
            "suggest_with": self.suggest_with,
            "suggest_without": self.suggest_without,
            "unanswered": self.unanswered,
            "suggest_hit_rate": round(self.suggest_hit_rate, 4),
            "out_of_scope": self.out_of_scope,
            "out_of_scope_answered": self.out_of_scope_answered,
            "out_of_scope_rate": round(self.out_of_scope_rate, 4),
            "off_domain": self.off_domain,
            "off_domain_answered": self.off_domain_answered,
            "off_domain_rate": round(self.off_domain_rate, 4),
            "smalltalk": self.smalltalk,
            "smalltalk_handled": self.smalltalk_handled,
            "total": self.total,
            "suggested": self.suggested,
            "suggest_rate": round(self.suggest_rate, 4),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Every case's result with the figures per language and overall."""

    results: tuple[CaseResult, ...]

    def figures(self, lang: str | None = None) -> Figures:
        """Figures for one language, or overall when ``lang`` is ``None``."""
        chosen = [r for r in self.results if lang is None or r.case.lang == lang]
        count = {v: sum(r.verdict == v for r in chosen) for v in get_args(Verdict)}
        return Figures(
            answerable=sum(r.case.expect == "answer" for r in chosen),
            correct=count["correct"],
            wrong=count["wrong"],
            suggest_with=count["suggest_with"],
            suggest_without=count["suggest_without"],
            unanswered=count["unanswered"],
            out_of_scope=sum(r.case.expect == "none" for r in chosen),
            out_of_scope_answered=count["oos_answered"],
            off_domain=sum(r.case.off_domain for r in chosen),
            off_domain_answered=sum(
                r.case.off_domain and r.verdict == "oos_answered" for r in chosen
            ),
            smalltalk=sum(r.case.expect == "smalltalk" for r in chosen),
            smalltalk_handled=count["smalltalk_handled"],
            total=len(chosen),
            suggested=sum(r.outcome.status == "suggest" for r in chosen),
        )

    @property
    def languages(self) -> list[str]:
        """Languages present, in the usual order (zh, zh-hant, en, then any other)."""
        present = {r.case.lang for r in self.results}
        return [lang for lang in LANGS if lang in present] + sorted(present - set(LANGS))

    @property
    def failures(self) -> list[CaseResult]:
        """Cases the matcher got wrong, the worst kinds first (wrong, out of scope answered)."""
        order = ("wrong", "oos_answered", "smalltalk_missed", "suggest_without", "unanswered")
        bad = [r for r in self.results if not r.correct]
        return sorted(bad, key=lambda r: order.index(r.verdict) if r.verdict in order else 9)

    @property
    def meets_targets(self) -> bool:
        """Whether the overall figures reach issue 11's targets."""
        overall = self.figures()
        return (
            overall.accuracy >= ACCURACY_TARGET
            and overall.wrong_rate <= WRONG_TARGET
            and overall.out_of_scope_rate <= OUT_OF_SCOPE_TARGET
            and overall.suggest_hit_rate >= SUGGEST_HIT_TARGET
        )


def _group(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _ids(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def load_cases(file: Path) -> list[Case]:
    """Read a question set.

    Raises:
        InvalidEntry: when the file is not a list of cases with id, lang, question and expect.
    """
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidEntry(file, None, None, f"cannot read question set: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        data = data["cases"]
    if not isinstance(data, list):
        raise InvalidEntry(file, None, None, "must be a list of cases")
    cases = []
    for number, raw in enumerate(data):
        case_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(case_id, str | int):
            raise InvalidEntry(file, None, f"[{number}].id", "each case needs an id")
        case_id = str(case_id)
        for key in ("lang", "question", "expect"):
            if not isinstance(raw.get(key), str):
                raise InvalidEntry(file, case_id, key, "missing or not a text")
        if raw["expect"] not in _EXPECT:
            raise InvalidEntry(file, case_id, "expect", "must be 'answer', 'none' or 'smalltalk'")
        groups = raw.get("must_contain") or []
        if not isinstance(groups, list):
            raise InvalidEntry(file, case_id, "must_contain", "must be a list of groups")
        if any("0" in _group(g) for g in groups):
            # [20万, 20,000] reads as 20万, 20 and 0 (000): a group that matches any answer.
            raise InvalidEntry(
                file,
                case_id,
                "must_contain",
                "a number with a thousands comma must be quoted ('20,000')",
            )
        cases.append(
            Case(
                id=case_id,
                lang=raw["lang"],
                question=raw["question"],
                expect=raw["expect"],
                must_contain=tuple(_group(g) for g in groups),
                topic=str(raw.get("topic", "")),
                entries=_ids(raw.get("entry")),
            )
        )
    return cases


def _contains(case: Case, answer: str) -> bool:
    folded = answer.casefold()
    return all(any(alt.casefold() in folded for alt in group) for group in case.must_contain)


def judge(case: Case, outcome: Outcome, entries: dict[str, Entry] | None = None) -> Verdict:
    """The verdict on one outcome (see the module docstring).

    Args:
        entries: the knowledge base's entries by id, to judge suggestions of cases that have no
            ``entry`` field by their answer text; without it such suggestions count as without.
    """
    if case.expect == "smalltalk":
        return "smalltalk_handled" if outcome.status == "smalltalk" else "smalltalk_missed"
    if case.expect == "none":
        return "oos_answered" if outcome.status == "answered" else "oos_declined"
    if outcome.status == "answered" or outcome.first_steps:
        # What the asker reads: for a message reporting trouble the first steps come first (the
        # bot, the terminal chat and `kb ask` all show them, whatever the status), then the answer.
        read = list(outcome.first_steps)
        texts = [e.answer_for(outcome.lang) for e in outcome.first_steps]
        if outcome.status == "answered":
            if outcome.entry is None or outcome.answer is None:
                return "wrong"
            read.append(outcome.entry)
            texts.append(outcome.answer)
        named = not case.entries or any(e.id in case.entries for e in read)
        if named and _contains(case, "\n".join(texts)):
            return "correct"
        if outcome.status == "answered":
            return "wrong"
    if outcome.status == "suggest":
        for suggestion in outcome.suggestions:
            if case.entries and suggestion.entry_id in case.entries:
                return "suggest_with"
            entry = (entries or {}).get(suggestion.entry_id)
            if not case.entries and entry is not None and case.is_right_entry(entry):
                return "suggest_with"
        return "suggest_without"
    return "unanswered"


def is_correct(case: Case, outcome: Outcome) -> bool:
    """Whether an outcome satisfies a case (see the module docstring)."""
    return judge(case, outcome) in ("correct", "oos_declined", "smalltalk_handled")


def evaluate(matcher: Matcher, cases: Iterable[Case]) -> Report:
    """Ask every case's question and judge the outcome."""
    entries = {entry.id: entry for entry in matcher.kb.entries}
    results = []
    for case in cases:
        outcome = matcher.ask(case.question)
        results.append(CaseResult(case, outcome, judge(case, outcome, entries)))
    return Report(tuple(results))
