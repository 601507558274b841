"""The one error handler: log first, then tell the user politely; the application carries on.

Expected failures map to specific replies, here and nowhere else: `Refused` (a forged or stale
button, a command for another role) is logged as a warning; `NotAllowed` (a rule of the programme,
e.g. a visit in the past) is told by its reason (`refusal_text`); storage's `NotFound` and
`InvalidTransition` mean the button is out of date. Anything else is a bug: logged with its
traceback, the user hears that something failed, and the admin chat (if configured) gets one line.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext, current_member
from bot.ui.replies import send
from catalog import Lang, language_of, text
from programme.errors import NotAllowed, Refused
from storage.errors import InvalidTransition, NotFound

__all__ = ["refusal_text", "report_error"]

log = logging.getLogger(__name__)


def refusal_text(lang: Lang, refusal: NotAllowed) -> str:
    """The polite reply for a rule the request broke (catalog key ``refusal.<reason>``)."""
    return text(lang, f"refusal.{refusal.reason}")


async def report_error(update: object, context: BotContext) -> None:
    """PTB's error handler: classify the error, log it, reply politely."""
    error = context.error
    if isinstance(error, Refused):
        log.warning("%s", error)
        key = "error.refused"
    elif isinstance(error, NotAllowed):
        log.info("refused by a rule: %s", error)
        key = "refusal"
    elif isinstance(error, NotFound | InvalidTransition):
        log.info("stale request: %s", error)
        key = "error.stale"
    else:
        log.error("error while handling %r", update, exc_info=error)
        key = "error.failed"
        admin_chat = context.services.settings.admin_chat_id if context.bot_data.services else None
        if admin_chat is not None:
            try:
                await context.bot.send_message(
                    admin_chat, f"HandInHand error: {type(error).__name__}: {error}"[:4000]
                )
            except TelegramError:
                log.warning("could not tell the admin chat about the error")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    member = current_member()
    lang = (
        member.lang
        if member
        else language_of(update.effective_user.language_code if update.effective_user else None)
    )
    reply = refusal_text(lang, error) if isinstance(error, NotAllowed) else text(lang, key)
    try:
        await send(context.bot, update.effective_chat.id, reply)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)
