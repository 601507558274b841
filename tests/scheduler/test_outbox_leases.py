"""Leases: a killed sender holds back only a few seconds' worth of rows, and only for the lease; a
live one keeps its rows however long its sends take; `orphaned` tells the two apart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme.broadcasts import Draft, confirm
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.notifier import Notice, Recipient, SendResult
from scheduler.outbox import Outbox, OutboxConfig, orphaned
from storage.enums import Role
from storage.models import utcnow
from storage.repositories import broadcasts as repo
from tests.scheduler.outbox_fixtures import TODAY
from tests.storage.factories import make_person

FAST = OutboxConfig(rate=1000, per_chat_interval=0, flush_interval=0.01, backoff=0.01)


class GatedNotifier(CollectingNotifier):
    """Every send waits for ``gate`` (a Bot API that has not answered yet)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        result = await super().send(recipient, notice)
        await self.gate.wait()
        return result


async def _broadcast_to(session_factory: async_sessionmaker[AsyncSession], count: int) -> int:
    async with session_factory() as session, session.begin():
        for n in range(count):
            await make_person(session, Role.manager, chat_id=700_000_000 + n)
    broadcast, _ = await confirm(session_factory, Draft("停水通知", repo.Audience()), today=TODAY)
    assert broadcast.id is not None
    return broadcast.id


async def _until(condition: object, what: str) -> None:
    """Wait (bounded) for a condition another task brings about."""
    for _ in range(1000):
        if callable(condition) and await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_a_killed_sender_holds_a_few_seconds_of_rows_and_only_for_the_lease(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    bid = await _broadcast_to(session_factory, 40)
    hanging = GatedNotifier()
    paced = OutboxConfig(rate=5, per_chat_interval=0, flush_interval=0.01)
    worker = asyncio.create_task(Outbox(session_factory, hanging, config=paced).run())

    async def started() -> bool:
        return bool(hanging.sent)

    await _until(started, "a first send")
    worker.cancel()  # killed: nothing recorded, nothing released
    await asyncio.gather(worker, return_exceptions=True)

    async with session_factory() as session:
        held = (await repo.progress(session=session, broadcast_id=bid)).sending
        assert await orphaned(session, bid, lease=paced.lease, now=utcnow()) is False
        later = utcnow() + timedelta(seconds=30)
        assert await orphaned(session, bid, lease=paced.lease, now=later) is True
    assert 0 < held <= 10  # two seconds at 5 a second, not the whole broadcast

    # Half a minute later another sender (``broadcast resume``) finishes the broadcast.
    resumed = CollectingNotifier()
    await Outbox(session_factory, resumed, config=FAST, clock=ManualClock(later)).run(
        until_idle=True
    )
    async with session_factory() as session:
        final = await repo.progress(session=session, broadcast_id=bid)
    assert (final.sent, final.pending, final.sending) == (40, 0, 0)
    assert len({r.person_id for r, _ in [*hanging.sent, *resumed.sent]}) == 40


async def test_a_live_sender_keeps_its_rows_through_a_long_wait(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    bid = await _broadcast_to(session_factory, 5)
    clock = ManualClock(utcnow())
    slow = GatedNotifier()
    config = OutboxConfig(rate=1000, per_chat_interval=0, flush_interval=0.01, heartbeat=0.02)
    stop = asyncio.Event()
    worker = asyncio.create_task(
        Outbox(session_factory, slow, config=config, clock=clock).run(stop)
    )

    async def all_on_the_wire() -> bool:
        return len(slow.sent) == 5

    await _until(all_on_the_wire, "five sends waiting for their answer")
    clock.advance(timedelta(minutes=3))  # far past any lease

    async def renewed() -> bool:
        async with session_factory() as session:
            last = await repo.last_heartbeat(session=session)
        return last is not None and last >= clock.now()

    await _until(renewed, "the lease renewed")
    async with session_factory() as session:
        assert await orphaned(session, bid, lease=config.lease, now=clock.now()) is False

    second = CollectingNotifier()
    await Outbox(session_factory, second, config=FAST, clock=clock).run(until_idle=True)
    assert second.sent == []  # nothing taken from the live sender

    slow.gate.set()
    stop.set()
    await worker
    async with session_factory() as session:
        assert (await repo.progress(session=session, broadcast_id=bid)).sent == 5
    assert len(slow.sent) == 5
