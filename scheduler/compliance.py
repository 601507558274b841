"""The compliance calendar: legal deadlines from an enterprise's dates, with lead times as data.

Rules live in ``compliance_calendar.yaml`` next to this module (one per deadline, with the
knowledge-base entry to read and the legal basis). `due_reminders` answers, for one enterprise and
one day, which reminders have arrived: per rule the most urgent lead reached (earlier leads that
were missed are not sent as well), or ``overdue`` once a dated deadline has passed (for 60 days).
`date_reminder` does the same for one date the bureau imported, with the rule for its kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "CalendarReminder",
    "CalendarRule",
    "date_reminder",
    "due_reminders",
    "imported_window",
    "load_date_rules",
    "load_rules",
]

# Reminders about a deadline that passed stop after this long: by then it is the audit's business.
OVERDUE_WINDOW = timedelta(days=60)
# An imported date of a kind without a rule of its own follows this one.
FALLBACK_KIND = "other"


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
def _calendar_data() -> dict[str, Any]:
    text = resources.files("scheduler").joinpath("compliance_calendar.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def load_rules() -> tuple[CalendarRule, ...]:
    """The rules shipped with the scheduler (read once)."""
    return tuple(_rule(raw) for raw in _calendar_data()["rules"])


@cache
def load_date_rules() -> dict[str, CalendarRule]:
    """The rules for imported dates, by kind; the deadline is the imported date itself."""
    return {
        str(raw.get("kind")): _rule(
            {"id": raw.get("kind"), "source": "imported", "deadline": {"days_before": 0}, **raw}
        )
        for raw in _calendar_data()["imported_dates"]
    }


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


def imported_window(today: date, rules: dict[str, CalendarRule] | None = None) -> tuple[date, date]:
    """The due dates that can have a reminder on ``today`` (first, last), to load only those."""
    leads = [lead for rule in (rules or load_date_rules()).values() for lead in rule.leads_days]
    return today - OVERDUE_WINDOW, today + timedelta(days=max(leads, default=0))


def date_reminder(
    *, today: date, kind: str, due_on: date, rules: dict[str, CalendarRule] | None = None
) -> CalendarReminder | None:
    """The reminder that has arrived on ``today`` for a date the bureau imported, if any.

    Args:
        today: the local date.
        kind: the date's kind (``eia_reapproval``, ...); a kind without a rule follows ``other``.
        due_on: the imported deadline.
        rules: the rules by kind (default: `load_date_rules`).
    """
    known = rules if rules is not None else load_date_rules()
    rule = known.get(kind) or known[FALLBACK_KIND]
    stage = _stage(rule, due_on, today)
    return CalendarReminder(rule, due_on, due_on, stage) if stage is not None else None
