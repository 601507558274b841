"""A mentor adds a rectification item found on a visit: sub-category, finding, measure, deadline."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.handlers.errors import refusal_text
from bot.ui.html import escape
from bot.ui.replies import notify, pressed, pressed_ids, respond
from catalog import text
from knowledge.taxonomy import SUBCATEGORIES
from programme import items as programme_items
from programme.access import require_enterprise, require_role
from programme.errors import NotAllowed
from programme.typed import check_text
from storage.enums import SubCategory

__all__ = [
    "build_handler",
    "choose_subcategory",
    "save_item",
    "start_item",
    "take_finding",
    "take_measure",
]

AWAITING_SUBCATEGORY, AWAITING_FINDING, AWAITING_MEASURE, AWAITING_DEADLINE = range(4)
TextStep = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


async def start_item(update: Update, context: BotContext) -> int:
    """ "Add an item" under a small hand: check the mentor covers it, then ask the sub-category."""
    (enterprise_id,) = await pressed_ids(update, callbacks.ITEM_ADD)
    require_role(context.member, *programme_items.REVIEWERS)
    async with context.services.unit_of_work() as session:
        await require_enterprise(session, context.member, enterprise_id)
    start_draft(context, enterprise_id=enterprise_id)
    lang = context.member.lang
    rows = [
        [(s.en if lang == "en" else s.zh, callbacks.ITEM_ADD_SUBCATEGORY.encode(s.id))]
        for s in SUBCATEGORIES
    ]
    await respond(update, context.bot, text(lang, "additem.subcategory"), rows)
    return AWAITING_SUBCATEGORY


async def choose_subcategory(update: Update, context: BotContext) -> int:
    """The sub-category button."""
    (sub_id,) = await pressed(update, callbacks.ITEM_ADD_SUBCATEGORY)
    draft = draft_of(context)
    if draft is None or str(sub_id) not in {s.value for s in SubCategory}:
        return ConversationHandler.END
    draft["sub"] = str(sub_id)
    await respond(update, context.bot, text(context.member.lang, "additem.finding"))
    return AWAITING_FINDING


def _take(
    field: str, check: Callable[[str], str], state: int, next_key: str, next_state: int
) -> TextStep:
    """A step that checks the typed text, stores it as ``field`` and asks the next question."""

    async def take(update: Update, context: BotContext) -> int:
        draft = draft_of(context)
        message = update.effective_message
        if draft is None or message is None or not message.text:
            return ConversationHandler.END
        try:
            draft[field] = check(message.text)
        except NotAllowed as refusal:  # blank or too long: ask again
            await respond(update, context.bot, refusal_text(context.member.lang, refusal))
            return state
        await respond(update, context.bot, text(context.member.lang, next_key))
        return next_state

    take.__name__ = take.__qualname__ = f"take_{field}"
    return take


def _finding(typed: str) -> str:
    return check_text(typed, programme_items.FINDING_LIMIT)


def _measure(typed: str) -> str:
    return typed.strip()[: programme_items.FINDING_LIMIT]


take_finding = _take("finding", _finding, AWAITING_FINDING, "additem.measure", AWAITING_MEASURE)
take_measure = _take("measure", _measure, AWAITING_MEASURE, "additem.deadline", AWAITING_DEADLINE)


async def save_item(update: Update, context: BotContext) -> int:
    """The deadline: create the item and tell the small hand's managers."""
    draft = draft_of(context)
    message = update.effective_message
    if draft is None or message is None or not message.text:
        return ConversationHandler.END
    member = context.member
    due = programme_items.parse_deadline(message.text, context.services.today())
    if due is None:
        await respond(update, context.bot, text(member.lang, "additem.bad_deadline"))
        return AWAITING_DEADLINE
    try:
        async with context.services.unit_of_work() as session:
            change = await programme_items.add_item(
                session,
                member,
                int(draft["enterprise_id"]),
                sub_category=SubCategory(draft["sub"]),
                finding=draft["finding"],
                measure=draft["measure"],
                due_on=due,
                today=context.services.today(),
                now=context.services.clock(),
            )
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return AWAITING_DEADLINE
    item, managers = change.item, change.tell
    end_draft(context)
    await respond(
        update, context.bot, text(member.lang, "additem.saved", id=item.id, due=due.isoformat())
    )
    await notify(
        context.bot,
        managers,
        "additem.to_manager",
        lambda lang: [[(text(lang, "item.open"), callbacks.ITEM_VIEW.encode(item.id or 0))]],
        id=item.id,
        finding=escape(item.finding),
        due=due.isoformat(),
    )
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """Add-an-item: sub-category button, finding, measure, deadline."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "add_item",
        [CallbackQueryHandler(start_item, pattern=callbacks.ITEM_ADD.pattern)],
        {
            AWAITING_SUBCATEGORY: [
                CallbackQueryHandler(
                    choose_subcategory, pattern=callbacks.ITEM_ADD_SUBCATEGORY.pattern
                )
            ],
            AWAITING_FINDING: [MessageHandler(typed, take_finding)],
            AWAITING_MEASURE: [MessageHandler(typed, take_measure)],
            AWAITING_DEADLINE: [MessageHandler(typed, save_item)],
        },
    )
