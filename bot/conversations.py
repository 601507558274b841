"""What every conversation shares: the /cancel fallback, a timeout, per-user state.

A person is in one conversation at a time: the one they started last. Without that rule, starting
a second conversation (say /helpme while an item submission waits for evidence) would leave the
first listening, and the first, being earlier in the handler list, would take the replies meant
for the second — with the second's draft. `share_latest` gives all conversations of one
application a record of which conversation each person entered last; the others step aside.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from bot.ui.replies import respond
from catalog import text

__all__ = [
    "TIMEOUT",
    "cancel",
    "conversation",
    "draft_of",
    "end_draft",
    "share_latest",
    "start_draft",
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
    """A conversation that steps aside once its person has entered another one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latest: dict[_Key, str] = {}  # replaced by one shared dict in `share_latest`
        for handler in self.entry_points:
            handler.callback = self._entering(handler.callback)

    def check_update(self, update: object) -> Any:
        key = _key(update)
        superseded = key is not None and self.latest.get(key, self.name) != self.name
        if superseded and not any(h.check_update(update) for h in self.entry_points):
            return None  # a reply to the conversation they started later, not to this one
        return super().check_update(update)

    def _entering(
        self, callback: Callable[[Update, Any], Coroutine[Any, Any, Any]]
    ) -> Callable[[Update, Any], Coroutine[Any, Any, Any]]:
        async def entered(update: Update, context: Any) -> Any:
            state = await callback(update, context)
            key = _key(update)
            if key is not None and state not in (None, ConversationHandler.END):
                assert self.name is not None
                self.latest[key] = self.name
            return state

        return entered


def share_latest(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> None:
    """Let the conversations among ``handlers`` know which one each person entered last."""
    latest: dict[_Key, str] = {}
    for handler in handlers:
        if isinstance(handler, _Conversation):
            handler.latest = latest


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
        return _Conversation(
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
    draft: dict[str, Any] | None = (context.user_data or {}).pop(_DRAFT, None)
    return draft
