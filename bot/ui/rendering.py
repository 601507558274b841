"""Rendering knowledge-base entries and items as Telegram HTML (knowledge/ knows no HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from bot.ui.html import escape
from catalog import text
from knowledge.entry import Entry
from knowledge.language import Lang
from knowledge.taxonomy import subcategory
from knowledge.trouble import penalty_last
from storage.enums import ItemStatus
from storage.models import Item, ItemHistory

__all__ = [
    "render_answer",
    "render_entry",
    "render_first_steps",
    "render_item_detail",
    "render_item_line",
]

_CLOSED = frozenset({ItemStatus.verified, ItemStatus.waived})


def render_answer(answer: str, citation: str, ui_lang: str) -> str:
    """An answer: its first line (the short answer) in bold, details, then the legal basis."""
    short, _, details = escape(answer).partition("\n")
    body = f"<b>{short}</b>" + (f"\n{details}" if details else "")
    return text(ui_lang, "answer.body", answer=body, basis=escape(citation))


def render_entry(entry: Entry, ui_lang: str, answer_lang: Lang | None = None) -> str:
    """An entry opened from a suggestion or /topics.

    Args:
        answer_lang: the language of the question it answers (a "did you mean" choice); by
            default the reader's language (/topics).
    """
    lang: Lang = answer_lang or ("en" if ui_lang == "en" else "zh")
    title = f"<i>{escape(entry.title_for(lang))}</i>\n\n"
    return title + render_answer(entry.answer_for(lang), entry.citation_for(lang), lang)


def render_first_steps(entries: Sequence[Entry], lang: Lang, ui_lang: str) -> str:
    """The emergency first steps (most relevant first) for a message reporting trouble.

    Each entry's own steps, penalties last; a note several entries share (the Ecological
    Environment Code's) once at the end, not after every entry of an urgent message.
    """
    steps = [
        f"• <b>{escape(e.title_for(lang))}</b>\n"
        f"{escape(penalty_last(e.answer_for(lang, with_notes=False)))}"
        for e in entries
    ]
    notes = [escape(n) for n in dict.fromkeys(e.note_for(lang) for e in entries) if n]
    return "\n\n".join([text(ui_lang, "help.urgent_header"), *steps, *notes])


def render_item_line(item: Item, lang: str, today: date) -> str:
    """One line of an item list: status mark, deadline and the finding, shortened."""
    overdue = item.due_on is not None and item.due_on < today
    mark = "🔴" if overdue else "🟡"
    due = item.due_on.isoformat() if item.due_on else "—"
    finding = item.finding if len(item.finding) <= 40 else item.finding[:39] + "…"
    return text(
        lang,
        "items.line",
        mark=mark,
        id=item.id,
        due=due,
        status=text(lang, f"status.{item.status.value}"),
        finding=escape(finding),
    )


def render_item_detail(
    item: Item,
    history: Sequence[ItemHistory],
    evidence_count: int,
    lang: str,
    today: date,
    tz: tzinfo,
) -> str:
    """An item opened: finding, measure, deadline, status and its history."""
    overdue = item.due_on is not None and item.due_on < today and item.status not in _CLOSED
    lines = [
        text(
            lang,
            "item.detail",
            id=item.id,
            sub=escape(_subcategory_name(item.sub_category.value, lang)),
            finding=escape(item.finding),
            measure=escape(item.measure or "—"),
            due=item.due_on.isoformat() if item.due_on else "—",
            overdue=text(lang, "item.overdue") if overdue else "",
            severity=text(lang, f"severity.{item.severity.value}"),
            status=text(lang, f"status.{item.status.value}"),
            evidence=evidence_count,
        )
    ]
    for change in history:
        when = change.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        comment = f" — {escape(change.comment)}" if change.comment else ""
        lines.append(f"• {when} {text(lang, f'status.{change.to_status.value}')}{comment}")
    return "\n".join(lines)


def _subcategory_name(sub_id: str, lang: str) -> str:
    sub = subcategory(sub_id)
    return sub.en if lang == "en" else sub.zh
