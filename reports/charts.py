"""Charts as PNG bytes (matplotlib, Agg backend, the CJK font): completion by big-hand group,
items by sub-category, weekly trend of closed items."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, and thread-safe enough for one figure per call

from matplotlib import font_manager
from matplotlib.figure import Figure

from reports.fonts import cjk_font
from storage.enums import SubCategory
from storage.repositories.stats import Completion

__all__ = ["SIZE", "completion_by_group", "items_by_sub_category", "weekly_trend"]

SIZE = (1000, 600)  # pixels: fits a Telegram photo without scaling
_DPI = 100

SUB_CATEGORY_ZH = {
    SubCategory.eia: "环评",
    SubCategory.acceptance: "竣工验收",
    SubCategory.permit: "排污许可",
    SubCategory.emergency_plan: "应急预案",
    SubCategory.mgmt_rules: "管理制度",
    SubCategory.staffing: "机构人员",
    SubCategory.records: "台账档案",
    SubCategory.training: "环保培训",
    SubCategory.monitoring_disclosure: "监测公开",
    SubCategory.wastewater: "废水",
    SubCategory.air: "废气",
    SubCategory.solid_waste: "一般固废",
    SubCategory.hazardous_waste: "危险废物",
    SubCategory.noise: "噪声",
}


def _render(draw: Callable[[Any], None]) -> bytes:
    """Draw on fresh axes with the CJK font and return the PNG; matplotlib's missing-glyph
    warnings are not silenced (tests turn them into errors)."""
    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"]}):
        figure = Figure(figsize=(SIZE[0] / _DPI, SIZE[1] / _DPI), dpi=_DPI, facecolor="white")
        draw(figure.add_subplot())
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def completion_by_group(groups: Mapping[str, Completion]) -> bytes:
    """Horizontal bars: completion rate (%) of each big-hand group."""
    names = list(groups)[::-1]

    def draw(axes: Any) -> None:
        axes.barh(names, [groups[n].rate * 100 for n in names], color="#2e7d32")
        axes.set_xlim(0, 100)
        axes.set_xlabel("整改完成率 (%)")
        axes.set_title("各大手帮扶组整改完成率")

    return _render(draw)


def items_by_sub_category(subs: Mapping[SubCategory, Completion]) -> bytes:
    """Stacked bars: closed and open items of each sub-category."""
    labels = [SUB_CATEGORY_ZH[s] for s in subs]
    closed = [c.closed for c in subs.values()]
    still_open = [c.total - c.closed for c in subs.values()]

    def draw(axes: Any) -> None:
        axes.bar(labels, closed, label="已完成", color="#2e7d32")
        axes.bar(labels, still_open, bottom=closed, label="未完成", color="#f9a825")
        axes.set_title("各子类整改项数量")
        axes.legend()
        axes.tick_params(axis="x", labelrotation=45)

    return _render(draw)


def weekly_trend(weeks: Sequence[tuple[date, int]]) -> bytes:
    """A line: items closed per week."""

    def draw(axes: Any) -> None:
        axes.plot([w.strftime("%m-%d") for w, _ in weeks], [n for _, n in weeks], marker="o")
        axes.set_title("每周完成整改项")
        axes.set_ylabel("项数")

    return _render(draw)
