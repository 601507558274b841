"""The typed callback context: handlers reach `Services` and the current `Member` from here."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from catalog import Lang
from programme.actors import Actor

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["BotContext", "BotData", "Member", "context_types", "current_member"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Member(Actor):
    """Who sent the current update, as the gate loaded it from the database: the programme's
    `Actor` plus where and how to answer them.

    ``person_id`` and ``role`` are None for someone who has not onboarded (a guest).
    """

    telegram_user_id: int
    chat_id: int
    lang: Lang
    name: str = ""

    def describe(self) -> str:
        return f"user {self.telegram_user_id} ({self.role})"


# Set by the gate for each update. A context variable rather than user_data: it is per update
# (per task when updates run concurrently) and filters, which see only the update, can read it.
_current: ContextVar[Member | None] = ContextVar("handinhand_member", default=None)


def current_member() -> Member | None:
    """The member the gate loaded for the update being processed (None outside an update)."""
    return _current.get()


def set_current_member(member: Member | None) -> None:
    """Used by the gate only."""
    _current.set(member)


class BotData:
    """``application.bot_data``: holds the services, typed."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services and the current member."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("build_application() did not attach the services")
        return services

    @property
    def member(self) -> Member:
        """The sender, loaded by the gate; handlers behind the gate can rely on it."""
        member = current_member()
        if member is None:
            raise RuntimeError("the gate did not run for this update")
        return member


context_types = ContextTypes(context=BotContext, bot_data=BotData)
