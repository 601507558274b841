"""Sending HTML replies: long texts split under Telegram's limit, buttons on the last part."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.callbacks import CallbackFormat
from bot.ui.html import split_message
from catalog import language_of, text
from storage.models import Person

__all__ = [
    "Buttons",
    "keyboard",
    "notify",
    "pressed",
    "pressed_ids",
    "respond",
    "send",
    "send_files",
]

_ALBUM = 10  # Telegram's largest media group

# Rows of (label, callback data) pairs.
Buttons = Sequence[Sequence[tuple[str, str]]]

_LABEL_LIMIT = 60  # long labels are cut: Telegram shows about this much on a phone anyway


def keyboard(rows: Buttons | None) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard from rows of (label, callback data); None when there are none."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_cut(label), callback_data=data) for label, data in row]
            for row in rows
            if row
        ]
    )


def _cut(label: str) -> str:
    return label if len(label) <= _LABEL_LIMIT else label[: _LABEL_LIMIT - 1] + "…"


async def send(bot: ExtBot[None], chat_id: int, html: str, buttons: Buttons | None = None) -> None:
    """Send ``html`` to a chat, in several messages if it is long."""
    parts = split_message(html)
    for index, part in enumerate(parts):
        markup = keyboard(buttons) if index == len(parts) - 1 else None
        await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup)


async def respond(
    update: Update,
    bot: ExtBot[None],
    html: str,
    buttons: Buttons | None = None,
    *,
    edit: bool = False,
) -> None:
    """Answer the sender of ``update``; ``edit=True`` replaces the pressed button's message.

    Editing falls back to a new message when the old one cannot be edited (too old, a photo,
    or unchanged), so navigation never dead-ends.
    """
    query = update.callback_query
    chat = update.effective_chat
    if chat is None:
        return
    parts = split_message(html)
    if edit and query is not None and query.message is not None and len(parts) == 1:
        try:
            await bot.edit_message_text(
                parts[0],
                chat_id=chat.id,
                message_id=query.message.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(buttons),
            )
            return
        except BadRequest:
            pass
    await send(bot, chat.id, html, buttons)


async def pressed(update: Update, fmt: CallbackFormat) -> tuple[int | str, ...]:
    """Answer the button press (Telegram shows a spinner until then) and decode its data.

    Raises:
        ValueError: if the data is not of ``fmt`` (handlers are routed by its pattern, so only
            a bug gets here).
    """
    query = update.callback_query
    if query is None:
        raise ValueError("not a button press")
    await query.answer()
    return fmt.decode(query.data)


async def pressed_ids(update: Update, fmt: CallbackFormat) -> tuple[int, ...]:
    """`pressed` for formats made only of integers."""
    return tuple(int(value) for value in await pressed(update, fmt))


async def notify(
    bot: ExtBot[None],
    recipients: Iterable[Person],
    key: str,
    buttons: Callable[[str], Buttons] | None = None,
    **values: object,
) -> None:
    """Send catalog text ``key`` to each person in their own language (values already escaped).

    Args:
        bot: the bot.
        recipients: people with a chat id (see `programme.recipients`).
        key: the catalog key.
        buttons: builds the buttons for a language, if any.
        **values: the placeholders.
    """
    for person in recipients:
        if person.chat_id is None:
            continue
        lang = language_of(person.language.value)
        await send(
            bot, person.chat_id, text(lang, key, **values), buttons(lang) if buttons else None
        )


async def send_files(
    bot: ExtBot[None], chat_id: int, file_ids: Sequence[str], *, photos: bool = True
) -> None:
    """Send photos (or documents) by their Telegram file ids: one alone, several as albums."""
    for start in range(0, len(file_ids), _ALBUM):
        chunk = file_ids[start : start + _ALBUM]
        if len(chunk) == 1 and photos:
            await bot.send_photo(chat_id, chunk[0])
        elif len(chunk) == 1:
            await bot.send_document(chat_id, chunk[0])
        elif photos:
            await bot.send_media_group(chat_id, [InputMediaPhoto(i) for i in chunk])
        else:
            await bot.send_media_group(chat_id, [InputMediaDocument(i) for i in chunk])
