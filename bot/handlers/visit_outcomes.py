"""After the visit: the mentor records notes, the items verified on site and new findings.

A short conversation started by the "record the outcome" button of a visit that has begun:
notes (text) → the small hand's submitted items as toggles → new findings, each a message
followed by its sub-category → /done records it all in one unit of work
(`programme.visits.record_outcome`); the visit becomes done, its reminders are disarmed, a help
request it was booked for is resolved, and the managers hear what was found. The draft lives in
``user_data`` until /done: only the outcome is a durable fact.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation
from bot.handlers.visits import VisitView, arm, load_visit
from bot.ui.html import escape
from bot.ui.replies import Buttons, pressed, pressed_ids, respond, send
from catalog import language_of, text
from knowledge.taxonomy import SUBCATEGORIES
from programme import visits as booking
from programme.access import require_role
from programme.errors import Refused, VisitClosed
from storage.enums import ItemStatus, Role, SubCategory
from storage.repositories import items, visits

__all__ = ["build_handler", "start_outcome"]

AWAITING_NOTES, CHECKING_ITEMS, AWAITING_FINDINGS, AWAITING_SUBCATEGORY = range(4)
_DRAFT = "visit_outcome"
_ITEMS_SHOWN = 20


def _draft(context: BotContext) -> dict[str, Any]:
    draft: dict[str, Any] | None = (context.user_data or {}).get(_DRAFT)
    if draft is None:
        raise Refused(context.member, "visit outcome without a draft")
    return draft


async def start_outcome(update: Update, context: BotContext) -> int:
    """ "Record the outcome": only the visit's mentor, once it has begun."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_OUTCOME)
    member = context.member
    require_role(member, Role.mentor)
    async with context.services.unit_of_work() as session:
        view = await load_visit(session, member, visit_id)
    lang = member.lang
    if view.visit.status not in visits.ACTIVE:
        status = text(lang, f"visits.status.{view.visit.status.value}")
        await respond(update, context.bot, text(lang, "visits.closed", id=visit_id, status=status))
        return ConversationHandler.END
    if view.visit.starts_at > context.services.clock():
        await respond(update, context.bot, text(lang, "visits.not_started", id=visit_id))
        return ConversationHandler.END
    if context.user_data is not None:
        context.user_data[_DRAFT] = {
            "visit": visit_id,
            "enterprise": view.ctx.small_hand.id,
            "notes": "",
            "verified": [],
            "findings": [],
            "pending": "",
        }
    name = escape(view.ctx.small_hand.name)
    await respond(update, context.bot, text(lang, "visits.ask_notes", enterprise=name))
    return AWAITING_NOTES


async def _item_toggles(context: BotContext, draft: dict[str, Any]) -> tuple[str, Buttons] | None:
    async with context.services.unit_of_work() as session:
        found = await items.list_open_items(
            session=session,
            enterprise_id=draft["enterprise"],
            today=context.services.today(),
            limit=None,
        )
    submitted = [i for i in found if i.status is ItemStatus.submitted][:_ITEMS_SHOWN]
    if not submitted:
        return None
    lang = context.member.lang
    mark = text(lang, "visits.verified_mark")
    rows: list[list[tuple[str, str]]] = [
        [
            (
                f"{mark if item.id in draft['verified'] else '▫️'} #{item.id} {item.finding}",
                callbacks.VISIT_VERIFIED.encode(item.id or 0),
            )
        ]
        for item in submitted
    ]
    rows.append([(text(lang, "visits.items_done"), callbacks.VISIT_ITEMS_DONE.encode())])
    return text(lang, "visits.pick_verified"), rows


async def take_notes(update: Update, context: BotContext) -> int:
    """The notes; then the submitted items to tick, if there are any."""
    message, draft = update.effective_message, _draft(context)
    if message is None or not message.text:
        return AWAITING_NOTES
    draft["notes"] = message.text.strip()[:2000]
    toggles = await _item_toggles(context, draft)
    if toggles is None:
        lang = context.member.lang
        html = text(lang, "visits.no_submitted") + "\n" + text(lang, "visits.ask_findings")
        await respond(update, context.bot, html)
        return AWAITING_FINDINGS
    await respond(update, context.bot, *toggles)
    return CHECKING_ITEMS


async def toggle_item(update: Update, context: BotContext) -> int:
    """Tick or untick an item; it must belong to the visited small hand."""
    (item_id,) = await pressed_ids(update, callbacks.VISIT_VERIFIED)
    draft = _draft(context)
    async with context.services.unit_of_work() as session:
        item = await items.get_item(session=session, item_id=item_id)
    if item.enterprise_id != draft["enterprise"]:
        raise Refused(context.member, f"item {item_id} is not of the visited enterprise")
    verified: list[int] = draft["verified"]
    if item_id in verified:
        verified.remove(item_id)
    else:
        verified.append(item_id)
    toggles = await _item_toggles(context, draft)
    if toggles is not None:
        await respond(update, context.bot, *toggles, edit=True)
    return CHECKING_ITEMS


