"""The escalation ladder of unacknowledged help requests, on a controllable clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme import help_requests as help
from programme.actors import Actor
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.config import ReminderConfig
from scheduler.help_escalation import (
    add_working_days,
    run_help_escalation,
)
from scheduler.notifier import Action
from scheduler.service import ReminderService
from storage.enums import HelpEventKind, Role
from storage.models import HelpRequestEvent, Person
from storage.repositories import pairings
from tests.scheduler.conftest import SHANGHAI, World, local
from tests.storage.factories import make_person


async def _second_mentor(factory: async_sessionmaker[AsyncSession], world: World) -> Person:
    """The world's mentor is assigned to the pairing; a colleague of the same big hand is not."""
    async with factory() as session, session.begin():
        assert world.pairing.id is not None and world.mentor.id is not None
        await pairings.assign_mentor(
            session=session, pairing_id=world.pairing.id, person_id=world.mentor.id
        )
        return await make_person(
            session, Role.mentor, enterprise_id=world.pairing.big_hand_id, chat_id=204
        )


async def _ask(
    factory: async_sessionmaker[AsyncSession], world: World, clock: ManualClock, *, urgent: bool
) -> int:
    manager = Actor(
        person_id=world.manager.id, role=Role.manager, enterprise_id=world.small_hand.id
    )
    async with factory() as session, session.begin():
        submitted = await help.submit_request(
            session=session,
            actor=manager,
            text="废水处理设施故障，出水发黑",
            photo_file_ids=["PHOTO-1"],
            urgent=urgent,
            now=clock.now(),
        )
    assert [m.id for m in submitted.mentors] == [world.mentor.id], "the assigned mentor, at once"
    assert submitted.request.id is not None
    return submitted.request.id


def _told(notifier: CollectingNotifier) -> list[tuple[int, str]]:
    return [(r.person_id, n.key) for r, n in notifier.sent]


async def test_urgent_request_climbs_to_other_mentors_then_bureau_once_across_a_restart(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    clock: ManualClock,
    notifier: CollectingNotifier,
    service: ReminderService,
) -> None:
    colleague = await _second_mentor(sqlite_session_factory, world)
    request_id = await _ask(sqlite_session_factory, world, clock, urgent=True)
    runtime = service.runtime

    clock.advance(timedelta(minutes=29))
    await run_help_escalation(runtime)
    assert notifier.sent == [], "within 30 minutes nobody else is bothered"

    clock.advance(timedelta(minutes=1))
    await run_help_escalation(runtime)
    assert _told(notifier) == [(colleague.id, "requests.escalated_mentor")]
    notice = notifier.sent[0][1]
    assert notice.values["enterprise"] == world.small_hand.name
    assert notice.photo_file_id == "PHOTO-1"
    assert {(b.action, b.ref) for b in notice.buttons} == {
        (Action.open_help_request, request_id),
        (Action.acknowledge_help_request, request_id),
    }
    await run_help_escalation(runtime)
    assert len(notifier.sent) == 1, "a step is sent once"

    clock.advance(timedelta(minutes=30))
    await run_help_escalation(runtime)
    assert _told(notifier)[1:] == [(world.bureau.id, "requests.escalated_bureau")]
    assert world.mentor.id not in [r.person_id for r, _ in notifier.sent], (
        "the mentor told at first is not told again"
    )

    # A restart: a new scheduler on the same database, later still, sends nothing again.
    await service.shutdown()
    clock.advance(timedelta(hours=5))
    restarted = ReminderService(sqlite_session_factory, notifier, clock=clock)
    await restarted.start(run_scheduler=False)
    try:
        assert restarted.scheduler.get_job("help-escalation") is not None
        await run_help_escalation(restarted.runtime)
    finally:
        await restarted.shutdown()
    assert len(notifier.sent) == 2

    async with sqlite_session_factory() as session:
        events = (
            (await session.execute(select(HelpRequestEvent).order_by(HelpRequestEvent.id)))
            .scalars()
            .all()
        )
    assert [(e.kind, e.note) for e in events] == [
        (HelpEventKind.created, ""),
        (HelpEventKind.escalated, "step 1: 1"),
        (HelpEventKind.escalated, "step 2: 1"),
    ]


async def test_a_step_missed_while_down_goes_out_at_start_up(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    clock: ManualClock,
    notifier: CollectingNotifier,
) -> None:
    colleague = await _second_mentor(sqlite_session_factory, world)
    await _ask(sqlite_session_factory, world, clock, urgent=True)
    clock.advance(timedelta(minutes=45))  # the bot was down when step 1 fell due
    service = ReminderService(sqlite_session_factory, notifier, clock=clock)
    await service.start(run_scheduler=False)
    try:
        job = service.scheduler.get_job("help-escalation")
        await job.func(*job.args)
    finally:
        await service.shutdown()
    assert _told(notifier) == [(colleague.id, "requests.escalated_mentor")]


async def test_acknowledged_request_stops_climbing(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    clock: ManualClock,
    notifier: CollectingNotifier,
    service: ReminderService,
) -> None:
    await _second_mentor(sqlite_session_factory, world)
    request_id = await _ask(sqlite_session_factory, world, clock, urgent=True)
    clock.advance(timedelta(minutes=10))
    mentor = Actor(person_id=world.mentor.id, role=Role.mentor)
    async with sqlite_session_factory() as session, session.begin():
        await help.acknowledge(
            session=session, actor=mentor, request_id=request_id, now=clock.now()
        )
    clock.advance(timedelta(hours=3))
    await run_help_escalation(service.runtime)
    assert notifier.sent == []


async def test_normal_request_waits_a_working_day_at_each_step(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    clock: ManualClock,
    notifier: CollectingNotifier,
    service: ReminderService,
) -> None:
    colleague = await _second_mentor(sqlite_session_factory, world)
    clock.set(local(2025, 6, 6, 17, 0))  # a Friday afternoon
    await _ask(sqlite_session_factory, world, clock, urgent=False)
    clock.set(local(2025, 6, 9, 16, 59))  # the weekend does not count
    await run_help_escalation(service.runtime)
    assert notifier.sent == []
    clock.set(local(2025, 6, 9, 17, 0))
    await run_help_escalation(service.runtime)
    assert _told(notifier) == [(colleague.id, "requests.escalated_mentor")]
    clock.set(local(2025, 6, 10, 17, 0))
    await run_help_escalation(service.runtime)
    assert _told(notifier)[1:] == [(world.bureau.id, "requests.escalated_bureau")]


async def test_the_intervals_are_settings(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    clock: ManualClock,
    notifier: CollectingNotifier,
) -> None:
    colleague = await _second_mentor(sqlite_session_factory, world)
    await _ask(sqlite_session_factory, world, clock, urgent=True)
    config = ReminderConfig(help_urgent_ack=timedelta(minutes=5))
    service = ReminderService(sqlite_session_factory, notifier, config, clock=clock)
    try:
        clock.advance(timedelta(minutes=5))
        await run_help_escalation(service.runtime)
    finally:
        await service.shutdown()
    assert _told(notifier) == [(colleague.id, "requests.escalated_mentor")]


def test_working_days_skip_the_weekend_and_a_swappable_holiday_rule() -> None:
    friday = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)
    assert add_working_days(friday, 1, lambda d: d.weekday() < 5).date() == date(2025, 6, 9)
    holiday = date(2025, 6, 9)
    rule = lambda d: d.weekday() < 5 and d != holiday  # noqa: E731
    assert add_working_days(friday, 1, rule).date() == date(2025, 6, 10)
