"""Evaluating the matcher on a question set (format of ``shared/eval/dev.yaml``).

A case with ``expect: answer`` is correct when the outcome is ``answered`` and the answer contains
every ``must_contain`` group (a group matches when any alternative is a case-insensitive substring).
A case with ``expect: none`` (out of scope) fails when it is ``answered``. Figures are reported per
language and overall; targets are those of issue 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from knowledge.errors import InvalidEntry
from knowledge.language import LANGS
from knowledge.matcher import Matcher
from knowledge.outcome import Outcome

__all__ = [
    "ACCURACY_TARGET",
    "OUT_OF_SCOPE_TARGET",
    "Case",
    "CaseResult",
    "Figures",
    "Report",
    "evaluate",
    "load_cases",
]

ACCURACY_TARGET = 0.95
OUT_OF_SCOPE_TARGET = 0.05


@dataclass(frozen=True, slots=True)
class Case:
    """One evaluation question."""

    id: str
    lang: str
    question: str
    expect: Literal["answer", "none"]
    must_contain: tuple[tuple[str, ...], ...] = ()
    topic: str = ""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """How the matcher did on one case."""

    case: Case
    outcome: Outcome
    correct: bool


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts for one language (or overall)."""

    answerable: int = 0
    correct: int = 0
    out_of_scope: int = 0
    out_of_scope_answered: int = 0
    total: int = 0
    suggested: int = 0

    @property
    def accuracy(self) -> float:
        """Share of answerable cases answered correctly (1.0 when there are none)."""
        return self.correct / self.answerable if self.answerable else 1.0

    @property
    def out_of_scope_rate(self) -> float:
        """Share of out-of-scope cases that got an answer (0.0 when there are none)."""
        return self.out_of_scope_answered / self.out_of_scope if self.out_of_scope else 0.0

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
            "out_of_scope": self.out_of_scope,
            "out_of_scope_answered": self.out_of_scope_answered,
            "out_of_scope_rate": round(self.out_of_scope_rate, 4),
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
        answerable = [r for r in chosen if r.case.expect == "answer"]
        out_of_scope = [r for r in chosen if r.case.expect == "none"]
        return Figures(
            answerable=len(answerable),
            correct=sum(r.correct for r in answerable),
            out_of_scope=len(out_of_scope),
            out_of_scope_answered=sum(r.outcome.status == "answered" for r in out_of_scope),
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
        """Cases the matcher got wrong."""
        return [r for r in self.results if not r.correct]

    @property
    def meets_targets(self) -> bool:
        """Whether overall accuracy and out-of-scope rate reach issue 3's targets."""
        overall = self.figures()
        return (
            overall.accuracy >= ACCURACY_TARGET and overall.out_of_scope_rate <= OUT_OF_SCOPE_TARGET
        )


def _group(value: Any) -> tuple[str, ...]:
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
    if not isinstance(data, list):
        raise InvalidEntry(file, None, None, "must be a list of cases")
    cases = []
    for number, raw in enumerate(data):
        case_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(case_id, str):
            raise InvalidEntry(file, None, f"[{number}].id", "each case needs an id")
        for key in ("lang", "question", "expect"):
            if not isinstance(raw.get(key), str):
                raise InvalidEntry(file, case_id, key, "missing or not a text")
        if raw["expect"] not in ("answer", "none"):
            raise InvalidEntry(file, case_id, "expect", "must be 'answer' or 'none'")
        groups = raw.get("must_contain") or []
        if not isinstance(groups, list):
            raise InvalidEntry(file, case_id, "must_contain", "must be a list of groups")
        cases.append(
            Case(
                id=case_id,
                lang=raw["lang"],
                question=raw["question"],
                expect=raw["expect"],
                must_contain=tuple(_group(g) for g in groups),
                topic=str(raw.get("topic", "")),
            )
        )
    return cases


def is_correct(case: Case, outcome: Outcome) -> bool:
    """Whether an outcome satisfies a case (see the module docstring)."""
    if case.expect == "none":
        return outcome.status != "answered"
    if outcome.status != "answered" or outcome.answer is None:
        return False
    answer = outcome.answer.casefold()
    return all(any(alt.casefold() in answer for alt in group) for group in case.must_contain)


def evaluate(matcher: Matcher, cases: Iterable[Case]) -> Report:
    """Ask every case's question and judge the outcome."""
    results: Sequence[CaseResult] = [
        CaseResult(case, outcome, is_correct(case, outcome))
        for case in cases
        for outcome in (matcher.ask(case.question),)
    ]
    return Report(tuple(results))
