"""/helpme: a manager asks their mentor for help; urgent requests start with first steps.

The mentor gets the request at once with "acknowledge", "propose a visit" and "open"; the rules
(who is told, what is recorded) live in `programme.help_requests`. Visit booking belongs to the
visits feature (`bot.handlers.visit_hook`); the open requests are listed by /requests
(`bot.handlers.requests`).
"""

from __future__ import annotations

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
from bot.handlers.urgency import is_urgent
from bot.ui.html import escape
from bot.ui.rendering import render_first_steps
from bot.ui.replies import notify, pressed_ids, respond, send, send_files
from catalog import LANGUAGES, language_of, text
from knowledge.language import Lang
from programme import help_requests as help
from programme.access import require_role
from programme.errors import NotAllowed
from storage.enums import Role

__all__ = [
    "HANDLERS",
    "acknowledge",
    "build_handler",
    "help_button_texts",
    "send_request",
    "start_request",
]

AWAITING_DESCRIPTION = 1


def help_button_texts() -> list[str]:
    """The reply-keyboard button that opens /helpme, in every language."""
    return [text(lang, "help.button") for lang in LANGUAGES]


async def start_request(update: Update, context: BotContext) -> int:
    """/helpme or the help button: ask for a description and photos."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    require_role(context.member, Role.manager)
    start_draft(context, text="", photos=[])
    await respond(update, context.bot, text(context.member.lang, "help.prompt"))
    return AWAITING_DESCRIPTION


async def collect(update: Update, context: BotContext) -> int:
    """Description text and photos, until /done."""
    message = update.effective_message
    draft = draft_of(context)
    if message is None or draft is None:
        return ConversationHandler.END
    if message.photo:
        draft["photos"].append(message.photo[-1].file_id)
    words = message.text or message.caption
    if words:
        draft["text"] = (draft["text"] + "\n" + words[:2000]).strip()
    reply = text(context.member.lang, "help.received", photos=len(draft["photos"]))
    await respond(update, context.bot, reply)
    return AWAITING_DESCRIPTION


def _first_steps(context: BotContext, lang: str, message: str) -> str:
    entry_lang: Lang = "en" if lang == "en" else "zh"
    # The most relevant to what the manager wrote first (a broken plant: the exceedance steps).
    return render_first_steps(context.services.ask.first_steps(message), entry_lang, lang)


async def send_request(update: Update, context: BotContext) -> int:
    """/done: record the request and send it to the mentors (and the bureau, when urgent)."""
    member = context.member
    draft = draft_of(context)
    if draft is None:
        return ConversationHandler.END
    urgent = is_urgent(draft["text"])
    try:
        async with context.services.unit_of_work() as session:
            submitted = await help.submit_request(
                session=session,
                actor=member,
                text=draft["text"],
                photo_file_ids=draft["photos"],
                urgent=urgent,
                now=context.services.clock(),
            )
    except NotAllowed:
        await respond(update, context.bot, text(member.lang, "help.empty"))
        return AWAITING_DESCRIPTION
    end_draft(context)
    request, mentors = submitted.request, submitted.mentors
    assert request.id is not None
    for person in [*mentors, *submitted.bureau]:
        assert person.chat_id is not None
        lang = language_of(person.language.value)
        key = "help.to_mentor_urgent" if urgent else "help.to_mentor"
        notice = text(
            lang,
            key,
            enterprise=escape(submitted.enterprise.name),
            name=escape(member.name),
            text=escape(request.text),
        )
        buttons = [
            [
                (text(lang, "help.acknowledge"), callbacks.HELP_ACK.encode(request.id)),
                (text(lang, "requests.open_button"), callbacks.REQUEST_VIEW.encode(request.id)),
            ]
        ]
        if person in mentors:
            buttons[0].insert(
                1, (text(lang, "help.propose_visit"), callbacks.HELP_VISIT.encode(request.id))
            )
        await send_files(context.bot, person.chat_id, request.photo_file_ids)
        await send(context.bot, person.chat_id, notice, buttons)
    reply = text(member.lang, "help.sent" if mentors else "help.sent_bureau")
    if urgent:
        reply = _first_steps(context, member.lang, request.text) + "\n\n" + reply
    await respond(update, context.bot, reply)
    return ConversationHandler.END


async def acknowledge(update: Update, context: BotContext) -> None:
    """ "Acknowledge": the mentor has seen it; the manager is told (once)."""
    (request_id,) = await pressed_ids(update, callbacks.HELP_ACK)
    member = context.member
    try:
        async with context.services.unit_of_work() as session:
            done = await help.acknowledge(
                session=session, actor=member, request_id=request_id, now=context.services.clock()
            )
    except NotAllowed:
        await respond(update, context.bot, text(member.lang, "requests.ended", id=request_id))
        return
    if not done.first:
        await respond(update, context.bot, text(member.lang, "requests.already_acknowledged"))
        return
    await respond(update, context.bot, text(member.lang, "help.acknowledged"))
    await notify(context.bot, done.managers, "help.ack_to_manager", name=escape(member.name))


def build_handler() -> ConversationHandler[Any]:
    """/helpme (or the help button), the description and photos, then /done."""
    button = filters.Text(help_button_texts())
    described = filters.PHOTO | (filters.TEXT & ~filters.COMMAND)
    return conversation(
        "help_request",
        [
            CommandHandler("helpme", start_request, filters=for_roles(Role.manager)),
            MessageHandler(button & for_roles(Role.manager), start_request),
            # The one-tap /helpme under an answer to a question reporting trouble.
            CallbackQueryHandler(start_request, pattern=callbacks.HELP_START.pattern),
        ],
        {
            AWAITING_DESCRIPTION: [
                CommandHandler("done", send_request),
                MessageHandler(described, collect),
            ]
        },
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CallbackQueryHandler(acknowledge, pattern=callbacks.HELP_ACK.pattern),
]
