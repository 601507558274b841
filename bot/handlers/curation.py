"""Curation from real traffic (bureau): /curate lists unanswered and 👎 questions; /review lists
human answers waiting for review.

For a waiting question the admin either *links* it to an existing entry — the matcher's best
candidates are offered as buttons, or the entry id can be typed — which stores an `ExtraPhrasing`
row and teaches the running matcher at once; or *answers* it — the answer goes to the asker and
into the review queue. The curated YAML files are never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation
from bot.gate import for_roles
from bot.handlers.errors import refusal_text
from bot.handlers.phrasings import teach
from bot.ui.html import escape
from bot.ui.replies import pressed, pressed_ids, respond, send
from catalog import text
from knowledge.entry import Entry
from programme import curation as curating
from programme.errors import NotAllowed, Refused
from storage.enums import Role
from storage.models import QuestionLog

__all__ = ["HANDLERS", "build_handler", "show_queue", "show_review_queue"]

AWAITING_ENTRY, AWAITING_DRAFT = range(2)
_QUESTION = "curating_question"
_CANDIDATES = 5
_SHOWN = 10


def _title(entry: Entry, lang: str) -> str:
    return entry.title_for("en" if lang == "en" else "zh")


Row = tuple[str, list[tuple[str, str]]]  # a listed question's text and its buttons


async def _show_list(
    update: Update,
    context: BotContext,
    found: list[QuestionLog],
    keys: tuple[str, str],
    row: Callable[[QuestionLog, str], Row],
) -> None:
    """A header (``keys[0]``, or ``keys[1]`` when empty), then one paragraph and button row each."""
    lang = context.member.lang
    if not found:
        await respond(update, context.bot, text(lang, keys[1]))
        return
    rows = [row(q, lang) for q in found]
    lines = [text(lang, keys[0], n=len(found)), *(line for line, _ in rows)]
    await respond(update, context.bot, "\n\n".join(lines), [buttons for _, buttons in rows])


def _waiting_row(q: QuestionLog, lang: str) -> Row:
    assert q.id is not None
    line = text(lang, "curate.question", id=q.id, question=escape(q.text[:200]))
    return line, [
        (text(lang, "curate.link", id=q.id), callbacks.CURATE_LINK.encode(q.id)),
        (text(lang, "curate.draft", id=q.id), callbacks.CURATE_DRAFT.encode(q.id)),
    ]


def _review_row(q: QuestionLog, lang: str) -> Row:
    assert q.id is not None
    line = text(
        lang,
        "curate.review_item",
        id=q.id,
        question=escape(q.text[:200]),
        answer=escape((q.answer_text or "")[:400]),
    )
    label = text(lang, "curate.reviewed_button", id=q.id)
    return line, [(label, callbacks.CURATE_REVIEWED.encode(q.id))]


async def show_queue(update: Update, context: BotContext) -> None:
    """/curate: the newest waiting questions, each with Link and Answer buttons."""
    async with context.services.unit_of_work() as session:
        found = await curating.queue(session, context.member, _SHOWN)
    await _show_list(update, context, found, ("curate.queue", "curate.empty"), _waiting_row)


async def start_link(update: Update, context: BotContext) -> int:
    """ "Link": offer the matcher's best candidates; an entry id may be typed instead."""
    (question_id,) = await pressed_ids(update, callbacks.CURATE_LINK)
    async with context.services.unit_of_work() as session:
        question = await curating.question(session, context.member, question_id)
    if context.user_data is not None:
        context.user_data[_QUESTION] = question_id
    matcher = context.services.ask
    lang = context.member.lang
    buttons = []
    for candidate in matcher.candidates(question.text)[:_CANDIDATES]:
        entry = context.services.kb.get(matcher.index.entry_ids[candidate.entry])
        data = callbacks.CURATE_ENTRY.encode(question_id, callbacks.entry_ref(entry.id))
        buttons.append([(_title(entry, lang), data)])
    reply = text(lang, "curate.pick_entry", question=escape(question.text))
    await respond(update, context.bot, reply, buttons)
    return AWAITING_ENTRY


async def link_by_button(update: Update, context: BotContext) -> int:
    """A candidate button: link to that entry."""
    question_id, ref = await pressed(update, callbacks.CURATE_ENTRY)
    entry = callbacks.entry_by_ref(context.services.kb.entries, ref)
    if entry is None:
        raise Refused(context.member, f"link to unknown entry {ref}")
    await _link(update, context, int(question_id), entry)
    return ConversationHandler.END


