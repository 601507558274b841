"""Questions: any plain text goes to the matcher; feedback, suggestions and forwarding buttons."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext, Member
from bot.settings import Settings
from bot.ui.html import escape
from bot.ui.rendering import render_answer, render_entry, render_first_steps
from bot.ui.replies import pressed, pressed_ids, respond, send
from catalog import language_of, text
from knowledge.language import LANGS, Lang
from programme.errors import Refused
from programme.questions import ForwardLimits, next_forward_at
from programme.recipients import question_recipient
from storage.enums import Feedback, QuestionOutcome
from storage.repositories import questions

__all__ = ["HANDLERS", "ask_question", "forward_to_person", "open_suggestion", "rate_answer"]

log = logging.getLogger(__name__)

MAX_QUESTION = 1000  # longer texts are cut before matching and logging


def _lang(code: str | None) -> Lang:
    """The logged question's language as a matcher language (older rows: Chinese)."""
    return next((lang for lang in LANGS if lang == code), "zh")


async def ask_question(update: Update, context: BotContext) -> None:
    """Plain text: answer it, suggest entries, or say honestly that the bot does not know."""
    message = update.effective_message
    if message is None or not message.text:
        return
    member = context.member
    question = message.text[:MAX_QUESTION]
    outcome = context.services.ask.ask(question)
    if outcome.status == "smalltalk":
        # A greeting or thanks: not a compliance question, so not logged for curation.
        await respond(update, context.bot, text(language_of(outcome.lang), "answer.smalltalk"))
        return
    async with context.services.unit_of_work() as session:
        question_id = await questions.log_question(
            session=session,
            chat_id=member.chat_id,
            person_id=member.person_id,
            text=question,
            lang=outcome.lang,
            outcome=QuestionOutcome(outcome.status),
            entry_id=outcome.entry.id if outcome.entry else None,
            score=outcome.score,
        )
    # The whole reply speaks the question's language, as the answer and the suggestions' titles
    # do: an English question to a manager whose setting is Chinese gets English around them too.
    lang = language_of(outcome.lang)
    if outcome.status == "answered" and outcome.answer is not None:
        # The answer is in the question's language; its "basis" label goes with it.
        reply = render_answer(outcome.answer, outcome.citation or "", outcome.lang)
        buttons = [
            [
                (text(lang, "answer.helpful"), callbacks.FEEDBACK.encode(question_id, 1)),
                (text(lang, "answer.unhelpful"), callbacks.FEEDBACK.encode(question_id, 0)),
            ]
        ]
    elif outcome.status == "suggest":
        reply = text(lang, "answer.suggest")
        buttons = [
            [
                (
                    s.question,
                    callbacks.SUGGESTION.encode(question_id, callbacks.entry_ref(s.entry_id)),
                )
            ]
            for s in outcome.suggestions
        ]
        buttons.append(
            [(text(lang, "answer.ask_person"), callbacks.FORWARD_QUESTION.encode(question_id))]
        )
    else:
        reply = text(lang, "answer.unknown")
        buttons = [
            [(text(lang, "answer.ask_person"), callbacks.FORWARD_QUESTION.encode(question_id))]
        ]
    if outcome.trouble:
        # Trouble first: what to do now, then the answer (which may itself be the first steps);
        # /helpme one tap away.
        reply = render_first_steps(outcome.first_steps, outcome.lang, lang) + "\n\n" + reply
        buttons.insert(0, [(text(lang, "help.from_answer"), callbacks.HELP_START.encode())])
    await respond(update, context.bot, reply, buttons)


async def rate_answer(update: Update, context: BotContext) -> None:
    """👍/👎 on an answer: stored on the question, for the bureau's curation."""
    question_id, helpful = await pressed_ids(update, callbacks.FEEDBACK)
    member = context.member
    async with context.services.unit_of_work() as session:
        logged = await questions.record_feedback(
            session=session,
            question_id=question_id,
            chat_id=member.chat_id,
            feedback=Feedback.up if helpful else Feedback.down,
        )
    # In the language of the question it rates, like the answer it came with.
    lang = language_of(logged.lang)
    key = "answer.thanks" if helpful else "answer.sorry"
    buttons = None
    if not helpful:
        buttons = [
            [(text(lang, "answer.ask_person"), callbacks.FORWARD_QUESTION.encode(question_id))]
        ]
    await respond(update, context.bot, text(lang, key), buttons)


