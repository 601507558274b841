"""Onboarding and personal settings: /start <code>, /language, /settings, /whoami, /help."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext, Member
from bot.gate import GUEST_LANGUAGE_KEY, for_roles
from bot.handlers import preferences
from bot.ui.html import escape
from bot.ui.menus import COMMANDS, set_chat_menu
from bot.ui.replies import pressed, respond
from catalog import LANGUAGES, language_of, text
from programme.access import require_role
from storage.enums import Language, Role
from storage.errors import InviteLocked
from storage.repositories import enterprises, invites, people

__all__ = [
    "HANDLERS",
    "choose_language",
    "explain_help",
    "onboard",
    "show_identity",
    "toggle_setting",
]


async def onboard(update: Update, context: BotContext) -> None:
    """/start [code]: redeem an invite code, or explain how to get one."""
    member = context.member
    user = update.effective_user
    if user is None:
        return
    if not context.args:
        key = "start.no_code" if member.is_guest else "start.again"
        await respond(update, context.bot, text(member.lang, key, name=escape(member.name)))
        return
    async with context.services.unit_of_work() as session:
        result = await invites.redeem_invite(
            session=session,
            code=context.args[0][:64],
            telegram_user_id=user.id,
            chat_id=member.chat_id,
            name=user.full_name[:100],
            language=Language(member.lang),
            now=context.services.clock(),
            global_limit=invites.GuessLimit(
                failures=context.services.settings.invite_global_max_failures,
                window=timedelta(minutes=context.services.settings.invite_global_window_minutes),
            ),
        )
        enterprise_name = ""
        if result.person is not None and result.person.enterprise_id is not None:
            enterprise = await enterprises.get_enterprise(
                session=session, enterprise_id=result.person.enterprise_id
            )
            enterprise_name = enterprise.name
    if isinstance(result.error, InviteLocked):
        until = result.error.until.astimezone(context.services.settings.tz)
        reply = text(member.lang, "start.locked", until=until.strftime("%H:%M"))
    elif result.person is None:
        reply = text(member.lang, "start.invalid")
    else:
        role = result.person.role
        reply = text(
            member.lang,
            f"start.welcome.{role.value}",
            name=escape(result.person.name),
            enterprise=escape(enterprise_name),
        )
        await set_chat_menu(context.bot, member.chat_id, role, member.lang)
    await respond(update, context.bot, reply)


async def offer_languages(update: Update, context: BotContext) -> None:
    """/language: two buttons, 中文 and English."""
    buttons = [
        [(text(lang, "language.name"), callbacks.LANGUAGE.encode(lang)) for lang in LANGUAGES]
    ]
    await respond(update, context.bot, text(context.member.lang, "language.choose"), buttons)


async def choose_language(update: Update, context: BotContext) -> None:
    """A language button: store the choice (on the person, or for a guest in their user data)."""
    (chosen,) = await pressed(update, callbacks.LANGUAGE)
    lang = language_of(str(chosen))
    member = context.member
    if member.person_id is None:
        if context.user_data is not None:
            context.user_data[GUEST_LANGUAGE_KEY] = lang
    else:
        async with context.services.unit_of_work() as session:
            await people.set_language(
                session=session, person_id=member.person_id, language=Language(lang)
            )
    await set_chat_menu(context.bot, member.chat_id, member.role, lang)
    await respond(update, context.bot, text(lang, "language.set"), edit=True)


async def show_settings(update: Update, context: BotContext) -> None:
    """/settings: the notification preferences, each a button that toggles or cycles it."""
    member = context.member
    person_id = require_role(member, *Role)
    async with context.services.unit_of_work() as session:
        person = await people.get_person(session=session, person_id=person_id)
    await _render_settings(update, context, member, person.preferences, edit=False)


async def toggle_setting(update: Update, context: BotContext) -> None:
    """A settings button: flip a switch or move a time to its next choice."""
    (key,) = await pressed(update, callbacks.SETTING_TOGGLE)
    member = context.member
    person_id = require_role(member, *Role)
    async with context.services.unit_of_work() as session:
        person = await people.get_person(session=session, person_id=person_id)
        try:
            changed = preferences.toggled(person.preferences, str(key))
        except KeyError:
            changed = preferences.effective(person.preferences)
        await people.update_person(session=session, person_id=person_id, preferences=changed)
    await _render_settings(update, context, member, changed, edit=True)


async def _render_settings(
    update: Update, context: BotContext, member: Member, stored: dict[str, object], *, edit: bool
) -> None:
    current = preferences.effective(stored)
    lang = member.lang
    rows = []
    for key in preferences.SWITCHES:
        state = text(lang, "settings.on" if current[key] else "settings.off")
        label = text(lang, f"settings.{key}") + f": {state}"
        rows.append([(label, callbacks.SETTING_TOGGLE.encode(key))])
    for key in preferences.CHOICES:
        value = current[key] or text(lang, "settings.none")
        label = text(lang, f"settings.{key}") + f": {value}"
        rows.append([(label, callbacks.SETTING_TOGGLE.encode(key))])
    await respond(update, context.bot, text(lang, "settings.title"), rows, edit=edit)


async def show_identity(update: Update, context: BotContext) -> None:
    """/whoami: role, enterprise and language."""
    member = context.member
    lang = member.lang
    if member.person_id is None or member.role is None:
        await respond(update, context.bot, text(lang, "whoami.guest"))
        return
    enterprise_name = "—"
    if member.enterprise_id is not None:
        async with context.services.unit_of_work() as session:
            enterprise = await enterprises.get_enterprise(
                session=session, enterprise_id=member.enterprise_id
            )
            enterprise_name = enterprise.name
    reply = text(
        lang,
        "whoami.member",
        name=escape(member.name or "—"),
        role=text(lang, f"role.{member.role.value}"),
        enterprise=escape(enterprise_name),
        language=text(lang, "language.name"),
    )
    await respond(update, context.bot, reply)


async def explain_help(update: Update, context: BotContext) -> None:
    """/help: what this bot does for the sender's role, and its commands."""
    member = context.member
    lang = member.lang
    lines = [text(lang, "help.intro")]
    lines += [f"/{name} — {text(lang, f'menu.{name}')}" for name in COMMANDS[member.role]]
    await respond(update, context.bot, "\n".join(lines))


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("start", onboard),
    CommandHandler("language", offer_languages),
    CallbackQueryHandler(choose_language, pattern=callbacks.LANGUAGE.pattern),
    CommandHandler("settings", show_settings, filters=for_roles(*Role)),
    CallbackQueryHandler(toggle_setting, pattern=callbacks.SETTING_TOGGLE.pattern),
    CommandHandler("whoami", show_identity),
    CommandHandler("help", explain_help),
]
