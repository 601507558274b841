"""The daily round: digests for managers, escalations to mentors, compliance-calendar reminders,
and the bureau's weekly summary.

A tick job runs every few minutes (and once at start-up). Each run finds the people whose local
notification time has come today and who are not in quiet hours, and sends what is due to them
under ledger keys that name the day (``digest:<person>:<local date>``), the item
(``escalation:item:<id>:mentor:<person>``), the deadline
(``calendar:<enterprise>:<rule>:<date>:<lead>:<person>``, or for a date the bureau imported
``calendar:<enterprise>:date:<id>:<lead>:<person>``) or the week (``summary:<person>:<week>``).
So a missed day is caught up once (today's key), never once per missed day, and a restart or a
second process sends nothing twice. The whole run costs a bounded number of queries, whatever
the number of items.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.compliance import (
    CalendarReminder,
    date_reminder,
    due_reminders,
    imported_window,
)
from scheduler.delivery import DeliveryReport, Outgoing, deliver
from scheduler.notifier import EntryRef, Label, Notice
from scheduler.preferences import NotificationPrefs, parse_preferences
from scheduler.runtime import Runtime, lookup
from storage.enums import Role
from storage.models import Person
from storage.repositories import compliance_dates, ledger, reminders
from storage.repositories.people import is_reachable

__all__ = ["DailyReport", "daily_tick_job", "run_daily"]

log = logging.getLogger(__name__)

_LIST_LIMIT = 10  # lines of items or names in one notice; the rest is counted


@dataclass
class DailyReport:
    """What one run did (for logs, tests and benchmarks)."""

    delivery: DeliveryReport
    unreachable: list[int]


async def daily_tick_job(runtime_key: str) -> None:
    """APScheduler entry point for the tick."""
    report = await run_daily(lookup(runtime_key))
    if report.delivery.sent:
        log.info("daily round sent %d notices", len(report.delivery.sent))


def _notify_time(prefs: NotificationPrefs) -> time:
    """The person's local notification time, moved out of quiet hours if it falls inside."""
    probe = datetime.combine(date(2000, 1, 3), prefs.digest_time)
    if prefs.is_quiet(probe):
        return prefs.quiet_end(probe).time()
    return prefs.digest_time


def _is_due(prefs: NotificationPrefs, local: datetime) -> bool:
    return local.time() >= _notify_time(prefs) and not prefs.is_quiet(local)


def _lines(entries: Iterable[str], total: int) -> str:
    shown = list(entries)[:_LIST_LIMIT]
    more = total - len(shown)
    return "\n".join(shown) + (f"\n… +{more}" if more > 0 else "")


async def run_daily(runtime: Runtime) -> DailyReport:
    """One tick: send every daily notice that is due now and not yet claimed."""
    cfg = runtime.config
    now = runtime.clock.now()
    local = now.astimezone(cfg.timezone)
    today = local.date()
    async with runtime.session_factory() as session:
        people = await reminders.people_with_roles(
            session=session, roles=(Role.manager, Role.mentor, Role.bureau)
        )
    unreachable = [p.id for p in people if not is_reachable(p) and p.id is not None]
    due: list[tuple[Person, NotificationPrefs]] = []
    for person in people:
        prefs = parse_preferences(person.preferences, default_digest_time=cfg.default_digest_time)
        if is_reachable(person) and _is_due(prefs, local):
            due.append((person, prefs))
    batch: list[Outgoing] = []
    async with runtime.session_factory() as session:
        batch += await _digests(session, runtime, due, today)
        batch += await _escalations(session, runtime, due, today)
        batch += await _calendar(session, due, today)
        batch += await _summaries(session, runtime, due, local)
    delivery = await deliver(batch, runtime)
    return DailyReport(delivery, unreachable)


