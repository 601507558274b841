"""A question two entries both list ties them for anyone who asks that way: lint names it."""

from __future__ import annotations

from pathlib import Path

from knowledge import lint, load_knowledge_base
from tests.knowledge.test_lint_review import entry, write_kb


def test_lint_names_a_question_two_entries_share(tmp_path: Path) -> None:
    storing = entry(id="air-storing")
    # The same question as the first entry's second, in traditional characters and full width.
    closing = entry(
        id="air-closing",
        questions={"zh": ["VOCs桶要加盖吗", "含VOCs原料怎麼存？", "废气怎么收集"], "en": ["Lids?"]},
    )

    problems = lint(write_kb(tmp_path, storing, closing))

    assert [(p.entry_id, p.field) for p in problems] == [("air-closing", "questions.zh[1]")]
    assert "air-storing" in str(problems[0])
    # Only lint complains: the bot still starts.
    assert len(load_knowledge_base(tmp_path)) == 2


def test_different_questions_about_one_subject_pass(tmp_path: Path) -> None:
    closing = entry(
        id="air-closing",
        questions={"zh": ["VOCs桶要加盖吗", "含VOCs原料放哪", "废气怎么收集"], "en": ["Lids?"]},
    )

    assert lint(write_kb(tmp_path, entry(id="air-storing"), closing)) == []


def test_the_real_knowledge_base_has_no_shared_question() -> None:
    assert [p for p in lint() if "the same question" in str(p)] == []
