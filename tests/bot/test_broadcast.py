"""/broadcast through the real application: bureau only, preview = delivered, once, stop, ack."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.updates import Sender
from catalog import text
from storage.enums import BroadcastStatus, Reachability, Role
from storage.models import Broadcast, BroadcastDelivery
from storage.repositories import broadcasts as repo
from tests.bot.conftest import World
from tests.bot.desk_fixtures import bureau_admin, desk_bot, settle, wait_until_finished
from tests.bot.harness import BotHarness, alerts, button, buttons, texts
from tests.storage.factories import make_person

__all__ = ["desk_bot"]  # the fixture, re-exported for pytest

MANAGERS = (101, 102, 103)


async def _broadcasts(factory: async_sessionmaker[AsyncSession]) -> list[Broadcast]:
    async with factory() as session:
        return list((await session.execute(select(Broadcast))).scalars())


async def _compose_to_managers(bot: BotHarness, admin: Sender, words: str) -> str:
    """Text → role: managers → preview; returns the preview's text."""
    await bot.send(admin, "/broadcast")
    calls = await bot.send(admin, words)
    assert "bf:role" in [data for _, data in buttons(calls)]
    await bot.press(admin, "bf:role")
    await bot.press(admin, "bv:role:1")  # managers
    return texts(await bot.press(admin, "bp"))


