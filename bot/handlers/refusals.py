"""What reaches nobody else: commands for another role, unknown commands and buttons, media.

Registered last in `bot.app`, so they only see updates no feature handled.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.ui.menus import COMMANDS
from bot.ui.replies import respond
from catalog import text
from storage.enums import Role

__all__ = ["HANDLERS", "refuse_button", "refuse_command", "refuse_media"]

log = logging.getLogger(__name__)

# Which roles may use each role-restricted command, for the refusal message.
_ROLE_COMMANDS = {
    name: [role for role in Role if name in COMMANDS[role]]
    for name in {c for role in Role for c in COMMANDS[role]} - set(COMMANDS[None])
}


async def refuse_command(update: Update, context: BotContext) -> None:
    """A command this member may not use, or one that does not exist."""
    message = update.effective_message
    member = context.member
    lang = member.lang
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    roles = _ROLE_COMMANDS.get(command)
    if roles is None:
        reply = text(lang, "refusal.unknown_command")
    elif member.is_guest:
        reply = text(lang, "refusal.onboard_first")
    else:
        names = "、".join(text(lang, f"role.{role.value}") for role in roles)
        log.info("user %s (%s) refused /%s", member.telegram_user_id, member.role, command)
        reply = text(lang, "refusal.wrong_role", roles=names)
    await respond(update, context.bot, reply)


async def refuse_button(update: Update, context: BotContext) -> None:
    """A button whose data no handler knows: stale, or forged."""
    query = update.callback_query
    assert query is not None
    log.warning(
        "unknown callback data %r from user %s", query.data, context.member.telegram_user_id
    )
    await query.answer(text(context.member.lang, "refusal.button"), show_alert=True)


async def refuse_media(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice… outside a conversation that asked for them."""
    await respond(update, context.bot, text(context.member.lang, "refusal.media"))


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    MessageHandler(filters.COMMAND, refuse_command),
    CallbackQueryHandler(refuse_button),
    MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT, refuse_media),
]
