"""Choosing weights and thresholds: never on the held-out half, for the traffic people send."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Matcher, load_knowledge_base
from knowledge.evaluation import load_cases
from knowledge.tuning import Counts, counts, main, prepare_cases, search

CASES = """\
- id: t-1
  lang: zh
  question: 排污证快到期了 要提前多少天申请延续
  expect: answer
  entry: permit-validity-and-renewal
  must_contain:
  - ['60日']
- id: t-2
  lang: zh
  question: 排水许可证快到期了 要提前多少天申请延续
  expect: none
- id: t-3
  lang: zh
  question: 明天天气怎么样
  expect: none
"""


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_the_held_out_half_is_refused(tmp_path: Path) -> None:
    heldout = tmp_path / "heldout.yaml"
    heldout.write_text(CASES, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([str(heldout)])
    assert exit_.value.code == 2


def test_utility_is_per_question_of_real_traffic() -> None:
    # Every answerable question right, nothing unanswerable answered: 85 (their share of traffic).
    perfect = Counts(20, 20, 0, 0, 80, 0, 0, 0)
    assert perfect.utility == pytest.approx(85.0)
    # Answering every unanswerable question costs four times their share, however many there are.
    reckless = Counts(20, 20, 0, 0, 80, 80, 0, 0)
    assert reckless.utility == pytest.approx(85.0 - 40.0)
    assert Counts(20, 20, 0, 0, 8, 8, 0, 0).utility == pytest.approx(reckless.utility)
    # A wrong answer costs four right ones.
    assert Counts(20, 16, 1, 0, 80, 0, 0, 0).utility == pytest.approx(85.0 * 12 / 20)


def test_the_search_keeps_the_guard_that_stops_a_near_miss(
    real_kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(CASES, encoding="utf-8")
    data = prepare_cases(Matcher(real_kb), load_cases(path))
    tuning, found = search(data, "bm25")
    assert (found.correct, found.oos_answered) == (1, 0)
    assert tuning.foreign_df > 0  # margins alone cannot tell the two renewals apart
    assert counts(data, tuning) == found
    assert counts(data, replace(tuning, foreign_df=0.0)).oos_answered == 1
