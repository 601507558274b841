"""The notification ledger lets each key be claimed once, ever."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import ledger


async def test_a_duplicate_key_is_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        assert await ledger.claim(session=session, key="visit:42:reminder:24h")
    async with session_factory() as session, session.begin():
        assert not await ledger.claim(session=session, key="visit:42:reminder:24h")
        # The refused claim leaves the transaction usable for the next key.
        assert await ledger.claim(session=session, key="visit:42:reminder:1h")
    async with session_factory() as session:
        assert await ledger.is_claimed(session=session, key="visit:42:reminder:1h")


async def test_a_sent_claim_cannot_be_released(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        await ledger.claim(session=session, key="a")
        await ledger.claim(session=session, key="b")
        assert await ledger.mark_sent(session=session, key="a")
        assert not await ledger.release(session=session, key="a")
        assert await ledger.release(session=session, key="b")
    async with session_factory() as session, session.begin():
        assert not await ledger.claim(session=session, key="a")
        assert await ledger.claim(session=session, key="b")
