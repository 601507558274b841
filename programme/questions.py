"""Questions for a person: how often one account may press "ask a person", and who answers.

A forwarded question lands in a mentor's or the bureau's chat, so it is limited per account and
per hour (guests less than members); the count is the question log's ``forwarded_at``, so a
restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from programme.access import require_role
from programme.actors import Actor
from programme.errors import Refused
from programme.typed import check_text
from storage.enums import Role
from storage.models import QuestionLog
from storage.repositories import people, questions

__all__ = [
    "ANSWER_LIMIT",
    "FORWARD_WINDOW",
    "Answered",
    "ForwardLimits",
    "answer_forwarded",
    "asker_lang",
    "next_forward_at",
    "question_to_answer",
]

FORWARD_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ForwardLimits:
    """How many questions an account may forward to a person per `FORWARD_WINDOW`."""

    guest: int = 3
    member: int = 10


async def next_forward_at(
    session: AsyncSession, actor: Actor, chat_id: int, now: datetime, limits: ForwardLimits
) -> datetime | None:
    """None if ``actor`` may forward a question now, else when they may again.

    Args:
        session: the unit of work.
        actor: who asks (a guest is counted by ``chat_id``, their private chat).
        chat_id: the chat the question was asked in.
        now: the current time (UTC).
        limits: the per-hour allowances.
    """
    limit = limits.guest if actor.is_guest else limits.member
    recent = await questions.forwarded_since(
        session=session, person_id=actor.person_id, chat_id=chat_id, since=now - FORWARD_WINDOW
    )
    if len(recent) < limit:
        return None
    # The window frees up when the oldest forward that keeps it full leaves it.
    return recent[len(recent) - limit] + FORWARD_WINDOW


ANSWER_LIMIT = 3_000


@dataclass(frozen=True, slots=True)
class Answered:
    """A question's answer, stored, and how to reach the asker (their chat and language)."""

    question: QuestionLog
    asker_lang: str


async def asker_lang(session: AsyncSession, question: QuestionLog) -> str:
    if question.person_id is None:
        return question.lang
    asker = await people.get_person(session=session, person_id=question.person_id)
    return asker.language.value


async def question_to_answer(session: AsyncSession, actor: Actor, question_id: int) -> QuestionLog:
    """A forwarded question, if it was forwarded to ``actor``.

    Raises:
        Refused: for anyone else (a forged or stale reply button).
    """
    person_id = require_role(actor, Role.mentor, Role.bureau, Role.manager)
    logged = await questions.get_question(session=session, question_id=question_id)
    if logged.forwarded_to != person_id:
        raise Refused(actor, f"answer question {question_id}")
    return logged


async def answer_forwarded(
    session: AsyncSession, actor: Actor, question_id: int, text: str, now: datetime
) -> Answered:
    """The person a question was forwarded to answers it; the asker is to be told.

    Raises:
        Refused: for anyone but that person.
        NotAllowed: ``empty_text`` / ``text_too_long`` for the answer.
    """
    await question_to_answer(session, actor, question_id)
    assert actor.person_id is not None
    answer = check_text(text, ANSWER_LIMIT)
    logged = await questions.answer_question(
        session=session, question_id=question_id, person_id=actor.person_id, text=answer, now=now
    )
    return Answered(logged, await asker_lang(session, logged))
