"""When a broadcast's progress is seen and when non-acknowledgers are reminded.

Composing, previewing, confirming and cancelling are the programme's rules
(`programme.broadcasts`); the delivery itself is the `scheduler.outbox.Outbox` worker's job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.notifier import Notifier, Recipient, SendStatus
from scheduler.outbox import notice_for
from storage.enums import BroadcastStatus
from storage.models import utcnow
from storage.repositories import broadcasts as repo

__all__ = ["REMINDER_KEY", "remind_unacknowledged", "watch"]

REMINDER_KEY = "broadcast.ack_reminder"
# Watching ends here, not when nothing is left to send: the worker marks the broadcast done a
# flush later, and the last status shown should say so.
_OVER = frozenset({BroadcastStatus.done, BroadcastStatus.cancelled})


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
