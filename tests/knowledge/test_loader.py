"""The loader: every kind of broken file is reported with file, entry id and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import InvalidEntry, KnowledgeBaseError, lint, load_knowledge_base

VALID_ENTRY: dict[str, Any] = {
    "id": "noise-night-limit",
    "questions": {
        "zh": ["夜间厂界噪声限值多少", "晚上噪声能到多少分贝", "夜里噪声标准"],
        "en": ["What is the night-time noise limit?"],
    },
    "keywords": ["噪声", "夜间"],
    "answer": {"zh": "2类区夜间50 dB(A)。", "en": "50 dB(A) at night in a class 2 zone."},
    "basis": [{"title": "工业企业厂界环境噪声排放标准", "version": "GB 12348-2008", "clause": "4"}],
    "reviewed": "2026-11-01",
}


def write_kb(directory: Path, *entries: dict[str, Any], subcategory: str = "noise") -> Path:
    document = {"subcategory": subcategory, "entries": list(entries)}
    (directory / f"{subcategory}.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
    )
    return directory


def broken(**changes: Any) -> dict[str, Any]:
    """A copy of the valid entry with fields replaced (a value of None removes the field)."""
    entry = copy.deepcopy(VALID_ENTRY)
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


def only_problem(directory: Path) -> InvalidEntry:
    problems = lint(directory)
    assert len(problems) == 1, problems
    with pytest.raises(InvalidEntry) as raised:
        load_knowledge_base(directory)
    assert str(raised.value) == str(problems[0])
    return problems[0]


def test_valid_file_loads(tmp_path: Path) -> None:
    kb = load_knowledge_base(write_kb(tmp_path, VALID_ENTRY))
    entry = kb.get("noise-night-limit")
    assert entry.category == "pollution"
    assert entry.questions["en"] == ("What is the night-time noise limit?",)
    assert entry.reviewed.isoformat() == "2026-11-01"
    assert lint(tmp_path) == []


def test_missing_field_is_named(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, broken(keywords=None)))
    assert (problem.file.name, problem.entry_id, problem.field) == (
        "noise.yaml",
        "noise-night-limit",
        "keywords",
    )
    assert "missing" in problem.message


def test_wrong_type_is_named(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, broken(answer="只有一段话")))
    assert problem.field == "answer"
    assert "mapping" in problem.message


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write_kb(tmp_path, VALID_ENTRY)
    write_kb(tmp_path, VALID_ENTRY, subcategory="air")
    problem = only_problem(tmp_path)
    assert problem.field == "id"
    assert "duplicate" in problem.message
    assert "air.yaml" in str(problem) or "noise.yaml" in str(problem)


def test_unknown_subcategory_lists_the_known_ones(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, VALID_ENTRY, subcategory="odour"))
    assert problem.field == "subcategory"
    assert "'odour'" in problem.message and "hazardous_waste" in problem.message


def test_bad_date_is_reported(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, broken(reviewed="2026-13-40")))
    assert problem.field == "reviewed"
    assert "YYYY-MM-DD" in problem.message


def test_entry_without_english_phrasing_is_rejected(tmp_path: Path) -> None:
    questions = {"zh": VALID_ENTRY["questions"]["zh"]}
    problem = only_problem(write_kb(tmp_path, broken(questions=questions)))
    assert problem.field == "questions.en"


def test_too_few_chinese_phrasings_are_rejected(tmp_path: Path) -> None:
    questions = {"zh": ["夜间噪声限值"], "en": ["Night noise limit?"]}
    problem = only_problem(write_kb(tmp_path, broken(questions=questions)))
    assert problem.field == "questions.zh"
    assert "at least 3" in problem.message


def test_entry_without_citation_is_rejected(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, broken(basis=[])))
    assert problem.field == "basis"


def test_citation_without_title_is_rejected(tmp_path: Path) -> None:
    basis = [{"title": "", "version": "2008", "clause": "4.1"}]
    problem = only_problem(write_kb(tmp_path, broken(basis=basis)))
    assert problem.field == "basis[0].title"


def test_misspelt_field_is_reported_as_unknown(tmp_path: Path) -> None:
    entry = broken()
    entry["keyword"] = ["拼写错误"]
    problem = only_problem(write_kb(tmp_path, entry))
    assert (problem.field, problem.message) == ("keyword", "unknown field")


def test_malformed_id_is_reported_with_the_entry_position(tmp_path: Path) -> None:
    problem = only_problem(write_kb(tmp_path, broken(id="Noise Night")))
    assert problem.field == "entries[0].id"


def test_unquoted_numbers_in_keywords_are_accepted(tmp_path: Path) -> None:
    kb = load_knowledge_base(write_kb(tmp_path, broken(keywords=[12348, "噪声"])))
    assert kb.get("noise-night-limit").keywords == ("12348", "噪声")


def test_invalid_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "noise.yaml").write_text("subcategory: noise\nentries: [\n", encoding="utf-8")
    problem = only_problem(tmp_path)
    assert problem.file.name == "noise.yaml"
    assert "not valid YAML" in problem.message


def test_lint_collects_every_problem_while_load_stops_at_the_first(tmp_path: Path) -> None:
    write_kb(tmp_path, broken(reviewed="soon"), broken(id="noise-other", basis=[]))
    problems = lint(tmp_path)
    assert [(p.entry_id, p.field) for p in problems] == [
        ("noise-night-limit", "reviewed"),
        ("noise-other", "basis"),
    ]


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"no \*\.yaml"):
        load_knowledge_base(tmp_path)
