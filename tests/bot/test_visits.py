"""Visits through the real bot: propose → confirm → reminders at the right local times → outcome;
reschedule and cancel move and remove reminders; clashes, forged buttons and the .ics file.

The reminder scheduler runs inside the application (started like post_init does, but without
APScheduler's loop) on a manual clock; the tests run its due jobs themselves.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import HelpStatus, ItemStatus, VisitPurpose, VisitStatus
from storage.models import HelpRequest, Item, Visit
from tests.bot.conftest import World
from tests.bot.harness import button, texts
from tests.bot.scheduled import FileRecordingRequest, ScheduledBot
from tests.scheduler.conftest import local


async def _visits(factory: async_sessionmaker[AsyncSession]) -> list[Visit]:
    async with factory() as session:
        return list((await session.execute(select(Visit).order_by(Visit.id))).scalars())


async def propose(sbot: ScheduledBot, world: World, start: str, purpose: int = 1) -> list[Any]:
    """The mentor's last picker press for ``start`` (local yyyymmddhhmm), as the button sends it."""
    return await sbot.press(world.mentor, f"vb:{world.small_a.id}:{start}:{purpose}:1")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_propose_confirm_remind_and_record_the_outcome(
    sbot: ScheduledBot,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    manager = world.manager_a if lang == "zh" else world.english_manager
    mentor = world.mentor
    # The pickers: small hand, day, time, purpose, phase.
    calls = await sbot.send(mentor, "/visit")
    calls = await sbot.press(mentor, button(calls, f"vh:{world.small_a.id}"))
    assert "甲小手厂" in texts(calls)
    calls = await sbot.press(mentor, button(calls, f"vd:{world.small_a.id}:20260603"))
    calls = await sbot.press(mentor, button(calls, f"vt:{world.small_a.id}:202606031430"))
    calls = await sbot.press(mentor, button(calls, f"vu:{world.small_a.id}:202606031430:1"))
    calls = await sbot.press(mentor, button(calls, f"vb:{world.small_a.id}:202606031430:1:"))
    assert "已提出走访" in texts(calls, mentor.user_id)
    expected = "请确认时间" if lang == "zh" else "please confirm the time"
    assert expected in texts(calls, manager.user_id)
    assert "2026-06-03 14:30" in texts(calls, manager.user_id), "shown in Shanghai time"
    (visit,) = await _visits(sqlite_session_factory)
    assert visit.status is VisitStatus.proposed
    assert visit.starts_at.astimezone(UTC) == local(2026, 6, 3, 14, 30).astimezone(UTC)

    calls = await sbot.press(manager, button(calls, "vc:", manager.user_id))
    assert "已确认走访" in texts(calls, mentor.user_id)
    assert (await _visits(sqlite_session_factory))[0].status is VisitStatus.confirmed
    assert sbot.reminders.jobs_of(visit.id or 0) == [
        (f"visit:{visit.id}:24h", local(2026, 6, 2, 14, 30))
    ]

    # 24 h before, in local time: the mentor and both managers, each in their language.
    sbot.clock.set(local(2026, 6, 2, 14, 29))
    assert await sbot.run_due(visit.id or 0) == []
    sbot.clock.set(local(2026, 6, 2, 14, 30))
    calls = await sbot.run_due(visit.id or 0)
    assert "走访提醒" in texts(calls, mentor.user_id)
    reminder = texts(calls, manager.user_id)
    assert ("走访提醒" if lang == "zh" else "Visit reminder") in reminder
    assert "危废暂存间未张贴标识" in reminder, "the small hand's open items are listed"
    assert ("跟踪服务" if lang == "zh" else "follow-up") in reminder
    sbot.clock.set(local(2026, 6, 3, 13, 30))
    calls = await sbot.run_due(visit.id or 0)
    assert len([c for c in calls if c.chat_id == manager.user_id]) == 1, "the 1 h reminder"
    assert sbot.reminders.jobs_of(visit.id or 0) == []

    # After the visit: notes, a submitted item verified on site, one new finding.
    async with sqlite_session_factory() as session, session.begin():
        item = await session.get(Item, world.item_a.id)
        assert item is not None
        item.status = ItemStatus.submitted
    sbot.clock.set(local(2026, 6, 3, 17, 0))
    calls = await sbot.send(mentor, "/visits")
    calls = await sbot.press(mentor, button(calls, f"vr:{visit.id}"))
    assert "请简要记录" in texts(calls)
    calls = await sbot.send(mentor, "现场查看了危废间 <新标识>")
    calls = await sbot.press(mentor, button(calls, f"vv:{world.item_a.id}"))
    assert "✅" in "".join(label for c in calls for label, _ in c.buttons)
    await sbot.press(mentor, "vn")
    calls = await sbot.send(mentor, "噪声设备未加隔声罩")
    await sbot.press(mentor, button(calls, "vfs:noise"))
    calls = await sbot.send(mentor, "/done")
    assert "现场核实 1 项，新发现 1 项" in texts(calls, mentor.user_id)
    told = texts(calls, manager.user_id)
    assert "&lt;新标识&gt;" in told, "the notes reach the manager, escaped"
    async with sqlite_session_factory() as session:
        done = await session.get(Visit, visit.id)
        verified = await session.get(Item, world.item_a.id)
        found = (await session.execute(select(Item).where(Item.visit_id == visit.id))).scalars()
        assert done is not None and done.status is VisitStatus.done
        assert verified is not None and verified.status is ItemStatus.verified
        assert [i.finding for i in found] == ["噪声设备未加隔声罩"]


async def test_reschedule_moves_the_reminders_and_cancel_removes_them(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606041000")
    (visit,) = await _visits(sqlite_session_factory)
    vid = visit.id or 0
    assert sbot.reminders.jobs_of(vid) == [(f"visit:{vid}:24h", local(2026, 6, 3, 10, 0))]

    # The manager asks for another time: new day, new time, a reason.
    calls = await sbot.press(world.manager_a, f"vm:{vid}")
    calls = await sbot.press(world.manager_a, button(calls, f"vmd:{vid}:20260605"))
    calls = await sbot.press(world.manager_a, button(calls, f"vmt:{vid}:202606051500"))
    assert "改期原因" in texts(calls)
    calls = await sbot.send(world.manager_a, "周四停产检修")
    assert "周四停产检修" in texts(calls, world.mentor.user_id)
    assert f"vc:{vid}" in [data for c in calls for _, data in c.buttons if c.chat_id == 201]
    assert sbot.reminders.jobs_of(vid) == [(f"visit:{vid}:24h", local(2026, 6, 4, 15, 0))]
    moved = (await _visits(sqlite_session_factory))[0]
    assert moved.status is VisitStatus.proposed and moved.cancel_reason == "周四停产检修"

    # Reminders armed for the old time do nothing now.
    sbot.clock.set(local(2026, 6, 3, 10, 0))
    assert await sbot.run_due(vid) == []

    calls = await sbot.press(world.mentor, f"vx:{vid}")
    calls = await sbot.send(world.mentor, "临时出差")
    assert "临时出差" in texts(calls, world.manager_a.user_id)
    assert sbot.reminders.jobs_of(vid) == []
    assert (await _visits(sqlite_session_factory))[0].status is VisitStatus.cancelled
    sbot.clock.set(local(2026, 6, 4, 15, 0))
    assert await sbot.run_due(vid) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_clashing_visit_is_refused_with_the_clash_shown(
    sbot: ScheduledBot,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    if lang == "en":
        await sbot.send(world.mentor, "/language")
        await sbot.press(world.mentor, "lg:en")
    await propose(sbot, world, "202606041000")
    (first,) = await _visits(sqlite_session_factory)
    calls = await propose(sbot, world, "202606041100")
    reply = texts(calls, world.mentor.user_id)
    assert ("冲突" if lang == "zh" else "overlaps") in reply
    assert f"#{first.id} 2026-06-04 10:00–12:00" in reply
    assert any(data.startswith("vt:") for _, data in calls[-1].buttons), "times offered again"
    assert len(await _visits(sqlite_session_factory)) == 1


async def test_a_manager_cannot_act_on_another_enterprises_visit(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606041000")
    (visit,) = await _visits(sqlite_session_factory)
    for forged in (f"vc:{visit.id}", f"vx:{visit.id}", f"vi:{visit.id}", f"vm:{visit.id}"):
        calls = await sbot.press(world.manager_b, forged)
        assert "没有权限" in texts(calls), forged
    calls = await sbot.press(world.manager_b, f"vb:{world.small_a.id}:202606051000:1:1")
    assert "没有权限" in texts(calls), "nor book for a small hand that is not theirs"
    (unchanged,) = await _visits(sqlite_session_factory)
    assert unchanged.status is VisitStatus.proposed


async def test_the_ics_file_parses_with_the_visit_times_in_utc(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606041430")
    (visit,) = await _visits(sqlite_session_factory)
    calls = await sbot.send(world.english_manager, "/visits")
    assert "2026-06-04 14:30" in texts(calls)
    calls = await sbot.press(world.english_manager, button(calls, f"vi:{visit.id}"))
    assert [c.method for c in calls if c.method == "sendDocument"] == ["sendDocument"]
    assert isinstance(sbot.request, FileRecordingRequest)
    event = Calendar.from_ical(sbot.request.files[f"visit-{visit.id}.ics"]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == local(2026, 6, 4, 14, 30)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert event["uid"] == f"visit-{visit.id}@handinhand"
    assert "甲小手厂" in str(event["summary"]) and "follow-up" in str(event["summary"])


async def test_a_help_request_becomes_a_proposed_visit_at_the_soonest_free_slot(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606011330")  # today's first slot an hour ahead is taken
    await sbot.send(world.manager_a, "/helpme")
    await sbot.send(world.manager_a, "请来现场看看废气收集")
    calls = await sbot.send(world.manager_a, "/done")
    calls = await sbot.press(world.mentor, button(calls, "hv:", world.mentor.user_id))
    calls = await sbot.press(world.mentor, button(calls, "hf:", world.mentor.user_id))
    assert "已按求助安排走访" in texts(calls, world.mentor.user_id)
    assert "请确认时间" in texts(calls, world.manager_a.user_id)
    assert "2026-06-01 15:30" in texts(calls, world.manager_a.user_id), "first free slot today"
    helped = (await _visits(sqlite_session_factory))[-1]
    assert helped.purpose is VisitPurpose.help and helped.help_request_id is not None
    async with sqlite_session_factory() as session:
        request = await session.get(HelpRequest, helped.help_request_id)
        assert request is not None and request.status is HelpStatus.visit_booked
    assert sbot.reminders.jobs_of(helped.id or 0) == [
        (f"visit:{helped.id}:24h", local(2026, 6, 1, 10, 0))
    ]
