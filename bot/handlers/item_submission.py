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
from bot.handlers.items import SUBMITTABLE, load_visible_item
from bot.ui.html import escape
from bot.ui.replies import pressed_ids, respond, send
from bot.ui.texts import language_of, text
from programme.access import require_role
from programme.recipients import mentors_of
from storage.enums import EvidenceKind, ItemStatus, Role
from storage.repositories import enterprises, items

__all__ = ["add_evidence", "build_handler", "start_submission", "submit_item"]

AWAITING_EVIDENCE = 1


async def start_submission(update: Update, context: BotContext) -> int:
    """ "Submit as done" on an item: check it is the manager's, then ask for the evidence."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_DONE)
    require_role(context.member, Role.manager)
    async with context.services.unit_of_work() as session:
        item = await load_visible_item(session, context.member, item_id)
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
        note = (message.text or message.caption or "")[:2000]
        draft["note"] = (draft["note"] + "\n" + note).strip()
    reply = text(context.member.lang, "submit.received", files=len(draft["files"]))
    await respond(update, context.bot, reply)
    return AWAITING_EVIDENCE


async def submit_item(update: Update, context: BotContext) -> int:
    """/done: mark the item submitted with its evidence and tell the mentors at once."""
    member = context.member
    person_id = require_role(member, Role.manager)
    draft = draft_of(context)
    if draft is None:
        return ConversationHandler.END
    if not draft["note"] and not draft["files"]:
        await respond(update, context.bot, text(member.lang, "submit.empty"))
        return AWAITING_EVIDENCE
    item_id = int(draft["item_id"])
    async with context.services.unit_of_work() as session:
        await load_visible_item(session, member, item_id)
        item = await items.change_status(
            session=session,
            item_id=item_id,
            to=ItemStatus.submitted,
            actor_id=person_id,
            comment=draft["note"],
            now=context.services.clock(),
        )
        if draft["note"]:
            await items.add_evidence(
                session=session,
                item_id=item_id,
                person_id=person_id,
                kind=EvidenceKind.note,
                note=draft["note"],
            )
        for kind, file_id in draft["files"]:
            await items.add_evidence(
                session=session,
                item_id=item_id,
                person_id=person_id,
                kind=EvidenceKind(kind),
                telegram_file_id=file_id,
            )
        enterprise = await enterprises.get_enterprise(
            session=session, enterprise_id=item.enterprise_id
        )
        mentors = await mentors_of(session, item.enterprise_id)
    end_draft(context)
    for mentor in mentors:
        assert mentor.chat_id is not None
        lang = language_of(mentor.language.value)
        notice = text(
            lang,
            "submit.to_mentor",
            enterprise=escape(enterprise.name),
            id=item_id,
            finding=escape(item.finding),
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
