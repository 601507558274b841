"""The bureau admin's status message for scheduled broadcasts and after a restart of the bot."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import running
from bot.updates import Sender
from knowledge import KnowledgeBase
from scheduler.clock import ManualClock
from storage.enums import BroadcastStatus
from storage.repositories import broadcasts as repo
from tests.bot.conftest import NOW, World
from tests.bot.desk_fixtures import (
    bureau_admin,
    desk_settings,
    settle,
    start_bot,
    wait_until_finished,
)
from tests.bot.harness import BotHarness, button, texts

WORDS = {
    "zh": ("定时通知", "已定时", "已完成", "已发送 3"),
    "en": ("Timed notice", "scheduled", "done", "Sent 3"),
}


async def _schedule_to_managers(bot: BotHarness, admin: Sender, words: str, when: str) -> str:
    """Compose to the three managers and schedule it; returns the confirmation's text."""
    await bot.send(admin, "/broadcast")
    await bot.send(admin, words)
    await bot.press(admin, "bf:role")
    await bot.press(admin, "bv:role:1")  # managers
    await bot.press(admin, "bp")
    await bot.press(admin, "bt")
    return texts(await bot.send(admin, when))


def _status_messages(bot: BotHarness, chat_id: int, broadcast_id: int) -> list[str]:
    """Status messages posted to the admin (not the scheduling confirmation, which says 🕒)."""
    return [
        c.text
        for c in bot.request.calls
        if c.method == "sendMessage"
        and c.chat_id == chat_id
        and c.text.startswith("📣")
        and f"#{broadcast_id}" in c.text
    ]


def _deliveries(bot: BotHarness, words: str) -> list[int | None]:
    """Chats the announcement itself reached (not the admin's preview)."""
    return [
        c.chat_id
        for c in bot.request.calls
        if c.method == "sendMessage" and c.text.startswith("📣 <b>") and words in c.text
    ]


def _latest_status(bot: BotHarness, chat_id: int, broadcast_id: int) -> str:
    """The status as the admin sees it now: the status message after its last edit."""
    return [
        c.text
        for c in bot.request.calls
        if c.method in ("sendMessage", "editMessageText")
        and c.chat_id == chat_id
        and c.text.startswith("📣")
        and f"#{broadcast_id}" in c.text
    ][-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_scheduled_broadcast_shows_its_status_when_its_time_comes(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    lang: str,
) -> None:
    words, scheduled, done, sent = WORDS[lang]
    clock = ManualClock(NOW)
    harness, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base, clock.now)
    async with running(harness.app):
        admin = await bureau_admin(lang, world, sqlite_session_factory)
        await _schedule_to_managers(harness, admin, words, "2026-06-02 09:00")
        async with sqlite_session_factory() as session:
            (watched,) = await repo.unfinished_with_creator(session=session)
        await settle()
        assert _status_messages(harness, admin.user_id, watched.broadcast_id) == [], (
            "nothing to show before it starts"
        )
        assert not _deliveries(harness, words)

        clock.set(datetime(2026, 6, 2, 1, 0, 5, tzinfo=NOW.tzinfo))  # 09:00:05 in Shanghai
        await wait_until_finished(sqlite_session_factory, watched.broadcast_id)
        await settle()
    (status,) = _status_messages(harness, admin.user_id, watched.broadcast_id)
    assert scheduled not in status
    final = _latest_status(harness, admin.user_id, watched.broadcast_id)
    assert done in final and sent in final
    assert len(_deliveries(harness, words)) == 3


async def test_a_scheduled_broadcast_stopped_before_it_starts_posts_no_status(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
) -> None:
    clock = ManualClock(NOW)
    harness, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base, clock.now)
    async with running(harness.app):
        calls = await _schedule_to_managers(harness, world.bureau, "取消的通知", "2026-06-02 09:00")
        assert "2026-06-02 09:00" in calls
        stop = button(harness.request.calls, "bx:", world.bureau.user_id)
        harness.request.clear()
        await harness.press(world.bureau, stop)
        clock.set(NOW + timedelta(days=2))
        await settle()
    to_admin = [c for c in harness.request.calls if c.chat_id == world.bureau.user_id]
    assert len(to_admin) == 1 and "已停止" in to_admin[0].text


async def test_after_a_restart_unfinished_broadcasts_get_a_fresh_status_message(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
) -> None:
    clock = ManualClock(NOW)
    first, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base, clock.now)
    async with running(first.app):
        await _schedule_to_managers(first, world.bureau, "重启后的通知", "2026-06-02 09:00")
    # The bot is down when the broadcast's time comes; the next start shows its status.
    clock.set(datetime(2026, 6, 2, 2, 0, tzinfo=NOW.tzinfo))
    second, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base, clock.now)
    async with running(second.app):
        async with sqlite_session_factory() as session:
            (watched,) = await repo.unfinished_with_creator(session=session)
        progress = await wait_until_finished(sqlite_session_factory, watched.broadcast_id)
        await settle()
    assert progress.status is BroadcastStatus.done and progress.sent == 3
    assert len(_status_messages(second, world.bureau.user_id, watched.broadcast_id)) == 1
    final = _latest_status(second, world.bureau.user_id, watched.broadcast_id)
    assert "已完成" in final and "已发送 3" in final
