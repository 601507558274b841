"""/requests: the open help requests a mentor (their big hand's small hands) or the bureau (all)
can act on, urgent first, then oldest first, each with its age.

Each one opens to its text, photos (sent again by their Telegram file ids), enterprise and
history, with buttons to acknowledge, call, propose a visit, and close with an outcome. Closing
is a short conversation that asks for the outcome. The rules live in `programme.help_requests`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.gate import for_roles
from bot.handlers.visits import local_time
from bot.ui.html import escape
from bot.ui.replies import Buttons, notify, pressed_ids, respond, send_files
from catalog import text
from programme import help_requests as help
from programme.errors import NotAllowed
from storage.enums import Role
from storage.models import HelpRequest

__all__ = ["HANDLERS", "build_handler", "close_request", "list_requests", "show_request"]

AWAITING_OUTCOME = 1
_LISTED = 30


def age(lang: str, since: datetime, now: datetime) -> str:
    """ "2 小时前" / "2 h ago"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return text(lang, "requests.age.now")
    if minutes < 60:
        return text(lang, "requests.age.minutes", n=minutes)
    if minutes < 48 * 60:
        return text(lang, "requests.age.hours", n=minutes // 60)
    return text(lang, "requests.age.days", n=minutes // (24 * 60))


def _mark(lang: str, urgent: bool) -> str:
    return text(lang, "requests.urgent_mark") if urgent else ""


async def list_requests(update: Update, context: BotContext) -> None:
    """/requests: one line and one button per open request."""
    member, now = context.member, context.services.clock()
    async with context.services.unit_of_work() as session:
        lines = await help.open_requests(session=session, actor=member)
    lang = member.lang
    if not lines:
        await respond(update, context.bot, text(lang, "requests.none"))
        return
    shown = lines[:_LISTED]
    body = [
        text(
            lang,
            "requests.line",
            mark=_mark(lang, line.urgent),
            id=line.id,
            enterprise=escape(line.enterprise),
            age=age(lang, line.created_at, now),
            status=text(lang, f"requests.status.{line.status.value}"),
        )
        for line in shown
    ]
    rows: Buttons = [
        [
            (
                text(
                    lang,
                    "requests.item_button",
                    mark=_mark(lang, line.urgent),
                    id=line.id,
                    enterprise=line.enterprise,
                ),
                callbacks.REQUEST_VIEW.encode(line.id),
            )
        ]
        for line in shown
    ]
    html = "\n".join([text(lang, "requests.header", count=len(lines)), *body])
    await respond(update, context.bot, html, rows)


def _buttons(lang: str, request: HelpRequest, as_mentor: bool) -> Buttons:
    assert request.id is not None
    first = [(text(lang, "requests.call"), callbacks.REQUEST_CALL.encode(request.id))]
    if request.acknowledged_at is None:
        first.insert(0, (text(lang, "help.acknowledge"), callbacks.HELP_ACK.encode(request.id)))
    second = [(text(lang, "requests.close"), callbacks.REQUEST_CLOSE.encode(request.id))]
    if as_mentor:
        second.insert(
            0, (text(lang, "help.propose_visit"), callbacks.HELP_VISIT.encode(request.id))
        )
    return [first, second]


async def show_request(update: Update, context: BotContext) -> None:
    """A request's card: photos first (by file id), then the text, history and buttons."""
    (request_id,) = await pressed_ids(update, callbacks.REQUEST_VIEW)
    member, now = context.member, context.services.clock()
    async with context.services.unit_of_work() as session:
        view = await help.view_request(session=session, actor=member, request_id=request_id)
    lang, request = member.lang, view.request
    history = [
        text(
            lang,
            "requests.history_line",
            when=local_time(context, event.created_at)[5:],
            who=escape(name) if name else text(lang, "requests.system"),
            what=text(lang, f"requests.event.{event.kind.value}"),
        )
        + (f"：{escape(event.note)}" if event.note and event.kind.value == "closed" else "")
        for event, name in view.history
    ]
    html = text(
        lang,
        "requests.card",
        mark=_mark(lang, request.urgent),
        id=request_id,
        status=text(lang, f"requests.status.{request.status.value}"),
        enterprise=escape(view.enterprise.name),
        asker=escape(view.asker.name),
        when=local_time(context, request.created_at),
        age=age(lang, request.created_at, now),
        photos=len(request.photo_file_ids),
        text=escape(request.text),
        history="\n".join(history),
    )
    if request.outcome:
        html += "\n" + text(lang, "requests.outcome_line", outcome=escape(request.outcome))
    chat = update.effective_chat
    if chat is not None:
        await send_files(context.bot, chat.id, request.photo_file_ids)
    buttons = _buttons(lang, request, member.role is Role.mentor) if view.is_open else None
    await respond(update, context.bot, html, buttons)


async def show_phone(update: Update, context: BotContext) -> None:
    """ "Call": the asker's phone (or the enterprise's), as tappable text."""
    (request_id,) = await pressed_ids(update, callbacks.REQUEST_CALL)
    member = context.member
    async with context.services.unit_of_work() as session:
        view = await help.view_request(session=session, actor=member, request_id=request_id)
    values = {"name": escape(view.asker.name), "enterprise": escape(view.enterprise.name)}
    if view.phone:
        html = text(member.lang, "requests.phone", phone=escape(view.phone), **values)
    else:
        html = text(member.lang, "requests.no_phone", **values)
    await respond(update, context.bot, html)


async def ask_outcome(update: Update, context: BotContext) -> int:
    """ "Close": check the request can be closed, then ask for the outcome."""
    (request_id,) = await pressed_ids(update, callbacks.REQUEST_CLOSE)
    member = context.member
    async with context.services.unit_of_work() as session:
        view = await help.view_request(session=session, actor=member, request_id=request_id)
    if not view.is_open:
        await respond(update, context.bot, text(member.lang, "requests.ended", id=request_id))
        return ConversationHandler.END
    start_draft(context, request=request_id)
    await respond(update, context.bot, text(member.lang, "requests.ask_outcome", id=request_id))
    return AWAITING_OUTCOME


async def close_request(update: Update, context: BotContext) -> int:
    """The outcome: close the request and tell its managers."""
    message, member, draft = update.effective_message, context.member, draft_of(context)
    if message is None or draft is None:
        return ConversationHandler.END
    request_id = int(draft["request"])
    lang = member.lang
    try:
        async with context.services.unit_of_work() as session:
            closed = await help.close_request(
                session=session,
                actor=member,
                request_id=request_id,
                outcome=message.text or "",
                now=context.services.clock(),
            )
    except NotAllowed as refusal:
        if refusal.reason == "help_ended":
            end_draft(context)
            await respond(update, context.bot, text(lang, "requests.ended", id=request_id))
            return ConversationHandler.END
        key = (
            "requests.empty_outcome"
            if refusal.reason == "empty_text"
            else "requests.outcome_too_long"
        )
        await respond(update, context.bot, text(lang, key))
        return AWAITING_OUTCOME
    end_draft(context)
    await respond(update, context.bot, text(lang, "requests.closed", id=request_id))
    await notify(
        context.bot,
        closed.managers,
        "requests.closed_to_manager",
        name=escape(member.name),
        outcome=escape(closed.request.outcome),
    )
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """ "Close" on a request, then the outcome as text."""
    return conversation(
        "help_close",
        [CallbackQueryHandler(ask_outcome, pattern=callbacks.REQUEST_CLOSE.pattern)],
        {AWAITING_OUTCOME: [MessageHandler(filters.TEXT & ~filters.COMMAND, close_request)]},
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("requests", list_requests, filters=for_roles(Role.mentor, Role.bureau)),
    CallbackQueryHandler(show_request, pattern=callbacks.REQUEST_VIEW.pattern),
    CallbackQueryHandler(show_phone, pattern=callbacks.REQUEST_CALL.pattern),
]
