"""Charts as PNG bytes (matplotlib, Agg backend, the CJK font): completion by big-hand group,
items by sub-category, the weekly trend of closed items, and an overview for printed reports.

Charts that tell the truth: every count axis starts at zero; the current week, still under way,
is left out of the bars and its count so far written beside the chart, never drawn as a dip or
spike of a finished week;
every label is in the chart's language (Chinese, or English with ``lang="en"``).

matplotlib is imported only inside the functions that draw, so importing this module (and the
CLI's ``--help``) stays fast.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from catalog import Lang
from reports.fonts import cjk_font
from storage.enums import Phase, SubCategory
from storage.repositories.stats import Completion, Figures

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OVERVIEW_SIZE",
    "SIZE",
    "completion_by_group",
    "items_by_sub_category",
    "overview",
    "weekly_trend",
]

SIZE = (1000, 600)  # pixels: fits a Telegram photo without scaling
OVERVIEW_SIZE = (2400, 1600)  # pixels at 200 dpi: 30 × 20 cm, sharp on an A4 page
_DPI = 100
_GREEN, _AMBER, _GREY = "#2e7d32", "#f9a825", "#9e9e9e"

# Short names that fit under a bar; the full names are in knowledge.taxonomy.
SUB_CATEGORY_SHORT: dict[SubCategory, tuple[str, str]] = {
    SubCategory.eia: ("环评", "EIA"),
    SubCategory.acceptance: ("竣工验收", "Acceptance"),
    SubCategory.permit: ("排污许可", "Permit"),
    SubCategory.emergency_plan: ("应急预案", "Emergency plan"),
    SubCategory.mgmt_rules: ("管理制度", "Rules"),
    SubCategory.staffing: ("机构人员", "Staffing"),
    SubCategory.records: ("台账档案", "Records"),
    SubCategory.training: ("环保培训", "Training"),
    SubCategory.monitoring_disclosure: ("监测公开", "Monitoring"),
    SubCategory.wastewater: ("废水", "Wastewater"),
    SubCategory.air: ("废气", "Waste gas"),
    SubCategory.solid_waste: ("一般固废", "Solid waste"),
    SubCategory.hazardous_waste: ("危险废物", "Hazardous waste"),
    SubCategory.noise: ("噪声", "Noise"),
}
_T: dict[str, tuple[str, str]] = {
    "group_title": ("各大手帮扶组整改完成率", "Completion rate by big-hand group"),
    "rate_axis": ("整改完成率（%）", "Completion rate (%)"),
    "sub_title": ("各子类整改项数量", "Rectification items by sub-category"),
    "items_axis": ("整改项（项）", "Items"),
    "closed": ("已完成", "Closed"),
    "open": ("未完成", "Open"),
    "weekly_title": ("每周完成整改项", "Items closed per week"),
    "week_axis": ("周（周一开始）", "Week starting Monday"),
    "partial": (
        "本周至{day}已完成 {count} 项（本周未完，未画入）",
        "This week so far (to {day}): {count} (not over, not drawn)",
    ),
    "overview_title": ("大手拉小手帮扶成效概览（{day}）", "HandInHand at a glance ({day})"),
    "kpi_title": ("主要数字", "Key figures"),
    "kpi_enterprises": ("大手 {big} 家，小手 {small} 家", "{big} big hands, {small} small hands"),
    "kpi_items": (
        "整改项 {total} 项，已完成 {closed} 项",
        "{total} rectification items, {closed} closed",
    ),
    "kpi_rate": ("整改完成率 {rate}", "Completion {rate}"),
    "kpi_overdue": ("逾期未完成 {overdue} 项", "{overdue} overdue"),
    "kpi_visits": (
        "已完成走访 {done} 次，计划 {planned} 次",
        "{done} visits done, {planned} planned",
    ),
    "kpi_phases": ("结对阶段：{phases}", "Pairings by phase: {phases}"),
    "phase_early": ("前期", "early"),
    "phase_middle": ("中期", "middle"),
    "phase_late": ("后期", "late"),
    "phase_closed": ("结案", "closed"),
}


def _t(lang: Lang, key: str, **values: object) -> str:
    zh, en = _T[key]
    return (zh if lang == "zh" else en).format(**values)


def _day(lang: Lang, day: date) -> str:
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%d %b")


def _render(draw: Callable[[Figure], None], size: tuple[int, int], dpi: int) -> bytes:
    """Draw on a fresh figure with the CJK font and return the PNG; matplotlib's missing-glyph
    warnings are not silenced (tests turn them into errors)."""
    import matplotlib

    matplotlib.use("Agg")  # no display, and thread-safe enough for one figure per call
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    with matplotlib.rc_context(
        {"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}
    ):
        figure = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, facecolor="white")
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _single(draw: Callable[[Axes], None]) -> bytes:
    def on_figure(figure: Figure) -> None:
        draw(figure.add_subplot())
        figure.tight_layout()

    return _render(on_figure, SIZE, _DPI)


def _integer_counts(axes: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator

    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_locator(MaxNLocator(integer=True))
    if axis == "y":
        axes.set_ylim(bottom=0)
    else:
        axes.set_xlim(left=0)


def _draw_groups(axes: Axes, groups: Mapping[str, Completion], lang: Lang) -> None:
    # Best first, read from the top; ties by name.
    names = sorted(groups, key=lambda n: (-groups[n].rate, n))[::-1]  # barh draws bottom-up
    rates = [groups[n].rate * 100 for n in names]
    bars = axes.barh(names, rates, color=_GREEN)
    axes.bar_label(bars, labels=[f"{r:.0f}%" for r in rates], padding=2, fontsize=7)
    axes.set_xlim(0, 105)
    axes.set_xlabel(_t(lang, "rate_axis"))
    axes.set_title(_t(lang, "group_title"))
    axes.tick_params(axis="y", labelsize=7 if len(names) > 12 else 9)
    axes.margins(y=0.01)


def completion_by_group(groups: Mapping[str, Completion], *, lang: Lang = "zh") -> bytes:
    """Horizontal bars: completion rate (%) of each big-hand group, from 0 to 100."""
    return _single(lambda axes: _draw_groups(axes, groups, lang))


def _draw_subs(axes: Axes, subs: Mapping[SubCategory, Completion], lang: Lang) -> None:
    index = 0 if lang == "zh" else 1
    labels = [SUB_CATEGORY_SHORT[s][index] for s in subs]
    closed = [c.closed for c in subs.values()]
    still_open = [c.total - c.closed for c in subs.values()]
    axes.bar(labels, closed, label=_t(lang, "closed"), color=_GREEN)
    axes.bar(labels, still_open, bottom=closed, label=_t(lang, "open"), color=_AMBER)
    axes.set_title(_t(lang, "sub_title"))
    axes.set_ylabel(_t(lang, "items_axis"))
    axes.legend()
    axes.tick_params(axis="x", labelrotation=45)
    for tick in axes.get_xticklabels():
        tick.set_horizontalalignment("right")
    _integer_counts(axes)


def items_by_sub_category(subs: Mapping[SubCategory, Completion], *, lang: Lang = "zh") -> bytes:
    """Stacked bars: closed and open items of each sub-category (the count axis from 0)."""
    return _single(lambda axes: _draw_subs(axes, subs, lang))


def _draw_weeks(
    axes: Axes, weeks: Sequence[tuple[date, int]], today: date, lang: Lang, *, compact: bool = False
) -> None:
    # The week containing today is still under way: a bar for it would read as a dip (or, when
    # closing piles up on one day, a spike) of a finished week. It is left out and told apart.
    full = [(w, n) for w, n in weeks if not w <= today < w + timedelta(days=7)]
    partial = [n for w, n in weeks if w <= today < w + timedelta(days=7)]
    positions = list(range(len(full)))
    axes.bar(positions, [n for _, n in full], color=_GREEN)
    axes.set_xticks(positions, [_day(lang, w) for w, _ in full], fontsize=8)
    if compact:
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_title(_t(lang, "weekly_title"))
    axes.set_ylabel(_t(lang, "items_axis"))
    note = [_t(lang, "partial", day=_day(lang, today), count=partial[0])] if partial else []
    axes.set_xlabel("\n".join([_t(lang, "week_axis"), *note]))
    _integer_counts(axes)


def weekly_trend(
    weeks: Sequence[tuple[date, int]], *, today: date | None = None, lang: Lang = "zh"
) -> bytes:
    """Bars: items closed per complete week (weeks start on Monday, count axis from 0).

    Args:
        weeks: (Monday, count) pairs, oldest first, as `stats.weekly_closed` returns them.
        today: the local date; the week containing it is still under way, so it is not drawn
            as a bar: its count so far is written under the axis. Defaults to the machine's
            date.
        lang: "zh" or "en".
    """
    return _single(lambda axes: _draw_weeks(axes, weeks, today or date.today(), lang))


def _draw_kpis(axes: Axes, figures: Figures, lang: Lang) -> None:
    closed = figures.completion.closed
    total = figures.completion.total
    phases = "，" if lang == "zh" else ", "
    lines = [
        _t(lang, "kpi_enterprises", big=figures.big_hands, small=figures.small_hands),
        _t(
            lang,
            "kpi_phases",
            phases=phases.join(
                f"{_t(lang, f'phase_{p.value}')} {figures.pairings_by_phase.get(p, 0)}"
                for p in Phase
            ),
        ),
        _t(lang, "kpi_items", total=total, closed=closed),
        _t(lang, "kpi_overdue", overdue=figures.overdue),
        _t(lang, "kpi_visits", done=figures.visits_done, planned=figures.visits_planned),
    ]
    axes.axis("off")
    axes.set_title(_t(lang, "kpi_title"), loc="left")
    rate = f"{figures.completion.rate:.0%}" if total else "—"
    axes.text(0.0, 0.88, _t(lang, "kpi_rate", rate=rate), fontsize=22, color=_GREEN,
              transform=axes.transAxes, va="top")  # fmt: skip
    for n, line in enumerate(lines):
        axes.text(0.0, 0.62 - n * 0.13, line, fontsize=12, transform=axes.transAxes, va="top")


def overview(
    figures: Figures,
    weeks: Sequence[tuple[date, int]],
    *,
    today: date | None = None,
    lang: Lang = "zh",
) -> bytes:
    """One picture for a printed report: key figures, completion by group, items by
    sub-category and the weekly trend, 2400 × 1600 px at 200 dpi."""
    day = today or date.today()

    def draw(figure: Figure) -> None:
        grid = figure.add_gridspec(2, 2, height_ratios=(1, 1.15))
        _draw_kpis(figure.add_subplot(grid[0, 0]), figures, lang)
        _draw_weeks(figure.add_subplot(grid[0, 1]), weeks, day, lang, compact=True)
        _draw_subs(figure.add_subplot(grid[1, 0]), figures.by_sub_category, lang)
        _draw_groups(figure.add_subplot(grid[1, 1]), figures.by_big_hand, lang)
        when = f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()
        figure.suptitle(_t(lang, "overview_title", day=when), fontsize=16)
        figure.tight_layout()

    return _render(draw, OVERVIEW_SIZE, 200)
