"""The hook where visit booking takes over a help request ("propose a visit").

The visits feature replaces `propose_visit` with its date-and-time dialogue. Until then it
records the request as ``visit_proposed``, tells the manager a visit is coming, and tells the
mentor plainly that choosing a time is not available in the bot yet.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.html import escape
from bot.recipients import managers_of
from bot.replies import notify, respond
from bot.texts import text
from storage.enums import HelpStatus
from storage.repositories import help_requests

__all__ = ["propose_visit"]


async def propose_visit(update: Update, context: BotContext, request_id: int) -> None:
    """Start proposing a visit for help request ``request_id`` (permission already checked)."""
    member = context.member
    async with context.services.unit_of_work() as session:
        request = await help_requests.set_help_status(
            session=session,
            request_id=request_id,
            status=HelpStatus.visit_proposed,
            now=context.services.clock(),
        )
        managers = await managers_of(session, request.enterprise_id)
    await respond(update, context.bot, text(member.lang, "help.visit_recorded"))
    await notify(context.bot, managers, "help.visit_to_manager", name=escape(member.name))
