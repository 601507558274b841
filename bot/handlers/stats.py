"""/stats (bureau): the programme's figures as text, then the three charts as photos."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext
from bot.gate import for_roles
from bot.ui.html import escape
from bot.ui.replies import respond
from catalog import Lang, text
from knowledge.taxonomy import subcategory
from programme.access import require_role
from reports import charts
from storage.enums import Role
from storage.repositories import stats

__all__ = ["HANDLERS", "render_figures", "show_stats"]


def _percent(c: stats.Completion) -> str:
    return f"{c.rate:.1%}"


def _completion(c: stats.Completion) -> str:
    return f"{_percent(c)} ({c.closed}/{c.total})"


def _lines(rows: list[str], lang: str) -> str:
    return "\n".join(rows) if rows else text(lang, "desk.none")


def render_figures(f: stats.Figures, lang: str) -> str:
    """The figures as catalog HTML in ``lang`` (names escaped)."""
    sep = "，" if lang == "zh" else ", "
    phases = sep.join(
        f"{text(lang, f'desk.phase.{p.value}')} {n}" for p, n in f.pairings_by_phase.items()
    )
    items = sep.join(f"{text(lang, f'status.{s.value}')} {n}" for s, n in f.items_by_status.items())
    groups = [f"• {escape(name)}: {_completion(c)}" for name, c in f.by_big_hand.items()]
    subs = [
        f"• {escape(getattr(subcategory(s.value), 'en' if lang == 'en' else 'zh'))}: "
        f"{_completion(c)}"
        for s, c in f.by_sub_category.items()
    ]
    unanswered = [f"{n}× {escape(question)}" for question, n in f.unanswered]
    return text(
        lang,
        "stats.figures",
        big=f.big_hands,
        small=f.small_hands,
        round=escape(f.round_name) or text(lang, "stats.all_rounds"),
        phases=phases,
        audits=f.audits,
        items=items,
        rate=_percent(f.completion),
        closed=f.completion.closed,
        total=f.completion.total,
        overdue=f.overdue,
        visits_done=f.visits_done,
        visits_planned=f.visits_planned,
        help_open=f.help_open,
        help_total=f.help_total,
        groups=_lines(groups, lang),
        subs=_lines(subs, lang),
        top=len(f.unanswered) or 20,
        unanswered=_lines(unanswered, lang),
    )


def _charts(
    figures: stats.Figures, weeks: list[tuple[date, int]], today: date, lang: Lang
) -> list[tuple[str, bytes]]:
    return [
        ("groups", charts.completion_by_group(figures.by_big_hand, lang=lang)),
        ("subs", charts.items_by_sub_category(figures.by_sub_category, lang=lang)),
        ("weekly", charts.weekly_trend(weeks, today=today, lang=lang)),
    ]


async def show_stats(update: Update, context: BotContext) -> None:
    """/stats: the figures, then the charts (drawn in a thread: matplotlib is CPU-bound)."""
    member = context.member
    require_role(member, Role.bureau)
    services = context.services
    async with services.unit_of_work() as session:
        figures = await stats.programme_figures(
            session=session, today=services.today(), now=services.clock()
        )
        weeks = await stats.weekly_closed(session=session, today=services.today())
    await respond(update, context.bot, render_figures(figures, member.lang))
    drawn = await asyncio.to_thread(_charts, figures, weeks, services.today(), member.lang)
    for name, png in drawn:
        await context.bot.send_photo(
            member.chat_id,
            InputFile(png, filename=f"{name}.png"),
            caption=text(member.lang, f"stats.chart.{name}"),
        )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("stats", show_stats, filters=for_roles(Role.bureau)),
]
