"""Questions for a person: how often one account may press "ask a person".

A forwarded question lands in a mentor's or the bureau's chat, so it is limited per account and
per hour (guests less than members); the count is the question log's ``forwarded_at``, so a
restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from programme.actors import Actor
from storage.repositories import questions

__all__ = ["FORWARD_WINDOW", "ForwardLimits", "next_forward_at"]

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
