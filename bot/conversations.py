"""What every conversation shares: the /cancel fallback, a timeout, per-user state."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.replies import respond
from bot.texts import text

__all__ = ["TIMEOUT", "cancel", "conversation", "draft_of", "end_draft", "start_draft"]

TIMEOUT = timedelta(minutes=30)
_DRAFT = "draft"


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: stop whatever the bot was waiting for."""
    end_draft(context)
    await respond(update, context.bot, text(context.member.lang, "conversation.cancelled"))
    return ConversationHandler.END


def conversation(
    name: str,
    entry_points: Sequence[BaseHandler[Any, Any, Any]],
    states: Mapping[object, Sequence[BaseHandler[Any, Any, Any]]],
) -> ConversationHandler[Any]:
    """A conversation keyed by chat and user, with /cancel and a 30-minute timeout.

    Button entry points are tracked per chat, not per message, on purpose: a conversation is about
    what the person types next, whichever message's button started it. PTB warns about that
    choice, so the warning is silenced here, where the choice is made.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states={key: list(handlers) for key, handlers in states.items()},
            fallbacks=[CommandHandler("cancel", cancel)],
            conversation_timeout=TIMEOUT,
            name=name,
            allow_reentry=True,
        )


def start_draft(context: BotContext, **values: Any) -> dict[str, Any]:
    """Begin the conversation's draft (what the person has typed so far; it is not durable)."""
    draft = dict(values)
    if context.user_data is not None:
        context.user_data[_DRAFT] = draft
    return draft


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """The draft of the conversation in progress, if any."""
    return (context.user_data or {}).get(_DRAFT)


def end_draft(context: BotContext) -> dict[str, Any] | None:
    """Forget the draft (the conversation is over); returns it."""
    return (context.user_data or {}).pop(_DRAFT, None)
