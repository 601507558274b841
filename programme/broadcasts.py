"""The bureau's broadcasts: what may be sent, to how many, and starting or stopping one.

The bot's /broadcast dialogue and ``handinhand broadcast`` both go through these functions; when
the sends happen (pacing, retries, acknowledgement reminders) is ``scheduler``'s business.

A broadcast's text must say something and fit one Telegram message with the bureau's header:
Telegram counts the text as the reader sees it (UTF-16 code units, ``&`` counts one), so that is
what is measured here, before anyone is asked to confirm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme import typed
from storage.models import Broadcast
from storage.repositories import broadcasts as repo

__all__ = [
    "TEXT_LIMIT",
    "Draft",
    "Preview",
    "cancel",
    "check_text",
    "confirm",
    "estimate_seconds",
    "preview",
]

# Telegram's 4,096 less room for the bureau's header ("📣 生态环境局通知") and the acknowledgement
# line, in UTF-16 code units as Telegram counts them.
TEXT_LIMIT = 3_900


@dataclass(frozen=True, slots=True)
class Draft:
    """A broadcast as the admin composed it, before confirmation."""

    text: str
    audience: repo.Audience
    photo_file_id: str | None = None
    document_file_id: str | None = None
    require_ack: bool = False
    scheduled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    """What confirming would do: how many people, and about how long it takes."""

    recipients: int
    seconds: int


def check_text(text: str) -> str:
    """The broadcast's text, trimmed, if it fits one message with the header (`TEXT_LIMIT`).

    Raises:
        NotAllowed: ``empty_text`` for a blank text, ``text_too_long`` past `TEXT_LIMIT`.
    """
    return typed.check_text(text, TEXT_LIMIT)


def estimate_seconds(recipients: int, rate: float) -> int:
    """Time to send to ``recipients`` people at ``rate`` messages a second, rounded up."""
    return math.ceil(recipients / rate) if recipients else 0


async def preview(
    session_factory: async_sessionmaker[AsyncSession],
    audience: repo.Audience,
    *,
    today: date,
    rate: float,
) -> Preview:
    """Count the audience exactly (the same query that creates the outbox rows)."""
    async with session_factory() as session:
        count = await repo.count_audience(session=session, audience=audience, today=today)
    return Preview(count, estimate_seconds(count, rate))


async def confirm(
    session_factory: async_sessionmaker[AsyncSession],
    draft: Draft,
    *,
    today: date,
    created_by: int | None = None,
    now: datetime | None = None,
) -> tuple[Broadcast, int]:
    """Create the broadcast and one outbox row per recipient in one transaction.

    Returns:
        The broadcast and its number of recipients.

    Raises:
        NotAllowed: if the text is blank or too long for one message (`check_text`).
    """
    text = check_text(draft.text)
    async with session_factory() as session, session.begin():
        return await repo.create_broadcast(
            session=session,
            text=text,
            audience=draft.audience,
            today=today,
            created_by=created_by,
            photo_file_id=draft.photo_file_id,
            document_file_id=draft.document_file_id,
            require_ack=draft.require_ack,
            scheduled_at=draft.scheduled_at,
            now=now,
        )


async def cancel(
    session_factory: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    *,
    now: datetime | None = None,
) -> bool:
    """Stop a broadcast; workers give back the rows they hold within one flush interval.

    Raises:
        storage.errors.NotFound: if there is no such broadcast.
    """
    async with session_factory() as session, session.begin():
        return await repo.cancel(session=session, broadcast_id=broadcast_id, now=now)
