"""Two bot processes on one PostgreSQL database send each reminder once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from programme.visits import propose_visit
from scheduler.collecting import CollectingNotifier
from scheduler.daily import run_daily
from scheduler.service import ReminderService
from scheduler.visit_reminders import send_visit_reminder
from storage.db import make_session_factory
from tests.scheduler.conftest import local, make_world
from tests.storage.factories import make_item


async def test_two_schedulers_on_one_postgres_database_send_each_notice_once(
    postgres_engine, clock
):
    factory_a = make_session_factory(postgres_engine)
    factory_b = make_session_factory(postgres_engine)
    world = await make_world(factory_a)
    async with factory_a() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
        visit = await propose_visit(
            session=session,
            pairing_id=world.pairing.id,
            mentor_id=world.mentor.id,
            starts_at=local(2025, 6, 3, 14, 0),
            now=clock.now(),
        )
    notifier_a, notifier_b = CollectingNotifier(), CollectingNotifier()
    a = ReminderService(factory_a, notifier_a, clock=clock)
    b = ReminderService(factory_b, notifier_b, clock=clock)
    await a.start(run_scheduler=False)
    await b.start(run_scheduler=False)
    clock.set(local(2025, 6, 2, 14, 0))
    day = timedelta(hours=24)
    for _ in range(3):
        await asyncio.gather(
            run_daily(a.runtime),
            run_daily(b.runtime),
            *(
                send_visit_reminder(
                    s.runtime,
                    visit_id=visit.id,
                    lead=day,
                    armed_for=visit.starts_at,
                )
                for s in (a, b)
            ),
        )
    sent = notifier_a.sent + notifier_b.sent
    keys = [(r.person_id, n.key) for r, n in sent]
    assert sorted(keys) == sorted(
        [
            (world.manager.id, "visits.digest"),
            (world.manager.id, "visits.reminder"),
            (world.mentor.id, "visits.reminder"),
            (world.bureau.id, "visits.weekly_summary"),
        ]
    )
    await a.shutdown()
    await b.shutdown()