async def items_done(update: Update, context: BotContext) -> int:
    await pressed(update, callbacks.VISIT_ITEMS_DONE)
    await respond(update, context.bot, text(context.member.lang, "visits.ask_findings"))
    return AWAITING_FINDINGS


async def take_finding(update: Update, context: BotContext) -> int:
    """A new finding's text; then its sub-category."""
    message, draft = update.effective_message, _draft(context)
    if message is None or not message.text:
        return AWAITING_FINDINGS
    draft["pending"] = message.text.strip()[:1000]
    lang = context.member.lang
    buttons = [
        (sub.en if lang == "en" else sub.zh, callbacks.VISIT_FINDING_SUB.encode(sub.id))
        for sub in SUBCATEGORIES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await respond(update, context.bot, text(lang, "visits.pick_finding_sub"), rows)
    return AWAITING_SUBCATEGORY


async def take_subcategory(update: Update, context: BotContext) -> int:
    (sub_id,) = await pressed(update, callbacks.VISIT_FINDING_SUB)
    draft = _draft(context)
    try:
        sub = SubCategory(str(sub_id))
    except ValueError as exc:
        raise Refused(context.member, f"sub-category {sub_id}") from exc
    if draft["pending"]:
        draft["findings"].append([sub.value, draft["pending"]])
        draft["pending"] = ""
    html = text(context.member.lang, "visits.finding_added", count=len(draft["findings"]))
    await respond(update, context.bot, html, edit=True)
    return AWAITING_FINDINGS


async def record(update: Update, context: BotContext) -> int:
    """/done: record the outcome, disarm the reminders, tell the managers."""
    member = context.member
    person_id = require_role(member, Role.mentor)
    draft = (context.user_data or {}).pop(_DRAFT, None)
    if draft is None:
        return ConversationHandler.END
    findings = [booking.Finding(SubCategory(sub), finding) for sub, finding in draft["findings"]]
    try:
        async with context.services.unit_of_work() as session:
            await load_visit(session, member, draft["visit"])
            visit, created = await booking.record_outcome(
                session=session,
                visit_id=draft["visit"],
                notes=draft["notes"],
                actor_id=person_id,
                now=context.services.clock(),
                verified_item_ids=draft["verified"],
                findings=findings,
            )
            view = VisitView(await visits.visit_context(session=session, visit_id=draft["visit"]))
    except VisitClosed as closed:
        status = text(member.lang, f"visits.status.{closed.status}")
        reply = text(member.lang, "visits.closed", id=closed.visit_id, status=status)
        await respond(update, context.bot, reply)
        return ConversationHandler.END
    arm(context, visit)
    counts = {"verified": len(draft["verified"]), "findings": len(created)}
    reply = text(member.lang, "visits.outcome_recorded", **counts)
    if visit.help_request_id is not None:
        resolved = text(member.lang, "requests.resolved_by_visit", id=visit.help_request_id)
        reply += "\n" + resolved
    await respond(update, context.bot, reply)
    for manager in view.others(member):
        assert manager.chat_id is not None
        html = text(
            language_of(manager.language.value),
            "visits.outcome_to_manager",
            name=escape(member.name),
            enterprise=escape(view.ctx.small_hand.name),
            notes=escape(draft["notes"] or "—"),
            **counts,
        )
        await send(context.bot, manager.chat_id, html)
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """The after-visit dialogue (see the module docstring)."""
    typed = filters.TEXT & ~filters.COMMAND
    done = CommandHandler("done", record)
    return conversation(
        "visit_outcome",
        [CallbackQueryHandler(start_outcome, pattern=callbacks.VISIT_OUTCOME.pattern)],
        {
            AWAITING_NOTES: [MessageHandler(typed, take_notes)],
            CHECKING_ITEMS: [
                CallbackQueryHandler(toggle_item, pattern=callbacks.VISIT_VERIFIED.pattern),
                CallbackQueryHandler(items_done, pattern=callbacks.VISIT_ITEMS_DONE.pattern),
                done,
            ],
            AWAITING_FINDINGS: [MessageHandler(typed, take_finding), done],
            AWAITING_SUBCATEGORY: [
                CallbackQueryHandler(take_subcategory, pattern=callbacks.VISIT_FINDING_SUB.pattern)
            ],
        },
    )
