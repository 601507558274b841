"""Curation from traffic: what waits for the bureau, links become phrasings, drafts get reviewed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Feedback, QuestionOutcome, Role
from storage.errors import NotFound
from storage.repositories import curation, questions
from tests.storage.factories import make_person

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


async def _ask(
    session: AsyncSession,
    text: str,
    outcome: QuestionOutcome = QuestionOutcome.unanswered,
    feedback: Feedback = Feedback.none,
) -> int:
    question_id = await questions.log_question(
        session=session, chat_id=5, text=text, outcome=outcome
    )
    if feedback is not Feedback.none:
        await questions.record_feedback(
            session=session, question_id=question_id, chat_id=5, feedback=feedback
        )
    return question_id


async def test_the_queue_holds_unanswered_and_thumbs_down_questions_until_dealt_with(
    session: AsyncSession,
) -> None:
    admin = await make_person(session, Role.bureau)
    assert admin.id is not None
    unanswered = await _ask(session, "雨污分流怎么弄")
    disliked = await _ask(session, "危废台账", QuestionOutcome.answered, Feedback.down)
    await _ask(session, "排污许可", QuestionOutcome.answered, Feedback.up)
    await _ask(session, "噪声", QuestionOutcome.answered)
    suggested = await _ask(session, "危废", QuestionOutcome.suggest)
    drafted = await _ask(session, "VOCs 无组织排放")
    queue = await curation.curation_queue(session=session)
    assert [q.id for q in queue] == [drafted, suggested, disliked, unanswered]

    await curation.link_question(session=session, question_id=unanswered, entry_id="e.one")
    await curation.draft_answer(
        session=session, question_id=drafted, person_id=admin.id, text="先收集", now=NOW
    )
    left = await curation.curation_queue(session=session)
    assert [q.id for q in left] == [suggested, disliked]


async def test_linking_the_same_text_twice_keeps_one_phrasing(session: AsyncSession) -> None:
    first = await _ask(session, "  危废能放多久  ")
    second = await _ask(session, "危废能放多久")
    a = await curation.link_question(session=session, question_id=first, entry_id="hw.storage")
    b = await curation.link_question(session=session, question_id=second, entry_id="hw.storage")
    await curation.link_question(session=session, question_id=second, entry_id="hw.other")
    assert a.id == b.id and a.text == "危废能放多久"
    rows = await curation.extra_phrasings(session=session)
    assert [(r.entry_id, r.text) for r in rows] == [
        ("hw.other", "危废能放多久"),
        ("hw.storage", "危废能放多久"),
    ]


async def test_a_draft_waits_in_the_review_queue_until_marked_reviewed(
    session: AsyncSession,
) -> None:
    admin = await make_person(session, Role.bureau)
    assert admin.id is not None
    qid = await _ask(session, "排污登记要年检吗")
    assert await curation.review_queue(session=session) == []
    row = await curation.draft_answer(
        session=session, question_id=qid, person_id=admin.id, text="不需要年检", now=NOW
    )
    assert (row.answer_text, row.answered_by, row.answered_at) == ("不需要年检", admin.id, NOW)
    assert [q.id for q in await curation.review_queue(session=session)] == [qid]
    await curation.mark_reviewed(session=session, question_id=qid, now=NOW)
    assert await curation.review_queue(session=session) == []


async def test_unknown_questions_are_refused(session: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await curation.link_question(session=session, question_id=999, entry_id="x")
    with pytest.raises(NotFound):
        await curation.draft_answer(session=session, question_id=999, person_id=1, text="x")
