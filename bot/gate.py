"""The gate: who is this, and may they do that?

`load_member` runs first for every update (a `TypeHandler` in group -1, see `bot.app`): it loads
the sender's person and role from the database and makes it the current `Member`. Handlers that
need a role are registered with a `for_roles` filter; whatever falls through reaches the
refusal handlers at the end of `bot.app`. Button handlers additionally re-check the object they act
on (`programme.access`), because callback data is untrusted.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, filters

from bot.context import BotContext, Member, current_member, set_current_member
from catalog import DEFAULT_LANGUAGE, language_of, text
from programme.access import has_role
from storage.enums import Role
from storage.repositories import people

__all__ = ["for_roles", "load_member"]

log = logging.getLogger(__name__)

# Guests' language choice (/language before onboarding) — a preference, not a durable fact.
GUEST_LANGUAGE_KEY = "lang"


async def load_member(update: Update, context: BotContext) -> None:
    """Load the sender's person and role for this update (None for updates without a sender).

    Button presses without data are stopped here: PTB routes them to every button handler
    regardless of its pattern, and no button of ours is without data.
    """
    await _load(update, context)
    query = update.callback_query
    if query is not None and not query.data:
        member = current_member()
        log.warning("button without data from user %s", query.from_user.id)
        await query.answer(
            text(member.lang if member else DEFAULT_LANGUAGE, "refusal.button"), show_alert=True
        )
        raise ApplicationHandlerStop


async def _load(update: Update, context: BotContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        set_current_member(None)
        return
    async with context.services.unit_of_work() as session:
        person = await people.summary_by_telegram_id(session=session, telegram_user_id=user.id)
    chat_id = chat.id if chat is not None else user.id
    if person is None:
        guest_lang = (context.user_data or {}).get(GUEST_LANGUAGE_KEY)
        lang = language_of(guest_lang or user.language_code)
        set_current_member(Member(telegram_user_id=user.id, chat_id=chat_id, lang=lang))
        return
    set_current_member(
        Member(
            telegram_user_id=user.id,
            chat_id=chat_id,
            lang=language_of(person.language.value),
            person_id=person.id,
            role=person.role,
            enterprise_id=person.enterprise_id,
            name=person.name,
        )
    )


class _RoleFilter(filters.UpdateFilter):
    """Passes updates whose sender (as loaded by the gate) has one of ``roles``."""

    def __init__(self, roles: frozenset[Role]) -> None:
        super().__init__(name=f"for_roles({', '.join(sorted(r.value for r in roles))})")
        self.roles = roles

    def filter(self, update: Update) -> bool:
        return has_role(current_member(), self.roles)


def for_roles(*roles: Role) -> filters.UpdateFilter:
    """Routes a command to the roles it is for; combine with ``&`` as usual.

    Routing only: the permission itself is `programme.access` (``has_role`` here, and the
    use-cases' own checks on the objects they touch), so there is one rule, not two.
    """
    return _RoleFilter(frozenset(roles))
