"""/helpme: the mentor hears at once; urgent words bring first steps and tell the bureau."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import callbacks
from bot.handlers.urgency import is_urgent
from catalog import text
from storage.enums import HelpStatus, ItemStatus
from storage.models import HelpRequest, Item
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, texts


async def _requests(factory: async_sessionmaker[AsyncSession]) -> list[HelpRequest]:
    async with factory() as session:
        return list((await session.execute(select(HelpRequest))).scalars())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_help_request_reaches_the_mentor_with_buttons(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    manager = world.manager_a if lang == "zh" else world.english_manager
    calls = await bot.send(manager, "/helpme")
    assert ("请描述" if lang == "zh" else "Describe the problem") in texts(calls)
    await bot.send(manager, "台账不会填 <急>")
    await bot.photo(manager, "PHOTO-H")
    calls = await bot.send(manager, "/done")
    assert ("已发送给您的帮扶导师" if lang == "zh" else "Sent to your mentor") in texts(
        calls, manager.user_id
    )
    to_mentor = [c for c in calls if c.chat_id == world.mentor.user_id]
    assert [c.method for c in to_mentor] == ["sendPhoto", "sendMessage"]
    assert "台账不会填 &lt;急&gt;" in to_mentor[-1].text
    assert texts(calls, world.bureau.user_id) == "", "not urgent: the bureau is not bothered"
    (request,) = await _requests(sqlite_session_factory)
    assert request.photo_file_ids == ["PHOTO-H"] and not request.urgent

    calls = await bot.press(world.mentor, button(calls, "ha:", world.mentor.user_id))
    assert ("已收到您的求助" if lang == "zh" else "has seen your request") in texts(
        calls, manager.user_id
    )
    assert (await _requests(sqlite_session_factory))[0].status is HelpStatus.acknowledged


async def test_the_help_button_opens_the_request_too(bot: BotHarness, world: World) -> None:
    calls = await bot.send(world.manager_a, text("zh", "help.button"))
    assert "请描述" in texts(calls)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "车间化学品泄漏了，怎么办"), ("en", "There is a chemical spill in the yard")],
)
async def test_urgent_request_starts_with_first_steps_and_tells_the_bureau(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
    words: str,
) -> None:
    manager = world.manager_a if lang == "zh" else world.english_manager
    await bot.send(manager, "/helpme")
    await bot.send(manager, words)
    calls = await bot.send(manager, "/done")
    reply = texts(calls, manager.user_id)
    assert reply.startswith("🚨")
    assert reply.count("•") >= 1, "the emergency entries of the knowledge base are listed"
    assert "紧急" in texts(calls, world.bureau.user_id)
    assert "紧急" in texts(calls, world.mentor.user_id)
    (request,) = await _requests(sqlite_session_factory)
    assert request.urgent


async def test_another_companys_mentor_cannot_acknowledge(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await bot.send(world.manager_b, "/helpme")
    await bot.send(world.manager_b, "求助")
    await bot.send(world.manager_b, "/done")
    (request,) = await _requests(sqlite_session_factory)
    calls = await bot.press(world.mentor, f"ha:{request.id}")
    assert "没有权限" in texts(calls)
    assert (await _requests(sqlite_session_factory))[0].status is HelpStatus.open


def test_urgent_words_are_recognised_in_both_languages() -> None:
    assert is_urgent("废水超标了") and is_urgent("FIRE in the store") and is_urgent("oil spilled")
    assert not is_urgent("台账怎么填") and not is_urgent("how do I file the plan")


async def test_a_help_request_started_mid_submission_gets_the_replies(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The conversation started last hears the person; the one it interrupted stays out of it."""
    await bot.press(
        world.manager_a, callbacks.ITEM_DONE.encode(world.item_a2.id)
    )  # awaits evidence
    await bot.send(world.manager_a, "/helpme")
    await bot.send(world.manager_a, "污水处理设施出水不达标")
    calls = await bot.send(world.manager_a, "/done")
    assert "已发送给您的帮扶导师" in texts(calls, world.manager_a.user_id)
    (request,) = await _requests(sqlite_session_factory)
    assert request.text == "污水处理设施出水不达标"
    async with sqlite_session_factory() as session:
        item = await session.get(Item, world.item_a2.id)
    assert item is not None and item.status is ItemStatus.open, "nothing was submitted"
    later = await bot.send(world.manager_a, "排污许可证有效期多久")
    assert "5年" in texts(later), "a plain question again, not evidence for the item"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_urgent_first_steps_start_with_the_one_about_the_message(
    bot: BotHarness, world: World
) -> None:
    """A fire with firewater running off gets the firewater steps first, not the chemical spill."""
    await bot.send(world.manager_a, "/helpme")
    await bot.send(world.manager_a, "车间着火了，消防水流到厂外了")
    reply = texts(await bot.send(world.manager_a, "/done"), world.manager_a.user_id)
    steps = [line for line in reply.split("\n") if line.startswith("•")]
    assert steps[0] == "• <b>着火了消防水往外流怎么办</b>"


async def test_urgent_first_steps_carry_the_code_note_once_not_after_every_step(
    bot: BotHarness, world: World
) -> None:
    await bot.send(world.manager_a, "/helpme")
    await bot.send(world.manager_a, "污水处理设备坏了，出水超标，急")
    reply = texts(await bot.send(world.manager_a, "/done"), world.manager_a.user_id)
    assert len([line for line in reply.split("\n") if line.startswith("•")]) >= 2
    assert reply.count("生态环境法典") == 1
