"""/broadcast: a bureau admin composes an announcement, picks the audience, previews, confirms.

The dialogue: the text (or a photo/document with a caption) → the audience picker
(`bot.handlers.audience_picker`) → a
preview with the exact recipient count and an estimated duration →
"send now" (the explicit confirmation) or a scheduled time. Confirming creates one outbox row per
recipient (`programme.broadcasts.confirm`); the `scheduler.desk.DeskWorker` delivers them. A status
message (`bot.broadcast_status`; for a scheduled broadcast, posted when its time comes), edited in
place at most every ``broadcast_status_seconds``, shows sent / failed / pending with a Stop button,
and becomes the delivery report at the end.

Recipients' "收到 / Acknowledged" presses (``ba:<id>``, built by the outbox) are recorded by
`acknowledge_broadcast`.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.broadcast_status import StatusBoard, render_status, status_buttons
from bot.context import BotContext
from bot.conversations import conversation
from bot.gate import for_roles
from bot.handlers import audience_picker
from bot.handlers.errors import refusal_text
from bot.handlers.send_time import EXAMPLE_FORMAT, parse_send_time
from bot.ui.html import escape
from bot.ui.replies import keyboard, pressed, pressed_ids, respond
from catalog import text
from programme import broadcasts as service
from programme.access import require_role
from programme.errors import NotAllowed
from storage.enums import BroadcastStatus, Role
from storage.repositories import broadcasts as repo
from storage.repositories.audience_options import AudienceOptions, audience_options

__all__ = [
    "HANDLERS",
    "acknowledge_broadcast",
    "build_handler",
    "show_report",
    "stop_broadcast",
]

log = logging.getLogger(__name__)

AWAITING_CONTENT, CHOOSING_AUDIENCE, AWAITING_TIME = range(3)
_DRAFT = "broadcast_draft"
_NAMES_SHOWN = 30  # names listed in the acknowledgement report; the rest are counted


def _draft(context: BotContext) -> dict[str, Any] | None:
    return (context.user_data or {}).get(_DRAFT)


def _duration(seconds: int, lang: str) -> str:
    if seconds < 120:
        return text(lang, "broadcast.seconds", n=max(seconds, 1))
    return text(lang, "broadcast.minutes", n=-(-seconds // 60))


async def _options(context: BotContext) -> AudienceOptions:
    async with context.services.unit_of_work() as session:
        return await audience_options(session=session)


async def start_broadcast(update: Update, context: BotContext) -> int:
    """/broadcast: ask for the announcement."""
    require_role(context.member, Role.bureau)
    if context.user_data is not None:
        context.user_data[_DRAFT] = {"audience": {}, "ack": False}
    await respond(update, context.bot, text(context.member.lang, "broadcast.prompt"))
    return AWAITING_CONTENT


async def take_content(update: Update, context: BotContext) -> int:
    """The text, or a photo/document with a caption; then the audience picker."""
    message = update.effective_message
    draft = _draft(context)
    if message is None or draft is None:
        return ConversationHandler.END
    words = message.text or message.caption
    if not words:
        await respond(update, context.bot, text(context.member.lang, "broadcast.need_text"))
        return AWAITING_CONTENT
    try:
        draft["text"] = service.check_text(words)
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(context.member.lang, refusal))
        return AWAITING_CONTENT
    draft["photo"] = message.photo[-1].file_id if message.photo else None
    draft["document"] = message.document.file_id if message.document else None
    await _show_menu(update, context, draft, edit=False)
    return CHOOSING_AUDIENCE


async def _show_menu(
    update: Update, context: BotContext, draft: dict[str, Any], *, edit: bool
) -> None:
    lang = context.member.lang
    options = await _options(context)
    audience = repo.Audience.from_json(draft["audience"])
    body = text(
        lang, "broadcast.audience", summary=audience_picker.summary(audience, options, lang)
    )
    buttons = audience_picker.menu_buttons(draft["audience"], lang)
    await respond(update, context.bot, body, buttons, edit=edit)


async def pick_criterion(update: Update, context: BotContext) -> int:
    """A criterion button: show its choices (the overdue switch flips at once)."""
    (kind,) = await pressed(update, callbacks.BROADCAST_FILTER)
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    if kind == "overdue":
        draft["audience"] = audience_picker.toggle_overdue(draft["audience"])
        await _show_menu(update, context, draft, edit=True)
        return CHOOSING_AUDIENCE
    if kind not in audience_picker.CRITERIA:  # "menu": back from the preview
        await _show_menu(update, context, draft, edit=True)
        return CHOOSING_AUDIENCE
    lang = context.member.lang
    criterion = text(lang, f"broadcast.criterion.{kind}")
    buttons = audience_picker.choice_buttons(str(kind), await _options(context), lang)
    await respond(
        update, context.bot, text(lang, "broadcast.pick", criterion=criterion), buttons, edit=True
    )
    return CHOOSING_AUDIENCE


async def pick_value(update: Update, context: BotContext) -> int:
    """A choice of a criterion: narrow the audience, back to the picker."""
    kind, number = await pressed(update, callbacks.BROADCAST_VALUE)
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    try:
        draft["audience"] = audience_picker.apply_choice(
            draft["audience"], str(kind), int(number), await _options(context)
        )
    except ValueError:
        log.warning("stale audience choice %s:%s", kind, number)
    await _show_menu(update, context, draft, edit=True)
    return CHOOSING_AUDIENCE


async def show_preview(update: Update, context: BotContext) -> int:
    """Preview: the exact recipient count, the estimated duration, the confirmation buttons."""
    if update.callback_query is not None:  # Preview, or the acknowledgement switch
        await update.callback_query.answer()
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    services = context.services
    lang = context.member.lang
    audience = repo.Audience.from_json(draft["audience"])
    assert services.session_factory is not None
    found = await service.preview(
        services.session_factory,
        audience,
        today=services.today(),
        rate=services.settings.broadcast_rate,
    )
    draft["count"] = found.recipients
    media = ""
    if draft.get("photo"):
        media = text(lang, "broadcast.media.photo")
    elif draft.get("document"):
        media = text(lang, "broadcast.media.document")
    body = text(
        lang,
        "broadcast.preview",
        text=escape(draft["text"]),
        media=media,
        summary=audience_picker.summary(audience, await _options(context), lang),
        count=found.recipients,
        duration=_duration(found.seconds, lang),
        ack=text(lang, "broadcast.ack_on" if draft["ack"] else "broadcast.ack_off"),
    )
    back = [(text(lang, "broadcast.edit_audience"), callbacks.BROADCAST_FILTER.encode("menu"))]
    if found.recipients == 0:
        body += "\n\n" + text(lang, "broadcast.nobody")
        await respond(update, context.bot, body, [back], edit=True)
        return CHOOSING_AUDIENCE
    buttons = [
        [(text(lang, "broadcast.ack_toggle"), callbacks.BROADCAST_ACK_TOGGLE.encode())],
        [
            (
                text(lang, "broadcast.send_now", count=found.recipients),
                callbacks.BROADCAST_SEND.encode(),
            )
        ],
        [(text(lang, "broadcast.schedule"), callbacks.BROADCAST_SCHEDULE.encode())],
        back,
    ]
    await respond(update, context.bot, body, buttons, edit=True)
    return CHOOSING_AUDIENCE


async def toggle_ack(update: Update, context: BotContext) -> int:
    """Switch the acknowledgement button on or off, then show the preview again."""
    draft = _draft(context)
    if draft is not None:
        draft["ack"] = not draft["ack"]
    return await show_preview(update, context)


async def send_now(update: Update, context: BotContext) -> int:
    """The confirmation: create the outbox rows and follow the delivery."""
    await pressed(update, callbacks.BROADCAST_SEND)
    return await _confirm(update, context, scheduled_text=None)


async def ask_time(update: Update, context: BotContext) -> int:
    """ "Schedule…": ask when."""
    await pressed(update, callbacks.BROADCAST_SCHEDULE)
    settings = context.services.settings
    example = (context.services.clock() + timedelta(days=1)).astimezone(settings.tz)
    reply = text(
        context.member.lang,
        "broadcast.ask_time",
        example=example.strftime(EXAMPLE_FORMAT),
        tz=escape(settings.timezone),
    )
    await respond(update, context.bot, reply)
    return AWAITING_TIME


async def take_time(update: Update, context: BotContext) -> int:
    """The time: schedule it (the confirmation), or ask again."""
    message = update.effective_message
    return await _confirm(update, context, scheduled_text=message.text if message else "")


async def _confirm(update: Update, context: BotContext, *, scheduled_text: str | None) -> int:
    member = context.member
    person_id = require_role(member, Role.bureau)
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    services = context.services
    settings = services.settings
    scheduled_at = None
    if scheduled_text is not None:
        scheduled_at = parse_send_time(scheduled_text, settings.tz, services.clock())
        if scheduled_at is None:
            example = (services.clock() + timedelta(days=1)).astimezone(settings.tz)
            reply = text(
                member.lang, "broadcast.bad_time", example=example.strftime(EXAMPLE_FORMAT)
            )
            await respond(update, context.bot, reply)
            return AWAITING_TIME
    assert services.session_factory is not None
    broadcast, count = await service.confirm(
        services.session_factory,
        service.Draft(
            text=draft["text"],
            audience=repo.Audience.from_json(draft["audience"]),
            photo_file_id=draft.get("photo"),
            document_file_id=draft.get("document"),
            require_ack=bool(draft["ack"]),
            scheduled_at=scheduled_at,
        ),
        today=services.today(),
        created_by=person_id,
        now=services.clock(),
    )
    if context.user_data is not None:
        context.user_data.pop(_DRAFT, None)
    assert broadcast.id is not None
    if scheduled_at is not None:
        when = scheduled_at.astimezone(settings.tz).strftime(EXAMPLE_FORMAT)
        reply = text(member.lang, "broadcast.scheduled", id=broadcast.id, when=when, count=count)
        buttons = [
            [(text(member.lang, "broadcast.stop"), callbacks.BROADCAST_STOP.encode(broadcast.id))]
        ]
        await respond(update, context.bot, reply, buttons)
        _board(context).follow(broadcast.id, member.chat_id, member.lang, ack=broadcast.require_ack)
        return ConversationHandler.END
    progress = repo.Progress(status=BroadcastStatus.sending, total=count, pending=count)
    ack = broadcast.require_ack
    status = await context.bot.send_message(
        member.chat_id,
        render_status(broadcast.id, progress, member.lang, ack=ack),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(status_buttons(broadcast.id, progress, member.lang, ack=ack)),
    )
    _board(context).follow(
        broadcast.id,
        member.chat_id,
        member.lang,
        ack=ack,
        message_id=status.message_id,
        shown=progress,
    )
    return ConversationHandler.END


def _board(context: BotContext) -> StatusBoard:
    board = context.services.status_board
    assert board is not None, "started with the desk (bot.desk.start_desk)"
    return board


async def stop_broadcast(update: Update, context: BotContext) -> None:
    """The Stop button (bureau only): rows not yet sent stay unsent."""
    (broadcast_id,) = await pressed_ids(update, callbacks.BROADCAST_STOP)
    require_role(context.member, Role.bureau)
    services = context.services
    assert services.session_factory is not None
    stopped = await service.cancel(services.session_factory, broadcast_id, now=services.clock())
    key = "broadcast.stopped" if stopped else "broadcast.not_running"
    await respond(update, context.bot, text(context.member.lang, key, id=broadcast_id))


def _names(names: list[str], lang: str) -> str:
    if not names:
        return text(lang, "desk.none")
    shown = "、".join(escape(n) for n in names[:_NAMES_SHOWN])
    rest = len(names) - _NAMES_SHOWN
    return shown + (" " + text(lang, "broadcast.names_more", n=rest) if rest > 0 else "")


async def show_report(update: Update, context: BotContext) -> None:
    """Who acknowledged a broadcast and who has not yet (bureau only)."""
    (broadcast_id,) = await pressed_ids(update, callbacks.BROADCAST_REPORT)
    require_role(context.member, Role.bureau)
    async with context.services.unit_of_work() as session:
        rows = await repo.recipients(session=session, broadcast_id=broadcast_id)
        progress = await repo.progress(session=session, broadcast_id=broadcast_id)
    acked = [p.name for p, d in rows if d.acknowledged_at is not None]
    waiting = [p.name for p, d in rows if d.acknowledged_at is None and d.sent_at is not None]
    lang = context.member.lang
    report = text(
        lang,
        "broadcast.report",
        id=broadcast_id,
        acked=len(acked),
        acked_names=_names(acked, lang),
        waiting=len(waiting),
        waiting_names=_names(waiting, lang),
    )
    status = render_status(broadcast_id, progress, lang, ack=True)
    await respond(update, context.bot, status + "\n\n" + report)


async def acknowledge_broadcast(update: Update, context: BotContext) -> None:
    """A recipient's "收到 / Acknowledged": recorded once; forged presses change nothing."""
    query = update.callback_query
    assert query is not None
    (broadcast_id,) = callbacks.BROADCAST_ACK.ints(query.data)
    member = context.member
    recorded = False
    if member.person_id is not None:
        async with context.services.unit_of_work() as session:
            recorded = await repo.acknowledge(
                session=session,
                broadcast_id=broadcast_id,
                person_id=member.person_id,
                now=context.services.clock(),
            )
    # A second press of a real button also hears "thank you"; only strangers are told off.
    known = recorded or await _acknowledged_before(context, broadcast_id)
    await query.answer(text(member.lang, "broadcast.acked" if known else "broadcast.ack_invalid"))
    if known:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


