"""Booking a visit for today and with typed times; the same-day warning; only the other side
confirms. Through the real handlers, on a manual clock at Mon 2026-06-01 10:00 in Shanghai."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import Reachability, Role, VisitStatus
from storage.models import QuestionLog
from tests.bot.conftest import World
from tests.bot.harness import button, buttons, texts
from tests.bot.scheduled import ScheduledBot
from tests.bot.test_visits import _visits, propose
from tests.scheduler.conftest import local
from tests.storage.factories import make_person


async def _pick_hand(sbot: ScheduledBot, world: World) -> list[object]:
    calls = await sbot.send(world.mentor, "/visit")
    return await sbot.press(world.mentor, button(calls, f"vh:{world.small_a.id}"))


async def _questions(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return int(
            (await session.execute(select(func.count()).select_from(QuestionLog))).scalar_one()
        )


async def test_the_day_picker_offers_today_with_slots_from_an_hour_ahead(
    sbot: ScheduledBot, world: World
) -> None:
    calls = await _pick_hand(sbot, world)
    offered = [data for _, data in buttons(calls)]
    assert offered[0] == f"vd:{world.small_a.id}:20260601", "today comes first"
    assert ("今天", offered[0]) in buttons(calls)
    assert f"vd:{world.small_a.id}:20260606" not in offered, "no Saturday"
    assert f"vd:{world.small_a.id}:20260619" not in offered, "no Dragon Boat Festival"
    calls = await sbot.press(world.mentor, offered[0])
    times = [label for label, _ in buttons(calls)]
    assert times[0] == "13:30" and "10:30" not in times and "08:30" not in times


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("今天下午3点", "202606011500"),
        ("周五 14:00", "202606051400"),
        ("7月3日下午两点", "202607031400"),
        ("tomorrow 10am", "202606021000"),
        ("15:00", "202606011500"),
    ],
)
async def test_a_typed_time_moves_on_to_the_purpose(
    sbot: ScheduledBot,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    typed: str,
    start: str,
) -> None:
    await _pick_hand(sbot, world)
    calls = await sbot.send(world.mentor, typed)
    assert f"vu:{world.small_a.id}:{start}:0" in [d for _, d in buttons(calls)], texts(calls)
    # The purpose and phase presses book it.
    calls = await sbot.press(world.mentor, f"vu:{world.small_a.id}:{start}:1")
    calls = await sbot.press(world.mentor, button(calls, f"vb:{world.small_a.id}:{start}:1:"))
    assert "请确认时间" in texts(calls, world.manager_a.user_id)
    assert len(await _visits(sqlite_session_factory)) == 1
    assert await _questions(sqlite_session_factory) == 0


async def test_a_typed_time_after_picking_a_day_is_on_that_day(
    sbot: ScheduledBot, world: World
) -> None:
    calls = await _pick_hand(sbot, world)
    await sbot.press(world.mentor, f"vd:{world.small_a.id}:20260603")
    calls = await sbot.send(world.mentor, "15:00")
    assert f"vu:{world.small_a.id}:202606031500:0" in [d for _, d in buttons(calls)]


async def test_a_part_of_the_day_offers_that_parts_slots(sbot: ScheduledBot, world: World) -> None:
    await _pick_hand(sbot, world)
    calls = await sbot.send(world.mentor, "明天上午")
    offered = [label for label, _ in buttons(calls)]
    assert offered == ["08:30", "09:00", "09:30", "10:00", "10:30"]
    assert button(calls, f"vt:{world.small_a.id}:202606020830")


async def test_asap_offers_todays_earliest_slots(sbot: ScheduledBot, world: World) -> None:
    await _pick_hand(sbot, world)
    calls = await sbot.send(world.mentor, "尽快")
    assert next(d for _, d in buttons(calls)) == f"vt:{world.small_a.id}:202606011330"


@pytest.mark.parametrize(("lang", "prompt"), [("zh", "没能看懂这个时间"), ("en", "could not read")])
async def test_a_text_that_is_not_a_time_is_asked_again_never_taken_as_a_question(
    sbot: ScheduledBot,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
    prompt: str,
) -> None:
    if lang == "en":
        await sbot.send(world.mentor, "/language")
        await sbot.press(world.mentor, "lg:en")
    await _pick_hand(sbot, world)
    for typed in ("排污许可证到期了怎么办", "好的", "下午三点到五点"):
        reply = texts(await sbot.send(world.mentor, typed))
        assert prompt in reply and "抱歉" not in reply, typed
    assert await _questions(sqlite_session_factory) == 0, "nothing in the unanswered list"
    # Still in the dialogue: a time now works.
    calls = await sbot.send(world.mentor, "明天下午2点")
    assert button(calls, f"vu:{world.small_a.id}:202606021400")


async def test_a_past_typed_time_is_refused_politely(sbot: ScheduledBot, world: World) -> None:
    await _pick_hand(sbot, world)
    assert "已经过去" in texts(await sbot.send(world.mentor, "今天上午9点"))


async def test_after_booking_a_typed_text_is_a_question_again(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _pick_hand(sbot, world)
    await sbot.send(world.mentor, "明天下午2点")
    await sbot.press(world.mentor, f"vu:{world.small_a.id}:202606021400:1")
    await sbot.press(world.mentor, f"vb:{world.small_a.id}:202606021400:1:1")
    reply = texts(await sbot.send(world.mentor, "危废暂存间怎么建"))
    assert "没能看懂这个时间" not in reply


async def test_a_typed_new_time_moves_a_visit(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606041000")
    (visit,) = await _visits(sqlite_session_factory)
    await sbot.press(world.manager_a, f"vm:{visit.id}")
    calls = await sbot.send(world.manager_a, "周五下午3点")
    assert "改期原因" in texts(calls)
    await sbot.send(world.manager_a, "周四停产")
    (moved,) = await _visits(sqlite_session_factory)
    assert moved.starts_at == local(2026, 6, 5, 15, 0)


async def test_same_day_visit_at_the_enterprise_is_shown_before_booking(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with sqlite_session_factory() as session, session.begin():
        other = await make_person(
            session,
            role=Role.mentor,
            name="赵导师",
            telegram_user_id=202,
            chat_id=202,
            enterprise_id=world.big.id,
            reachability=Reachability.reachable,
        )
    from storage.repositories import pairings
    from storage.repositories import visits as repo

    async with sqlite_session_factory() as session, session.begin():
        pairing = await pairings.current_pairing_of(
            session=session, small_hand_id=world.small_a.id or 0
        )
        assert pairing is not None and pairing.id is not None and other.id is not None
        await repo.create_visit(
            session=session,
            pairing_id=pairing.id,
            mentor_id=other.id,
            starts_at=local(2026, 6, 3, 9, 0),
            proposed_by_id=other.id,
        )
    calls = await propose(sbot, world, "202606031430")
    reply = texts(calls, world.mentor.user_id)
    assert "同一天已有其他走访" in reply and "赵导师" in reply and "2026-06-03 09:00" in reply
    assert len(await _visits(sqlite_session_factory)) == 1, "not booked yet"
    assert "请确认时间" not in texts(calls)
    another = button(calls, "vd:")
    assert another == f"vd:{world.small_a.id}:20260603", "pick another time that day"
    calls = await sbot.press(world.mentor, button(calls, "vba:"))
    assert "请确认时间" in texts(calls, world.manager_a.user_id)
    assert len(await _visits(sqlite_session_factory)) == 2


async def test_same_mentors_other_visit_that_day_is_shown_and_overlaps_stay_refused(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await propose(sbot, world, "202606030830")
    calls = await propose(sbot, world, "202606031500")
    assert "同一天已有其他走访" in texts(calls)
    calls = await sbot.press(world.mentor, f"vba:{world.small_a.id}:202606030930:1:1")
    assert "冲突" in texts(calls), "a true overlap is refused even 'anyway'"
    assert len(await _visits(sqlite_session_factory)) == 1
    calls = await propose(sbot, world, "202606041500")
    assert "同一天已有其他走访" not in texts(calls) and "请确认时间" in texts(calls)


async def test_only_the_counter_party_confirms(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    calls = await propose(sbot, world, "202606041000")
    (visit,) = await _visits(sqlite_session_factory)
    assert f"vc:{visit.id}" not in [d for _, d in buttons(calls, world.mentor.user_id)]
    calls = await sbot.press(world.mentor, f"vc:{visit.id}")
    assert "没有权限" in texts(calls), "a forged confirm of his own proposal"
    assert (await _visits(sqlite_session_factory))[0].status is VisitStatus.proposed

    # The manager moves it; now the manager's side cannot confirm, the mentor can.
    await sbot.press(world.manager_a, f"vm:{visit.id}")
    await sbot.press(world.manager_a, f"vmd:{visit.id}:20260605")
    await sbot.press(world.manager_a, f"vmt:{visit.id}:202606051500")
    calls = await sbot.send(world.manager_a, "停产检修")
    assert f"vc:{visit.id}" in [d for _, d in buttons(calls, world.mentor.user_id)]
    for manager in (world.manager_a, world.english_manager):
        calls = await sbot.press(manager, f"vc:{visit.id}")
        assert alerts_or_texts(calls), manager
        assert (await _visits(sqlite_session_factory))[0].status is VisitStatus.proposed
    calls = await sbot.press(world.mentor, f"vc:{visit.id}")
    assert "已确认走访" in texts(calls, world.manager_a.user_id)
    assert (await _visits(sqlite_session_factory))[0].status is VisitStatus.confirmed


def alerts_or_texts(calls: list[object]) -> bool:
    shown = texts(calls)  # type: ignore[arg-type]
    return "没有权限" in shown or "not allowed" in shown