async def _digests(
    session: AsyncSession,
    runtime: Runtime,
    due: list[tuple[Person, NotificationPrefs]],
    today: date,
) -> list[Outgoing]:
    config = runtime.config
    if not config.digests_on_days_off and not config.is_working_day(today):
        return []  # the bureau chose quiet holidays: the next working day's digest covers them
    managers = {
        f"digest:{p.id}:{today.isoformat()}": p
        for p, prefs in due
        if p.role is Role.manager and prefs.digest and p.enterprise_id is not None
    }
    if not managers:
        return []
    taken = await ledger.claimed_among(session=session, keys=managers.keys())
    waiting = {key: p for key, p in managers.items() if key not in taken}
    horizon = today + timedelta(days=runtime.config.digest_horizon_days)
    figures = await reminders.digest_figures(
        session=session,
        today=today,
        horizon=horizon,
        enterprise_ids={p.enterprise_id for p in waiting.values() if p.enterprise_id is not None},
    )
    batch = []
    for key, person in waiting.items():
        found = figures.get(person.enterprise_id or 0)
        if found is None or not (found.overdue or found.due_soon):
            continue  # nothing due: no digest today (unless something falls due later today)
        lines = (
            f"• {'⚠️ ' if item.due_on and item.due_on < today else ''}{item.finding} ({item.due_on})"
            for item in found.top
        )
        values = {
            "overdue": found.overdue,
            "due_soon": found.due_soon,
            "days": runtime.config.digest_horizon_days,
            "items": _lines(lines, found.overdue + found.due_soon),
        }
        batch.append(Outgoing(key, person, Notice("visits.digest", values)))
    return batch


async def _escalations(
    session: AsyncSession,
    runtime: Runtime,
    due: list[tuple[Person, NotificationPrefs]],
    today: date,
) -> list[Outgoing]:
    mentors = {p.id: p for p, prefs in due if p.role is Role.mentor and prefs.escalations}
    if not mentors:
        return []
    threshold = runtime.config.escalate_mentor_days
    overdue = await reminders.overdue_items_for_mentors(
        session=session, due_before=today - timedelta(days=threshold)
    )
    wanted: dict[int, list[tuple[str, reminders.OverdueItem]]] = {}
    for item in overdue:
        for mentor_id in item.mentor_ids:
            if mentor_id in mentors:
                key = f"escalation:item:{item.id}:mentor:{mentor_id}"
                wanted.setdefault(mentor_id, []).append((key, item))
    taken = await ledger.claimed_among(
        session=session, keys=[key for pairs in wanted.values() for key, _ in pairs]
    )
    batch = []
    for mentor_id, pairs in wanted.items():
        fresh = [(key, item) for key, item in pairs if key not in taken]
        if not fresh:
            continue
        lines = (
            f"• {item.enterprise_name}: {item.finding} "
            f"({item.due_on}, {(today - item.due_on).days}d)"
            for _, item in fresh
        )
        values = {"count": len(fresh), "days": threshold, "items": _lines(lines, len(fresh))}
        # One message per mentor and day; every item in it is claimed, so it is told only once.
        day_key = f"escalation:mentor:{mentor_id}:{today.isoformat()}"
        notice = Notice("visits.escalation", values)
        batch.append(Outgoing(day_key, mentors[mentor_id], notice, also=tuple(k for k, _ in fresh)))
    return batch


def _calendar_values(name: str, found: CalendarReminder, today: date) -> dict[str, object]:
    rule = found.rule
    return {
        "enterprise": name,
        "rule": Label("visits.rule", rule.id),
        "deadline": found.deadline.isoformat(),
        "days_left": (found.deadline - today).days,
        "entry": EntryRef(rule.entry_id) if rule.entry_id else "",
        "basis": f"《{rule.basis['title']}》{rule.basis['clause']}",
    }


def _calendar_notice(found: CalendarReminder, values: dict[str, object]) -> Notice:
    overdue = found.stage == "overdue"
    return Notice("visits.calendar_overdue" if overdue else "visits.calendar", values)


