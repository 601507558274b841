"""The words a printed report uses for stored codes: Chinese by default, English on request.

Every enum value a report prints goes through `label`, so no raw code (``follow_up``, ``done``,
``hazardous_waste``) ever reaches a page or a cell. Labels come from the message catalogs
(``catalog/locales``) and, for the audit taxonomy, from ``knowledge.taxonomy``.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import StrEnum

from catalog import Lang, text
from knowledge.taxonomy import CATEGORIES, subcategory
from storage.enums import (
    AcceptanceStatus,
    Category,
    EiaStatus,
    EnterpriseKind,
    HelpStatus,
    ItemStatus,
    PermitType,
    Phase,
    Role,
    Severity,
    SubCategory,
    VisitPurpose,
    VisitStatus,
)

__all__ = ["format_date", "label", "local_time", "percent"]

_PREFIX: dict[type[StrEnum], str] = {
    ItemStatus: "status",
    Severity: "severity",
    VisitPurpose: "visits.purpose",
    VisitStatus: "visits.status",
    Phase: "visits.phase",
    Role: "role",
    EnterpriseKind: "report.kind",
    HelpStatus: "report.help",
    PermitType: "report.permit",
    EiaStatus: "report.eia",
    AcceptanceStatus: "report.acceptance",
}
_CATEGORY = {c.id: c for c in CATEGORIES}


def label(lang: Lang, value: StrEnum) -> str:
    """The label of a stored code in ``lang``.

    Raises:
        KeyError: for an enum no report prints (a bug, caught by the tests).
    """
    if isinstance(value, SubCategory):
        sub = subcategory(value.value)
        return sub.zh if lang == "zh" else sub.en
    if isinstance(value, Category):
        category = _CATEGORY[value.value]
        return category.zh if lang == "zh" else category.en
    return text(lang, f"{_PREFIX[type(value)]}.{value.value}")


def format_date(lang: Lang, day: date) -> str:
    """A calendar date the way the language writes it (2025年6月4日 / 2025-06-04)."""
    return text(lang, "report.date", year=day.year, month=day.month, day=day.day)


def local_time(moment: datetime, tz: tzinfo) -> datetime:
    """A stored UTC moment as naive local wall time (spreadsheets have no time zones)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def percent(closed: int, total: int) -> str:
    """Completion as a whole percentage, or a dash when there is nothing to complete."""
    return f"{closed / total:.0%}" if total else "—"
