"""Scoring a question set: what counts as correct, and the figures per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import InvalidEntry, Matcher, load_knowledge_base
from knowledge.evaluation import evaluate, judge, load_cases
from knowledge.outcome import Outcome

CASES = """
- id: t-01
  lang: zh
  question: 危废在厂里最长能放多久
  expect: answer
  must_contain:
  - [一年, 1年, one year]
- id: t-02
  lang: en
  question: How long may hazardous waste stay in our store?
  expect: answer
  must_contain:
  - [ONE YEAR]
- id: t-03
  lang: zh
  question: 危废在厂里最长能放多久
  expect: answer
  must_contain:
  - [一年]
  - [三年]
- id: t-04
  lang: zh-hant
  question: 今天天氣如何
  expect: none
- id: t-05
  lang: zh
  question: 危废在厂里最长能放多久
  expect: none
  topic: out_of_kb
"""


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def test_correct_needs_every_group_and_matches_case_insensitively(
    matcher: Matcher, cases_file: Path
) -> None:
    report = evaluate(matcher, load_cases(cases_file))
    assert [r.correct for r in report.results] == [True, True, False, True, False]
    assert [r.case.id for r in report.failures] == ["t-03", "t-05"]  # wrong first


def test_figures_per_language_and_overall(matcher: Matcher, cases_file: Path) -> None:
    report = evaluate(matcher, load_cases(cases_file))
    assert report.languages == ["zh", "zh-hant", "en"]
    zh = report.figures("zh")
    assert (zh.correct, zh.answerable, zh.accuracy) == (1, 2, 0.5)
    hant = report.figures("zh-hant")
    assert (hant.out_of_scope, hant.out_of_scope_answered, hant.accuracy) == (1, 0, 1.0)
    overall = report.figures()
    assert (overall.correct, overall.answerable) == (2, 3)
    # t-05 is labelled "not in the KB" (as if the KB lacked the storage rule): answering it counts
    # against the unanswerable questions, but not against those off the domain (the weather).
    assert (overall.out_of_scope, overall.out_of_scope_answered) == (2, 1)
    assert (overall.off_domain, overall.off_domain_answered, overall.off_domain_rate) == (1, 0, 0)
    assert not report.meets_targets


def test_malformed_question_set_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  lang: zh\n  question: 问\n  expect: maybe\n", encoding="utf-8")
    with pytest.raises(InvalidEntry, match="expect"):
        load_cases(path)


def test_a_number_with_an_unquoted_thousands_comma_is_refused(tmp_path: Path) -> None:
    """[20万, 20,000] is read as 20万, 20 and 0: a group any answer with a zero would satisfy."""
    path = tmp_path / "bad.yaml"
    case = "- id: x\n  lang: en\n  question: fine?\n  expect: answer\n  must_contain:\n"
    path.write_text(case + "  - [20万, 20,000]\n", encoding="utf-8")
    with pytest.raises(InvalidEntry, match="thousands comma"):
        load_cases(path)
    path.write_text(case + "  - [20万, '20,000']\n", encoding="utf-8")
    assert load_cases(path)[0].must_contain == (("20万", "20,000"),)


POOL = """
- id: p-01
  lang: zh
  question: 危废在厂里最长能放多久
  expect: answer
  entry: hazardous-waste-storage-limit
- id: p-02
  lang: zh
  question: 危废在厂里最长能放多久
  expect: answer
  entry: some-other-entry
- id: p-03
  lang: en
  question: thanks!
  expect: smalltalk
- id: p-04
  lang: zh
  question: 今天天气如何
  expect: smalltalk
"""


def test_pool_cases_name_the_right_entry_and_small_talk(matcher: Matcher, tmp_path: Path) -> None:
    """An answer from another entry is wrong, even when it reads plausibly; small talk counts."""
    path = tmp_path / "pool.yaml"
    path.write_text(POOL, encoding="utf-8")
    report = evaluate(matcher, load_cases(path))
    verdicts = [r.verdict for r in report.results]
    assert verdicts == ["correct", "wrong", "smalltalk_handled", "smalltalk_missed"]
    overall = report.figures()
    assert (overall.correct, overall.wrong, overall.smalltalk, overall.smalltalk_handled) == (
        1,
        1,
        2,
        1,
    )
    assert [r.case.id for r in report.failures] == ["p-02", "p-04"]  # wrong answers first


def test_trouble_is_judged_by_what_the_asker_reads(tmp_path: Path) -> None:
    """The first steps lead the reply to a message reporting trouble, whatever the status: when
    they are the right ones, the asker has read the right answer first."""
    kb = load_knowledge_base()
    steps = kb.get("emergency_plan-first-steps-chemical-spill")
    other = kb.get("wastewater-rain-sewage-separation")
    fact = steps.answer["zh"].split("\n")[0][:6]
    path = tmp_path / "trouble.yaml"
    path.write_text(
        "- id: t-1\n  lang: zh\n  question: 油漆桶打翻了 流了一地\n  expect: answer\n"
        f"  entry: {steps.id}\n  must_contain:\n  - ['{fact}']\n",
        encoding="utf-8",
    )
    (case,) = load_cases(path)
    other_answer = {"entry": other, "answer": other.answer_for("zh")}
    assert judge(case, Outcome("suggest", "zh", first_steps=(steps,))) == "correct"
    assert judge(case, Outcome("answered", "zh", first_steps=(steps,), **other_answer)) == "correct"
    assert judge(case, Outcome("answered", "zh", **other_answer)) == "wrong"
    assert judge(case, Outcome("suggest", "zh", first_steps=(other,))) == "suggest_without"
