"""A restart in the middle of a dialogue continues it (issue 13, item 2).

Before: conversation states and drafts lived in memory, so a bot restarted between two messages
of an item submission or a broadcast had forgotten them. Now they are in the database after every
update: a new application on the same database (the first one never stopped: a crash) carries
on. A dialogue older than its timeout is not continued, and the person is told so plainly.
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import callbacks
from bot.app import running
from knowledge import KnowledgeBase, Matcher
from storage.enums import ItemStatus
from storage.models import Broadcast, Evidence, Item
from tests.bot.conftest import NOW, World
from tests.bot.hardening_fixtures import Clock, any_bot, any_world, clock, start_app
from tests.bot.harness import BotHarness, texts

__all__ = ["any_bot", "any_world", "clock"]


async def _item(factory: async_sessionmaker[AsyncSession], item_id: int | None) -> Item:
    async with factory() as session:
        found = await session.get(Item, item_id)
        assert found is not None
        return found


async def test_an_item_submission_continues_after_a_crash(
    any_bot: BotHarness,
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    clock: Clock,
) -> None:
    manager, item_id = any_world.manager_a, any_world.item_a.id
    assert item_id is not None
    await any_bot.press(manager, callbacks.ITEM_DONE.encode(item_id))
    await any_bot.send(manager, "已张贴标识")
    await any_bot.photo(manager, "PHOTO-1")

    clock.now = NOW + timedelta(minutes=10)
    restarted = start_app(session_factory, knowledge_base, matcher, clock=clock)
    async with running(restarted.app):
        calls = await restarted.send(manager, "/done")
    assert (await _item(session_factory, item_id)).status is ItemStatus.submitted
    to_mentor = [c for c in calls if c.chat_id == any_world.mentor.user_id]
    assert [c.method for c in to_mentor] == ["sendPhoto", "sendMessage"]
    assert "已张贴标识" in to_mentor[-1].text
    async with session_factory() as session:
        evidence = (await session.execute(select(Evidence))).scalars().all()
    assert sorted(e.kind.value for e in evidence) == ["note", "photo"]


async def test_a_broadcast_being_written_continues_after_a_crash(
    any_bot: BotHarness,
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    clock: Clock,
) -> None:
    bureau = any_world.bureau
    await any_bot.send(bureau, "/broadcast")
    await any_bot.send(bureau, "明天停水通知")

    restarted = start_app(session_factory, knowledge_base, matcher, clock=clock)
    async with running(restarted.app):
        await restarted.press(bureau, "bf:role")
        await restarted.press(bureau, "bv:role:1")  # managers
        preview = texts(await restarted.press(bureau, "bp"))
        assert "明天停水通知" in preview and "<b>3</b>" in preview
        await restarted.press(bureau, "bs")
    async with session_factory() as session:
        (broadcast,) = (await session.execute(select(Broadcast))).scalars().all()
    assert broadcast.text == "明天停水通知"


async def test_a_dialogue_older_than_its_timeout_is_ended_plainly_after_a_restart(
    any_bot: BotHarness,
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    clock: Clock,
) -> None:
    manager, item_id = any_world.manager_a, any_world.item_a.id
    assert item_id is not None
    await any_bot.press(manager, callbacks.ITEM_DONE.encode(item_id))
    await any_bot.send(manager, "已张贴标识")

    clock.now = NOW + timedelta(minutes=31)
    restarted = start_app(session_factory, knowledge_base, matcher, clock=clock)
    async with running(restarted.app):
        late = await restarted.send(manager, "/done")
        assert "超过 30 分钟" in texts(late) and "重新开始" in texts(late)
        assert (await _item(session_factory, item_id)).status is ItemStatus.open
        # Told once; starting again works.
        again = await restarted.send(manager, "危废暂存间怎么张贴标识？")
        assert "超过 30 分钟" not in texts(again)
        await restarted.press(manager, callbacks.ITEM_DONE.encode(item_id))
        await restarted.send(manager, "已张贴标识")
        await restarted.send(manager, "/done")
    assert (await _item(session_factory, item_id)).status is ItemStatus.submitted
