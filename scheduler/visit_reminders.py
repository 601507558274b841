"""Visit reminders: when they are due, the job that sends them, and the catch-up rule.

A visit gets one job per lead (24 h and 1 h before by default), id ``visit:<id>:<lead>``. The
job carries the start time it was armed for; if the visit moved or was cancelled since, the job
does nothing (the re-arm made new ones). Ledger keys include the start time and the recipient —
``visit:42:reminder:24h:202506011400:p7`` — so a moved visit is reminded again, once.

Catch-up: a lead whose time has passed while the visit is still ahead is sent at once, as a
late reminder — only the most urgent such lead, so a restart sends one reminder, not two — but
only if that time came after the visit was last booked, moved or confirmed: a lead that was
never due for the visit as it stands is skipped. Past
visits are never reminded. Quiet hours move a person's reminder to the end of their quiet hours
when that is still before the visit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.delivery import Outgoing, deliver
from scheduler.notifier import Label, Notice
from scheduler.preferences import parse_preferences
from scheduler.runtime import Runtime, lookup
from storage.errors import NotFound
from storage.models import Person, Visit
from storage.repositories import items, visits

__all__ = [
    "PlannedReminder",
    "arm_reminder_job",
    "lead_label",
    "plan_reminders",
    "reminder_key",
    "send_visit_reminder",
    "visit_reminder_job",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """When to run the job for one lead of one visit."""

    lead: timedelta
    run_at: datetime


def lead_label(lead: timedelta) -> str:
    """``24h``, ``1h`` or ``90m``: the lead as it appears in job ids and ledger keys."""
    minutes = int(lead.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def reminder_key(visit_id: int, lead: timedelta, starts_at: datetime, person_id: int) -> str:
    """The ledger key of one reminder to one person for a visit at ``starts_at``."""
    return f"visit:{visit_id}:reminder:{lead_label(lead)}:{starts_at:%Y%m%d%H%M}:p{person_id}"


def plan_reminders(
    starts_at: datetime, now: datetime, leads: tuple[timedelta, ...]
) -> list[PlannedReminder]:
    """The reminder jobs a visit needs at ``now`` (see the module docstring for catch-up)."""
    if starts_at <= now:
        return []
    plan = [PlannedReminder(lead, starts_at - lead) for lead in leads if starts_at - lead > now]
    passed = [lead for lead in leads if starts_at - lead <= now]
    if passed:
        plan.append(PlannedReminder(min(passed), now))
    return plan


async def visit_reminder_job(
    runtime_key: str,
    visit_id: int,
    lead_minutes: int,
    starts_at_iso: str,
    person_id: int | None = None,
) -> None:
    """APScheduler entry point: send one lead's reminders for a visit (plain arguments only)."""
    runtime = lookup(runtime_key)
    lead = timedelta(minutes=lead_minutes)
    starts_at = datetime.fromisoformat(starts_at_iso)
    await send_visit_reminder(
        runtime, visit_id=visit_id, lead=lead, armed_for=starts_at, only_person=person_id
    )
    if person_id is None and runtime.scheduler is not None:
        # Chain: arm the next (shorter) lead that is still ahead. A stale job (visit moved) arms
        # a stale follow-up that will do nothing; the re-arm of the move made the right ones.
        now = runtime.clock.now()
        later = [
            PlannedReminder(shorter, starts_at - shorter)
            for shorter in runtime.config.visit_leads
            if shorter < lead and starts_at - shorter > now
        ]
        if later:
            arm_reminder_job(runtime, visit_id, starts_at, max(later, key=lambda p: p.lead))


def arm_reminder_job(
    runtime: Runtime, visit_id: int, starts_at: datetime, planned: PlannedReminder
) -> None:
    """Put one lead's job for a visit on the runtime's scheduler (replacing any earlier one)."""
    minutes = int(planned.lead.total_seconds() // 60)
    runtime.scheduler.add_job(
        visit_reminder_job,
        trigger="date",
        run_date=planned.run_at,
        args=[runtime.key, visit_id, minutes, starts_at.isoformat()],
        id=f"visit:{visit_id}:{lead_label(planned.lead)}",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=int(runtime.config.misfire_grace.total_seconds()),
    )


async def send_visit_reminder(
    runtime: Runtime,
    *,
    visit_id: int,
    lead: timedelta,
    armed_for: datetime,
    only_person: int | None = None,
) -> list[str]:
    """Send a visit's reminder for ``lead`` to its mentor and managers; returns the keys sent.

    Does nothing for a visit that is gone, cancelled, done, already started, or moved away from
    ``armed_for``.
    """
    now = runtime.clock.now()
    tz = runtime.config.timezone
    async with runtime.session_factory() as session:
        try:
            ctx = await visits.visit_context(session=session, visit_id=visit_id)
        except NotFound:
            return []
        visit = ctx.visit
        if visit.status not in visits.ACTIVE or visit.starts_at != armed_for:
            return []
        if visit.starts_at <= now:
            return []
        if visit.starts_at - lead < visit.updated_at:
            # Never due: the visit was booked, moved or confirmed inside this lead (a mentor
            # booking for this afternoon). The proposal told everyone; a "late" 24-hour
            # reminder right after it would only confuse. Catch-up after downtime still works.
            return []
        today = now.astimezone(tz).date()
        assert ctx.small_hand.id is not None
        open_items = await items.list_open_items(
            session=session, enterprise_id=ctx.small_hand.id, today=today, limit=5
        )
    late = now - (visit.starts_at - lead) > runtime.config.late_after
    items_text = "\n".join(
        f"• {item.finding}" + (f" ({item.due_on.isoformat()})" if item.due_on else "")
        for item in open_items
    )
    values = {
        "enterprise": ctx.small_hand.name,
        "address": ctx.small_hand.address or "—",
        "when": visit.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "purpose": Label("visits.purpose", visit.purpose.value),
        "phase": Label("visits.phase", visit.phase.value),
        "mentor": ctx.mentor.name,
        "items": items_text or "—",
        "hours": round((visit.starts_at - now).total_seconds() / 3600, 1),
    }
    notice = Notice(
        key="visits.reminder_late" if late else "visits.reminder",
        values=values,
    )
    batch: list[Outgoing] = []
    for person in [ctx.mentor, *ctx.managers]:
        if only_person is not None and person.id != only_person:
            continue
        prefs = parse_preferences(
            person.preferences, default_digest_time=runtime.config.default_digest_time
        )
        if not prefs.visit_reminders:
            continue
        local = now.astimezone(tz)
        if only_person is None and prefs.is_quiet(local):
            later = prefs.quiet_end(local)
            if later < visit.starts_at and _defer(runtime, visit, lead, person, later):
                continue
        assert person.id is not None
        key = reminder_key(visit_id, lead, visit.starts_at, person.id)
        batch.append(Outgoing(key, person, notice))
    return (await deliver(batch, runtime)).sent


def _defer(runtime: Runtime, visit: Visit, lead: timedelta, person: Person, when: datetime) -> bool:
    """Arm a one-person job at the end of their quiet hours; False if no scheduler is running."""
    if runtime.scheduler is None:
        return False
    runtime.scheduler.add_job(
        visit_reminder_job,
        trigger="date",
        run_date=when,
        args=[
            runtime.key,
            visit.id,
            int(lead.total_seconds() // 60),
            visit.starts_at.isoformat(),
            person.id,
        ],
        id=f"visit:{visit.id}:{lead_label(lead)}:p{person.id}",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=int(runtime.config.misfire_grace.total_seconds()),
    )
    return True
