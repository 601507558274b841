"""The outbox delivers each row once, honours flood control, marks blockers, survives a crash."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme.broadcasts import Draft, cancel, confirm
from scheduler.broadcasts import remind_unacknowledged
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.notifier import Action, Notice, Recipient, SendResult, SendStatus
from scheduler.outbox import Outbox, OutboxConfig
from storage.enums import BroadcastStatus, DeliveryStatus, Language, Reachability, Role
from storage.models import BroadcastDelivery, Person, utcnow
from storage.repositories import broadcasts as repo
from tests.scheduler.outbox_fixtures import TODAY, make_programme
from tests.storage.factories import make_person

FAST = OutboxConfig(rate=1000, per_chat_interval=0, flush_interval=0.01, backoff=0.01)


async def _broadcast(
    session_factory: async_sessionmaker[AsyncSession], audience: repo.Audience, **kw: object
) -> int:
    draft = Draft("停电检修通知", audience, **kw)  # type: ignore[arg-type]
    broadcast, _ = await confirm(session_factory, draft, today=TODAY)
    assert broadcast.id
    return broadcast.id


async def _broadcast_to_many(session_factory: async_sessionmaker[AsyncSession], count: int) -> int:
    """``count`` managers with a chat, and a broadcast to everyone."""
    async with session_factory() as session, session.begin():
        for n in range(count):
            await make_person(session, Role.manager, chat_id=600_000_000 + n)
    return await _broadcast(session_factory, repo.Audience())


def _tripwire(notifier: CollectingNotifier, after: int) -> asyncio.Event:
    """An event set once ``after`` notices have been sent (every send succeeds)."""
    reached = asyncio.Event()

    def outcome(recipient: Recipient, notice: Notice) -> SendResult:
        if len(notifier.sent) >= after:
            reached.set()
        return SendResult(SendStatus.sent, message_id=len(notifier.sent))

    notifier.outcome = outcome
    return reached


async def _progress(session_factory: async_sessionmaker[AsyncSession], bid: int) -> repo.Progress:
    async with session_factory() as session:
        return await repo.progress(session=session, broadcast_id=bid)


async def test_everyone_in_the_audience_gets_the_message_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    bid = await _broadcast(session_factory, repo.Audience())
    notifier = CollectingNotifier()
    await Outbox(session_factory, notifier, config=FAST).run(until_idle=True)
    got = Counter(r.person_id for r, _ in notifier.sent)
    assert set(got) == programme.people("bureau", "M1", "M2", "m1", "m2", "m3")
    assert set(got.values()) == {1}
    assert {n.values["text"] for _, n in notifier.sent} == {"停电检修通知"}
    assert {r.lang for r, _ in notifier.sent if r.person_id == programme.ids["m2"]} == {"en"}
    done = await _progress(session_factory, bid)
    assert (done.status, done.sent, done.pending, done.failed) == (BroadcastStatus.done, 6, 0, 0)


async def test_retry_after_pauses_the_whole_outbox_and_loses_nobody(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await make_programme(session_factory)
    bid = await _broadcast(session_factory, repo.Audience())
    times: list[float] = []
    answered_429 = False

    def outcome(recipient: Recipient, notice: Notice) -> SendResult:
        nonlocal answered_429
        times.append(time.monotonic())
        if not answered_429:
            answered_429 = True
            return SendResult(SendStatus.retry_after, retry_after=0.3)
        return SendResult(SendStatus.sent, message_id=1)

    notifier = CollectingNotifier(outcome=outcome)
    outbox = Outbox(session_factory, notifier, config=FAST)
    await outbox.run(until_idle=True)
    assert outbox.retry_after_answers == 1
    # Nothing at all went out during the pause, to anyone.
    assert times[1] - times[0] >= 0.29
    done = await _progress(session_factory, bid)
    assert (done.sent, done.failed) == (6, 0)
    assert len(notifier.sent) == 7


async def test_a_person_who_blocked_the_bot_is_marked_and_not_retried(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    bid = await _broadcast(session_factory, repo.Audience(roles=(Role.manager,)))
    m3 = programme.ids["m3"]

    def outcome(recipient: Recipient, notice: Notice) -> SendResult:
        if recipient.person_id == m3:
            return SendResult(SendStatus.blocked, error="Forbidden: bot was blocked by the user")
        return SendResult(SendStatus.sent, message_id=7)

    notifier = CollectingNotifier(outcome=outcome)
    await Outbox(session_factory, notifier, config=FAST).run(until_idle=True)
    assert notifier.keys(m3) == ["broadcast.message"]
    done = await _progress(session_factory, bid)
    assert (done.sent, done.blocked) == (2, 1)
    async with session_factory() as session:
        person = await session.get(Person, m3)
        assert person is not None and person.reachability is Reachability.blocked
    # The next broadcast no longer counts them.
    async with session_factory() as session:
        count = await repo.count_audience(
            session=session, audience=repo.Audience(roles=(Role.manager,)), today=TODAY
        )
    assert count == 2


async def test_network_errors_are_retried_with_backoff_then_given_up(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    bid = await _broadcast(session_factory, repo.Audience(roles=(Role.manager,)))
    flaky, dead = programme.ids["m1"], programme.ids["m2"]
    calls: Counter[int] = Counter()

    def outcome(recipient: Recipient, notice: Notice) -> SendResult:
        calls[recipient.person_id] += 1
        if recipient.person_id == dead or (recipient.person_id == flaky and calls[flaky] < 3):
            return SendResult(SendStatus.failed, retryable=True, error="timed out")
        return SendResult(SendStatus.sent, message_id=1)

    config = OutboxConfig(
        rate=1000, per_chat_interval=0, flush_interval=0.01, backoff=0.01, max_attempts=4
    )
    await Outbox(session_factory, CollectingNotifier(outcome=outcome), config=config).run(
        until_idle=True
    )
    assert calls[flaky] == 3 and calls[dead] == 4
    async with session_factory() as session:
        rows = {d.person_id: d for _, d in await repo.recipients(session=session, broadcast_id=bid)}
    assert (rows[flaky].status, rows[flaky].attempts) == (DeliveryStatus.sent, 3)
    assert (rows[dead].status, rows[dead].last_error) == (DeliveryStatus.failed, "timed out")


async def test_after_a_crash_only_the_messages_in_flight_repeat(
    session_factory: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path
) -> None:
    bid = await _broadcast_to_many(session_factory, 200)
    log = tmp_path / "sent.txt"
    log.touch()
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduler.crash_worker", database_url, str(log), "200"
    )
    deadline = time.monotonic() + 30
    # Another process writes the file: polling it is the only way to watch.
    while len(log.read_text().split()) < 60 and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    worker.kill()  # SIGKILL: no flush, no release, locks die with the process
    await worker.wait()
    before = Counter(log.read_text().split())
    assert 60 <= sum(before.values()) < 200
    in_flight = (await _progress(session_factory, bid)).sending

    clock = ManualClock(utcnow() + timedelta(minutes=3))  # past the lease
    notifier = CollectingNotifier()
    await Outbox(session_factory, notifier, config=FAST, clock=clock).run(until_idle=True)
    after = Counter(r.person_id for r, _ in notifier.sent)
    total = before + Counter(str(p) for p in after.elements())
    assert len(total) == 200  # everyone got it
    repeated = sum(total.values()) - 200
    assert repeated <= in_flight <= 10 + 200 * 0.05 * 2  # in flight plus unrecorded sends
    assert (await _progress(session_factory, bid)).sent == 200


async def test_cancel_stops_a_broadcast_midway(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    bid = await _broadcast_to_many(session_factory, 40)
    notifier = CollectingNotifier()
    config = OutboxConfig(rate=100, per_chat_interval=0, max_in_flight=10, flush_interval=0.02)
    stop = asyncio.Event()
    worker = asyncio.create_task(Outbox(session_factory, notifier, config=config).run(stop))
    await _tripwire(notifier, 5).wait()
    assert await cancel(session_factory, bid)
    await asyncio.sleep(0.3)
    sent_after_cancel = len(notifier.sent)
    await asyncio.sleep(0.2)
    stop.set()
    await worker
    assert len(notifier.sent) == sent_after_cancel < 40
    final = await _progress(session_factory, bid)
    assert final.status is BroadcastStatus.cancelled
    assert final.sent == len(notifier.sent) and final.sending == 0
    assert not await cancel(session_factory, bid)


async def test_a_scheduled_broadcast_waits_for_its_time(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await make_programme(session_factory)
    clock = ManualClock(datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    _, count = await confirm(
        session_factory,
        Draft(
            "明早培训",
            repo.Audience(roles=(Role.manager,)),
            scheduled_at=clock.now() + timedelta(hours=1),
        ),
        today=TODAY,
        now=clock.now(),
    )
    assert count == 3
    notifier = CollectingNotifier()
    await Outbox(session_factory, notifier, config=FAST, clock=clock).run(until_idle=True)
    assert notifier.sent == []
    clock.advance(timedelta(hours=1))
    await Outbox(session_factory, notifier, config=FAST, clock=clock).run(until_idle=True)
    assert len(notifier.sent) == 3


async def test_non_acknowledgers_are_reminded_once_after_the_delay(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    clock = ManualClock(datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    bid = await _broadcast(session_factory, repo.Audience(roles=(Role.manager,)), require_ack=True)
    notifier = CollectingNotifier()
    await Outbox(session_factory, notifier, config=FAST, clock=clock).run(until_idle=True)
    assert {(n.buttons[0].action, n.buttons[0].ref) for _, n in notifier.sent} == {
        (Action.acknowledge_broadcast, bid)
    }
    async with session_factory() as session, session.begin():
        assert await repo.acknowledge(
            session=session, broadcast_id=bid, person_id=programme.ids["m1"]
        )
        assert not await repo.acknowledge(
            session=session, broadcast_id=bid, person_id=programme.ids["m1"]
        )
        assert not await repo.acknowledge(
            session=session, broadcast_id=bid, person_id=programme.ids["M1"]
        )
    notifier.clear()
    delay = timedelta(hours=4)
    assert await remind_unacknowledged(session_factory, notifier, delay=delay, now=clock.now()) == 0
    later = clock.now() + timedelta(hours=5)
    assert await remind_unacknowledged(session_factory, notifier, delay=delay, now=later) == 2
    assert {r.person_id for r, _ in notifier.sent} == programme.people("m2", "m3")
    assert set(notifier.keys()) == {"broadcast.ack_reminder"}
    assert await remind_unacknowledged(session_factory, notifier, delay=delay, now=later) == 0
    assert (await _progress(session_factory, bid)).acknowledged == 1


async def test_two_workers_on_postgresql_never_send_twice(
    postgres_engine: object,
) -> None:
    from storage.db import make_session_factory

    factory = make_session_factory(postgres_engine)  # type: ignore[arg-type]
    bid = await _broadcast_to_many(factory, 300)
    notifier = CollectingNotifier()
    config = OutboxConfig(rate=5000, per_chat_interval=0, max_in_flight=20, flush_interval=0.01)
    one, two = Outbox(factory, notifier, config=config), Outbox(factory, notifier, config=config)
    await asyncio.gather(one.run(until_idle=True), two.run(until_idle=True))
    got = Counter(r.person_id for r, _ in notifier.sent)
    assert len(got) == 300 and set(got.values()) == {1}
    assert one.sent + two.sent == 300  # how they split the work varies from run to run
    async with factory() as session:
        statuses = set(
            (
                await session.execute(
                    select(BroadcastDelivery.status).where(BroadcastDelivery.broadcast_id == bid)
                )
            ).scalars()
        )
    assert statuses == {DeliveryStatus.sent}


async def test_running_until_idle_does_not_stop_while_rows_are_left(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Regression: a loop turn too busy to claim, whose sends all finished during the flush that
    followed, once looked idle and stopped with most of the broadcast still pending."""
    bid = await _broadcast_to_many(session_factory, 300)

    class Slow(CollectingNotifier):
        async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
            await asyncio.sleep(0.002)
            return await super().send(recipient, notice)

    config = OutboxConfig(rate=5000, per_chat_interval=0, max_in_flight=20, flush_interval=0)
    await Outbox(session_factory, Slow(), config=config).run(until_idle=True)
    assert (await _progress(session_factory, bid)).sent == 300


