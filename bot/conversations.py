"""What every conversation shares: the /cancel fallback, a timeout, per-user state that survives
a restart.

Every conversation is persistent (`bot.persistence.DatabasePersistence`): its state and the
person's draft are in the database after each update, so a restarted bot continues the dialogue;
one older than `TIMEOUT` at start-up is not continued, and `tell_expired` says so plainly.

A person is in one conversation at a time: the one they started last. Without that rule, starting
a second conversation (say /helpme while an item submission waits for evidence) would leave the
first listening, and the first, being earlier in the handler list, would take the replies meant
for the second — with the second's draft. `share_latest` groups the conversations of one
application; entering one ends the person's others (durably, like any state change).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.persistence import DatabasePersistence
from bot.ui.replies import respond
from catalog import text

__all__ = [
    "TIMEOUT",
    "cancel",
    "conversation",
    "draft_of",
    "end_draft",
    "save_now",
    "share_latest",
    "start_draft",
    "tell_expired",
]

TIMEOUT = timedelta(minutes=30)
_DRAFT = "draft"


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: stop whatever the bot was waiting for."""
    end_draft(context)
    await respond(update, context.bot, text(context.member.lang, "conversation.cancelled"))
    return ConversationHandler.END


_Key = tuple[int, int]


def _key(update: object) -> _Key | None:
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        return update.effective_chat.id, update.effective_user.id
    return None


class _Conversation(ConversationHandler[Any]):
    """A conversation that ends the person's other conversations when they enter it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.siblings: list[_Conversation] = []  # set by `share_latest`
        for handler in self.entry_points:
            handler.callback = self._entering(handler.callback)

    def end_for(self, key: _Key) -> None:
        """End ``key``'s dialogue in this conversation, if any (recorded for the persistence)."""
        if key in self._conversations:
            self._update_state(self.END, key)

    def _entering(
        self, callback: Callable[[Update, Any], Coroutine[Any, Any, Any]]
    ) -> Callable[[Update, Any], Coroutine[Any, Any, Any]]:
        async def entered(update: Update, context: Any) -> Any:
            state = await callback(update, context)
            key = _key(update)
            if key is not None and state not in (None, ConversationHandler.END):
                for other in self.siblings:
                    if other is not self:
                        other.end_for(key)
            return state

        return entered


def share_latest(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> None:
    """Make the conversations among ``handlers`` end each other when a person enters one."""
    group = [handler for handler in handlers if isinstance(handler, _Conversation)]
    for handler in group:
        handler.siblings = group


async def tell_expired(update: Update, context: BotContext) -> None:
    """Tell a person whose dialogue was too old to continue after a restart to start again.

    Registered right after the gate. Their message was meant for that dialogue, so it goes no
    further (it is not a question); a command or a button does, after the notice.
    """
    persistence = context.application.persistence
    key = _key(update)
    if not isinstance(persistence, DatabasePersistence) or key is None:
        return
    name = persistence.expired.pop(key, None)
    if name is None:
        return
    await persistence.forget_conversation(name, key)
    minutes = int(TIMEOUT.total_seconds() // 60)
    await respond(
        update, context.bot, text(context.member.lang, "conversation.expired", minutes=minutes)
    )
    message = update.effective_message
    if update.callback_query is None and not (message and (message.text or "").startswith("/")):
        raise ApplicationHandlerStop


async def save_now(update: Update, context: BotContext) -> None:
    """After every update: write the dialogue states and drafts it changed (see module doc)."""
    application = context.application
    if application.persistence is None:
        return
    if update.effective_user is not None:
        application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    await application.update_persistence()


def conversation(
    name: str,
    entry_points: Sequence[BaseHandler[Any, Any, Any]],
    states: Mapping[object, Sequence[BaseHandler[Any, Any, Any]]],
) -> ConversationHandler[Any]:
    """A persistent conversation keyed by chat and user, with /cancel and a 30-minute timeout.

    Button entry points are tracked per chat, not per message, on purpose: a conversation is about
    what the person types next, whichever message's button started it. PTB warns about that
    choice, so the warning is silenced here, where the choice is made.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return _Conversation(
            entry_points=list(entry_points),
            states={key: list(handlers) for key, handlers in states.items()},
            fallbacks=[CommandHandler("cancel", cancel)],
            conversation_timeout=TIMEOUT,
            name=name,
            persistent=True,
            allow_reentry=True,
        )


def start_draft(context: BotContext, **values: Any) -> dict[str, Any]:
    """Begin the conversation's draft (what the person has typed so far; plain JSON values,
    stored with the dialogue's state)."""
    draft = dict(values)
    if context.user_data is not None:
        context.user_data[_DRAFT] = draft
    return draft


def draft_of(context: BotContext) -> dict[str, Any] | None:
    """The draft of the conversation in progress, if any."""
    return (context.user_data or {}).get(_DRAFT)


def end_draft(context: BotContext) -> dict[str, Any] | None:
    """Forget the draft (the conversation is over); returns it."""
    draft: dict[str, Any] | None = (context.user_data or {}).pop(_DRAFT, None)
    return draft
