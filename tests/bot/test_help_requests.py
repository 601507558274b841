"""/requests and a request's buttons: who sees what, forged ids, call, close with an outcome,
and the bureau's /stats counting what /requests lists."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import HelpStatus, Language, Reachability, Role
from storage.models import HelpRequest, Person
from storage.repositories import people
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, buttons, texts
from tests.storage.factories import make_person


async def _ask(bot: BotHarness, manager, words: str) -> list:  # type: ignore[no-untyped-def]
    await bot.send(manager, "/helpme")
    await bot.send(manager, words)
    return await bot.send(manager, "/done")


async def _requests(factory: async_sessionmaker[AsyncSession]) -> list[HelpRequest]:
    async with factory() as session:
        return list((await session.execute(select(HelpRequest).order_by(HelpRequest.id))).scalars())


async def test_mentor_sees_only_their_small_hands_and_bureau_sees_all_urgent_first(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _ask(bot, world.manager_a, "台账不会填")
    await _ask(bot, world.manager_b, "乙厂的噪声怎么测")
    await _ask(bot, world.manager_a, "化学品泄漏了")  # urgent
    mine, theirs, urgent = await _requests(sqlite_session_factory)

    calls = await bot.send(world.mentor, "/requests")
    listing = texts(calls, world.mentor.user_id)
    assert "待处理求助 2 条" in listing
    assert listing.index(f"#{urgent.id} ") < listing.index(f"#{mine.id} "), "urgent first"
    assert f"#{theirs.id} " not in listing, "another pairing's request is not shown"
    assert [d for _, d in buttons(calls)] == [f"rq:{urgent.id}", f"rq:{mine.id}"]

    calls = await bot.send(world.bureau, "/requests")
    listing = texts(calls, world.bureau.user_id)
    assert "待处理求助 3 条" in listing and "乙小手厂" in listing

    calls = await bot.send(world.manager_a, "/requests")
    assert "待处理求助" not in texts(calls), "managers have no /requests"


@pytest.mark.parametrize("prefix", ["rq", "rc", "rx", "hv", "ha", "hf"])
async def test_forged_request_ids_are_refused(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    prefix: str,
) -> None:
    await _ask(bot, world.manager_b, "乙厂的噪声怎么测")
    (theirs,) = await _requests(sqlite_session_factory)
    for request_id in (theirs.id, 99999):
        calls = await bot.press(world.mentor, f"{prefix}:{request_id}")
        assert "没有权限" in texts(calls, world.mentor.user_id), (prefix, request_id)
        assert "乙厂的噪声怎么测" not in texts(calls)
    (after,) = await _requests(sqlite_session_factory)
    assert after.status is HelpStatus.open


async def test_call_shows_the_managers_phone(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _ask(bot, world.manager_a, "台账不会填")
    (request,) = await _requests(sqlite_session_factory)
    calls = await bot.press(world.mentor, f"rc:{request.id}")
    assert "没有登记 张经理（甲小手厂）的电话" in texts(calls)
    async with sqlite_session_factory() as session, session.begin():
        await session.execute(
            update(Person).where(Person.telegram_user_id == 101).values(phone="13900001111")
        )
    calls = await bot.press(world.mentor, f"rc:{request.id}")
    assert "<code>13900001111</code>" in texts(calls)


async def test_close_with_an_outcome_tells_the_manager_and_leaves_the_list(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _ask(bot, world.manager_a, "台账不会填")
    await _ask(bot, world.manager_a, "危废怎么贴标识")
    first, second = await _requests(sqlite_session_factory)
    calls = await bot.send(world.bureau, "/stats")
    assert "求助：未处理 2，共 2" in texts(calls)

    calls = await bot.send(world.mentor, "/requests")
    calls = await bot.press(world.mentor, button(calls, f"rq:{first.id}"))
    calls = await bot.press(world.mentor, button(calls, f"rx:{first.id}"))
    assert "处理结果" in texts(calls)
    calls = await bot.send(world.mentor, "   ")
    assert "请用文字写明处理结果" in texts(calls)
    calls = await bot.send(world.mentor, "电话指导填写台账 <模板已发>")
    assert f"求助 #{first.id} 已办结" in texts(calls, world.mentor.user_id)
    assert "&lt;模板已发&gt;" in texts(calls, world.manager_a.user_id)
    closed = (await _requests(sqlite_session_factory))[0]
    assert closed.status is HelpStatus.closed and closed.outcome == "电话指导填写台账 <模板已发>"
    assert closed.closed_at is not None

    calls = await bot.send(world.bureau, "/requests")
    listing = texts(calls)
    assert "待处理求助 1 条" in listing and f"#{second.id} " in listing
    assert f"#{first.id} " not in listing
    calls = await bot.send(world.bureau, "/stats")
    assert "求助：未处理 1，共 2" in texts(calls), "/stats agrees with /requests"

    calls = await bot.press(world.mentor, f"ha:{first.id}")
    assert "已经办结" in texts(calls), "a closed request cannot be acknowledged"
    calls = await bot.press(world.mentor, f"rx:{first.id}")
    assert "已经办结" in texts(calls)


async def test_a_typed_time_that_is_not_a_time_or_is_past_is_asked_again(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _ask(bot, world.manager_a, "台账不会填")
    (request,) = await _requests(sqlite_session_factory)
    await bot.press(world.mentor, f"hv:{request.id}")
    calls = await bot.send(world.mentor, "排污许可证怎么办")
    assert "没看懂这个时间" in texts(calls)
    assert "依据" not in texts(calls), "never the question path"
    calls = await bot.send(world.mentor, "今天上午8点")
    assert "已经过去" in texts(calls)
    calls = await bot.send(world.mentor, "tomorrow 10am")
    assert "2026-06-02 10:00" in texts(calls, world.manager_a.user_id)
    (booked,) = await _requests(sqlite_session_factory)
    assert booked.status is HelpStatus.visit_booked


async def test_no_reachable_mentor_of_the_pairing_means_all_the_big_hands_mentors(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with sqlite_session_factory() as session, session.begin():
        await make_person(
            session,
            role=Role.mentor,
            name="赵导师",
            telegram_user_id=202,
            chat_id=202,
            enterprise_id=world.big.id,
            language=Language.zh,
            reachability=Reachability.reachable,
        )
        assigned = await people.find_by_telegram_id(session=session, telegram_user_id=201)
        assert assigned is not None and assigned.id is not None
        await people.set_reachability(
            session=session, person_id=assigned.id, reachability=Reachability.blocked
        )
    calls = await _ask(bot, world.manager_a, "台账不会填")
    assert "台账不会填" in texts(calls, 202), "the big hand's other mentor is told"
    assert texts(calls, world.mentor.user_id) == ""
    assert texts(calls, world.bureau.user_id) == ""
