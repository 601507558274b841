"""Knowledge-base curation from real traffic: link questions to entries, draft answers, review.

Two ways a bureau admin deals with a question the bot could not answer (or answered with 👎):

- *link* it to an existing entry: the question's text becomes an `ExtraPhrasing` row, which the
  bot applies to its running matcher at once and reloads at every start;
- *draft* an answer: stored on the question (``answer_text``), sent to the asker, and queued for
  review until someone marks it reviewed (``reviewed_at``).

Nothing here touches the curated YAML files: phrasings are exported for review
(``handinhand kb export-phrasings``) and merged by hand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import Exists
from sqlmodel import col

from storage.enums import Feedback, QuestionOutcome
from storage.models import ExtraPhrasing, QuestionLog, utcnow
from storage.repositories.questions import get_question

__all__ = [
    "MAX_PHRASING",
    "curation_queue",
    "draft_answer",
    "extra_phrasings",
    "link_question",
    "mark_reviewed",
    "review_queue",
]

MAX_PHRASING = 500  # the column's length; longer questions are cut, not refused


def _linked() -> Exists:
    linked = select(col(ExtraPhrasing.id)).where(
        col(ExtraPhrasing.source_question_id) == col(QuestionLog.id)
    )
    return exists(linked)


async def curation_queue(*, session: AsyncSession, limit: int = 10) -> list[QuestionLog]:
    """Questions waiting for the bureau, newest first: not answered (unanswered, or only
    suggestions offered) or 👎, neither linked to an entry nor answered by a person yet."""
    result = await session.execute(
        select(QuestionLog)
        .where(
            or_(
                col(QuestionLog.outcome) != QuestionOutcome.answered,
                col(QuestionLog.feedback) == Feedback.down,
            ),
            col(QuestionLog.answer_text).is_(None),
            ~_linked(),
        )
        .order_by(col(QuestionLog.id).desc())
        .limit(limit)
    )
    return list(result.scalars())


async def link_question(
    *,
    session: AsyncSession,
    question_id: int,
    entry_id: str,
    created_by: int | None = None,
    now: datetime | None = None,
) -> ExtraPhrasing:
    """Make a logged question a new phrasing of ``entry_id`` (the same pair twice: one row).

    The caller checks that the entry exists in the knowledge base; storage does not know it.

    Raises:
        NotFound: if there is no such question.
    """
    question = await get_question(session=session, question_id=question_id)
    text = question.text.strip()[:MAX_PHRASING]
    found = await session.execute(
        select(ExtraPhrasing).where(
            col(ExtraPhrasing.entry_id) == entry_id, col(ExtraPhrasing.text) == text
        )
    )
    phrasing = found.scalars().first()
    if phrasing is None:
        phrasing = ExtraPhrasing(
            entry_id=entry_id,
            text=text,
            source_question_id=question_id,
            created_by=created_by,
            created_at=now or utcnow(),
        )
        session.add(phrasing)
        await session.flush()
    return phrasing


async def extra_phrasings(*, session: AsyncSession) -> list[ExtraPhrasing]:
    """Every linked phrasing, by entry then age (what the matcher loads and the export writes)."""
    result = await session.execute(
        select(ExtraPhrasing).order_by(col(ExtraPhrasing.entry_id), col(ExtraPhrasing.id))
    )
    return list(result.scalars())


async def draft_answer(
    *,
    session: AsyncSession,
    question_id: int,
    person_id: int,
    text: str,
    now: datetime | None = None,
) -> QuestionLog:
    """Store a bureau admin's draft answer on the question; it joins the review queue.

    Raises:
        NotFound: if there is no such question.
    """
    question = await get_question(session=session, question_id=question_id)
    question.answer_text = text
    question.answered_by = person_id
    question.answered_at = now or utcnow()
    question.reviewed_at = None
    await session.flush()
    return question


async def review_queue(*, session: AsyncSession, limit: int = 10) -> list[QuestionLog]:
    """Human answers not yet reviewed, oldest first."""
    result = await session.execute(
        select(QuestionLog)
        .where(
            col(QuestionLog.answer_text).is_not(None),
            col(QuestionLog.reviewed_at).is_(None),
        )
        .order_by(col(QuestionLog.answered_at), col(QuestionLog.id))
        .limit(limit)
    )
    return list(result.scalars())


async def mark_reviewed(
    *, session: AsyncSession, question_id: int, now: datetime | None = None
) -> QuestionLog:
    """Take an answer off the review queue.

    Raises:
        NotFound: if there is no such question.
    """
    question = await get_question(session=session, question_id=question_id)
    question.reviewed_at = now or utcnow()
    await session.flush()
    return question
