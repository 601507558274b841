"""Curation in the bot: a linked question is answered at once (and after a restart); a draft
answer reaches the asker and waits in the review queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import running
from catalog import text
from knowledge import KnowledgeBase
from storage.models import ExtraPhrasing, QuestionLog
from tests.bot.conftest import World
from tests.bot.desk_fixtures import desk_bot, desk_settings, start_bot
from tests.bot.harness import BotHarness, button, buttons, texts

__all__ = ["desk_bot"]

# Out of the knowledge base's reach today: the matcher does not answer it.
QUESTION = "厂区雨水井盖要刷成什么颜色"
ENTRY = "wastewater-rain-sewage-separation"


async def _logged(factory: async_sessionmaker[AsyncSession]) -> list[QuestionLog]:
    async with factory() as session:
        return list((await session.execute(select(QuestionLog))).scalars())


async def test_a_linked_question_is_answered_at_once_and_after_a_restart(
    desk_bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
) -> None:
    knowledge_base.get(ENTRY)  # the entry exists
    first = await desk_bot.send(world.manager_a, QUESTION)
    assert "fb:" not in str(buttons(first)), "not answered before curation"
    queue = await desk_bot.send(world.bureau, "/curate")
    assert QUESTION in texts(queue)
    picking = await desk_bot.press(world.bureau, button(queue, "cl:"))
    assert "ce:" in str(buttons(picking)), "the matcher's candidates are offered"
    wrong = await desk_bot.send(world.bureau, "no.such.entry")
    assert "no.such.entry" in texts(wrong)
    linked = await desk_bot.send(world.bureau, ENTRY)
    assert "已关联" in texts(linked)
    async with sqlite_session_factory() as session:
        (row,) = (await session.execute(select(ExtraPhrasing))).scalars()
    assert (row.entry_id, row.text) == (ENTRY, QUESTION)

    again = await desk_bot.send(world.manager_a, QUESTION)
    assert button(again, "fb:"), "answered, with the feedback buttons"
    assert "暂无" not in texts(await desk_bot.send(world.bureau, "/curate"))

    # A new process: the phrasing comes back from the database in post_init.
    harness, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base)
    async with running(harness.app):
        restarted = await harness.send(world.english_manager, QUESTION)
    assert button(restarted, "fb:")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_draft_answer_reaches_the_asker_and_waits_for_review(
    desk_bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    asker = world.manager_a if lang == "zh" else world.english_manager
    await desk_bot.send(asker, QUESTION)
    queue = await desk_bot.send(world.bureau, "/curate")
    asked = await desk_bot.press(world.bureau, button(queue, "cd:"))
    assert QUESTION in texts(asked)
    calls = await desk_bot.send(world.bureau, "按 <GB 15562.1> 设置标志即可")
    to_asker = texts(calls, asker.user_id)
    assert ("生态环境局答复" if lang == "zh" else "The bureau answers") in to_asker
    assert "&lt;GB 15562.1&gt;" in to_asker
    assert text("zh", "curate.drafted") in texts(calls, world.bureau.user_id)
    (logged,) = await _logged(sqlite_session_factory)
    assert logged.answer_text == "按 <GB 15562.1> 设置标志即可" and logged.reviewed_at is None

    review = await desk_bot.send(world.bureau, "/review")
    assert QUESTION in texts(review)
    await desk_bot.press(world.bureau, button(review, "cr:"))
    assert text("zh", "curate.review_empty") in texts(await desk_bot.send(world.bureau, "/review"))
    assert text("zh", "curate.empty") in texts(await desk_bot.send(world.bureau, "/curate"))


async def test_curation_is_for_the_bureau_only(desk_bot: BotHarness, world: World) -> None:
    await desk_bot.send(world.manager_a, QUESTION)
    refused = await desk_bot.send(world.mentor, "/curate")
    assert text("zh", "role.bureau") in texts(refused)
    forged = await desk_bot.press(world.mentor, "cd:1")
    assert texts(forged) == text("zh", "error.refused")


async def test_a_blank_draft_answer_is_asked_again_and_nothing_reaches_the_asker(
    desk_bot: BotHarness, world: World
) -> None:
    await desk_bot.send(world.manager_a, QUESTION)
    queue = await desk_bot.send(world.bureau, "/curate")
    await desk_bot.press(world.bureau, button(queue, "cd:"))
    calls = await desk_bot.send(world.bureau, " \n ")
    assert text("zh", "refusal.empty_text") in texts(calls, world.bureau.user_id)
    # Nothing about the question reaches the asker (a digest the desk's scheduler sends may).
    assert QUESTION not in texts(calls, world.manager_a.user_id)
    calls = await desk_bot.send(world.bureau, "井盖按规范涂黄色警示即可")
    assert "井盖按规范涂黄色警示即可" in texts(calls, world.manager_a.user_id)
