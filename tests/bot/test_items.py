"""Rectification items: list, detail, in progress, submit with evidence, verify or return; /mine."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import callbacks
from catalog import text
from storage.enums import EvidenceKind, ItemStatus
from storage.models import Evidence, Item, ItemHistory
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, buttons, texts


async def _item(factory: async_sessionmaker[AsyncSession], item_id: int | None) -> Item:
    async with factory() as session:
        found = await session.get(Item, item_id)
        assert found is not None
        return found


async def _rows(factory: async_sessionmaker[AsyncSession], model: type) -> list:  # type: ignore[type-arg]
    async with factory() as session:
        return list((await session.execute(select(model))).scalars())


@pytest.mark.parametrize(
    ("sender", "header"),
    [("manager_a", "整改完成率 0%"), ("english_manager", "completion rate 0%")],
)
async def test_items_list_overdue_first_with_completion_rate(
    bot: BotHarness, world: World, sender: str, header: str
) -> None:
    calls = await bot.send(getattr(world, sender), "/items")
    reply = texts(calls)
    assert header in reply
    assert reply.index("危废暂存间") < reply.index("应急预案"), "overdue item first"
    assert "乙厂" not in reply, "only the manager's own enterprise"
    assert [data for _, data in buttons(calls)][:2] == [
        f"iv:{world.item_a.id}",
        f"iv:{world.item_a2.id}",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_submit_with_evidence_then_mentor_verifies(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    manager = world.manager_a if lang == "zh" else world.english_manager
    item_id = world.item_a.id
    calls = await bot.press(manager, callbacks.ITEM_VIEW.encode(item_id))
    assert ("已逾期" if lang == "zh" else "overdue") in texts(calls)
    calls = await bot.press(manager, button(calls, "ip:"))
    assert (await _item(sqlite_session_factory, item_id)).status is ItemStatus.in_progress
    calls = await bot.press(manager, button(calls, "id:"))
    await bot.send(manager, "已张贴标识 <ok>")
    await bot.photo(manager, "PHOTO-1")
    await bot.document(manager, "DOC-1", "台账.pdf")
    calls = await bot.send(manager, "/done")
    assert (await _item(sqlite_session_factory, item_id)).status is ItemStatus.submitted
    to_mentor = [c for c in calls if c.chat_id == world.mentor.user_id]
    assert [c.method for c in to_mentor] == ["sendPhoto", "sendDocument", "sendMessage"]
    assert to_mentor[0].params["photo"] == "PHOTO-1"
    assert "已张贴标识 &lt;ok&gt;" in to_mentor[-1].text
    kinds = sorted(e.kind.value for e in await _rows(sqlite_session_factory, Evidence))
    assert kinds == [EvidenceKind.document.value, EvidenceKind.note.value, EvidenceKind.photo.value]

    calls = await bot.press(world.mentor, button(calls, "iok:", world.mentor.user_id))
    assert (await _item(sqlite_session_factory, item_id)).status is ItemStatus.verified
    to_managers = texts(calls, world.manager_a.user_id) + texts(
        calls, world.english_manager.user_id
    )
    assert "确认完成" in to_managers and "was verified by" in to_managers
    history = [
        h.to_status
        for h in await _rows(sqlite_session_factory, ItemHistory)
        if h.item_id == item_id
    ]
    assert history == [
        ItemStatus.open,
        ItemStatus.in_progress,
        ItemStatus.submitted,
        ItemStatus.verified,
    ]


async def test_mentor_returns_an_item_with_a_comment(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    calls = await bot.press(world.manager_a, callbacks.ITEM_DONE.encode(world.item_a2.id))
    await bot.send(world.manager_a, "已备案")
    calls = await bot.send(world.manager_a, "/done")
    calls = await bot.press(world.mentor, button(calls, "irt:", world.mentor.user_id))
    assert "退回" in texts(calls)
    calls = await bot.send(world.mentor, "备案回执不清晰")
    item = await _item(sqlite_session_factory, world.item_a2.id)
    assert item.status is ItemStatus.returned
    assert "备案回执不清晰" in texts(calls, world.manager_a.user_id)
    assert "Comment" in texts(calls, world.english_manager.user_id)


async def test_submission_needs_some_evidence_and_can_be_cancelled(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await bot.press(world.manager_a, callbacks.ITEM_DONE.encode(world.item_a.id))
    assert "至少" in texts(await bot.send(world.manager_a, "/done"))
    assert "已取消" in texts(await bot.send(world.manager_a, "/cancel"))
    assert (await _item(sqlite_session_factory, world.item_a.id)).status is ItemStatus.open


@pytest.mark.parametrize(
    ("sender", "data"),
    [
        ("manager_b", "iv:{a}"),  # another enterprise's item
        ("manager_b", "ip:{a}"),
        ("manager_b", "id:{a}"),
        ("mentor", "iv:{b}"),  # a small hand the mentor's company is not paired with
        ("mentor", "iok:{b}"),
        ("mentor", "me:{small_b}:0"),
        ("mentor", "ia:{small_b}"),
        ("guest", "iv:{a}"),
        ("manager_a", "iok:{a}"),  # a manager cannot verify their own item
        ("manager_a", "me:{small_a}:0"),
    ],
)
async def test_forged_callbacks_are_refused_logged_and_change_nothing(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    sender: str,
    data: str,
) -> None:
    forged = data.format(
        a=world.item_a.id, b=world.item_b.id, small_a=world.small_a.id, small_b=world.small_b.id
    )
    before = [(i.id, i.status) for i in await _rows(sqlite_session_factory, Item)]
    calls = await bot.press(getattr(world, sender), forged)
    assert any(c.method == "answerCallbackQuery" for c in calls)
    assert "没有权限" in texts(calls)
    assert "乙厂噪声" not in texts(calls) and "危废暂存间" not in texts(calls)
    assert "refused" in caplog.text
    assert [(i.id, i.status) for i in await _rows(sqlite_session_factory, Item)] == before


@pytest.mark.parametrize(
    ("sender", "command", "expected"),
    [
        ("mentor", "/items", "仅供小手企业负责人"),
        ("manager_a", "/mine", "仅供大手帮扶导师"),
        ("guest", "/items", "需要先绑定"),
        ("english_manager", "/mine", "This command is for: big-hand mentor"),
        ("guest", "/nonsense", "没有这个命令"),
    ],
)
async def test_commands_for_other_roles_are_refused_politely(
    bot: BotHarness, world: World, sender: str, command: str, expected: str
) -> None:
    assert expected in texts(await bot.send(getattr(world, sender), command))


async def test_mine_lists_paired_small_hands_and_drills_down(bot: BotHarness, world: World) -> None:
    calls = await bot.send(world.mentor, "/mine")
    assert buttons(calls)[0][0] == "甲小手厂：未完成 2 · 逾期 1"
    assert "乙小手厂" not in str(buttons(calls))
    calls = await bot.press(world.mentor, button(calls, "me:"))
    assert "危废暂存间" in texts(calls)
    assert button(calls, "ia:") == f"ia:{world.small_a.id}"


async def test_mentor_adds_an_item_and_the_managers_hear(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    calls = await bot.press(world.mentor, callbacks.ITEM_ADD.encode(world.small_a.id))
    calls = await bot.press(world.mentor, button(calls, "ias:noise"))
    await bot.send(world.mentor, "厂界噪声夜间超标")
    await bot.send(world.mentor, "加装隔声罩")
    assert "没看懂" in texts(await bot.send(world.mentor, "明天吧"))
    calls = await bot.send(world.mentor, "30")
    assert "2026-07-01" in texts(calls, world.mentor.user_id)
    assert "厂界噪声夜间超标" in texts(calls, world.manager_a.user_id)
    added = [
        i for i in await _rows(sqlite_session_factory, Item) if i.finding == "厂界噪声夜间超标"
    ]
    assert (
        len(added) == 1
        and added[0].enterprise_id == world.small_a.id
        and added[0].measure == "加装隔声罩"
    )


async def test_a_blank_finding_is_refused_and_asked_again(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    before = len(await _rows(sqlite_session_factory, Item))
    calls = await bot.press(world.mentor, callbacks.ITEM_ADD.encode(world.small_a.id))
    await bot.press(world.mentor, button(calls, "ias:noise"))
    assert texts(await bot.send(world.mentor, "  \u3000 ")) == text("zh", "refusal.empty_text")
    # Still on the finding: the next text is taken as the finding, then measure and deadline.
    await bot.send(world.mentor, "厂界噪声夜间超标")
    await bot.send(world.mentor, "加装隔声罩")
    await bot.send(world.mentor, "30")
    findings = [i.finding for i in await _rows(sqlite_session_factory, Item)]
    assert len(findings) == before + 1 and "厂界噪声夜间超标" in findings
    assert all(f.strip() for f in findings)


async def test_a_blank_return_comment_is_asked_again_and_the_item_stays_submitted(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await bot.press(world.manager_a, callbacks.ITEM_DONE.encode(world.item_a2.id))
    await bot.send(world.manager_a, "已备案")
    calls = await bot.send(world.manager_a, "/done")
    await bot.press(world.mentor, button(calls, "irt:", world.mentor.user_id))
    assert texts(await bot.send(world.mentor, "   ")) == text("zh", "refusal.empty_text")
    assert (await _item(sqlite_session_factory, world.item_a2.id)).status is ItemStatus.submitted
    await bot.send(world.mentor, "备案回执不清晰")
    assert (await _item(sqlite_session_factory, world.item_a2.id)).status is ItemStatus.returned