async def open_suggestion(update: Update, context: BotContext) -> None:
    """A "did you mean" button: show that entry, and remember the choice."""
    question_id, ref = await pressed(update, callbacks.SUGGESTION)
    member = context.member
    entry = callbacks.entry_by_ref(context.services.kb.entries, ref)
    if entry is None:
        raise Refused(member, f"unknown entry {ref}")
    async with context.services.unit_of_work() as session:
        logged = await questions.choose_entry(
            session=session, question_id=int(question_id), chat_id=member.chat_id, entry_id=entry.id
        )
    # In the language the question was asked in, like a direct answer, buttons included.
    lang = language_of(logged.lang)
    buttons = [
        [
            (text(lang, "answer.helpful"), callbacks.FEEDBACK.encode(int(question_id), 1)),
            (text(lang, "answer.unhelpful"), callbacks.FEEDBACK.encode(int(question_id), 0)),
        ]
    ]
    reply = render_entry(entry, lang, answer_lang=_lang(logged.lang))
    await respond(update, context.bot, reply, buttons)


async def forward_to_person(update: Update, context: BotContext) -> None:
    """ "Ask a person": send the question to the asker's mentor, or to the bureau."""
    (question_id,) = await pressed_ids(update, callbacks.FORWARD_QUESTION)
    member = context.member
    services = context.services
    now = services.clock()
    async with services.unit_of_work() as session:
        refusal = await _forward_refusal(session, member, question_id, now, services.settings)
        if refusal is not None:
            await respond(update, context.bot, refusal)
            return
        recipient = await question_recipient(session, member)
        if recipient is None or recipient.chat_id is None or recipient.id is None:
            await respond(update, context.bot, text(member.lang, "forward.nobody"))
            return
        logged = await questions.forward_question(
            session=session,
            question_id=question_id,
            chat_id=member.chat_id,
            to_person_id=recipient.id,
            now=now,
        )
    lang = language_of(recipient.language.value)
    asker = escape(
        member.name or (update.effective_user.full_name if update.effective_user else "")
    )
    notice = text(lang, "forward.to_person", asker=asker, question=escape(logged.text))
    reply_button = [[(text(lang, "forward.reply"), callbacks.REPLY_QUESTION.encode(question_id))]]
    await send(context.bot, recipient.chat_id, notice, reply_button)
    await respond(
        update, context.bot, text(member.lang, "forward.done", name=escape(recipient.name))
    )


async def _forward_refusal(
    session: AsyncSession, member: Member, question_id: int, now: datetime, settings: Settings
) -> str | None:
    """Why this question is not forwarded now (already forwarded, or the hourly limit), if so."""
    logged = await questions.get_question(session=session, question_id=question_id)
    if logged.chat_id == member.chat_id and logged.forwarded_to is not None:
        return text(member.lang, "forward.already")
    limits = ForwardLimits(
        guest=settings.ask_person_guest_per_hour, member=settings.ask_person_member_per_hour
    )
    again = await next_forward_at(session, member, member.chat_id, now, limits)
    if again is None:
        return None
    log.info("%s: ask-a-person limit reached until %s", member.describe(), again)
    local = again.astimezone(settings.tz)
    when = (
        f"{local:%H:%M}"
        if local.date() == now.astimezone(settings.tz).date()
        else f"{local:%m-%d %H:%M}"
    )
    return text(member.lang, "forward.limited", time=when)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CallbackQueryHandler(rate_answer, pattern=callbacks.FEEDBACK.pattern),
    CallbackQueryHandler(open_suggestion, pattern=callbacks.SUGGESTION.pattern),
    CallbackQueryHandler(forward_to_person, pattern=callbacks.FORWARD_QUESTION.pattern),
]

# Registered last in `bot.app`, after every conversation, so conversations see their text first.
QUESTION_HANDLER = MessageHandler(filters.TEXT & ~filters.COMMAND, ask_question)
