"""A mentor reviews a submitted item: sees its evidence, verifies it, or returns it with a comment;
the manager hears.

"View evidence" sends the item's photos and documents by their Telegram file ids (several photos
as one album, several documents as another, ten at most per album as Telegram allows) and the
manager's notes, to whoever may see the item (`bot.handlers.items.load_visible_item`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.handlers.errors import refusal_text
from bot.handlers.items import item_buttons, render_item
from bot.ui.html import escape
from bot.ui.replies import notify, pressed_ids, respond, send_files
from catalog import text
from programme import items as programme_items
from programme.access import require_role
from programme.errors import NotAllowed
from programme.items import Change
from storage.enums import EvidenceKind, ItemStatus

__all__ = ["build_handler", "return_item", "send_evidence", "start_return", "verify_item"]

AWAITING_COMMENT = 1


async def _review(
    session: AsyncSession, context: BotContext, item_id: int, *, verify: bool, comment: str
) -> tuple[Change, str]:
    change = await programme_items.review_item(
        session,
        context.member,
        item_id,
        verify=verify,
        comment=comment,
        now=context.services.clock(),
    )
    return change, await render_item(session, context, change.item)


async def _tell_managers(context: BotContext, change: Change, key: str, comment: str) -> None:
    item = change.item
    await notify(
        context.bot,
        change.tell,
        key,
        lambda lang: [[(text(lang, "item.open"), callbacks.ITEM_VIEW.encode(item.id or 0))]],
        id=item.id,
        finding=escape(item.finding),
        mentor=escape(context.member.name),
        comment=escape(comment or "—"),
    )


async def verify_item(update: Update, context: BotContext) -> None:
    """ "Verify": the item is closed as rectified; the manager is told."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_VERIFY)
    async with context.services.unit_of_work() as session:
        change, html = await _review(session, context, item_id, verify=True, comment="")
    await respond(update, context.bot, html, item_buttons(change.item, context.member), edit=True)
    await _tell_managers(context, change, "review.verified", "")


async def start_return(update: Update, context: BotContext) -> int:
    """ "Return": check the reviewer may act on the item, then ask for the comment."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_RETURN)
    require_role(context.member, *programme_items.REVIEWERS)
    async with context.services.unit_of_work() as session:
        item = await programme_items.visible_item(session, context.member, item_id)
    if item.status is not ItemStatus.submitted:
        lang = context.member.lang
        status = text(lang, f"status.{item.status.value}")
        await respond(update, context.bot, text(lang, "item.wrong_status", status=status))
        return ConversationHandler.END
    start_draft(context, item_id=item_id)
    await respond(
        update, context.bot, text(context.member.lang, "review.comment_prompt", id=item_id)
    )
    return AWAITING_COMMENT


async def return_item(update: Update, context: BotContext) -> int:
    """The comment: the item goes back to the manager with it."""
    message = update.effective_message
    draft = draft_of(context)
    if message is None or not message.text or draft is None:
        return ConversationHandler.END
    comment = message.text.strip()
    try:
        async with context.services.unit_of_work() as session:
            change, html = await _review(
                session, context, int(draft["item_id"]), verify=False, comment=comment
            )
    except NotAllowed as refusal:  # a blank or overlong comment: ask again
        await respond(update, context.bot, refusal_text(context.member.lang, refusal))
        return AWAITING_COMMENT
    end_draft(context)
    await respond(update, context.bot, html, item_buttons(change.item, context.member))
    await _tell_managers(context, change, "review.returned", comment)
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """Return-with-comment: the button, then the comment."""
    return conversation(
        "return_item",
        [CallbackQueryHandler(start_return, pattern=callbacks.ITEM_RETURN.pattern)],
        {AWAITING_COMMENT: [MessageHandler(filters.TEXT & ~filters.COMMAND, return_item)]},
    )


async def send_evidence(update: Update, context: BotContext) -> None:
    """ "View evidence": the item's photos and documents (by file id) and the manager's notes."""
    (item_id,) = await pressed_ids(update, callbacks.ITEM_EVIDENCE)
    member = context.member
    async with context.services.unit_of_work() as session:
        item, evidence = await programme_items.evidence_of(session, member, item_id)
    lang = member.lang
    if not evidence:
        await respond(update, context.bot, text(lang, "evidence.none", id=item_id))
        return
    header = text(
        lang, "evidence.header", id=item_id, finding=escape(item.finding), count=len(evidence)
    )
    await respond(update, context.bot, header)
    for kind in (EvidenceKind.photo, EvidenceKind.document):
        ids = [e.telegram_file_id for e in evidence if e.kind is kind and e.telegram_file_id]
        await send_files(context.bot, member.chat_id, ids, photos=kind is EvidenceKind.photo)
    notes = [e.note.strip() for e in evidence if e.note.strip()]
    if notes:
        joined = "\n".join(escape(n) for n in notes)
        await respond(update, context.bot, text(lang, "evidence.notes", notes=joined))


HANDLERS = [
    CallbackQueryHandler(verify_item, pattern=callbacks.ITEM_VERIFY.pattern),
    CallbackQueryHandler(send_evidence, pattern=callbacks.ITEM_EVIDENCE.pattern),
]