async def test_unfinished_broadcasts_are_listed_with_their_creators_chat(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        admin = await make_person(session, Role.bureau, chat_id=700, language=Language.en)
        no_chat = await make_person(session, Role.bureau)
        await make_person(session, Role.manager, chat_id=701)
    later = utcnow() + timedelta(days=1)
    scheduled = await _broadcast(session_factory, repo.Audience(), scheduled_at=later)
    async with session_factory() as session, session.begin():
        for creator in (admin.id, no_chat.id):
            await repo.create_broadcast(
                session=session, text="t", audience=repo.Audience(), today=TODAY, created_by=creator
            )
    async with session_factory() as session:
        (sending,) = await repo.unfinished_with_creator(session=session)
    assert (sending.chat_id, sending.lang) == (700, "en"), "no creator or no chat: not listed"
    async with session_factory() as session, session.begin():
        broadcast = await repo.get_broadcast(session=session, broadcast_id=scheduled)
        broadcast.created_by = admin.id
    async with session_factory() as session:
        watched = await repo.unfinished_with_creator(session=session)
    assert [(w.chat_id, w.lang) for w in watched] == [(700, "en"), (700, "en")]
    await Outbox(session_factory, CollectingNotifier(), config=FAST).run(until_idle=True)
    async with session_factory() as session:
        (left,) = await repo.unfinished_with_creator(session=session)
    assert left.broadcast_id == scheduled, "the one sent now is finished; the scheduled one waits"


async def test_no_more_than_max_sending_sends_wait_for_an_answer_at_once(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    bid = await _broadcast_to_many(sqlite_session_factory, 40)
    waiting = 0
    most = 0

    class SlowNotifier(CollectingNotifier):
        async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
            nonlocal waiting, most
            waiting += 1
            most = max(most, waiting)
            await asyncio.sleep(0.01)  # a Bot API round trip
            waiting -= 1
            return await super().send(recipient, notice)

    notifier = SlowNotifier()
    config = OutboxConfig(rate=10_000, per_chat_interval=0, flush_interval=0.01, max_sending=3)
    await Outbox(sqlite_session_factory, notifier, config=config).run(until_idle=True)
    assert most == 3
    assert len(notifier.sent) == 40 and (await _progress(sqlite_session_factory, bid)).sent == 40
