"""Each line of an answer is shown as its own paragraph: lint refuses a hard wrap mid-sentence."""

from __future__ import annotations

from pathlib import Path

from knowledge import lint, load_knowledge_base
from knowledge.trouble import penalty_last
from tests.knowledge.test_lint_review import entry, write_kb

WRAPPED = (
    "Keep the ledger for 5 years and report every change to the\n"
    "bureau within 10 days.\n"
    "Fine: RMB 10,000 to 100,000 for a missing ledger."
)


def test_lint_refuses_an_english_answer_wrapped_mid_sentence(tmp_path: Path) -> None:
    directory = write_kb(tmp_path, entry(answer={"zh": "台账保存5年。", "en": WRAPPED}))

    problems = lint(directory)

    assert [(p.entry_id, p.field) for p in problems] == [("air-enclosure", "answer.en")]
    assert "line 1 ends mid-sentence" in str(problems[0])
    # Only lint complains: the bot still starts with such an entry.
    assert len(load_knowledge_base(directory)) == 1


def test_lint_refuses_a_chinese_line_cut_mid_sentence(tmp_path: Path) -> None:
    answer = {"zh": "台账保存5年，变更10日内\n报告生态环境部门。", "en": "Keep it 5 years."}

    problems = lint(write_kb(tmp_path, entry(answer=answer)))

    assert [(p.entry_id, p.field) for p in problems] == [("air-enclosure", "answer.zh")]


def test_paragraphs_ending_in_a_sentence_pass(tmp_path: Path) -> None:
    answer = {
        "zh": "台账保存5年；\n变更10日内报告：\n罚款1万元。",
        "en": "Keep the ledger for 5 years.\nReport changes within 10 days:\nFine: RMB 10,000.",
    }

    assert lint(write_kb(tmp_path, entry(answer=answer))) == []


def test_the_real_knowledge_base_has_no_wrapped_answer() -> None:
    assert [p for p in lint() if "mid-sentence" in str(p)] == []


def test_a_trouble_reply_moves_whole_english_sentences_to_the_end() -> None:
    # Why wrapping matters: a trouble reply reorders an answer line by line and sentence by
    # sentence, so only whole lines keep whole sentences on the asker's screen.
    answer = (
        "Keep the ledger for 5 years. A missing ledger is fined RMB 10,000 to 100,000.\n"
        "Report changes to the bureau within 10 days."
    )

    assert penalty_last(answer).split("\n") == [
        "Keep the ledger for 5 years.",
        "Report changes to the bureau within 10 days.",
        "A missing ledger is fined RMB 10,000 to 100,000.",
    ]
