"""The shipped knowledge base: clean, cited and reviewed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Matcher, lint, load_knowledge_base
from knowledge.evaluation import load_cases
from knowledge.taxonomy import SUBCATEGORIES


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_real_knowledge_base_lints_clean() -> None:
    assert [str(p) for p in lint()] == []


def test_every_entry_has_a_citation_and_a_review_date(real_kb: KnowledgeBase) -> None:
    for entry in real_kb.entries:
        assert entry.basis, entry.id
        assert all(c.title for c in entry.basis), entry.id
        assert entry.citation_for("zh").startswith("《"), entry.id
        assert isinstance(entry.reviewed, date), entry.id


def test_every_subcategory_is_covered(real_kb: KnowledgeBase) -> None:
    missing = [s.id for s in SUBCATEGORIES if not real_kb.by_subcategory(s.id)]
    assert missing == []


def test_own_out_of_scope_questions_are_not_answered(real_kb: KnowledgeBase) -> None:
    matcher = Matcher(real_kb)
    cases = load_cases(Path(__file__).parent / "fixtures" / "held_out.yaml")
    answered = [c.question for c in cases if matcher.ask(c.question).status == "answered"]
    assert answered == []


@pytest.mark.parametrize(
    ("question", "subcategory"),
    [
        ("危废仓库里的桶最多能放几个月", "hazardous_waste"),
        ("環評報告表審批要多少天", "eia"),
        ("How long is a pollutant discharge permit valid?", "permit"),
        ("厂界噪声晚上超标了咋整", "noise"),
    ],
)
def test_real_questions_reach_their_subcategory(
    real_kb: KnowledgeBase, question: str, subcategory: str
) -> None:
    outcome = Matcher(real_kb).ask(question)
    assert outcome.entry is not None
    assert outcome.entry.subcategory == subcategory


def test_homophone_typo_in_permit_term_reaches_renewal_entry(real_kb: KnowledgeBase) -> None:
    outcome = Matcher(real_kb).ask("排污正快过期了 提前几天申请延续")
    assert outcome.status == "answered"
    assert outcome.entry is not None and outcome.entry.id == "permit-validity-and-renewal"


def test_broad_held_out_set_has_every_subcategory_and_a_parity_split() -> None:
    cases = load_cases(Path(__file__).parent / "fixtures" / "held_out_broad.yaml")
    topics = {c.topic for c in cases}
    assert {s.id for s in SUBCATEGORIES} | {"programme", "out_of_scope", "uncovered"} <= topics
    assert len(cases) >= 150
