"""The bureau's broadcasts as a service: preview, confirm, cancel, watch, acknowledgement reminders.

The bot's /broadcast dialogue and ``handinhand broadcast`` both go through these functions; the
delivery itself is the `scheduler.outbox.Outbox` worker's job.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.notifier import Notifier, Recipient, SendStatus
from scheduler.outbox import notice_for
from storage.enums import BroadcastStatus
from storage.models import Broadcast, utcnow
from storage.repositories import broadcasts as repo

__all__ = [
    "REMINDER_KEY",
    "Draft",
    "Preview",
    "cancel",
    "confirm",
    "estimate_seconds",
    "preview",
    "remind_unacknowledged",
    "watch",
]

REMINDER_KEY = "broadcast.ack_reminder"
# Watching ends here, not when nothing is left to send: the worker marks the broadcast done a
# flush later, and the last status shown should say so.
_OVER = frozenset({BroadcastStatus.done, BroadcastStatus.cancelled})


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
    """
    async with session_factory() as session, session.begin():
        return await repo.create_broadcast(
            session=session,
            text=draft.text,
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


async def watch(
    session_factory: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    on_progress: Callable[[repo.Progress], Awaitable[None]],
    *,
    interval: float = 2.0,
    shown: repo.Progress | None = None,
) -> repo.Progress:
    """Call ``on_progress`` every ``interval`` seconds until the broadcast is done or cancelled.

    Only progress different from the last shown (starting with ``shown``) is passed on.
    ``interval`` is also the throttle of the bot's status message: Telegram allows about one
    edit a second per chat, and a status nobody can read faster needs no more.
    """
    last = shown
    while True:
        async with session_factory() as session:
            current = await repo.progress(session=session, broadcast_id=broadcast_id)
        if current != last:
            await on_progress(current)
            last = current
        if current.status in _OVER:
            return current
        await asyncio.sleep(interval)


async def remind_unacknowledged(
    session_factory: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    *,
    delay: timedelta,
    now: datetime | None = None,
) -> int:
    """Remind, once, everyone who has not acknowledged a broadcast ``delay`` after receiving it.

    Each reminder is claimed (stamped) before it is sent, so a crash or a second process never
    reminds anyone twice. Returns how many reminders went out.
    """
    now = now or utcnow()
    async with session_factory() as session, session.begin():
        due = await repo.claim_ack_reminders(session=session, delay=delay, now=now)
        notices = {}
        for broadcast_id in {row.broadcast_id for row in due}:
            broadcast = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            notices[broadcast_id] = notice_for(broadcast, key=REMINDER_KEY)
    sent = 0
    for row in due:
        result = await notifier.send(
            Recipient(row.person_id, row.chat_id, row.lang), notices[row.broadcast_id]
        )
        sent += result.status is SendStatus.sent
    return sent
