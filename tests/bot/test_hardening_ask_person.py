""" "Ask a person" is limited per account and hour (issue 13, item 7), durably.

Before: a guest could forward 30 questions in a row to the bureau. Now a guest may forward 3 an
hour and a member 10 (settings), the same question only once, and the count lives in the question
log, so a restart forgets nothing. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import running
from bot.updates import Sender
from knowledge import KnowledgeBase, Matcher
from tests.bot.conftest import NOW, World
from tests.bot.hardening_fixtures import Clock, any_bot, any_world, clock, start_app
from tests.bot.harness import BotHarness, button, texts

__all__ = ["any_bot", "any_world", "clock"]

BUREAU = 301


async def _forward(bot: BotHarness, sender: Sender, n: int) -> str:
    """Ask a question the bot cannot answer and press "ask a person"; what the asker read."""
    asked = await bot.send(sender, f"蓝莓量子纠缠第{n}号问题怎么办？")
    pressed = await bot.press(sender, button(asked, "fw:"))
    return texts(pressed, sender.user_id)


def _to_bureau(bot: BotHarness) -> int:
    return sum(1 for c in bot.request.calls if c.method == "sendMessage" and c.chat_id == BUREAU)


async def test_a_guest_forwards_three_questions_an_hour_even_across_a_restart(
    any_bot: BotHarness,
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    clock: Clock,
) -> None:
    guest = any_world.guest
    for n in range(3):
        assert "已转给" in await _forward(any_bot, guest, n)
    refused = await _forward(any_bot, guest, 3)
    assert "上限" in refused and "11:00" in refused
    assert _to_bureau(any_bot) == 3

    # A restart: a new application on the same database still counts them.
    restarted = start_app(session_factory, knowledge_base, matcher, clock=clock)
    async with running(restarted.app):
        assert "上限" in await _forward(restarted, guest, 4)
        clock.now = NOW + timedelta(minutes=59)
        assert "上限" in await _forward(restarted, guest, 5)
        clock.now = NOW + timedelta(hours=1)
        assert "已转给" in await _forward(restarted, guest, 6)
        assert _to_bureau(restarted) == 1


async def test_a_member_forwards_ten_an_hour_and_hears_when_in_english(
    any_bot: BotHarness, any_world: World
) -> None:
    mary = any_world.english_manager
    for n in range(10):
        assert "try again" not in await _forward(any_bot, mary, n)
    refused = await _forward(any_bot, mary, 10)
    assert "try again after 11:00" in refused


async def test_the_same_question_reaches_a_person_once(
    any_bot: BotHarness, any_world: World
) -> None:
    guest = any_world.guest
    asked = await any_bot.send(guest, "蓝莓量子纠缠怎么办？")
    data = button(asked, "fw:")
    first = await any_bot.press(guest, data)
    again = [await any_bot.press(guest, data) for _ in range(5)]
    assert "已转给" in texts(first, guest.user_id)
    assert all("已经转给人工" in texts(calls, guest.user_id) for calls in again)
    assert _to_bureau(any_bot) == 1
