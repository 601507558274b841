"""/helpme: a manager asks their mentor for help; urgent requests start with first steps.

The mentor gets the request at once with "acknowledge" and "propose a visit". Visit booking
belongs to the visits feature; `propose_visit` is its hook (see `bot.handlers.visit_hook`).
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
from bot.access import Refused, require_enterprise, require_role
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.gate import requires_role
from bot.handlers.visit_hook import propose_visit
from bot.html import escape
from bot.recipients import bureau_admins, managers_of, mentors_of
from bot.replies import notify, pressed_ids, respond, send
from bot.texts import LANGUAGES, language_of, text
from bot.urgency import is_urgent
from knowledge.language import Lang
from storage.enums import HelpStatus, Role
from storage.repositories import enterprises, help_requests, pairings

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
    steps = [
        f"• <b>{escape(e.title_for(entry_lang))}</b>\n{escape(e.answer_for(entry_lang))}"
        for e in context.services.ask.first_steps(message)
    ]
    return "\n\n".join([text(lang, "help.urgent_header"), *steps])


async def send_request(update: Update, context: BotContext) -> int:
    """/done: record the request and send it to the mentors (and the bureau, when urgent)."""
    member = context.member
    person_id = require_role(member, Role.manager)
    draft = draft_of(context)
    if draft is None:
        return ConversationHandler.END
    if not draft["text"]:
        await respond(update, context.bot, text(member.lang, "help.empty"))
        return AWAITING_DESCRIPTION
    if member.enterprise_id is None:
        raise Refused(member, "manager without an enterprise")
    urgent = is_urgent(draft["text"])
    async with context.services.unit_of_work() as session:
        pairing = await pairings.current_pairing_of(
            session=session, small_hand_id=member.enterprise_id
        )
        request = await help_requests.create_help_request(
            session=session,
            person_id=person_id,
            enterprise_id=member.enterprise_id,
            pairing_id=pairing.id if pairing else None,
            text=draft["text"],
            photo_file_ids=draft["photos"],
            urgent=urgent,
        )
        enterprise = await enterprises.get_enterprise(
            session=session, enterprise_id=member.enterprise_id
        )
        mentors = await mentors_of(session, member.enterprise_id)
        bureau = await bureau_admins(session) if urgent or not mentors else []
    end_draft(context)
    assert request.id is not None
    for person in [*mentors, *bureau]:
        assert person.chat_id is not None
        lang = language_of(person.language.value)
        key = "help.to_mentor_urgent" if urgent else "help.to_mentor"
        notice = text(
            lang,
            key,
            enterprise=escape(enterprise.name),
            name=escape(member.name),
            text=escape(request.text),
        )
        buttons = None
        if person in mentors:
            buttons = [
                [
                    (text(lang, "help.acknowledge"), callbacks.HELP_ACK.encode(request.id)),
                    (text(lang, "help.propose_visit"), callbacks.HELP_VISIT.encode(request.id)),
                ]
            ]
        for file_id in request.photo_file_ids:
            await context.bot.send_photo(person.chat_id, file_id)
        await send(context.bot, person.chat_id, notice, buttons)
    reply = text(member.lang, "help.sent" if mentors else "help.sent_bureau")
    if urgent:
        reply = _first_steps(context, member.lang, request.text) + "\n\n" + reply
    await respond(update, context.bot, reply)
    return ConversationHandler.END


async def acknowledge(update: Update, context: BotContext) -> None:
    """ "Acknowledge": the mentor has seen it; the manager is told."""
    (request_id,) = await pressed_ids(update, callbacks.HELP_ACK)
    member = context.member
    require_role(member, Role.mentor, Role.bureau)
    async with context.services.unit_of_work() as session:
        request = await help_requests.get_help_request(session=session, request_id=request_id)
        await require_enterprise(session, member, request.enterprise_id)
        await help_requests.set_help_status(
            session=session,
            request_id=request_id,
            status=HelpStatus.acknowledged,
            now=context.services.clock(),
        )
        managers = await managers_of(session, request.enterprise_id)
    await respond(update, context.bot, text(member.lang, "help.acknowledged"))
    await notify(context.bot, managers, "help.ack_to_manager", name=escape(member.name))


async def offer_visit(update: Update, context: BotContext) -> None:
    """ "Propose a visit": checks, then hands over to the visit-booking hook."""
    (request_id,) = await pressed_ids(update, callbacks.HELP_VISIT)
    member = context.member
    require_role(member, Role.mentor, Role.bureau)
    async with context.services.unit_of_work() as session:
        request = await help_requests.get_help_request(session=session, request_id=request_id)
        await require_enterprise(session, member, request.enterprise_id)
    await propose_visit(update, context, request_id)


def build_handler() -> ConversationHandler[Any]:
    """/helpme (or the help button), the description and photos, then /done."""
    button = filters.Text(help_button_texts())
    described = filters.PHOTO | (filters.TEXT & ~filters.COMMAND)
    return conversation(
        "help_request",
        [
            CommandHandler("helpme", start_request, filters=requires_role(Role.manager)),
            MessageHandler(button & requires_role(Role.manager), start_request),
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


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(acknowledge, pattern=callbacks.HELP_ACK.pattern),
    CallbackQueryHandler(offer_visit, pattern=callbacks.HELP_VISIT.pattern),
]
