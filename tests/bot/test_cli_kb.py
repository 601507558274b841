"""``handinhand ask`` and ``handinhand kb lint|eval`` from the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

FIXTURE_KB = Path(__file__).parents[1] / "knowledge" / "fixtures" / "kb"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixture_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDINHAND_KNOWLEDGE_DIR", str(FIXTURE_KB))


def test_ask_json_has_the_documented_fields() -> None:
    result = runner.invoke(app, ["ask", "危廢在廠裡最多能放多久", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {
        "status", "entry_id", "answer", "citation", "score", "suggestions", "lang", "first_steps",
        "trouble",
    }  # fmt: skip
    assert payload["trouble"] is False
    assert payload["status"] == "answered"
    assert payload["entry_id"] == "hazardous-waste-storage-limit"
    assert payload["lang"] == "zh-hant"
    assert "一年" in payload["answer"]


def test_ask_prints_suggestions_for_a_bare_topic() -> None:
    result = runner.invoke(app, ["ask", "环评"])
    assert result.exit_code == 0
    assert "[suggest]" in result.output
    assert "eia-approval-time-limit" in result.output


def test_lint_reports_file_entry_and_field_and_exits_1(tmp_path: Path) -> None:
    text = (FIXTURE_KB / "noise.yaml").read_text(encoding="utf-8")
    (tmp_path / "noise.yaml").write_text(text.replace("reviewed: 2026-11-22", "reviewed: soon"))
    result = runner.invoke(app, ["kb", "lint", str(tmp_path)])
    assert result.exit_code == 1
    assert "noise.yaml [noise-boundary-limit-class-3] reviewed: not a date" in result.output


def test_lint_of_clean_directory_exits_0() -> None:
    result = runner.invoke(app, ["kb", "lint", str(FIXTURE_KB)])
    assert result.exit_code == 0
    assert "5 entries, no problems" in result.output


def test_eval_ends_with_overall_figures(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: a, lang: zh, question: 危废最多能存多久, expect: answer, must_contain: [[一年]]}\n"
        "- {id: b, lang: zh, question: 明天下雨吗, expect: none}\n"
        "- {id: c, lang: zh, question: 我们厂的排污许可证编号是多少, expect: none,"
        " topic: out_of_kb}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "eval", str(cases)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-7:]
    assert last[0] == "correct: 1/1 = 100.0% (goal ≥ 95%)"
    assert last[1] == "wrong (answered, not right): 0 = 0.0% (goal ≤ 1%)"
    assert last[2] == "out-of-scope answered: 0/2 = 0.0% (goal ≤ 2%)"
    # The weather is off the domain; a fact the KB lacks about a permit is not.
    assert last[3] == (
        "  of which off the domain: 0/1; in the domain, not in the knowledge base: 0/1"
    )
    assert last[6].startswith("targets met")


def test_eval_prints_per_language_wrong_and_suggestions(tmp_path: Path) -> None:
    """Per language: correct, wrong, suggestions with and without the right entry, out of scope,
    small talk — a wrong answer is told apart from a mere miss."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: a, lang: zh, question: 危废最多能存多久, expect: answer,"
        " entry: some-other-entry}\n"
        "- {id: b, lang: en, question: thanks!, expect: smalltalk}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "eval", str(cases)])
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "lang", "correct", "wrong", "suggest+right", "suggest-right", "unanswered", "OOS",
        "answered", "small", "talk",
    ]  # fmt: skip
    zh = next(line for line in lines if line.startswith("zh "))
    assert zh.split()[:4] == ["zh", "0/1", "0.0%", "1"], "the answer from another entry is wrong"
    assert "  a [zh] wrong " in result.output
    assert result.exit_code == 1


def test_eval_of_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["kb", "eval", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
