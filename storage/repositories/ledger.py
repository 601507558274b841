"""The notification ledger: claim a unique key before sending, mark it after — for every notice.

A key such as ``visit:42:reminder:24h`` can be claimed once, ever — across restarts and across
processes sharing one PostgreSQL database — which makes every such send at-most-once. Claims are
made in bulk with ``INSERT … ON CONFLICT DO NOTHING RETURNING``: the keys that come back are ours;
on PostgreSQL a concurrent claimer waits for our commit and gets nothing back. Run a claim in a
transaction of its own and commit before sending, so it is durable before anything goes out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import LedgerEntry, utcnow

__all__ = ["claim_many", "claimed_among", "mark_many_sent", "release_many"]

# SQLite allows 32,766 bound parameters per statement; two per claimed key, with room to spare.
_CHUNK = 5000


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


async def claim_many(
    *, session: AsyncSession, keys: Collection[str], now: datetime | None = None
) -> set[str]:
    """Claim many ledger keys at once; returns those that are now ours (unclaimed before).

    Run it in a transaction of its own and commit before sending, so a claim is durable before
    anything goes out and a concurrent process sees it.
    """
    if not keys:
        return set()
    now = now or utcnow()
    connection = await session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(LedgerEntry)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(LedgerEntry.key))
    )
    # executemany: SQLAlchemy batches the rows into few statements ("insertmanyvalues") with one
    # cached compilation, far cheaper than compiling one huge VALUES list.
    rows = [{"key": key, "claimed_at": now} for key in sorted(set(keys))]
    result = await connection.execute(statement, rows)
    ours: set[str] = set(result.scalars())
    return ours


async def mark_many_sent(
    *, session: AsyncSession, keys: Collection[str], now: datetime | None = None
) -> None:
    """Record that the notices claimed under ``keys`` went out."""
    for chunk in _chunks(sorted(set(keys))):
        await session.execute(
            update(LedgerEntry)
            .where(col(LedgerEntry.key).in_(chunk))
            .values(sent_at=now or utcnow())
        )


async def release_many(*, session: AsyncSession, keys: Collection[str]) -> None:
    """Give back claims whose send failed in a retryable way (never a key marked sent)."""
    for chunk in _chunks(sorted(set(keys))):
        await session.execute(
            delete(LedgerEntry).where(
                col(LedgerEntry.key).in_(chunk),
                col(LedgerEntry.sent_at).is_(None),
            )
        )


async def claimed_among(*, session: AsyncSession, keys: Collection[str]) -> set[str]:
    """Which of ``keys`` anyone has claimed already."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        result = await session.execute(
            select(col(LedgerEntry.key)).where(col(LedgerEntry.key).in_(chunk))
        )
        found.update(result.scalars())
    return found
