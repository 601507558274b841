"""The compliance calendar: legal deadlines from an enterprise's dates, with lead times as data.

Rules live in ``compliance_calendar.yaml`` next to this module (one per deadline, with the
knowledge-base entry to read and the legal basis). `due_reminders` answers, for one enterprise and
one day, which reminders have arrived: per rule the most urgent lead reached (earlier leads that
were missed are not sent as well), or ``overdue`` once a dated deadline has passed (for 60 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["CalendarReminder", "CalendarRule", "due_reminders", "load_rules"]

# Reminders about a deadline that passed stop after this long: by then it is the audit's business.
OVERDUE_WINDOW = timedelta(days=60)


@dataclass(frozen=True, slots=True)
class CalendarRule:
    """One legal deadline: where it comes from, when to remind, what to read, why."""

    id: str
    source: str
    deadline: dict[str, int]
    leads_days: tuple[int, ...]
    entry_id: str
    basis: dict[str, str]
    permit_types: tuple[str, ...] = ()

    def deadline_for(self, source_date: date) -> date:
        """The legal deadline that follows from ``source_date``."""
        if "days_before" in self.deadline:
            return source_date - timedelta(days=self.deadline["days_before"])
        years = self.deadline["years_after"]
        try:
            return source_date.replace(year=source_date.year + years)
        except ValueError:  # 29 February
            return source_date.replace(year=source_date.year + years, day=28)


@dataclass(frozen=True, slots=True)
class CalendarReminder:
    """A reminder that has arrived: the rule, the date it follows from, the deadline, the stage."""

    rule: CalendarRule
    source_date: date
    deadline: date
    stage: str  # "<n>d" for a lead of n days, or "overdue"


def _rule(raw: dict[str, Any]) -> CalendarRule:
    try:
        return CalendarRule(
            id=str(raw["id"]),
            source=str(raw["source"]),
            deadline={str(k): int(v) for k, v in raw["deadline"].items()},
            leads_days=tuple(sorted((int(d) for d in raw["leads_days"]), reverse=True)),
            entry_id=str(raw["entry_id"]),
            basis={str(k): str(v) for k, v in raw["basis"].items()},
            permit_types=tuple(str(t) for t in raw.get("permit_types", ())),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        name = raw.get("id", raw)
        raise ValueError(f"compliance_calendar.yaml: bad rule {name!r}: {exc}") from exc


@cache
def load_rules() -> tuple[CalendarRule, ...]:
    """The rules shipped with the scheduler (read once)."""
    text = resources.files("scheduler").joinpath("compliance_calendar.yaml").read_text("utf-8")
    return tuple(_rule(raw) for raw in yaml.safe_load(text)["rules"])


def _source_dates(rule: CalendarRule, dates: dict[str, date | None], today: date) -> list[date]:
    if rule.source == "annual":
        month, day = rule.deadline["month"], rule.deadline["day"]
        # This year's deadline, and next year's once this year's is well past.
        return [date(today.year, month, day), date(today.year + 1, month, day)]
    found = dates.get(rule.source)
    return [found] if found is not None else []


def _stage(rule: CalendarRule, deadline: date, today: date) -> str | None:
    if today > deadline:
        # An annual filing may well have been made: only a dated deadline is called overdue.
        recent = today - deadline <= OVERDUE_WINDOW
        return "overdue" if recent and rule.source != "annual" else None
    left = (deadline - today).days
    reached = [lead for lead in rule.leads_days if left <= lead]
    return f"{min(reached)}d" if reached else None


def due_reminders(
    *,
    today: date,
    permit_type: str,
    dates: dict[str, date | None],
    rules: tuple[CalendarRule, ...] | None = None,
) -> list[CalendarReminder]:
    """The calendar reminders that have arrived for one enterprise on ``today``.

    Args:
        today: the local date.
        permit_type: the enterprise's permit regime (rules may apply to some regimes only).
        dates: the enterprise's dates by column name (``permit_expiry``, ...).
        rules: the rules to apply (default: `load_rules`).
    """
    found: list[CalendarReminder] = []
    for rule in rules if rules is not None else load_rules():
        if rule.permit_types and permit_type not in rule.permit_types:
            continue
        for source_date in _source_dates(rule, dates, today):
            deadline = source_date if rule.source == "annual" else rule.deadline_for(source_date)
            stage = _stage(rule, deadline, today)
            if stage is not None:
                found.append(CalendarReminder(rule, source_date, deadline, stage))
    return found
