"""A mentor or bureau admin answers a forwarded question; the answer reaches the asker."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.handlers.errors import refusal_text
from bot.ui.html import escape
from bot.ui.replies import pressed_ids, respond, send
from catalog import text
from programme import questions as asked
from programme.errors import NotAllowed

__all__ = ["build_handler", "send_answer", "start_answer"]

AWAITING_ANSWER = 1


async def start_answer(update: Update, context: BotContext) -> int:
    """The "reply" button under a forwarded question: check it was sent to this person."""
    (question_id,) = await pressed_ids(update, callbacks.REPLY_QUESTION)
    async with context.services.unit_of_work() as session:
        logged = await asked.question_to_answer(session, context.member, question_id)
    start_draft(context, question_id=question_id)
    reply = text(context.member.lang, "reply.prompt", question=escape(logged.text))
    await respond(update, context.bot, reply)
    return AWAITING_ANSWER


async def send_answer(update: Update, context: BotContext) -> int:
    """The answer text: store it on the question and deliver it to the asker."""
    message = update.effective_message
    member = context.member
    question_id = (draft_of(context) or {}).get("question_id")
    if message is None or not message.text or question_id is None:
        return ConversationHandler.END
    try:
        async with context.services.unit_of_work() as session:
            answered = await asked.answer_forwarded(
                session, member, int(question_id), message.text, context.services.clock()
            )
    except NotAllowed as refusal:  # blank or too long: ask again
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return AWAITING_ANSWER
    end_draft(context)
    logged = answered.question
    notice = text(
        answered.asker_lang,
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
