"""/settings has a switch for mentors' overdue-item escalations, and the daily round honours it."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.terminal.recording import RecordingRequest
from knowledge import KnowledgeBase, Matcher
from scheduler.daily import run_daily
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, texts
from tests.bot.scheduled import scheduled_bot


@pytest.mark.parametrize(
    ("sender", "label"),
    [("mentor", "逾期整改项提醒（导师）"), ("english_manager", "Overdue-item alerts (mentors)")],
)
async def test_settings_show_the_escalation_switch_in_the_readers_language(
    bot: BotHarness, world: World, sender: str, label: str
) -> None:
    calls = await bot.send(getattr(world, sender), "/settings")
    assert f"{label}: " in " ".join(lbl for c in calls for lbl, _ in c.buttons)


@pytest.mark.parametrize("switched_off", [False, True])
async def test_a_mentor_who_switches_escalations_off_is_not_told_of_overdue_items(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    switched_off: bool,
) -> None:
    request = RecordingRequest()
    async with scheduled_bot(sqlite_session_factory, knowledge_base, matcher, request) as sbot:
        if switched_off:
            calls = await sbot.send(world.mentor, "/settings")
            pressed = await sbot.press(world.mentor, button(calls, "st:escalations"))
            labels = " ".join(lbl for c in pressed for lbl, _ in c.buttons)
            assert "逾期整改项提醒（导师）: 关" in labels
            request.clear()
        await run_daily(sbot.reminders.runtime)  # Monday 10:00: item_a is a month overdue
    told = "逾期提醒" in texts(request.calls, world.mentor.user_id)
    assert told is not switched_off
