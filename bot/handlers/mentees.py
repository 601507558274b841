"""/mine: a mentor's small hands this round with open and overdue counts, drilling down to items."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext
from bot.gate import for_roles
from bot.handlers.items import PAGE_SIZE, item_list
from bot.ui.replies import pressed_ids, respond
from catalog import text
from programme.access import require_enterprise, require_role
from storage.enums import Role
from storage.repositories import items, pairings

__all__ = ["HANDLERS", "show_mentee_items", "show_mentees"]


async def show_mentees(update: Update, context: BotContext) -> None:
    """/mine and its page buttons: one button per small hand with its open/overdue counts."""
    page = 0
    if update.callback_query is not None:
        (page,) = await pressed_ids(update, callbacks.MENTEE_PAGE)
    member = context.member
    person_id = require_role(member, Role.mentor)
    async with context.services.unit_of_work() as session:
        hands = await pairings.small_hands_of_mentor(session=session, person_id=person_id)
        ids = [hand.id for hand in hands if hand.id is not None]
        counts = await items.counts_by_enterprise(
            session=session, today=context.services.today(), enterprise_ids=ids
        )
    lang = member.lang
    pages = max(1, -(-len(hands) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = hands[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[tuple[str, str]]] = []
    for hand in shown:
        assert hand.id is not None
        c = counts[hand.id]
        label = text(lang, "mine.button", name=hand.name, open=c.open, overdue=c.overdue)
        rows.append([(label, callbacks.MENTEE_ITEMS.encode(hand.id, 0))])
    nav = []
    if page > 0:
        nav.append((text(lang, "nav.previous"), callbacks.MENTEE_PAGE.encode(page - 1)))
    if page < pages - 1:
        nav.append((text(lang, "nav.next"), callbacks.MENTEE_PAGE.encode(page + 1)))
    rows.append(nav)
    key = "mine.header" if hands else "mine.none"
    html = text(lang, key, count=len(hands), page=page + 1, pages=pages)
    await respond(update, context.bot, html, rows, edit=update.callback_query is not None)


async def show_mentee_items(update: Update, context: BotContext) -> None:
    """A small hand's open items, for its mentors (and the bureau), with "add an item"."""
    enterprise_id, page = await pressed_ids(update, callbacks.MENTEE_ITEMS)
    member = context.member
    require_role(member, Role.mentor, Role.bureau)
    async with context.services.unit_of_work() as session:
        await require_enterprise(session, member, enterprise_id)
        html, rows = await item_list(
            session,
            context,
            enterprise_id,
            page,
            lambda p: callbacks.MENTEE_ITEMS.encode(enterprise_id, p),
        )
    lang = member.lang
    extra = [[(text(lang, "mine.add_item"), callbacks.ITEM_ADD.encode(enterprise_id))]]
    if member.role is Role.mentor:
        extra.append([(text(lang, "mine.back"), callbacks.MENTEE_PAGE.encode(0))])
    await respond(update, context.bot, html, [*rows, *extra], edit=True)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("mine", show_mentees, filters=for_roles(Role.mentor)),
    CallbackQueryHandler(show_mentees, pattern=callbacks.MENTEE_PAGE.pattern),
    CallbackQueryHandler(show_mentee_items, pattern=callbacks.MENTEE_ITEMS.pattern),
]