async def _calendar(
    session: AsyncSession, due: list[tuple[Person, NotificationPrefs]], today: date
) -> list[Outgoing]:
    managers = {
        p.id: p
        for p, prefs in due
        if p.id is not None and p.role is Role.manager and prefs.calendar
    }
    if not managers:
        return []
    sources = await reminders.calendar_sources(session=session, manager_ids=list(managers))
    # (ledger key without the person, enterprise, notice) for every reminder that has arrived
    found_by: list[tuple[str, reminders.CalendarSource, Notice]] = []
    for source in sources:
        dates = {
            "permit_expiry": source.permit_expiry,
            "emergency_plan_filed_on": source.emergency_plan_filed_on,
        }
        for found in due_reminders(today=today, permit_type=source.permit_type, dates=dates):
            key_stem = (
                f"calendar:{source.enterprise_id}:{found.rule.id}:"
                f"{found.source_date.isoformat()}:{found.stage}"
            )
            values = _calendar_values(source.name, found, today)
            found_by.append((key_stem, source, _calendar_notice(found, values)))
    by_enterprise = {s.enterprise_id: s for s in sources}
    first, last = imported_window(today)
    imported = await compliance_dates.dates_between(
        session=session, enterprise_ids=by_enterprise.keys(), first=first, last=last
    )
    for row in imported:
        reminder = date_reminder(today=today, kind=row.kind.value, due_on=row.due_on)
        if reminder is None:
            continue
        source = by_enterprise[row.enterprise_id]
        title = f"{row.title}（{row.note}）" if row.note else row.title
        values = _calendar_values(source.name, reminder, today)
        values["rule"] = Label("visits.rule", reminder.rule.id, title=title)
        key_stem = f"calendar:{row.enterprise_id}:date:{row.id}:{reminder.stage}"
        found_by.append((key_stem, source, _calendar_notice(reminder, values)))
    wanted = [
        (f"{key_stem}:p{manager_id}", managers[manager_id], notice)
        for key_stem, source, notice in found_by
        for manager_id in source.manager_ids
    ]
    taken = await ledger.claimed_among(session=session, keys=[k for k, _, _ in wanted])
    return [Outgoing(key, person, notice) for key, person, notice in wanted if key not in taken]


async def _summaries(
    session: AsyncSession,
    runtime: Runtime,
    due: list[tuple[Person, NotificationPrefs]],
    local: datetime,
) -> list[Outgoing]:
    cfg = runtime.config
    if local.weekday() < cfg.summary_weekday:
        return []
    year, week, _ = local.isocalendar()
    bureau = {f"summary:{p.id}:{year}-W{week:02d}": p for p, _ in due if p.role is Role.bureau}
    taken = await ledger.claimed_among(session=session, keys=bureau.keys())
    waiting = {key: p for key, p in bureau.items() if key not in taken}
    if not waiting:
        return []
    today = local.date()
    week_start_local = datetime.combine(
        today - timedelta(days=local.weekday()), time(0), tzinfo=cfg.timezone
    )
    figures = await reminders.weekly_figures(
        session=session,
        today=today,
        long_overdue_before=today - timedelta(days=cfg.escalate_bureau_days),
        week_start=week_start_local - timedelta(days=7),
        week_end=week_start_local,
    )
    missing = await reminders.unreachable_people(session=session)
    groups = (f"• {g.big_hand}: {g.overdue} / {g.long_overdue}" for g in figures.groups)
    names = (f"• {p.name or p.id} ({p.role.value}, {p.reachability.value})" for p in missing)
    values = {
        "completion": f"{figures.completion_rate:.0%}",
        "closed": figures.closed_items,
        "total": figures.total_items,
        "long_days": cfg.escalate_bureau_days,
        "groups": _lines(groups, len(figures.groups)) or "—",
        "visits_done": figures.visits_done,
        "visits_planned": figures.visits_planned,
        "help_open": figures.help_open,
        "unreachable_count": len(missing),
        "unreachable": _lines(names, len(missing)) or "—",
    }
    notice = Notice("visits.weekly_summary", values)
    return [Outgoing(key, person, notice) for key, person in waiting.items()]
