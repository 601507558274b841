"""Visit reminders: right local times, once, catch-up after downtime, reschedule and cancel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme.visits import cancel_visit, propose_visit, reschedule_visit
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.service import ReminderService
from scheduler.visit_reminders import send_visit_reminder, visit_reminder_job
from storage.models import Visit
from tests.scheduler.conftest import SHANGHAI, World, local


async def book(factory: async_sessionmaker[AsyncSession], world: World, when, now) -> Visit:
    async with factory() as session, session.begin():
        return await propose_visit(
            session=session,
            pairing_id=world.pairing.id,
            mentor_id=world.mentor.id,
            starts_at=when,
            now=now,
        )


async def run_due_jobs(service: ReminderService, clock: ManualClock, visit_id: int) -> None:
    """Run the visit's jobs whose time has come, as APScheduler would (the real job function)."""
    for job in service.scheduler.get_jobs():
        if job.id.startswith(f"visit:{visit_id}:") and job.trigger.run_date <= clock.now():
            job.remove()
            await visit_reminder_job(*job.args)


async def test_reminders_are_armed_24h_and_1h_before_in_shanghai_time(
    sqlite_session_factory, world, service, clock
):
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    await service.start(run_scheduler=False)
    assert service.jobs_of(visit.id) == [(f"visit:{visit.id}:24h", local(2025, 6, 3, 14, 30))]
    clock.set(local(2025, 6, 3, 14, 30))
    await run_due_jobs(service, clock, visit.id)  # the 24 h job arms the 1 h one
    assert service.jobs_of(visit.id) == [(f"visit:{visit.id}:1h", local(2025, 6, 4, 13, 30))]


async def test_reminder_reaches_mentor_and_manager_once_with_address_and_open_items(
    sqlite_session_factory, world, service, clock, notifier: CollectingNotifier
):
    from tests.storage.factories import make_item

    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, finding="危废间无标识")
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    await service.start(run_scheduler=False)
    clock.set(local(2025, 6, 3, 14, 30))
    await run_due_jobs(service, clock, visit.id)
    assert sorted(r.person_id for r, _ in notifier.sent) == sorted(
        [world.mentor.id, world.manager.id]
    )
    notice = notifier.sent[0][1]
    assert notice.key == "visits.reminder"
    assert notice.values["address"] == "东港镇工业路8号"
    assert "危废间无标识" in str(notice.values["items"])
    assert notice.values["when"] == "2025-06-04 14:30"
    # A restart mid-day re-arms from the rows and sends nothing again.
    await service.shutdown()
    again = ReminderService(sqlite_session_factory, notifier, clock=clock)
    await again.start(run_scheduler=False)
    notifier.clear()
    await run_due_jobs(again, clock, visit.id)
    assert notifier.sent == []
    await again.shutdown()


async def test_after_downtime_a_missed_24h_reminder_is_sent_late_once(
    sqlite_session_factory, world, service, clock, notifier
):
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    clock.set(local(2025, 6, 4, 11, 30))  # the bot was down; the visit is 3 h away
    await service.start(run_scheduler=False)
    # The 24 h reminder now (late); once sent, the 1 h one is armed at its time.
    assert service.jobs_of(visit.id) == [(f"visit:{visit.id}:24h", clock.now())]
    await run_due_jobs(service, clock, visit.id)
    assert notifier.keys() == ["visits.reminder_late", "visits.reminder_late"]
    assert service.jobs_of(visit.id) == [(f"visit:{visit.id}:1h", local(2025, 6, 4, 13, 30))]
    await run_due_jobs(service, clock, visit.id)
    assert len(notifier.sent) == 2


async def test_past_visits_are_not_reminded(sqlite_session_factory, world, service, clock):
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    clock.set(local(2025, 6, 4, 16, 0))
    await service.start(run_scheduler=False)
    assert service.jobs_of(visit.id) == []


