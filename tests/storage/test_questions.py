"""The question log as the bot writes it: one row per question, with the log's defaults."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Feedback, QuestionOutcome, Role
from storage.repositories import questions
from tests.storage.factories import make_person


async def test_logged_question_reads_back_by_its_id_with_no_feedback_yet(
    session: AsyncSession,
) -> None:
    asker = await make_person(session, Role.manager)
    first = await questions.log_question(
        session=session, chat_id=7, text="危废能放多久", outcome=QuestionOutcome.unanswered
    )
    second = await questions.log_question(
        session=session,
        chat_id=7,
        person_id=asker.id,
        text="how long may hazardous waste be stored",
        lang="en",
        outcome=QuestionOutcome.answered,
        entry_id="hw.storage",
        score=0.92,
    )
    await session.commit()
    assert second != first
    row = await questions.get_question(session=session, question_id=second)
    assert (row.person_id, row.chat_id, row.lang, row.matched_entry_id, row.score) == (
        asker.id,
        7,
        "en",
        "hw.storage",
        0.92,
    )
    assert row.outcome is QuestionOutcome.answered and row.feedback is Feedback.none
    assert row.created_at.tzinfo is not None
    assert (await questions.get_question(session=session, question_id=first)).lang == "zh"
