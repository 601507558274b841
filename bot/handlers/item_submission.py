"""A manager submits an item as done: a note, photos or documents, then /done; the mentor hears."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.handlers.errors import refusal_text
from bot.handlers.items import SUBMITTABLE
from bot.ui.html import escape
from bot.ui.replies import pressed_ids, respond, send
from catalog import language_of, text
from programme import items as programme_items
from programme.access import require_role
from programme.errors import NotAllowed
from storage.enums import EvidenceKind, Role

__all__ = ["add_evidence", "build_handler", "start_submission", "submit_item"]

AWAITING_EVIDENCE = 1


async def start_submission(update: Update, context: BotContext) -> int:
    """ "Submit as done" on an item: check it is the manager's, then ask for the evidence."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_DONE)
    require_role(context.member, Role.manager)
    async with context.services.unit_of_work() as session:
        item = await programme_items.visible_item(session, context.member, item_id)
    if item.status not in SUBMITTABLE:
        reply = text(
            context.member.lang,
            "item.wrong_status",
            status=text(context.member.lang, f"status.{item.status.value}"),
        )
        await respond(update, context.bot, reply)
        return ConversationHandler.END
    start_draft(context, item_id=item_id, note="", files=[])
    prompt = text(context.member.lang, "submit.prompt", id=item_id, finding=escape(item.finding))
    await respond(update, context.bot, prompt)
    return AWAITING_EVIDENCE


async def add_evidence(update: Update, context: BotContext) -> int:
    """A note, photo or document for the draft submission."""
    message = update.effective_message
    draft = draft_of(context)
    if message is None or draft is None:
        return ConversationHandler.END
    if message.photo:
        draft["files"].append(("photo", message.photo[-1].file_id))
    elif message.document:
        draft["files"].append(("document", message.document.file_id))
    if message.text or message.caption:
        note = (message.text or message.caption or "")[: programme_items.NOTE_LIMIT]
        draft["note"] = (draft["note"] + "\n" + note).strip()
    reply = text(context.member.lang, "submit.received", files=len(draft["files"]))
    await respond(update, context.bot, reply)
    return AWAITING_EVIDENCE


async def submit_item(update: Update, context: BotContext) -> int:
    """/done: mark the item submitted with its evidence and tell the mentors at once."""
    member = context.member
    draft = draft_of(context)
    if draft is None:
        return ConversationHandler.END
    item_id = int(draft["item_id"])
    files = [(EvidenceKind(kind), file_id) for kind, file_id in draft["files"]]
    try:
        async with context.services.unit_of_work() as session:
            change = await programme_items.submit_item(
                session,
                member,
                item_id,
                note=draft["note"],
                files=files,
                now=context.services.clock(),
            )
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return AWAITING_EVIDENCE
    mentors = change.tell
    end_draft(context)
    for mentor in mentors:
        assert mentor.chat_id is not None
        lang = language_of(mentor.language.value)
        notice = text(
            lang,
            "submit.to_mentor",
            enterprise=escape(change.enterprise),
            id=item_id,
            finding=escape(change.item.finding),
            note=escape(draft["note"] or "—"),
            files=len(draft["files"]),
        )
        buttons = [
            [
                (text(lang, "item.verify"), callbacks.ITEM_VERIFY.encode(item_id)),
                (text(lang, "item.return"), callbacks.ITEM_RETURN.encode(item_id)),
            ]
        ]
        for kind, file_id in draft["files"]:
            sender = context.bot.send_photo if kind == "photo" else context.bot.send_document
            await sender(mentor.chat_id, file_id)
        await send(context.bot, mentor.chat_id, notice, buttons)
    reply_key = "submit.done" if mentors else "submit.done_no_mentor"
    await respond(update, context.bot, text(member.lang, reply_key, id=item_id))
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """Submit-as-done: the button, then notes/photos/documents, then /done."""
    evidence = filters.PHOTO | filters.Document.ALL | (filters.TEXT & ~filters.COMMAND)
    return conversation(
        "submit_item",
        [CallbackQueryHandler(start_submission, pattern=callbacks.ITEM_DONE.pattern)],
        {
            AWAITING_EVIDENCE: [
                MessageHandler(evidence, add_evidence),
                CommandHandler("done", submit_item),
            ]
        },
    )
