"""The command menus each role sees (``setMyCommands`` with scopes), per language."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import ExtBot

from catalog import LANGUAGES, text
from storage.enums import Role

__all__ = ["COMMANDS", "set_chat_menu", "set_default_menus"]

log = logging.getLogger(__name__)

_COMMON = ("topics", "language", "whoami", "help")
COMMANDS: dict[Role | None, tuple[str, ...]] = {
    None: ("start", *_COMMON),
    Role.manager: ("items", "helpme", "visits", "settings", *_COMMON),
    Role.mentor: ("mine", "requests", "visit", "visits", "settings", *_COMMON),
    Role.bureau: ("broadcast", "stats", "requests", "curate", "review", "settings", *_COMMON),
}


def _commands(role: Role | None, lang: str) -> list[BotCommand]:
    return [BotCommand(name, text(lang, f"menu.{name}")) for name in COMMANDS[role]]


async def set_default_menus(bot: ExtBot[None]) -> None:
    """The guests' menu, in each language; a server that refuses is logged, not fatal."""
    try:
        for lang in LANGUAGES:
            await bot.set_my_commands(
                _commands(None, lang), scope=BotCommandScopeDefault(), language_code=lang
            )
        await bot.set_my_commands(_commands(None, "en"), scope=BotCommandScopeDefault())
    except TelegramError as exc:
        log.warning("could not set the command menus (%s); carrying on without them", exc)


async def set_chat_menu(bot: ExtBot[None], chat_id: int, role: Role | None, lang: str) -> None:
    """The menu of one person's chat for their role and language; failures are only logged."""
    try:
        await bot.set_my_commands(_commands(role, lang), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu of chat %s (%s)", chat_id, exc)
