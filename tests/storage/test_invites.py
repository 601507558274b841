"""Invites: stored hashed, single use, expiring, and a lockout after five wrong codes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import Reachability, Role
from storage.errors import InviteInvalid, InviteLocked
from storage.models import Invite, InviteAttempt
from storage.repositories import invites, people
from storage.repositories.invites import Redemption
from tests.storage.factories import make_small_hand

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
USER = 5_550_001


async def test_redeeming_binds_the_account_once_and_only_the_hash_is_stored(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        shop = await make_small_hand(session)
        _, code = await invites.create_invite(
            session=session, role=Role.manager, enterprise_id=shop.id, now=NOW
        )
    async with session_factory() as session, session.begin():
        stored = (await session.execute(select(Invite))).scalar_one()
        assert code not in stored.code_hash and stored.code_hash == invites.hash_code(code)
        result = await invites.redeem_invite(
            session=session, code=code, telegram_user_id=USER, name="张经理", now=NOW
        )
    assert result.ok and result.person is not None
    async with session_factory() as session, session.begin():
        person = await people.find_by_telegram_id(session=session, telegram_user_id=USER)
        assert person is not None
        assert (person.role, person.enterprise_id, person.name) == (Role.manager, shop.id, "张经理")
        assert person.reachability is Reachability.reachable
        again = await invites.redeem_invite(
            session=session, code=code, telegram_user_id=USER + 1, now=NOW
        )
    assert isinstance(again.error, InviteInvalid)


async def test_an_expired_invite_is_refused(session: AsyncSession) -> None:
    _, code = await invites.create_invite(session=session, role=Role.bureau, now=NOW)
    late = await invites.redeem_invite(
        session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(days=7, seconds=1)
    )
    assert isinstance(late.error, InviteInvalid)
    in_time = await invites.redeem_invite(
        session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(days=6, hours=23)
    )
    assert in_time.ok


async def test_five_wrong_codes_in_an_hour_lock_the_account_for_an_hour(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        _, code = await invites.create_invite(session=session, role=Role.bureau, now=NOW)
    for minute in range(0, 50, 10):  # five failures, at :00 … :40, each in its own unit of work
        async with session_factory() as session, session.begin():
            bad = await invites.redeem_invite(
                session=session,
                code="wrong",
                telegram_user_id=USER,
                now=NOW + timedelta(minutes=minute),
            )
            assert isinstance(bad.error, InviteInvalid)
    async with session_factory() as session, session.begin():
        locked = await invites.redeem_invite(
            session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(minutes=99)
        )
        assert isinstance(locked.error, InviteLocked)
        assert locked.error.until == NOW + timedelta(minutes=100)
        # Other accounts are not affected.
        assert await invites.locked_until(session=session, telegram_user_id=USER + 1) is None
    async with session_factory() as session, session.begin():
        unlocked = await invites.redeem_invite(
            session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(minutes=100)
        )
    assert unlocked.ok


async def test_four_wrong_codes_or_slow_guessing_do_not_lock(session: AsyncSession) -> None:
    _, code = await invites.create_invite(session=session, role=Role.bureau, now=NOW)
    for minute in (0, 20, 40, 60, 80):  # five failures, but never five within one hour
        await invites.redeem_invite(
            session=session, code="nope", telegram_user_id=USER, now=NOW + timedelta(minutes=minute)
        )
    ok = await invites.redeem_invite(
        session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(minutes=81)
    )
    assert ok.ok


async def test_concurrent_wrong_guesses_from_one_account_stop_at_the_lockout(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        _, code = await invites.create_invite(session=session, role=Role.bureau, now=NOW)

    async def guess(n: int) -> Redemption:
        async with session_factory() as session, session.begin():
            return await invites.redeem_invite(
                session=session, code=f"guess-{n}", telegram_user_id=USER, now=NOW
            )

    results = await asyncio.gather(*(guess(n) for n in range(12)))
    evaluated = [r for r in results if isinstance(r.error, InviteInvalid)]
    locked = [r for r in results if isinstance(r.error, InviteLocked)]
    assert (len(evaluated), len(locked)) == (invites.MAX_FAILURES, 12 - invites.MAX_FAILURES)
    async with session_factory() as session:
        recorded = await session.scalar(select(func.count()).select_from(InviteAttempt))
        assert recorded == invites.MAX_FAILURES
        right = await invites.redeem_invite(
            session=session, code=code, telegram_user_id=USER, now=NOW + timedelta(minutes=1)
        )
        assert isinstance(right.error, InviteLocked), "even the right code waits out the lock"


async def test_wrong_guesses_from_many_accounts_hit_the_global_limit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    limit = invites.GuessLimit(failures=6, window=timedelta(minutes=10))
    async with session_factory() as session, session.begin():
        _, code = await invites.create_invite(session=session, role=Role.bureau, now=NOW)

    async def guess(account: int) -> Redemption:
        async with session_factory() as session, session.begin():
            return await invites.redeem_invite(
                session=session,
                code="wrong",
                telegram_user_id=USER + account,
                now=NOW,
                global_limit=limit,
            )

    results = await asyncio.gather(*(guess(a) for a in range(1, 11)))  # one guess per account
    assert sum(isinstance(r.error, InviteInvalid) for r in results) == limit.failures
    refused = [r.error for r in results if isinstance(r.error, InviteLocked)]
    assert len(refused) == 10 - limit.failures
    assert all(e.until == NOW + limit.window for e in refused)

    async def redeem(at: datetime) -> Redemption:
        async with session_factory() as session, session.begin():
            return await invites.redeem_invite(
                session=session, code=code, telegram_user_id=USER, now=at, global_limit=limit
            )

    assert isinstance((await redeem(NOW + timedelta(minutes=5))).error, InviteLocked)
    assert (await redeem(NOW + limit.window)).ok, "the window passes, onboarding opens again"
