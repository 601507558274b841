"""Rectification items: /items for managers, item detail for everyone allowed, "in progress"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext, Member
from bot.gate import for_roles
from bot.ui.html import escape
from bot.ui.rendering import render_item_detail, render_item_line
from bot.ui.replies import Buttons, pressed_ids, respond
from catalog import text
from programme import items as programme_items
from programme.access import require_role
from programme.errors import Refused
from storage.enums import ItemStatus, Role
from storage.models import Item
from storage.repositories import enterprises, items

__all__ = ["HANDLERS", "item_list", "mark_in_progress", "show_item", "show_open_items"]

PAGE_SIZE = 8
SUBMITTABLE = frozenset({ItemStatus.open, ItemStatus.in_progress, ItemStatus.returned})


async def item_list(
    session: AsyncSession,
    context: BotContext,
    enterprise_id: int,
    page: int,
    page_button: Callable[[int], str],
) -> tuple[str, Buttons]:
    """One page of a small hand's open items (overdue first) with its completion rate."""
    lang = context.member.lang
    today = context.services.today()
    enterprise = await enterprises.get_enterprise(session=session, enterprise_id=enterprise_id)
    counts = await items.count_items(session=session, today=today, enterprise_id=enterprise_id)
    pages = max(1, -(-counts.open // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    found = await items.list_open_items(
        session=session,
        enterprise_id=enterprise_id,
        today=today,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
    )
    header = text(
        lang,
        "items.header",
        enterprise=escape(enterprise.name),
        open=counts.open,
        overdue=counts.overdue,
        rate=f"{counts.completion_rate:.0%}",
        page=page + 1,
        pages=pages,
    )
    if not found:
        return header + "\n" + text(lang, "items.none"), []
    lines = [render_item_line(item, lang, today) for item in found]
    rows: list[list[tuple[str, str]]] = [
        [(f"#{item.id} {item.finding}", callbacks.ITEM_VIEW.encode(item.id or 0))] for item in found
    ]
    nav = []
    if page > 0:
        nav.append((text(lang, "nav.previous"), page_button(page - 1)))
    if page < pages - 1:
        nav.append((text(lang, "nav.next"), page_button(page + 1)))
    rows.append(nav)
    return "\n".join([header, *lines]), rows


async def show_open_items(update: Update, context: BotContext) -> None:
    """/items (managers) and the page buttons: the manager's own small hand only."""
    page = 0
    if update.callback_query is not None:
        (page,) = await pressed_ids(update, callbacks.ITEM_PAGE)
    member = context.member
    require_role(member, Role.manager)
    if member.enterprise_id is None:
        raise Refused(member, "manager without an enterprise")
    async with context.services.unit_of_work() as session:
        html, rows = await item_list(
            session, context, member.enterprise_id, page, callbacks.ITEM_PAGE.encode
        )
    await respond(update, context.bot, html, rows, edit=update.callback_query is not None)


def item_buttons(item: Item, member: Member) -> Buttons:
    """What the member can do with the item now: managers work on it, mentors review it."""
    lang = member.lang
    item_id = item.id or 0
    rows: list[list[tuple[str, str]]] = []
    if member.role is Role.manager:
        row = []
        if item.status in {ItemStatus.open, ItemStatus.returned}:
            row.append((text(lang, "item.start"), callbacks.ITEM_PROGRESS.encode(item_id)))
        if item.status in SUBMITTABLE:
            row.append((text(lang, "item.submit"), callbacks.ITEM_DONE.encode(item_id)))
        rows.append(row)
        rows.append([(text(lang, "item.back"), callbacks.ITEM_PAGE.encode(0))])
    elif member.role in {Role.mentor, Role.bureau}:
        if item.status is ItemStatus.submitted:
            rows.append(
                [
                    (text(lang, "item.verify"), callbacks.ITEM_VERIFY.encode(item_id)),
                    (text(lang, "item.return"), callbacks.ITEM_RETURN.encode(item_id)),
                ]
            )
        # Judged where it is seen: the evidence is one tap from the card.
        rows.append([(text(lang, "evidence.show"), callbacks.ITEM_EVIDENCE.encode(item_id))])
        rows.append(
            [(text(lang, "item.back"), callbacks.MENTEE_ITEMS.encode(item.enterprise_id, 0))]
        )
    return rows


async def render_item(session: AsyncSession, context: BotContext, item: Item) -> str:
    """The detail view of an item for the current member."""
    assert item.id is not None
    history = await items.history_of(session=session, item_id=item.id)
    evidence = await items.evidence_of(session=session, item_id=item.id)
    return render_item_detail(
        item,
        history,
        len(evidence),
        context.member.lang,
        context.services.today(),
        context.services.settings.tz,
    )


async def show_item(update: Update, context: BotContext) -> None:
    """An item button: its detail, after checking the member may see it."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_VIEW)
    async with context.services.unit_of_work() as session:
        item = await programme_items.visible_item(session, context.member, item_id)
        html = await render_item(session, context, item)
    await respond(update, context.bot, html, item_buttons(item, context.member), edit=True)


async def mark_in_progress(update: Update, context: BotContext) -> None:
    """ "Working on it": the manager moves their item to in progress."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_PROGRESS)
    member = context.member
    async with context.services.unit_of_work() as session:
        item = await programme_items.start_work(session, member, item_id, context.services.clock())
        html = await render_item(session, context, item)
    await respond(update, context.bot, html, item_buttons(item, member), edit=True)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("items", show_open_items, filters=for_roles(Role.manager)),
    CallbackQueryHandler(show_open_items, pattern=callbacks.ITEM_PAGE.pattern),
    CallbackQueryHandler(show_item, pattern=callbacks.ITEM_VIEW.pattern),
    CallbackQueryHandler(mark_in_progress, pattern=callbacks.ITEM_PROGRESS.pattern),
]
