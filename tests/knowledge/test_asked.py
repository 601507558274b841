"""Questions people asked, learned under the entry that answers them: matched on, never shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from knowledge import InvalidEntry, Matcher, lint, load_knowledge_base
from knowledge.asked import MAX_PER_LANG, asked_from_cases, dump_asked, main, with_asked
from knowledge.evaluation import Case
from knowledge.matcher import DEFAULT_TUNING
from knowledge.tuning import cross_validate, cross_validate_folds, prepare_cases, prepare_folds

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
STORAGE = "hazardous-waste-storage-limit"
# How a manager asks about the one-year storage limit, in words no curated phrasing uses.
ASKED = "库里那些废桶能堆几个月再叫人拉"


def kb_with_asked(tmp_path: Path, asked: object) -> Path:
    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, directory)
    (directory / "asked").mkdir()
    (directory / "asked" / "asked.yaml").write_text(
        yaml.safe_dump(asked, allow_unicode=True), encoding="utf-8"
    )
    return directory


def answer(id_: str, question: str, entries: tuple[str, ...], lang: str = "zh") -> Case:
    return Case(id=id_, lang=lang, question=question, expect="answer", entries=entries)


def test_an_asked_question_is_answered_but_never_shown(tmp_path: Path) -> None:
    before = Matcher(load_knowledge_base(FIXTURE_KB)).ask(ASKED)
    assert before.status == "unanswered"

    kb = load_knowledge_base(kb_with_asked(tmp_path, {STORAGE: {"zh": [ASKED]}}))
    outcome = Matcher(kb).ask(ASKED)
    assert (outcome.status, outcome.entry and outcome.entry.id) == ("answered", STORAGE)
    entry = kb.get(STORAGE)
    assert entry.asked == {"zh": (ASKED,)}
    # The entry's curated phrasings (the "did you mean" button labels) are unchanged.
    assert ASKED not in entry.questions["zh"]
    assert entry.title_for("zh") == "危险废物在厂里最多能存多久"
    assert lint(kb_with_asked(tmp_path / "again", {STORAGE: {"zh": [ASKED]}})) == []


def test_loading_without_asked_questions_leaves_them_out(tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_with_asked(tmp_path, {STORAGE: {"zh": [ASKED]}}), asked=False)
    assert kb.get(STORAGE).asked == {}


def test_asked_questions_for_an_unknown_entry_are_refused_with_file_and_id(
    tmp_path: Path,
) -> None:
    directory = kb_with_asked(tmp_path, {"hazardous-waste-gone": {"zh": [ASKED]}})
    with pytest.raises(InvalidEntry) as raised:
        load_knowledge_base(directory)
    assert str(raised.value).startswith("asked.yaml [hazardous-waste-gone]: no entry has this id")
    assert "python -m knowledge.asked" in str(raised.value)


def test_malformed_asked_questions_are_reported(tmp_path: Path) -> None:
    directory = kb_with_asked(tmp_path, {STORAGE: {"fr": ["combien de temps"]}})
    assert [str(p) for p in lint(directory)] == [
        f"asked.yaml [{STORAGE}]: must map 'zh' and/or 'en' to lists of questions"
    ]


def test_an_asked_file_that_is_no_mapping_is_reported(tmp_path: Path) -> None:
    directory = kb_with_asked(tmp_path, [ASKED])
    assert [str(p) for p in lint(directory)] == [
        "asked.yaml: must be a mapping of entry ids to their asked questions by language"
    ]


def test_lint_refuses_an_asked_question_another_entry_already_has(tmp_path: Path) -> None:
    """A question under two entries ties them for everyone who asks that way."""
    curated_elsewhere = "环评审批时限是多少天"  # a phrasing of eia-approval-time-limit
    directory = kb_with_asked(tmp_path, {STORAGE: {"zh": [curated_elsewhere]}})
    problems = [str(p) for p in lint(directory)]
    assert problems == [
        f"asked.yaml [{STORAGE}] zh[0]: '{curated_elsewhere}' is also a question of "
        "eia-approval-time-limit: keep it under one entry"
    ]


def test_asked_questions_come_from_labelled_answerable_cases_only() -> None:
    known = [STORAGE, "eia-approval-time-limit"]
    cases = [
        answer("1", "废桶能放多久", (STORAGE, "eia-approval-time-limit")),  # the first entry
        answer("2", "廢桶能放多久啊", (STORAGE,), lang="zh-hant"),  # traditional: under zh
        answer("3", "how long can waste drums sit", (STORAGE,), lang="en"),
        answer("4", "环评多久批", ("eia-approval-time-limit",)),
        answer("5", "环评多久批", (STORAGE,)),  # the same question, another entry: a tie
        answer("6", "没写entry的问题", ()),
        answer("7", "名录里没有的条目", ("no-such-entry",)),
        Case(id="8", lang="zh", question="明天下雨吗", expect="none"),
        Case(id="9", lang="zh", question="你好", expect="smalltalk"),
        answer("10", "废桶能放多久", (STORAGE,)),  # asked twice: kept once
    ]
    assert asked_from_cases(cases, known) == {
        STORAGE: {"zh": ("废桶能放多久", "廢桶能放多久啊"), "en": ("how long can waste drums sit",)}
    }


def test_an_entry_keeps_at_most_a_few_asked_questions_per_language() -> None:
    """Dozens under one entry would outweigh its siblings for every question near them."""
    many = [answer(str(n), f"危废第{n}个问法", (STORAGE,)) for n in range(MAX_PER_LANG + 3)]
    kept = asked_from_cases(many, [STORAGE])[STORAGE]["zh"]
    assert kept == tuple(c.question for c in many[:MAX_PER_LANG])


def test_written_asked_questions_load_back(tmp_path: Path) -> None:
    asked = {STORAGE: {"zh": (ASKED,), "en": ("how many months can waste drums sit",)}}
    directory = kb_with_asked(tmp_path, {})
    (directory / "asked" / "asked.yaml").write_text(dump_asked(asked), encoding="utf-8")
    assert load_knowledge_base(directory).get(STORAGE).asked == asked[STORAGE]


def test_the_held_out_half_is_never_learned(tmp_path: Path) -> None:
    heldout = tmp_path / "heldout.yaml"
    heldout.write_text("[]", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([str(heldout), "--out", str(tmp_path / "asked.yaml")])
    assert exit_.value.code == 2
    assert not (tmp_path / "asked.yaml").exists()


def test_cross_validation_never_matches_a_question_against_itself() -> None:
    """With asked questions learned from the other folds, no question meets its own words."""
    kb = load_knowledge_base(FIXTURE_KB)
    cases = [
        answer(str(n), q, (STORAGE,))
        for n, q in enumerate(
            [ASKED, "废桶堆着 放半年行不", "危废能在仓库搁几个月", "废料桶最长囤多久"]
        )
    ]
    views = prepare_folds(kb, cases, 2, asked=True, tuning=DEFAULT_TUNING)
    for k, view in enumerate(views):
        for prepared in view:
            for p in prepared:
                # The phrasing score of a verbatim match is 1.0.
                assert float(np.max(p.parts[:, 0], initial=0.0)) < 1.0, (k, p.case.question)
    # The same questions learned in full do match themselves.
    learned = Matcher(with_asked(kb, asked_from_cases(cases, [STORAGE])))
    assert all(np.max(p.parts[:, 0]) == pytest.approx(1.0) for p in prepare_cases(learned, cases))


def test_without_asked_questions_the_folds_are_the_plain_cross_validation() -> None:
    kb = load_knowledge_base(FIXTURE_KB)
    cases = [answer(str(n), q, (STORAGE,)) for n, q in enumerate([ASKED, "废桶堆着 放半年行不"])]
    cases += [Case(id="x", lang="zh", question="明天下雨吗", expect="none")]
    views = prepare_folds(kb, cases, 3, asked=False, tuning=DEFAULT_TUNING)
    data = [d for k, view in enumerate(views) for d in view[k]]
    order = {c.id: n for n, c in enumerate(cases)}
    data.sort(key=lambda d: order[d.case.id])
    assert cross_validate_folds(views, "chars") == cross_validate(data, "chars", folds=3)
