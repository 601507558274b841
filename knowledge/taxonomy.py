"""The programme's audit taxonomy: 3 categories split into 14 sub-categories.

The bureau's audit form names the categories and sub-categories without listing them publicly;
this is our reading (see DESIGN.md). Knowledge-base files, audit scores and rectification items all
refer to sub-categories by these ids, so the ids are stable and never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATEGORIES", "PROGRAMME", "SUBCATEGORIES", "Category", "SubCategory", "subcategory"]


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class SubCategory:
    id: str
    category: str
    zh: str
    en: str


CATEGORIES: tuple[Category, ...] = (
    Category("procedures", "环保手续", "Environmental procedures"),
    Category("system", "环保体系", "Management system"),
    Category("pollution", "污染防治", "Pollution control"),
)

SUBCATEGORIES: tuple[SubCategory, ...] = (
    SubCategory("eia", "procedures", "环境影响评价", "EIA approval / registration"),
    SubCategory("acceptance", "procedures", "竣工环境保护验收", "Completion acceptance"),
    SubCategory("permit", "procedures", "排污许可 / 排污登记", "Discharge permit / registration"),
    SubCategory("emergency_plan", "procedures", "突发环境事件应急预案", "Emergency plan"),
    SubCategory("mgmt_rules", "system", "环保管理制度与责任", "Rules and responsibilities"),
    SubCategory("staffing", "system", "环保机构与人员", "Organisation and staff"),
    SubCategory("records", "system", "环保台账与档案", "Ledgers and records"),
    SubCategory("training", "system", "环保培训", "Training"),
    SubCategory(
        "monitoring_disclosure", "system", "自行监测与信息公开", "Self-monitoring and disclosure"
    ),
    SubCategory("wastewater", "pollution", "废水", "Wastewater"),
    SubCategory("air", "pollution", "废气（含VOCs）", "Waste gas (incl. VOCs)"),
    SubCategory("solid_waste", "pollution", "一般工业固体废物", "General industrial solid waste"),
    SubCategory("hazardous_waste", "pollution", "危险废物", "Hazardous waste"),
    SubCategory("noise", "pollution", "噪声", "Noise"),
)

# Knowledge-base entries about the programme itself (phases, items, visits, safety and health)
# live outside the 14 audit sub-categories under this pseudo sub-category.
PROGRAMME = SubCategory("programme", "programme", "大手拉小手项目", "The HandInHand programme")

_BY_ID = {s.id: s for s in (*SUBCATEGORIES, PROGRAMME)}


def subcategory(sub_id: str) -> SubCategory:
    """Return the sub-category with this id.

    Raises:
        KeyError: if the id is unknown.
    """
    return _BY_ID[sub_id]
