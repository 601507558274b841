"""Currency of the knowledge base: reviewer markers never reach users, and every entry built on a
law the Ecological Environment Code absorbed tells the reader the same thing about it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import lint, load_knowledge_base

ENTRY: dict[str, Any] = {
    "id": "air-enclosure",
    "questions": {
        "zh": ["VOCs物料要密闭吗", "含VOCs原料怎么存", "VOCs无组织排放怎么管"],
        "en": ["Must VOCs materials be kept closed?"],
    },
    "keywords": ["VOCs", "密闭"],
    "answer": {
        "zh": "VOCs物料应当密闭储存。",
        "en": "VOCs materials must be stored closed.",
    },
    "basis": [
        {"title": "中华人民共和国大气污染防治法", "version": "2018年修正", "clause": "第四十五条"}
    ],
    "reviewed": "2026-11-28",
}


def write_kb(directory: Path, *entries: dict[str, Any]) -> Path:
    document = {"subcategory": "air", "entries": list(entries)}
    (directory / "air.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
    )
    return directory


def entry(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(ENTRY)
    result.update(changes)
    return result


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answer": {"zh": "罚款10万元（条文号待核）。", "en": "A fine."}}, "answer.zh"),
        (
            {"answer": {"zh": "罚款10万元。", "en": "A fine (article still to be confirmed)."}},
            "answer.en",
        ),
        (
            {"basis": [{"title": "中华人民共和国大气污染防治法", "version": "", "clause": "待核"}]},
            "basis[0].clause",
        ),
        (
            {"basis": [{"title": "某办法（版本待核）", "version": "", "clause": "第一条"}]},
            "basis[0].title",
        ),
        (
            {"questions": {"zh": ["待核问题", "含VOCs原料怎么存", "VOCs怎么管"], "en": ["Q?"]}},
            "questions.zh[0]",
        ),
    ],
)
def test_lint_refuses_a_reviewer_marker_in_text_users_see(
    tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    problems = lint(write_kb(tmp_path, entry(**changes)))

    assert [(p.entry_id, p.field) for p in problems] == [("air-enclosure", field)]
    assert "review_note" in str(problems[0])


def test_a_doubt_kept_in_review_note_passes_lint_and_is_never_shown(tmp_path: Path) -> None:
    directory = write_kb(tmp_path, entry(review_note="第四十五条条文号待核（对照2018年修正文本）"))

    assert lint(directory) == []
    found = load_knowledge_base(directory).get("air-enclosure")
    for lang in ("zh", "zh-hant", "en"):
        assert "待核" not in found.answer_for(lang)
        assert "待核" not in found.citation_for(lang)


def test_a_status_name_that_merely_contains_the_characters_is_not_a_marker(tmp_path: Path) -> None:
    text = "整改项按“已完成、待核验、整改中”列出；该企业没有待核实的整改项。"
    directory = write_kb(tmp_path, entry(answer={"zh": text, "en": "Listed by status."}))

    assert lint(directory) == []


def test_review_note_must_be_text(tmp_path: Path) -> None:
    problems = lint(write_kb(tmp_path, entry(review_note=["not", "text"])))

    assert [(p.entry_id, p.field) for p in problems] == [("air-enclosure", "review_note")]


def test_a_marker_does_not_stop_the_bot_loading_the_knowledge_base(tmp_path: Path) -> None:
    directory = write_kb(tmp_path, entry(answer={"zh": "条文号待核", "en": "x"}))

    assert len(load_knowledge_base(directory)) == 1


def test_an_entry_citing_an_absorbed_law_tells_the_reader_about_the_code(tmp_path: Path) -> None:
    found = load_knowledge_base(write_kb(tmp_path, entry())).get("air-enclosure")

    zh = found.answer_for("zh")
    assert zh.startswith("VOCs物料应当密闭储存。")
    assert "《大气污染防治法》已编入《中华人民共和国生态环境法典》" in zh
    assert "2026-08-15" in zh
    assert "Ecological Environment Code" in found.answer_for("en")
    assert "生態環境法典" in found.answer_for("zh-hant")


def test_an_entry_citing_only_other_rules_has_no_code_note(tmp_path: Path) -> None:
    basis = [{"title": "挥发性有机物无组织排放控制标准", "version": "GB 37822-2019", "clause": "5"}]
    found = load_knowledge_base(write_kb(tmp_path, entry(basis=basis))).get("air-enclosure")

    assert found.answer_for("zh") == "VOCs物料应当密闭储存。"
    assert found.answer_for("en") == "VOCs materials must be stored closed."


def test_the_note_names_every_absorbed_law_the_entry_cites(tmp_path: Path) -> None:
    basis = [
        {"title": "中华人民共和国固体废物污染环境防治法", "version": "", "clause": "第十八条"},
        {"title": "中华人民共和国噪声污染防治法", "version": "", "clause": "第二十五条"},
    ]
    found = load_knowledge_base(write_kb(tmp_path, entry(basis=basis))).get("air-enclosure")

    assert "《固体废物污染环境防治法》《噪声污染防治法》已编入" in found.answer_for("zh")
    assert "The Solid Waste Law and the Noise" in found.answer_for("en")
    assert " were compiled " in found.answer_for("en")


def test_every_real_entry_on_an_absorbed_law_carries_the_same_note_once() -> None:
    kb = load_knowledge_base()
    absorbed = [e for e in kb.entries if e.notes]
    assert len(absorbed) >= 50
    enclosure = kb.get("air-vocs-enclosure-obligation")
    assert enclosure in absorbed
    for found in absorbed:
        for lang in ("zh", "en"):
            text = found.answer_for(lang)
            assert text.endswith(found.notes[lang])
            # The answer itself no longer carries its own, differently worded Code remark.
            assert "编入《" not in found.answer[lang], found.id
            assert "folded into the Ecological" not in found.answer[lang], found.id
    wording = {e.notes["zh"].split("已编入")[1] for e in absorbed}
    assert len(wording) == 1
