"""The notification ledger: claim a unique key before sending, mark it after.

A key such as ``visit:42:reminder:24h`` can be claimed once, ever — across restarts and across
processes sharing one PostgreSQL database — which makes every such send at-most-once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LedgerEntry, utcnow

__all__ = ["claim", "is_claimed", "mark_sent", "release"]


async def claim(*, session: AsyncSession, key: str, now: datetime | None = None) -> bool:
    """Claim ``key``; ``False`` if it was claimed before (by anyone), ``True`` if now ours.

    The insert runs in a savepoint, so a refused claim leaves the caller's transaction usable.
    With a concurrent claimer on PostgreSQL the insert waits for the other transaction and is
    refused if it commits.
    """
    try:
        async with session.begin_nested():
            session.add(LedgerEntry(key=key, claimed_at=now or utcnow()))
    except IntegrityError:
        return False
    return True


async def mark_sent(*, session: AsyncSession, key: str, now: datetime | None = None) -> bool:
    """Record that the claimed notification went out; ``False`` if ``key`` was never claimed."""
    result = await session.execute(
        update(LedgerEntry).where(LedgerEntry.key == key).values(sent_at=now or utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release(*, session: AsyncSession, key: str) -> bool:
    """Give back a claim whose send failed before anything went out, so it can be retried.

    A key already marked sent is never released.
    """
    result = await session.execute(
        delete(LedgerEntry).where(LedgerEntry.key == key, LedgerEntry.sent_at.is_(None))  # type: ignore[union-attr]
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def is_claimed(*, session: AsyncSession, key: str) -> bool:
    """Whether anyone has claimed ``key``."""
    result = await session.execute(select(LedgerEntry.id).where(LedgerEntry.key == key))
    return result.first() is not None
