"""The question log: every question asked in the bot, its outcome, feedback and human answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import Feedback, QuestionOutcome
from storage.errors import NotFound
from storage.models import QuestionLog, utcnow

__all__ = [
    "answer_question",
    "choose_entry",
    "forward_question",
    "get_question",
    "log_question",
    "record_feedback",
]

# A Core insert (no ORM object, no flush); the columns' defaults (created_at, feedback) apply.
_QUESTION_LOG = QuestionLog.__table__  # type: ignore[attr-defined]  # set by SQLModel, not in its stubs
_LOG_QUESTION = insert(_QUESTION_LOG).returning(_QUESTION_LOG.c.id)


async def log_question(
    *,
    session: AsyncSession,
    chat_id: int,
    text: str,
    outcome: QuestionOutcome,
    lang: str = "zh",
    person_id: int | None = None,
    entry_id: str | None = None,
    score: float | None = None,
) -> int:
    """Record a question and how the matcher answered it; returns the new row's id."""
    # One INSERT ... RETURNING instead of building an ORM object and flushing it: this runs for
    # every question, and the object's construction cost more than the statement itself.
    result = await session.execute(
        _LOG_QUESTION,
        {
            "person_id": person_id,
            "chat_id": chat_id,
            "text": text,
            "lang": lang,
            "outcome": outcome,
            "matched_entry_id": entry_id,
            "score": score,
        },
    )
    return int(result.scalar_one())


async def get_question(*, session: AsyncSession, question_id: int) -> QuestionLog:
    """Return one logged question.

    Raises:
        NotFound: if there is no such question.
    """
    row = await session.get(QuestionLog, question_id)
    if row is None:
        raise NotFound("question", question_id)
    return row


async def _asked_in(*, session: AsyncSession, question_id: int, chat_id: int) -> QuestionLog:
    # Buttons can be forged: a question only answers to the chat it was asked in.
    row = await get_question(session=session, question_id=question_id)
    if row.chat_id != chat_id:
        raise NotFound("question", question_id)
    return row


async def record_feedback(
    *, session: AsyncSession, question_id: int, chat_id: int, feedback: Feedback
) -> QuestionLog:
    """Store the asker's 👍/👎 (the last press counts).

    Raises:
        NotFound: if the question does not exist or was asked in another chat.
    """
    row = await _asked_in(session=session, question_id=question_id, chat_id=chat_id)
    row.feedback = feedback
    await session.flush()
    return row


async def choose_entry(
    *, session: AsyncSession, question_id: int, chat_id: int, entry_id: str
) -> QuestionLog:
    """Record which "did you mean" suggestion the asker opened.

    Raises:
        NotFound: if the question does not exist or was asked in another chat.
    """
    row = await _asked_in(session=session, question_id=question_id, chat_id=chat_id)
    row.matched_entry_id = entry_id
    await session.flush()
    return row


async def forward_question(
    *,
    session: AsyncSession,
    question_id: int,
    chat_id: int,
    to_person_id: int,
    now: datetime | None = None,
) -> QuestionLog:
    """Mark an unanswered question as forwarded to a mentor or bureau admin, at ``now``.

    Raises:
        NotFound: if the question does not exist or was asked in another chat.
    """
    row = await _asked_in(session=session, question_id=question_id, chat_id=chat_id)
    row.forwarded_to = to_person_id
    row.forwarded_at = now or utcnow()
    await session.flush()
    return row


async def forwarded_since(
    *, session: AsyncSession, person_id: int | None, chat_id: int, since: datetime
) -> list[datetime]:
    """When the asker forwarded questions to a person after ``since``, oldest first.

    The asker is the person (whichever chat they asked in) or, for a guest, the chat.
    """
    asker = (
        col(QuestionLog.person_id) == person_id
        if person_id is not None
        else col(QuestionLog.chat_id) == chat_id
    )
    forwarded_at = col(QuestionLog.forwarded_at)
    rows = await session.execute(
        select(forwarded_at).where(asker, forwarded_at > since).order_by(forwarded_at)
    )
    return [value for (value,) in rows if value is not None]


async def answer_question(
    *,
    session: AsyncSession,
    question_id: int,
    person_id: int,
    text: str,
    now: datetime | None = None,
) -> QuestionLog:
    """Store a person's answer to a forwarded question.

    Raises:
        NotFound: if the question does not exist or was not forwarded to this person.
    """
    row = await get_question(session=session, question_id=question_id)
    if row.forwarded_to != person_id:
        raise NotFound("question", question_id)
    row.answer_text = text
    row.answered_by = person_id
    row.answered_at = now or utcnow()
    await session.flush()
    return row
