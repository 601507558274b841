"""Groups, channels and edits (issue 13, item 6): updates from outside private chats.

Rules: onboarding and everything personal happen only in private chats; in groups the bot answers
only when addressed, and then only "please talk to me in private"; channel posts, sender-less
updates and edited messages are ignored quietly. SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.updates import Sender
from storage.enums import Role
from storage.repositories import invites, people
from tests.bot.conftest import NOW, World
from tests.bot.hardening_fixtures import ADMIN_CHAT, any_bot, any_world, clock
from tests.bot.harness import BotHarness, alerts, texts

__all__ = ["any_bot", "any_world", "clock"]

GROUP = -1_001_234_567_890
BOT_ID = 7_000_000_001  # RecordingRequest's getMe
PRIVATE_ONLY = "请私聊我"
ITEM_A = "危废暂存间未张贴标识"


async def _invite(factory: async_sessionmaker[AsyncSession], enterprise_id: int | None) -> str:
    async with factory() as session, session.begin():
        _, code = await invites.create_invite(
            session=session,
            role=Role.manager,
            enterprise_id=enterprise_id,
            now=NOW - timedelta(hours=1),
        )
    return code


async def _person_chat(factory: async_sessionmaker[AsyncSession], tg: int) -> int | None:
    async with factory() as session:
        person = await people.find_by_telegram_id(session=session, telegram_user_id=tg)
    return None if person is None else person.chat_id


_ids = iter(range(10_000, 1_000_000))


def _message(
    sender: Sender | None, text: str, *, chat: dict[str, Any], reply_to_bot: bool = False
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat,
        "text": text,
    }
    if sender is not None:
        message["from"] = sender.as_json()
    else:  # an anonymous group admin, or a linked channel writing in the group
        message["sender_chat"] = {"id": -1_009_999, "type": "channel", "title": "频道"}
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    elif "@" in text:
        at = text.index("@")
        handle = text[at:].split()[0]
        message["entities"] = [{"type": "mention", "offset": at, "length": len(handle)}]
    if reply_to_bot:
        message["reply_to_message"] = {
            "message_id": 5,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "HandInHand"},
            "text": "…",
        }
    return message


def _group(kind: str = "supergroup") -> dict[str, Any]:
    return {"id": GROUP, "type": kind, "title": "环保交流群"}


def _private(sender: Sender) -> dict[str, Any]:
    return {"id": sender.user_id, "type": "private", "first_name": sender.first_name}


async def _process(bot: BotHarness, **payload: Any) -> list[Any]:
    start = len(bot.request.calls)
    update = {"update_id": next(_ids), **payload}
    await bot.app.process_update(Update.de_json(update, bot.app.bot))
    return bot.request.calls[start:]


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_start_with_a_code_in_a_group_never_binds_the_group(
    any_bot: BotHarness,
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    kind: str,
) -> None:
    code = await _invite(session_factory, any_world.small_a.id)
    newcomer = Sender(600, "赵厂长")
    plain = await _process(any_bot, message=_message(newcomer, f"/start {code}", chat=_group(kind)))
    assert plain == []  # a bare command in a group is not addressed to us: silence
    addressed = await _process(
        any_bot, message=_message(newcomer, f"/start@HandInHandBot {code}", chat=_group(kind))
    )
    assert PRIVATE_ONLY in texts(addressed, GROUP)
    assert code not in texts(addressed)
    assert await _person_chat(session_factory, 600) is None
    # The code is still good, in a private chat, which becomes the person's chat.
    private = await any_bot.send(newcomer, f"/start {code}")
    assert "甲小手厂" in texts(private, 600)
    assert await _person_chat(session_factory, 600) == 600


async def test_items_in_a_group_never_show_the_enterprises_items(
    any_bot: BotHarness, any_world: World
) -> None:
    manager = any_world.manager_a
    bare = await _process(any_bot, message=_message(manager, "/items", chat=_group()))
    addressed = await _process(
        any_bot, message=_message(manager, "/items@HandInHandBot", chat=_group())
    )
    assert bare == []
    assert ITEM_A not in texts(addressed)
    assert texts(addressed, GROUP).startswith(PRIVATE_ONLY)
    # In private the same command still works.
    assert ITEM_A in texts(await any_bot.send(manager, "/items"), manager.user_id)


async def test_plain_text_in_a_group_is_answered_only_when_addressed_and_then_not_answered(
    any_bot: BotHarness, any_world: World
) -> None:
    question = "危废暂存间需要张贴哪些标识？"
    manager = any_world.manager_a
    assert await _process(any_bot, message=_message(manager, question, chat=_group())) == []
    mention = await _process(
        any_bot, message=_message(manager, f"@HandInHandBot {question}", chat=_group())
    )
    reply = await _process(
        any_bot, message=_message(manager, question, chat=_group(), reply_to_bot=True)
    )
    for calls in (mention, reply):
        assert [c.chat_id for c in calls if c.method == "sendMessage"] == [GROUP]
        assert texts(calls).startswith(PRIVATE_ONLY)
    # Someone else's bot is not us.
    other = await _process(
        any_bot, message=_message(manager, f"@OtherBot {question}", chat=_group())
    )
    assert other == []


async def test_a_button_pressed_in_a_group_is_answered_privately_and_shows_nothing(
    any_bot: BotHarness, any_world: World
) -> None:
    manager = any_world.manager_a
    query = {
        "id": "777",
        "from": manager.as_json(),
        "chat_instance": "-5",
        "data": f"iv:{any_world.item_a.id}",
        "message": {
            "message_id": 9,
            "date": int(time.time()),
            "chat": _group(),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "HandInHand"},
            "text": "…",
        },
    }
    calls = await _process(any_bot, callback_query=query)
    assert texts(calls) == ""
    assert alerts(calls) and PRIVATE_ONLY in alerts(calls)[0]


async def test_channel_posts_and_senderless_updates_are_ignored_quietly(
    any_bot: BotHarness, any_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    channel = {"id": -1_005_555, "type": "channel", "title": "通知频道"}
    post = _message(None, "/start abc", chat=channel)
    with caplog.at_level(logging.WARNING):
        calls = [
            *await _process(any_bot, channel_post=post),
            *await _process(any_bot, edited_channel_post={**post, "edit_date": 1}),
            *await _process(any_bot, message=_message(None, "危废怎么存放？", chat=_group())),
            *await _process(
                any_bot,
                message_reaction_count={  # anonymous reactions: no sender at all
                    "chat": _group(),
                    "message_id": 5,
                    "date": int(time.time()),
                    "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}],
                },
            ),
        ]
    assert calls == []
    assert texts(calls, ADMIN_CHAT) == ""
    assert "error" not in caplog.text.lower()


async def test_an_edited_start_with_a_code_does_not_onboard(
    any_bot: BotHarness, any_world: World, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    code = await _invite(session_factory, any_world.small_a.id)
    newcomer = Sender(600, "赵厂长")
    edited = {**_message(newcomer, f"/start {code}", chat=_private(newcomer)), "edit_date": 2}
    assert await _process(any_bot, edited_message=edited) == []
    assert await _person_chat(session_factory, 600) is None
    # An edited question is not answered twice either.
    edited_question = {
        **_message(any_world.manager_a, "危废怎么存放？", chat=_private(any_world.manager_a)),
        "edit_date": 2,
    }
    assert await _process(any_bot, edited_message=edited_question) == []
