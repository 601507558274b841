"""The notification ledger lets each key be claimed once, ever."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import ledger


async def test_a_key_is_claimed_once_across_transactions(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        ours = await ledger.claim_many(session=session, keys=["visit:42:reminder:24h"])
    assert ours == {"visit:42:reminder:24h"}
    async with session_factory() as session, session.begin():
        ours = await ledger.claim_many(
            session=session, keys=["visit:42:reminder:24h", "visit:42:reminder:1h"]
        )
    assert ours == {"visit:42:reminder:1h"}
    async with session_factory() as session:
        taken = await ledger.claimed_among(
            session=session, keys=["visit:42:reminder:1h", "visit:43:reminder:1h"]
        )
    assert taken == {"visit:42:reminder:1h"}


async def test_a_sent_claim_is_never_released(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        await ledger.claim_many(session=session, keys=["a", "b"])
        await ledger.mark_many_sent(session=session, keys=["a"])
        await ledger.release_many(session=session, keys=["a", "b"])
    async with session_factory() as session, session.begin():
        # "b" failed before anything went out and may be retried; "a" went out and may not.
        assert await ledger.claim_many(session=session, keys=["a", "b"]) == {"b"}
