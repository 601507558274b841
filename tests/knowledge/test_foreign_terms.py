"""A question naming a term its best entry never mentions asks about something else."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from knowledge import KnowledgeBase, Matcher, load_knowledge_base
from knowledge.matcher import DEFAULT_TUNING

# The drainage licence (排水许可证, issued under the urban drainage rules) is not the discharge
# permit (排污许可证): the renewal rule of the one is no answer about the other.
DRAINAGE = "排水许可证快到期了 要提前多少天申请延续"
PERMIT = "排污证快到期了 要提前多少天申请延续"


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_a_near_miss_gets_choices_not_the_neighbouring_answer(real_kb: KnowledgeBase) -> None:
    outcome = Matcher(real_kb).ask(DRAINAGE)
    assert outcome.status == "suggest"
    assert outcome.answer is None
    assert "permit-validity-and-renewal" in [s.entry_id for s in outcome.suggestions]


def test_the_guard_is_what_holds_it_back(real_kb: KnowledgeBase) -> None:
    off = Matcher(real_kb, tuning=replace(DEFAULT_TUNING, foreign_df=0.0))
    assert off.ask(DRAINAGE).status == "answered", "without the guard it answers the neighbour"
    entry = off.index.entry_ids.index("permit-validity-and-renewal")
    assert off.foreign_df(off.index.prepare(DRAINAGE), entry) <= DEFAULT_TUNING.foreign_df


def test_the_question_the_entry_does_answer_is_still_answered(real_kb: KnowledgeBase) -> None:
    matcher = Matcher(real_kb)
    outcome = matcher.ask(PERMIT)
    assert outcome.status == "answered"
    assert outcome.entry is not None and outcome.entry.id == "permit-validity-and-renewal"
    entry = matcher.index.entry_ids.index(outcome.entry.id)
    assert math.isinf(matcher.foreign_df(matcher.index.prepare(PERMIT), entry))


def test_a_taught_phrasing_counts_as_the_entry_mentioning_its_terms(real_kb: KnowledgeBase) -> None:
    matcher = Matcher(real_kb)
    entry = matcher.index.entry_ids.index("permit-validity-and-renewal")
    before = matcher.foreign_df(matcher.index.prepare(DRAINAGE), entry)
    matcher.add_phrasing("permit-validity-and-renewal", "排水许可证延续要提前多久申请", "zh")
    assert math.isinf(matcher.foreign_df(matcher.index.prepare(DRAINAGE), entry)) and before < 10


@pytest.mark.parametrize(
    ("question", "neighbour"),
    [
        # Work safety's emergency plan is filed with the emergency management bureau, under other
        # rules: the environmental plan's filing deadline is no answer.
        ("安全生产事故应急预案去应急局备案期限是多久", "emergency_plan-filing-deadline-authority"),
        ("How long does fire safety acceptance take?", "acceptance-period"),
    ],
)
def test_a_neighbouring_regime_is_not_answered_from_the_environmental_entry(
    real_kb: KnowledgeBase, question: str, neighbour: str
) -> None:
    outcome = Matcher(real_kb).ask(question)
    assert outcome.status != "answered"
    assert outcome.entry is None or outcome.entry.id != neighbour or outcome.answer is None


def test_the_environmental_question_beside_it_is_still_answered(real_kb: KnowledgeBase) -> None:
    outcome = Matcher(real_kb).ask("环境应急预案签署发布后多少天内要备案")
    assert outcome.status == "answered"
    assert outcome.entry is not None
    assert outcome.entry.id == "emergency_plan-filing-deadline-authority"
