"""The gate: is this for us, who is this, and may they do that?

`admit` runs first for every update (a `TypeHandler` in group -3, see `bot.app`) and is the one
policy on where the bot talks. Everything personal — onboarding, items, visits, questions — happens
in private chats only; there the update goes on. Anything else stops here, quietly:

- channel posts and updates without a sender (polls, a channel's own posts) are ignored;
- edited messages are ignored: an edit is not a new command (an edited ``/start <code>`` must not
  onboard) and nothing the bot said can be taken back anyway;
- in groups and supergroups the bot answers only when addressed (``/command@bot``, a mention of
  @bot, or a reply to one of its messages), and then only with "please talk to me in private", in
  Chinese, the programme's language: a group never sees private data, and never becomes a
  person's chat. A button pressed in a group is answered the same way, privately, as an alert.

`load_member` runs next (group -2): it loads
the sender's person and role from the database and makes it the current `Member`. Handlers that
need a role are registered with a `for_roles` filter; whatever falls through reaches the
refusal handlers at the end of `bot.app`. Button handlers additionally re-check the object they act
on (`programme.access`), because callback data is untrusted.
"""

from __future__ import annotations

import logging

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, filters

from bot.context import BotContext, Member, current_member, set_current_member
from catalog import DEFAULT_LANGUAGE, language_of, text
from programme.access import has_role
from storage.enums import Role
from storage.repositories import people

__all__ = ["admit", "for_roles", "load_member"]

log = logging.getLogger(__name__)

# Guests' language choice (/language before onboarding) — a preference, not a durable fact.
GUEST_LANGUAGE_KEY = "lang"


async def admit(update: Update, context: BotContext) -> None:
    """Let private-chat updates with a sender through; answer or ignore the rest (see above)."""
    user = update.effective_user
    chat = update.effective_chat
    edited = update.edited_message or update.edited_channel_post or update.edited_business_message
    if user is None or update.channel_post is not None or edited is not None:
        log.debug("ignored update %s (no sender, channel post or edit)", update.update_id)
        raise ApplicationHandlerStop
    if chat is not None and chat.type == ChatType.PRIVATE:
        return
    reply = text(DEFAULT_LANGUAGE, "gate.private_only")
    query = update.callback_query
    if query is not None:
        log.info("button pressed outside a private chat by user %s", user.id)
        await query.answer(reply, show_alert=True)
    elif update.message is not None and chat is not None and _addressed(update.message, context):
        log.info("addressed in %s chat %s by user %s", chat.type, chat.id, user.id)
        await context.bot.send_message(
            chat.id, reply, reply_to_message_id=update.message.message_id
        )
    raise ApplicationHandlerStop


def _addressed(message: Message, context: BotContext) -> bool:
    """Whether a group message is meant for the bot: /command@bot, @bot, or a reply to it."""
    bot = context.bot
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    handle = f"@{bot.username}".casefold()
    kinds: list[str | None] = [
        MessageEntity.MENTION,
        MessageEntity.TEXT_MENTION,
        MessageEntity.BOT_COMMAND,
    ]
    for entity, value in message.parse_entities(kinds).items():
        if entity.type == MessageEntity.TEXT_MENTION:
            if entity.user is not None and entity.user.id == bot.id:
                return True
        elif entity.type == MessageEntity.MENTION:
            if value.casefold() == handle:
                return True
        elif value.casefold().endswith(handle):
            return True
    return False


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
