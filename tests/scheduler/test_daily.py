"""Digests, escalations and the weekly summary: right time, once a day, quiet hours honoured."""

from __future__ import annotations

from datetime import date

from programme import workdays
from scheduler.config import ReminderConfig
from scheduler.daily import run_daily
from scheduler.notifier import SendResult, SendStatus
from scheduler.service import ReminderService
from storage.enums import Reachability
from storage.models import Person
from tests.scheduler.conftest import local
from tests.storage.factories import make_item


async def set_prefs(factory, person_id: int, **prefs) -> None:
    async with factory() as session, session.begin():
        person = await session.get(Person, person_id)
        person.preferences = prefs


async def test_digest_goes_out_once_at_the_local_digest_time(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 5), finding="雨污分流")
        await make_item(session, world.small_hand, due_on=date(2025, 7, 30), finding="远期")
    clock.set(local(2025, 6, 2, 8, 55))
    await run_daily(service.runtime)
    assert notifier.to(world.manager.id) == []
    clock.set(local(2025, 6, 2, 9, 0))
    await run_daily(service.runtime)
    [digest] = notifier.to(world.manager.id)
    assert digest.key == "visits.digest"
    assert digest.values["due_soon"] == 1 and digest.values["overdue"] == 0
    assert "雨污分流" in digest.values["items"] and "远期" not in digest.values["items"]
    clock.set(local(2025, 6, 2, 15, 0))  # later the same day, and after a restart
    await run_daily(service.runtime)
    assert len(notifier.to(world.manager.id)) == 1


async def test_no_digest_when_nothing_is_due(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 9, 1))
    clock.set(local(2025, 6, 2, 10, 0))
    await run_daily(service.runtime)
    assert notifier.to(world.manager.id) == []


async def test_missed_days_give_one_digest_not_one_per_day(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
    clock.set(local(2025, 6, 5, 11, 0))  # down since the 1st
    await run_daily(service.runtime)
    await run_daily(service.runtime)
    assert notifier.keys(world.manager.id) == ["visits.digest"]


async def test_digest_time_and_quiet_hours_are_honoured(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
    await set_prefs(
        sqlite_session_factory, world.manager.id, digest_time="23:00", quiet_hours="22:00-07:00"
    )
    clock.set(local(2025, 6, 2, 23, 0))
    await run_daily(service.runtime)
    assert notifier.to(world.manager.id) == []  # in quiet hours
    clock.set(local(2025, 6, 3, 7, 0))  # a digest time inside quiet hours moves to their end
    await run_daily(service.runtime)
    assert notifier.keys(world.manager.id) == ["visits.digest"]


async def test_digest_switched_off_sends_nothing(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
    await set_prefs(sqlite_session_factory, world.manager.id, digest=False)
    clock.set(local(2025, 6, 2, 10, 0))
    await run_daily(service.runtime)
    assert notifier.to(world.manager.id) == []


async def test_mentor_is_told_of_items_overdue_more_than_7_days_once(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 5, 26), finding="七天整")
        await make_item(session, world.small_hand, due_on=date(2025, 5, 25), finding="八天")
    clock.set(local(2025, 6, 2, 9, 30))
    await run_daily(service.runtime)
    [told] = notifier.to(world.mentor.id)
    assert told.key == "visits.escalation" and told.values["count"] == 1
    assert "八天" in told.values["items"] and "七天整" not in told.values["items"]
    clock.set(
        local(2025, 6, 3, 9, 30)
    )  # next day: the 7-day one crosses, the old one is not repeated
    await run_daily(service.runtime)
    second = notifier.to(world.mentor.id)[1]
    assert "七天整" in second.values["items"] and "八天" not in second.values["items"]


async def test_weekly_summary_lists_long_overdue_groups_and_unreachable_people(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 4, 1))
        await make_item(session, world.small_hand, due_on=date(2025, 5, 30))
        session.add(Person(role=world.manager.role, name="没点开始的人"))
    clock.set(local(2025, 6, 2, 9, 30))  # a Monday
    await run_daily(service.runtime)
    [summary] = notifier.to(world.bureau.id)
    assert summary.key == "visits.weekly_summary"
    assert summary.values["completion"] == "0%"
    assert summary.values["groups"].endswith(": 2 / 1")  # 2 overdue, 1 of them > 30 days
    assert "没点开始的人" in summary.values["unreachable"]
    clock.set(local(2025, 6, 4, 9, 30))
    await run_daily(service.runtime)
    assert len(notifier.to(world.bureau.id)) == 1  # once a week


async def test_a_person_who_blocked_the_bot_is_marked_and_not_retried(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
    notifier.outcome = lambda r, n: (
        SendResult(SendStatus.blocked, error="Forbidden")
        if r.person_id == world.manager.id
        else SendResult(SendStatus.sent)
    )
    clock.set(local(2025, 6, 2, 10, 0))
    report = await run_daily(service.runtime)
    assert report.delivery.blocked == [world.manager.id]
    async with sqlite_session_factory() as session:
        assert (await session.get(Person, world.manager.id)).reachability is Reachability.blocked
    notifier.clear()
    clock.set(local(2025, 6, 3, 10, 0))
    report = await run_daily(service.runtime)
    assert notifier.to(world.manager.id) == []
    assert world.manager.id in report.unreachable


async def test_flood_control_gives_the_claim_back_for_the_next_tick(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        await make_item(session, world.small_hand, due_on=date(2025, 6, 1))
    notifier.outcome = lambda r, n: SendResult(SendStatus.retry_after, retry_after=3)
    clock.set(local(2025, 6, 2, 10, 0))
    await run_daily(service.runtime)
    notifier.outcome = None
    notifier.clear()
    clock.set(local(2025, 6, 2, 10, 5))
    await run_daily(service.runtime)
    assert notifier.keys(world.manager.id) == ["visits.digest"]


async def test_no_digest_on_a_public_holiday_when_the_bureau_asks_but_on_a_tiaoxiu_saturday(
    sqlite_session_factory, world, clock, notifier
):
    config = ReminderConfig(is_working_day=workdays.is_working_day, digests_on_days_off=False)
    quiet = ReminderService(sqlite_session_factory, notifier, config=config, clock=clock)
    try:
        async with sqlite_session_factory() as session, session.begin():
            await make_item(session, world.small_hand, due_on=date(2026, 2, 20), finding="危废台账")
        clock.set(local(2026, 2, 17, 9, 30))  # Spring Festival holiday (a Tuesday)
        await run_daily(quiet.runtime)
        assert notifier.to(world.manager.id) == []
        clock.set(local(2026, 2, 14, 9, 30))  # an adjusted working Saturday (调休)
        await run_daily(quiet.runtime)
        assert [n.key for n in notifier.to(world.manager.id)] == ["visits.digest"]
    finally:
        await quiet.shutdown()