async def _acknowledged_before(context: BotContext, broadcast_id: int) -> bool:
    person_id = context.member.person_id
    if person_id is None:
        return False
    async with context.services.unit_of_work() as session:
        return await repo.has_acknowledged(
            session=session, broadcast_id=broadcast_id, person_id=person_id
        )


def build_handler() -> ConversationHandler[Any]:
    """/broadcast: content, audience, preview, confirmation (or a time)."""
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL
    return conversation(
        "broadcast",
        [CommandHandler("broadcast", start_broadcast, filters=for_roles(Role.bureau))],
        {
            AWAITING_CONTENT: [MessageHandler(content, take_content)],
            CHOOSING_AUDIENCE: [
                CallbackQueryHandler(pick_criterion, pattern=callbacks.BROADCAST_FILTER.pattern),
                CallbackQueryHandler(pick_value, pattern=callbacks.BROADCAST_VALUE.pattern),
                CallbackQueryHandler(show_preview, pattern=callbacks.BROADCAST_PREVIEW.pattern),
                CallbackQueryHandler(toggle_ack, pattern=callbacks.BROADCAST_ACK_TOGGLE.pattern),
                CallbackQueryHandler(send_now, pattern=callbacks.BROADCAST_SEND.pattern),
                CallbackQueryHandler(ask_time, pattern=callbacks.BROADCAST_SCHEDULE.pattern),
            ],
            AWAITING_TIME: [MessageHandler(filters.TEXT & ~filters.COMMAND, take_time)],
        },
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CallbackQueryHandler(acknowledge_broadcast, pattern=callbacks.BROADCAST_ACK.pattern),
    CallbackQueryHandler(stop_broadcast, pattern=callbacks.BROADCAST_STOP.pattern),
    CallbackQueryHandler(show_report, pattern=callbacks.BROADCAST_REPORT.pattern),
]
