"""End to end: the bot process polls a Bot API emulator over real HTTP.

Onboarding, a question with its answer, a button press, and an item submitted by one user and
verified by another — through ``handinhand run --base-url``, exactly as against Telegram.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from knowledge import KnowledgeBase, Matcher
from storage.enums import ItemStatus, Role
from storage.models import Item, utcnow
from storage.repositories import invites
from tests.bot.conftest import World
from tests.bot.emulator import BotApiEmulator

HANDINHAND = Path(sys.executable).with_name("handinhand")


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    server = BotApiEmulator()
    yield server
    server.stop()


@pytest.fixture
def bot_process(
    world: World, sqlite_engine: AsyncEngine, emulator: BotApiEmulator, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    base_url = emulator.start()
    env = {
        **os.environ,
        "HANDINHAND_DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
        "HANDINHAND_TELEGRAM_TOKEN": "123456:END-TO-END",
        "HANDINHAND_BOT_USERNAME": emulator.username,
    }
    log = (tmp_path / "bot.log").open("wb")
    process = subprocess.Popen(
        [str(HANDINHAND), "run", "--base-url", base_url],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    yield process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


async def _wait(emulator: BotApiEmulator, chat_id: int, contains: str):  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(emulator.wait_for, chat_id, contains, 60.0)


async def test_onboarding_question_button_and_item_review_over_http(
    world: World,
    bot_process: subprocess.Popen[bytes],
    emulator: BotApiEmulator,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    tmp_path: Path,
) -> None:
    async with sqlite_session_factory() as session, session.begin():
        _, code = await invites.create_invite(
            session=session,
            role=Role.manager,
            enterprise_id=world.small_a.id,
            now=utcnow() - timedelta(minutes=1),
        )
    newcomer, mentor = 4242, world.mentor.user_id

    # Onboarding.
    emulator.user_sends(newcomer, f"/start {code}")
    await _wait(emulator, newcomer, "绑定成功")

    # A question with its answer, and a button press on it.
    entry = next(
        e for e in knowledge_base.entries if matcher.ask(e.questions["zh"][0]).status == "answered"
    )
    emulator.user_sends(newcomer, entry.questions["zh"][0])
    answer = await _wait(emulator, newcomer, "依据")
    emulator.user_presses(
        newcomer,
        answer,
        next(d for _, d in answer.buttons if d.startswith("fb:") and d.endswith(":1")),
    )
    await _wait(emulator, newcomer, "谢谢反馈")

    # An item submitted by the new manager and verified by the mentor.
    emulator.user_sends(newcomer, "/items")
    listing = await _wait(emulator, newcomer, "整改完成率")
    emulator.user_presses(newcomer, listing, f"iv:{world.item_a.id}")
    detail = await _wait(emulator, newcomer, f"#{world.item_a.id}</b>")
    emulator.user_presses(newcomer, detail, f"id:{world.item_a.id}")
    await _wait(emulator, newcomer, "请发送整改说明")
    emulator.user_sends(newcomer, "标识已张贴")
    await _wait(emulator, newcomer, "已收到")
    emulator.user_sends(newcomer, "/done")
    to_mentor = await _wait(emulator, mentor, "标识已张贴")
    emulator.user_presses(mentor, to_mentor, f"iok:{world.item_a.id}")
    await _wait(emulator, newcomer, "确认完成")

    async with sqlite_session_factory() as session:
        item = await session.get(Item, world.item_a.id)
        assert item is not None and item.status is ItemStatus.verified
    assert bot_process.poll() is None, (tmp_path / "bot.log").read_text()
    assert "getUpdates" in emulator.calls
