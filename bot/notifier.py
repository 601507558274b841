"""The scheduler's `Notifier`, implemented for Telegram (the terminal chat uses it too, over its
recording request).

`TelegramNotifier` renders a `Notice` from the message catalogs in the recipient's language
(values escaped; a compliance-calendar notice gets its knowledge-base entry's short answer and
citation), sends it with its buttons and media, and reports what happened instead of raising:

    Forbidden, BadRequest "chat not found", no chat id  -> blocked (never retried)
    RetryAfter                                          -> retry_after (seconds to wait)
    TimedOut waiting for the answer (request sent)      -> unknown (it may have arrived)
    NetworkError / other TimedOut                       -> failed, retryable
    any other TelegramError                             -> failed
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot import callbacks
from bot.ui.html import escape, split_message
from bot.ui.replies import keyboard
from bot.wire import answer_lost
from catalog import language_of, text
from knowledge.base import KnowledgeBase
from knowledge.language import Lang
from scheduler.notifier import (
    Action,
    EntryRef,
    Label,
    Notice,
    Recipient,
    SendResult,
    SendStatus,
)

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["TelegramNotifier", "render_notice"]

log = logging.getLogger(__name__)


def _label(lang: str, key: str, fallback: str) -> str:
    try:
        return text(lang, key)
    except KeyError:
        return fallback


def _entry_summary(kb: KnowledgeBase | None, entry_id: str, lang: str) -> str:
    """The entry's short answer (its first line) and legal basis, or "—" if it is gone."""
    if kb is None:
        return "—"
    try:
        entry = kb.get(entry_id)
    except KeyError:
        log.warning("calendar notice names unknown knowledge-base entry %r", entry_id)
        return "—"
    entry_lang: Lang = "en" if lang == "en" else "zh"
    short = entry.answer_for(entry_lang).partition("\n")[0]
    return f"<b>{escape(short)}</b>\n<i>{escape(entry.citation_for(entry_lang))}</i>"


def _value(raw: object, lang: str, kb: KnowledgeBase | None) -> str:
    """One notice value as escaped HTML in ``lang``, by what it is (`Label`, `EntryRef`, text)."""
    if isinstance(raw, Label):
        label = _label(lang, f"{raw.catalog}.{raw.code}", escape(raw.code))
        return (
            text(lang, "notice.label_titled", label=label, title=escape(raw.title))
            if raw.title
            else label
        )
    if isinstance(raw, EntryRef):
        return _entry_summary(kb, raw.entry_id, lang)
    return escape(str(raw))


def render_notice(notice: Notice, lang: str, kb: KnowledgeBase | None) -> str:
    """The notice as Telegram HTML in ``lang``: values escaped, labels translated.

    Catalog texts use only the placeholders they need, so values a notice carries for other
    purposes (ids, counts) are simply ignored.
    """
    values = {key: _value(raw, lang, kb) for key, raw in notice.values.items()}
    return text(lang, notice.key, **values)


# The callback format of each action a notice's button can ask for.
_ACTIONS: dict[Action, callbacks.CallbackFormat] = {
    Action.acknowledge_broadcast: callbacks.BROADCAST_ACK,
    Action.open_help_request: callbacks.REQUEST_VIEW,
    Action.acknowledge_help_request: callbacks.HELP_ACK,
}


def _buttons(notice: Notice, lang: str) -> list[list[tuple[str, str]]]:
    rows = [
        [
            (
                text(lang, b.label_key, **{k: escape(str(v)) for k, v in b.label_values.items()}),
                _ACTIONS[b.action].encode(b.ref),
            )
        ]
        for b in notice.buttons
    ]
    for value in notice.values.values():
        if isinstance(value, EntryRef):  # open the whole entry in one tap
            ref = callbacks.entry_ref(value.entry_id)
            rows.append([(text(lang, "visits.open_entry"), callbacks.TOPIC_ENTRY.encode(ref))])
    return rows


def _seconds(error: RetryAfter) -> float:
    # PTB 22 deprecates reading the delay as an int; accept whichever form this version gives.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    """Sends notices through the bot.

    Args:
        bot: the application's bot (any Bot API server, or the recording request).
        services: where the knowledge base is found once it is loaded (``post_init``).
    """

    def __init__(self, bot: ExtBot[None], services: Services | None = None) -> None:
        self.bot = bot
        self.services = services

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        """Render and send one notice; delivery problems are reported, never raised."""
        if recipient.chat_id is None:
            return SendResult(SendStatus.blocked, error="no chat: never pressed Start")
        lang = language_of(recipient.lang)
        kb = self.services.knowledge if self.services is not None else None
        try:
            return SendResult(
                SendStatus.sent, message_id=await self._send(recipient, notice, lang, kb)
            )
        except Forbidden as exc:
            return SendResult(SendStatus.blocked, error=str(exc))
        except RetryAfter as exc:
            return SendResult(SendStatus.retry_after, retry_after=_seconds(exc), error=str(exc))
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return SendResult(SendStatus.blocked, error=str(exc))
            return SendResult(SendStatus.failed, error=str(exc))
        except TimedOut as exc:
            if answer_lost(exc):
                return SendResult(SendStatus.unknown, error=str(exc) or "no answer in time")
            return SendResult(SendStatus.failed, retryable=True, error=str(exc))
        except NetworkError as exc:  # BadRequest and Forbidden are caught above
            return SendResult(SendStatus.failed, retryable=True, error=str(exc))
        except TelegramError as exc:
            return SendResult(SendStatus.failed, error=str(exc))

    async def _send(
        self, recipient: Recipient, notice: Notice, lang: str, kb: KnowledgeBase | None
    ) -> int:
        chat_id = recipient.chat_id
        assert chat_id is not None
        if notice.photo_file_id:
            await self.bot.send_photo(chat_id, notice.photo_file_id)
        if notice.document_file_id:
            await self.bot.send_document(chat_id, notice.document_file_id)
        parts = split_message(render_notice(notice, lang, kb))
        markup = keyboard(_buttons(notice, lang))
        message_id = 0
        for index, part in enumerate(parts):
            message = await self.bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if index == len(parts) - 1 else None,
            )
            message_id = message.message_id
        if notice.attachment is not None:
            attachment = notice.attachment
            await self.bot.send_document(
                chat_id, InputFile(attachment.content, filename=attachment.filename)
            )
        return message_id