async def test_reschedule_moves_reminders_and_reminds_again(
    sqlite_session_factory, world, service, clock, notifier
):
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    await service.start(run_scheduler=False)
    clock.set(local(2025, 6, 3, 14, 30))
    await run_due_jobs(service, clock, visit.id)
    assert len(notifier.sent) == 2
    async with sqlite_session_factory() as session, session.begin():
        moved = await reschedule_visit(
            session=session,
            visit_id=visit.id,
            starts_at=local(2025, 6, 6, 9, 0),
            reason="设备检修",
            actor_id=visit.mentor_id,
            now=clock.now(),
        )
    service.arm_visit(moved.id, moved.starts_at, moved.status)
    assert service.jobs_of(visit.id) == [(f"visit:{visit.id}:24h", local(2025, 6, 5, 9, 0))]
    clock.set(local(2025, 6, 5, 9, 0))
    notifier.clear()
    await run_due_jobs(service, clock, visit.id)
    assert len(notifier.sent) == 2
    assert notifier.sent[0][1].values["when"] == "2025-06-06 09:00"


async def test_cancel_removes_reminders_and_a_stale_job_sends_nothing(
    sqlite_session_factory, world, service, clock, notifier
):
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    await service.start(run_scheduler=False)
    async with sqlite_session_factory() as session, session.begin():
        cancelled = await cancel_visit(
            session=session, visit_id=visit.id, reason="停产", now=clock.now()
        )
    service.arm_visit(cancelled.id, cancelled.starts_at, cancelled.status)
    assert service.jobs_of(visit.id) == []
    clock.set(local(2025, 6, 3, 14, 30))
    sent = await send_visit_reminder(
        service.runtime, visit_id=visit.id, lead=timedelta(hours=24), armed_for=visit.starts_at
    )
    assert sent == [] and notifier.sent == []


async def test_sync_job_picks_up_a_visit_booked_by_another_process(
    sqlite_session_factory, world, service, clock
):
    await service.start(run_scheduler=False)
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    assert service.jobs_of(visit.id) == []
    await service.sync_job()
    assert len(service.jobs_of(visit.id)) == 1


async def test_quiet_hours_defer_a_reminder_to_their_end(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        manager = await session.get(type(world.manager), world.manager.id)
        manager.preferences = {"quiet_hours": "22:00-07:00"}
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 23, 30), clock.now())
    await service.start(run_scheduler=False)
    clock.set(local(2025, 6, 3, 23, 30))
    await run_due_jobs(service, clock, visit.id)
    # Default quiet hours for both: nobody is woken; each gets a job at 07:00 instead.
    assert notifier.sent == []
    deferred = [
        (job.id, job.trigger.run_date.astimezone(SHANGHAI))
        for job in service.scheduler.get_jobs()
        if ":p" in job.id
    ]
    assert sorted(deferred) == sorted(
        [
            (f"visit:{visit.id}:24h:p{world.manager.id}", local(2025, 6, 4, 7, 0)),
            (f"visit:{visit.id}:24h:p{world.mentor.id}", local(2025, 6, 4, 7, 0)),
        ]
    )


async def test_people_who_turned_visit_reminders_off_get_none(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        mentor = await session.get(type(world.mentor), world.mentor.id)
        mentor.preferences = {"visit_reminders": False}
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 14, 30), clock.now())
    await service.start(run_scheduler=False)
    clock.set(local(2025, 6, 3, 14, 30))
    await run_due_jobs(service, clock, visit.id)
    assert [r.person_id for r, _ in notifier.sent] == [world.manager.id]


async def test_a_visit_booked_inside_a_lead_gets_no_late_reminder_for_it_but_the_next_one(
    sqlite_session_factory, world, service, clock, notifier: CollectingNotifier
):
    # Booked at 09:00 for 15:00 the same day: the 24-hour lead was never due.
    clock.set(local(2025, 6, 4, 9, 0))
    visit = await book(sqlite_session_factory, world, local(2025, 6, 4, 15, 0), clock.now())
    await service.start(run_scheduler=False)
    await run_due_jobs(service, clock, visit.id)
    assert notifier.sent == []
    clock.set(local(2025, 6, 4, 14, 0))
    await run_due_jobs(service, clock, visit.id)
    assert sorted(r.person_id for r, _ in notifier.sent) == sorted(
        [world.mentor.id, world.manager.id]
    )