@pytest.mark.parametrize("who", ["manager_a", "mentor"])
async def test_managers_and_mentors_may_not_broadcast(
    desk_bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    who: str,
) -> None:
    sender = getattr(world, who)
    calls = await desk_bot.send(sender, "/broadcast")
    assert text("zh", "role.bureau") in texts(calls)
    assert "bf:" not in str(buttons(calls))
    forged = await desk_bot.press(sender, "bx:1")
    assert alerts(forged) == [] and texts(forged) == text("zh", "error.refused")
    assert await _broadcasts(sqlite_session_factory) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_preview_count_is_what_is_delivered_once_each(
    desk_bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    admin = await bureau_admin(lang, world, sqlite_session_factory)
    preview = await _compose_to_managers(desk_bot, admin, "明天 <停水> 通知")
    assert ("人数：<b>3</b>" if lang == "zh" else "Recipients: <b>3</b>") in preview
    assert "&lt;停水&gt;" in preview
    back = await desk_bot.press(admin, "bf:menu")  # back to the picker and forward again
    assert "bp" in [data for _, data in buttons(back)]
    await desk_bot.press(admin, "bp")
    desk_bot.request.clear()
    await desk_bot.press(admin, "bs")
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.id is not None
    progress = await wait_until_finished(sqlite_session_factory, broadcast.id)
    await settle()
    assert (progress.total, progress.sent, progress.status) == (3, 3, BroadcastStatus.done)
    delivered = Counter(
        c.chat_id for c in desk_bot.request.calls if "停水" in c.text and c.method == "sendMessage"
    )
    assert delivered == {101: 1, 102: 1, 103: 1}
    english = [c.text for c in desk_bot.request.calls if c.chat_id == 103 and "停水" in c.text]
    assert english[0].startswith("📣 <b>Notice from the bureau</b>")
    edits = [c for c in desk_bot.request.calls if c.method == "editMessageText"]
    final = edits[-1].text
    assert ("已完成" if lang == "zh" else "done") in final
    assert ("已发送 3" if lang == "zh" else "Sent 3") in final


async def test_a_photo_broadcast_sends_the_photo_then_the_text(
    desk_bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await desk_bot.send(world.bureau, "/broadcast")
    await desk_bot.photo(world.bureau, "PHOTO-B", caption="检查安排见图")
    await desk_bot.press(world.bureau, "bf:role")
    await desk_bot.press(world.bureau, "bv:role:2")  # mentors
    preview = texts(await desk_bot.press(world.bureau, "bp"))
    assert "（附图片）" in preview and "人数：<b>1</b>" in preview
    desk_bot.request.clear()
    await desk_bot.press(world.bureau, "bs")
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.id is not None
    await wait_until_finished(sqlite_session_factory, broadcast.id)
    to_mentor = [c.method for c in desk_bot.request.calls if c.chat_id == world.mentor.user_id]
    assert to_mentor == ["sendPhoto", "sendMessage"]


async def test_an_empty_audience_cannot_be_confirmed(desk_bot: BotHarness, world: World) -> None:
    await desk_bot.send(world.bureau, "/broadcast")
    await desk_bot.send(world.bureau, "通知")
    await desk_bot.press(world.bureau, "bf:role")
    await desk_bot.press(world.bureau, "bv:role:2")  # mentors…
    await desk_bot.press(world.bureau, "bf:overdue")  # …of small hands with overdue items
    calls = await desk_bot.press(world.bureau, "bp")
    assert "没有符合条件的接收人" in texts(calls)
    assert "bs" not in [data for _, data in buttons(calls)]


async def test_a_scheduled_broadcast_can_be_stopped_before_anyone_gets_it(
    desk_bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _compose_to_managers(desk_bot, world.bureau, "周五检查")
    asked = await desk_bot.press(world.bureau, "bt")
    assert "2026-06-02" in texts(asked)
    refused = await desk_bot.send(world.bureau, "昨天")
    assert "无法识别" in texts(refused)
    calls = await desk_bot.send(world.bureau, "2026-06-02 09:00")
    assert "2026-06-02 09:00" in texts(calls) and "3 人" in texts(calls)
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.status is BroadcastStatus.scheduled
    assert broadcast.scheduled_at is not None and broadcast.scheduled_at.hour == 1  # 09:00 +08
    stopped = await desk_bot.press(world.bureau, button(calls, "bx:"))
    assert "已停止" in texts(stopped)
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.status is BroadcastStatus.cancelled
    again = await desk_bot.press(world.bureau, button(calls, "bx:"))
    assert "已经结束" in texts(again)


async def test_stop_while_sending_leaves_the_rest_unsent(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: object,
) -> None:
    from bot.app import running
    from tests.bot.desk_fixtures import desk_settings, start_bot

    async with sqlite_session_factory() as session, session.begin():
        for n in range(30):
            await make_person(
                session, Role.manager, chat_id=900_000 + n, reachability=Reachability.reachable
            )
    slow = desk_settings(broadcast_rate=5.0)
    harness, _ = await start_bot(slow, sqlite_session_factory, knowledge_base)  # type: ignore[arg-type]
    async with running(harness.app):
        await harness.send(world.bureau, "/broadcast")
        await harness.send(world.bureau, "停止测试")
        await harness.press(world.bureau, "bp")
        harness.request.clear()
        await harness.press(world.bureau, "bs")
        (broadcast,) = await _broadcasts(sqlite_session_factory)
        assert broadcast.id is not None
        # The status message's Stop button (other chats may hear from the reminders meanwhile).
        stop = button(harness.request.calls, "bx:", world.bureau.user_id)
        await harness.press(world.bureau, stop)
        await wait_until_finished(sqlite_session_factory, broadcast.id)
        await settle()
    async with sqlite_session_factory() as session:
        progress = await repo.progress(session=session, broadcast_id=broadcast.id)
    assert progress.status is BroadcastStatus.cancelled
    assert progress.sent < progress.total == 35  # 30 + the world's five people with a chat
    assert progress.sending == 0, "the worker gave back the rows it held"
    sent = [c for c in harness.request.calls if c.method == "sendMessage" and "停止测试" in c.text]
    assert len(sent) == progress.sent
    edits = [c.text for c in harness.request.calls if c.method == "editMessageText"]
    assert "已停止" in edits[-1]


async def test_recipients_acknowledge_once_and_the_report_names_them(
    desk_bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _compose_to_managers(desk_bot, world.bureau, "请确认收到")
    preview = texts(await desk_bot.press(world.bureau, "bq"))
    assert "需要（收件人有“收到”按钮）" in preview
    desk_bot.request.clear()
    await desk_bot.press(world.bureau, "bs")
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.id is not None and broadcast.require_ack
    await wait_until_finished(sqlite_session_factory, broadcast.id)
    await settle()
    calls = desk_bot.request.calls
    ack = button(calls, "ba:", world.manager_a.user_id)
    assert ack == f"ba:{broadcast.id}"
    assert ("✅ 收到", ack) in buttons(calls, world.manager_a.user_id)
    assert ("✅ Acknowledged", ack) in buttons(calls, world.english_manager.user_id)

    pressed = await desk_bot.press(world.manager_a, ack)
    assert alerts(pressed) == ["已确认收到，谢谢！"]
    assert "editMessageReplyMarkup" in [c.method for c in pressed]
    assert alerts(await desk_bot.press(world.manager_a, ack)) == ["已确认收到，谢谢！"]
    assert alerts(await desk_bot.press(world.mentor, ack)) == ["这条通知无需您确认。"]
    async with sqlite_session_factory() as session:
        rows = (await session.execute(select(BroadcastDelivery))).scalars().all()
    assert sum(r.acknowledged_at is not None for r in rows) == 1

    report_button = button(calls, "br:", world.bureau.user_id)
    report = texts(await desk_bot.press(world.bureau, report_button))
    assert "已确认（1）：张经理" in report and "未确认（2）" in report and "Mary" in report
    assert texts(await desk_bot.press(world.manager_a, report_button)) == text(
        "zh", "error.refused"
    )


async def test_non_acknowledgers_are_reminded_once(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: object,
) -> None:
    from bot.app import running
    from tests.bot.desk_fixtures import desk_settings, start_bot

    settings = desk_settings(broadcast_ack_reminder_hours=0)
    harness, services = await start_bot(settings, sqlite_session_factory, knowledge_base)  # type: ignore[arg-type]
    async with running(harness.app):
        await _compose_to_managers(harness, world.bureau, "请确认")
        await harness.press(world.bureau, "bq")
        await harness.press(world.bureau, "bs")
        (broadcast,) = await _broadcasts(sqlite_session_factory)
        assert broadcast.id is not None
        await wait_until_finished(sqlite_session_factory, broadcast.id)
        await harness.press(world.manager_a, f"ba:{broadcast.id}")
        harness.request.clear()
        assert services.desk is not None
        await services.desk.remind_now()
        await services.desk.remind_now()
    reminders = [c for c in harness.request.calls if "请确认" in c.text]
    assert sorted(c.chat_id or 0 for c in reminders) == [102, 103]
    assert any(c.text.startswith("⏰ <b>Reminder") for c in reminders if c.chat_id == 103)


@pytest.mark.parametrize(
    ("words", "reason"), [("   \n\t ", "empty_text"), ("通知" * 2_000, "text_too_long")]
)
async def test_a_blank_or_oversized_broadcast_is_refused_and_the_text_asked_again(
    desk_bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    words: str,
    reason: str,
) -> None:
    await desk_bot.send(world.bureau, "/broadcast")
    calls = await desk_bot.send(world.bureau, words)
    assert texts(calls) == text("zh", f"refusal.{reason}")
    assert "bf:role" not in [data for _, data in buttons(calls)]
    # Still waiting for the text: a good one goes on to the audience picker.
    calls = await desk_bot.send(world.bureau, "周五停电检修，请提前安排")
    assert "bf:role" in [data for _, data in buttons(calls)]
    assert await _broadcasts(sqlite_session_factory) == []


async def test_a_text_of_ampersands_reaches_each_recipient_as_one_message(
    desk_bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # 3,500 "&" are 3,500 characters to Telegram, though 17,500 once escaped as HTML.
    await _compose_to_managers(desk_bot, world.bureau, "&" * 3_500)
    desk_bot.request.clear()
    await desk_bot.press(world.bureau, "bs")
    (broadcast,) = await _broadcasts(sqlite_session_factory)
    assert broadcast.id is not None
    await wait_until_finished(sqlite_session_factory, broadcast.id)
    to_manager = [c.method for c in desk_bot.request.calls if c.chat_id == world.manager_a.user_id]
    assert to_manager == ["sendMessage"]
