"""/topics: browse the knowledge base by the audit's 3 categories and 14 sub-categories."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext
from bot.ui.rendering import render_entry
from bot.ui.replies import pressed, respond
from catalog import text
from knowledge.language import Lang
from knowledge.taxonomy import CATEGORIES, PROGRAMME, SUBCATEGORIES
from programme.errors import Refused

__all__ = ["HANDLERS", "browse_topics", "open_category", "open_entry", "open_subcategory"]


def _name(item: object, lang: str) -> str:
    return str(getattr(item, "en" if lang == "en" else "zh"))


async def browse_topics(update: Update, context: BotContext) -> None:
    """/topics (or the "back" button): the three categories and the programme itself."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    lang = context.member.lang
    rows = [[(_name(c, lang), callbacks.TOPIC_CATEGORY.encode(c.id))] for c in CATEGORIES]
    rows.append([(_name(PROGRAMME, lang), callbacks.TOPIC_SUBCATEGORY.encode(PROGRAMME.id))])
    edit = update.callback_query is not None
    await respond(update, context.bot, text(lang, "topics.title"), rows, edit=edit)


async def open_category(update: Update, context: BotContext) -> None:
    """A category: its sub-categories with their entry counts."""
    (category_id,) = await pressed(update, callbacks.TOPIC_CATEGORY)
    lang = context.member.lang
    category = next((c for c in CATEGORIES if c.id == category_id), None)
    if category is None:
        raise Refused(context.member, f"unknown category {category_id}")
    kb = context.services.kb
    rows = [
        [
            (
                f"{_name(s, lang)} ({len(kb.by_subcategory(s.id))})",
                callbacks.TOPIC_SUBCATEGORY.encode(s.id),
            )
        ]
        for s in SUBCATEGORIES
        if s.category == category.id
    ]
    rows.append([(text(lang, "topics.back"), callbacks.TOPIC_ROOT.encode())])
    await respond(update, context.bot, f"<b>{_name(category, lang)}</b>", rows, edit=True)


async def open_subcategory(update: Update, context: BotContext) -> None:
    """A sub-category: one button per entry."""
    (sub_id,) = await pressed(update, callbacks.TOPIC_SUBCATEGORY)
    lang = context.member.lang
    sub = next((s for s in (*SUBCATEGORIES, PROGRAMME) if s.id == sub_id), None)
    if sub is None:
        raise Refused(context.member, f"unknown sub-category {sub_id}")
    entry_lang: Lang = "en" if lang == "en" else "zh"
    rows = [
        [(entry.title_for(entry_lang), callbacks.TOPIC_ENTRY.encode(callbacks.entry_ref(entry.id)))]
        for entry in context.services.kb.by_subcategory(sub.id)
    ]
    back = (
        callbacks.TOPIC_CATEGORY.encode(sub.category)
        if sub is not PROGRAMME
        else callbacks.TOPIC_ROOT.encode()
    )
    rows.append([(text(lang, "topics.back"), back)])
    title = f"<b>{_name(sub, lang)}</b>" + (
        "" if len(rows) > 1 else "\n" + text(lang, "topics.empty")
    )
    await respond(update, context.bot, title, rows, edit=True)


async def open_entry(update: Update, context: BotContext) -> None:
    """An entry: its answer and legal basis, with a way back to its sub-category."""
    (ref,) = await pressed(update, callbacks.TOPIC_ENTRY)
    lang = context.member.lang
    entry = callbacks.entry_by_ref(context.services.kb.entries, ref)
    if entry is None:
        raise Refused(context.member, f"unknown entry {ref}")
    back = [[(text(lang, "topics.back"), callbacks.TOPIC_SUBCATEGORY.encode(entry.subcategory))]]
    await respond(update, context.bot, render_entry(entry, lang), back)


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("topics", browse_topics),
    CallbackQueryHandler(browse_topics, pattern=callbacks.TOPIC_ROOT.pattern),
    CallbackQueryHandler(open_category, pattern=callbacks.TOPIC_CATEGORY.pattern),
    CallbackQueryHandler(open_subcategory, pattern=callbacks.TOPIC_SUBCATEGORY.pattern),
    CallbackQueryHandler(open_entry, pattern=callbacks.TOPIC_ENTRY.pattern),
]