async def link_by_id(update: Update, context: BotContext) -> int:
    """A typed entry id: link to it, or say there is no such entry."""
    message = update.effective_message
    question_id = (context.user_data or {}).get(_QUESTION)
    if message is None or not message.text or question_id is None:
        return ConversationHandler.END
    entry_id = message.text.strip()
    try:
        entry = context.services.kb.get(entry_id)
    except KeyError:
        reply = text(context.member.lang, "curate.unknown_entry", entry=escape(entry_id[:100]))
        await respond(update, context.bot, reply)
        return AWAITING_ENTRY
    await _link(update, context, int(question_id), entry)
    return ConversationHandler.END


async def _link(update: Update, context: BotContext, question_id: int, entry: Entry) -> None:
    async with context.services.unit_of_work() as session:
        phrasing = await curating.link(
            session, context.member, question_id, entry.id, context.services.clock()
        )
    teach(context.services.ask, entry.id, phrasing.text)
    if context.user_data is not None:
        context.user_data.pop(_QUESTION, None)
    lang = context.member.lang
    reply = text(
        lang,
        "curate.linked",
        question=escape(phrasing.text),
        entry=escape(_title(entry, lang)),
    )
    await respond(update, context.bot, reply)


async def start_draft(update: Update, context: BotContext) -> int:
    """ "Answer": ask for the answer text."""
    (question_id,) = await pressed_ids(update, callbacks.CURATE_DRAFT)
    async with context.services.unit_of_work() as session:
        question = await curating.question(session, context.member, question_id)
    if context.user_data is not None:
        context.user_data[_QUESTION] = question_id
    reply = text(context.member.lang, "curate.ask_draft", question=escape(question.text))
    await respond(update, context.bot, reply)
    return AWAITING_DRAFT


async def send_draft(update: Update, context: BotContext) -> int:
    """The answer: stored for review and sent to the asker in their language."""
    message = update.effective_message
    question_id = (context.user_data or {}).get(_QUESTION)
    if message is None or not message.text or question_id is None:
        return ConversationHandler.END
    try:
        async with context.services.unit_of_work() as session:
            answered = await curating.draft_answer(
                session, context.member, int(question_id), message.text, context.services.clock()
            )
    except NotAllowed as refusal:  # blank or too long: ask again
        await respond(update, context.bot, refusal_text(context.member.lang, refusal))
        return AWAITING_DRAFT
    question, asker_lang = answered.question, answered.asker_lang
    if context.user_data is not None:
        context.user_data.pop(_QUESTION, None)
    notice = text(
        asker_lang,
        "curate.to_asker",
        question=escape(question.text),
        answer=escape(question.answer_text or ""),
    )
    await send(context.bot, question.chat_id, notice)
    await respond(update, context.bot, text(context.member.lang, "curate.drafted"))
    return ConversationHandler.END


async def show_review_queue(update: Update, context: BotContext) -> None:
    """/review: human answers not yet reviewed, each with a Reviewed button."""
    async with context.services.unit_of_work() as session:
        found = await curating.review_queue(session, context.member, _SHOWN)
    keys = ("curate.review_queue", "curate.review_empty")
    await _show_list(update, context, found, keys, _review_row)


async def mark_reviewed(update: Update, context: BotContext) -> None:
    """ "Reviewed": off the queue."""
    (question_id,) = await pressed_ids(update, callbacks.CURATE_REVIEWED)
    async with context.services.unit_of_work() as session:
        await curating.mark_reviewed(session, context.member, question_id, context.services.clock())
    await respond(update, context.bot, text(context.member.lang, "curate.reviewed", id=question_id))


def build_handler() -> ConversationHandler[Any]:
    """Link (a candidate button or a typed entry id) or answer a waiting question."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "curation",
        [
            CallbackQueryHandler(start_link, pattern=callbacks.CURATE_LINK.pattern),
            CallbackQueryHandler(start_draft, pattern=callbacks.CURATE_DRAFT.pattern),
        ],
        {
            AWAITING_ENTRY: [
                CallbackQueryHandler(link_by_button, pattern=callbacks.CURATE_ENTRY.pattern),
                MessageHandler(typed, link_by_id),
            ],
            AWAITING_DRAFT: [MessageHandler(typed, send_draft)],
        },
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("curate", show_queue, filters=for_roles(Role.bureau)),
    CommandHandler("review", show_review_queue, filters=for_roles(Role.bureau)),
    CallbackQueryHandler(mark_reviewed, pattern=callbacks.CURATE_REVIEWED.pattern),
]
