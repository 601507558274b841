"""The bureau's curation of questions the bot could not answer: link them to an entry (a new
phrasing the matcher learns), answer them by hand (the asker is told), mark answers reviewed.

Only the bureau curates; every use-case checks that first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from programme.access import require_role
from programme.actors import Actor
from programme.questions import ANSWER_LIMIT, Answered, asker_lang
from programme.typed import check_text
from storage.enums import Role
from storage.models import ExtraPhrasing, QuestionLog
from storage.repositories import curation, questions

__all__ = ["draft_answer", "link", "mark_reviewed", "question", "queue", "review_queue"]


async def queue(session: AsyncSession, actor: Actor, limit: int) -> list[QuestionLog]:
    """The newest questions waiting for curation."""
    require_role(actor, Role.bureau)
    return await curation.curation_queue(session=session, limit=limit)


async def review_queue(session: AsyncSession, actor: Actor, limit: int) -> list[QuestionLog]:
    """Answers written by people, not yet reviewed."""
    require_role(actor, Role.bureau)
    return await curation.review_queue(session=session, limit=limit)


async def question(session: AsyncSession, actor: Actor, question_id: int) -> QuestionLog:
    """One logged question, for the bureau."""
    require_role(actor, Role.bureau)
    return await questions.get_question(session=session, question_id=question_id)


async def link(
    session: AsyncSession, actor: Actor, question_id: int, entry_id: str, now: datetime
) -> ExtraPhrasing:
    """Link a question to the entry that answers it: it becomes a phrasing of that entry."""
    person_id = require_role(actor, Role.bureau)
    return await curation.link_question(
        session=session, question_id=question_id, entry_id=entry_id, created_by=person_id, now=now
    )


async def draft_answer(
    session: AsyncSession, actor: Actor, question_id: int, text: str, now: datetime
) -> Answered:
    """The bureau answers a question by hand; the answer awaits review and the asker is told.

    Raises:
        NotAllowed: ``empty_text`` / ``text_too_long`` for the answer.
    """
    person_id = require_role(actor, Role.bureau)
    answer = check_text(text, ANSWER_LIMIT)
    logged = await curation.draft_answer(
        session=session, question_id=question_id, person_id=person_id, text=answer, now=now
    )
    return Answered(logged, await asker_lang(session, logged))


async def mark_reviewed(
    session: AsyncSession, actor: Actor, question_id: int, now: datetime
) -> QuestionLog:
    """An answer written by a person has been reviewed: off the queue."""
    require_role(actor, Role.bureau)
    return await curation.mark_reviewed(session=session, question_id=question_id, now=now)
