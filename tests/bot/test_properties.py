"""Property: whatever anyone sends — random text, commands, forged buttons — the bot answers,
never crashes, and changes only what the sender may change.

300 examples of 5–40 updates each: about 2,800 random updates per run, from bound and unbound
users, against one programme whose database carries over from update to update.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.updates import Sender
from storage.models import Item, Person
from tests.bot.conftest import World
from tests.bot.harness import BotHarness

COMMANDS = [
    "/start",
    "/start 0000",
    "/items",
    "/mine",
    "/helpme",
    "/done",
    "/cancel",
    "/settings",
    "/language",
    "/topics",
    "/whoami",
    "/help",
    "/nope",
    "/start@HandInHandBot",
]
PREFIXES = [
    "fb",
    "sg",
    "fw",
    "rp",
    "tp",
    "tc",
    "ts",
    "te",
    "il",
    "iv",
    "ip",
    "id",
    "iok",
    "irt",
    "ml",
    "me",
    "ia",
    "ias",
    "ha",
    "hv",
    "lg",
    "st",
    "nop",
]
SENDERS = ["manager_a", "english_manager", "manager_b", "mentor", "bureau", "guest", "stranger"]

texts = st.one_of(
    st.text(min_size=1, max_size=200).filter(str.strip),
    st.sampled_from(COMMANDS),
    st.sampled_from(
        ["危废", "环评", "排污许可证多久换", "leak!", "1", "30", "2026-12-31", "<b>x</b>"]
    ),
)
words = st.one_of(
    st.integers(0, 12).map(str), st.sampled_from(["en", "zh", "digest", "eia", "procedures", "x"])
)
forged = st.one_of(
    st.builds(
        lambda p, a: f"{p}:{a}" if a else p,
        st.sampled_from(PREFIXES),
        st.lists(words, max_size=3).map(":".join),
    ),
    st.text(max_size=64),
)
actions = st.lists(
    st.tuples(
        st.sampled_from(SENDERS),
        st.one_of(texts.map(lambda t: ("text", t)), forged.map(lambda d: ("press", d))),
    ),
    min_size=5,
    max_size=40,
)


async def _snapshot(
    factory: async_sessionmaker[AsyncSession],
) -> tuple[dict[int, tuple], dict[int, tuple]]:  # type: ignore[type-arg]
    async with factory() as session:
        items = {
            i.id: (i.enterprise_id, i.status, i.finding)
            for i in (await session.execute(select(Item))).scalars()
        }
        people = {
            p.id: (p.telegram_user_id, p.role, p.enterprise_id, p.language, dict(p.preferences))
            for p in (await session.execute(select(Person))).scalars()
        }
    return items, people  # type: ignore[return-value]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
async def test_random_updates_get_answers_and_change_only_what_the_sender_may(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    steps: list[tuple[str, tuple[str, str]]],
) -> None:
    visible = {
        "manager_a": {world.small_a.id},
        "english_manager": {world.small_a.id},
        "manager_b": {world.small_b.id},
        "mentor": {world.small_a.id},
        "bureau": {world.small_a.id, world.small_b.id},
        "guest": set(),
        "stranger": set(),
    }
    for who, (kind, payload) in steps:
        sender = getattr(world, who) if who != "stranger" else Sender(31337, "Eve", None)
        items_before, people_before = await _snapshot(sqlite_session_factory)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            if kind == "text":
                calls = await bot.send(sender, payload)
                assert any(
                    c.method in {"sendMessage", "editMessageText"} and c.chat_id == sender.user_id
                    for c in calls
                ), (who, payload)
            else:
                calls = await bot.press(sender, payload)
                assert any(c.method == "answerCallbackQuery" for c in calls), (who, payload)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], (
            who,
            payload,
            caplog.text,
        )
        items_after, people_after = await _snapshot(sqlite_session_factory)
        for item_id, row in items_after.items():
            if items_before.get(item_id) != row:
                assert row[0] in visible[who], (who, payload, row)
        changed_people = {pid for pid, row in people_after.items() if people_before.get(pid) != row}
        assert all(people_after[pid][0] == sender.user_id for pid in changed_people), (who, payload)
        assert set(people_after) == set(people_before), "nobody onboards without a valid code"
