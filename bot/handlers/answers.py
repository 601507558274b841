"""A mentor or bureau admin answers a forwarded question; the answer reaches the asker."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, end_draft, start_draft
from bot.ui.html import escape
from bot.ui.replies import pressed_ids, respond, send
from catalog import language_of, text
from programme.access import require_role
from programme.errors import Refused
from storage.enums import Role
from storage.repositories import people, questions

__all__ = ["build_handler", "send_answer", "start_answer"]

AWAITING_ANSWER = 1


async def start_answer(update: Update, context: BotContext) -> int:
    """The "reply" button under a forwarded question: check it was sent to this person."""
    (question_id,) = await pressed_ids(update, callbacks.REPLY_QUESTION)
    person_id = require_role(context.member, Role.mentor, Role.bureau, Role.manager)
    async with context.services.unit_of_work() as session:
        logged = await questions.get_question(session=session, question_id=question_id)
    if logged.forwarded_to != person_id:
        raise Refused(context.member, f"answer question {question_id}")
    start_draft(context, question_id=question_id)
    reply = text(context.member.lang, "reply.prompt", question=escape(logged.text))
    await respond(update, context.bot, reply)
    return AWAITING_ANSWER


async def send_answer(update: Update, context: BotContext) -> int:
    """The answer text: store it on the question and deliver it to the asker."""
    message = update.effective_message
    member = context.member
    question_id = (end_draft(context) or {}).get("question_id")
    if message is None or not message.text or question_id is None or member.person_id is None:
        return ConversationHandler.END
    async with context.services.unit_of_work() as session:
        logged = await questions.answer_question(
            session=session,
            question_id=int(question_id),
            person_id=member.person_id,
            text=message.text[:3000],
            now=context.services.clock(),
        )
        asker_lang = member.lang
        if logged.person_id is not None:
            asker = await people.get_person(session=session, person_id=logged.person_id)
            asker_lang = language_of(asker.language.value)
    notice = text(
        asker_lang,
        "reply.delivered",
        name=escape(member.name),
        question=escape(logged.text),
        answer=escape(logged.answer_text or ""),
    )
    await send(context.bot, logged.chat_id, notice)
    await respond(update, context.bot, text(member.lang, "reply.sent"))
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """The answering conversation: reply button, then the answer text."""
    return conversation(
        "answer_question",
        [CallbackQueryHandler(start_answer, pattern=callbacks.REPLY_QUESTION.pattern)],
        {AWAITING_ANSWER: [MessageHandler(filters.TEXT & ~filters.COMMAND, send_answer)]},
    )
