"""Booking visits: propose, confirm, reschedule, cancel, and record what a visit found.

Each function works inside the caller's unit of work and returns the changed `Visit`; after the
commit the caller re-arms reminders (`ReminderService.arm_visit`), and the service's sync job
would pick the change up within a minute anyway. Overlapping visits of one mentor are refused
with `VisitClash` naming the clashing visits; other visits the same day at the same enterprise
or of the same mentor are only a warning (`same_day_visits`), shown before the booking.

Only the other side confirms a proposed time: the managers confirm what the mentor proposed,
the mentor what a manager moved (``Visit.proposed_by_id``); a forged "confirm" is `Refused`.

The times offered (`bookable_days`, `day_slots`, `earliest_slots`) are the `SLOTS` of China's
working days (`programme.workdays`), today's included, but never earlier than `LEAD` from now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from programme import help_requests as help
from programme.actors import Actor
from programme.errors import NotAllowed, Refused, VisitClash, VisitClosed
from programme.workdays import is_working_day, next_working_day
from storage.enums import ItemStatus, Phase, Severity, SubCategory, VisitPurpose
from storage.enums import VisitStatus as Status
from storage.models import Item, Visit
from storage.repositories import items, visits

__all__ = [
    "DAYS_AHEAD",
    "LEAD",
    "SLOTS",
    "Finding",
    "bookable_days",
    "cancel_visit",
    "confirm_visit",
    "day_slots",
    "earliest_slots",
    "may_confirm",
    "propose_visit",
    "record_outcome",
    "refuse_overlap",
    "reschedule_visit",
    "same_day_visits",
]

MAX_VISIT_MINUTES = 12 * 60
LEAD = timedelta(hours=1)  # the soonest time offered is at least this far ahead
DAYS_AHEAD = 10  # working days offered by the day picker (two weeks), today aside
SLOTS: tuple[time, ...] = tuple(
    time(hour, minute)
    for hour, minute in (
        *((8, 30), (9, 0), (9, 30), (10, 0), (10, 30)),
        *((13, 30), (14, 0), (14, 30), (15, 0), (15, 30), (16, 0)),
    )
)


def day_slots(
    day: date,
    *,
    now: datetime,
    tz: tzinfo,
    between: tuple[time, time] | None = None,
    working_days_only: bool = True,
) -> list[datetime]:
    """The slots of ``day`` that can still be offered, as aware local times.

    Args:
        day: the local date.
        now: the current moment (aware); slots earlier than ``now + LEAD`` are left out.
        tz: the programme's time zone.
        between: only slots starting in ``[start, end)`` (a part of the day), if given.
        working_days_only: no slots at all on a weekend or public holiday (调休 days have them).
    """
    if working_days_only and not is_working_day(day):
        return []
    earliest = now + LEAD
    return [
        moment
        for slot in SLOTS
        if between is None or between[0] <= slot < between[1]
        if (moment := datetime.combine(day, slot, tzinfo=tz)) >= earliest
    ]


def bookable_days(*, now: datetime, tz: tzinfo, count: int = DAYS_AHEAD) -> list[date]:
    """The days the picker offers: today while a slot is left, then ``count`` working days."""
    today = now.astimezone(tz).date()
    days = [today] if day_slots(today, now=now, tz=tz) else []
    day = today
    for _ in range(count):
        day = next_working_day(day)
        days.append(day)
    return days


def earliest_slots(
    now: datetime, *, tz: tzinfo, limit: int = 8, days: int = DAYS_AHEAD
) -> list[datetime]:
    """The soonest slots that can be offered ("尽快"), today's first: no earlier than an hour
    from now, on working days only; at most ``limit`` of them (0 for all within ``days``)."""
    found: list[datetime] = []
    for day in bookable_days(now=now, tz=tz, count=days):
        found.extend(day_slots(day, now=now, tz=tz))
        if limit and len(found) >= limit:
            return found[:limit]
    return found


async def _refuse_clash(
    session: AsyncSession,
    mentor_id: int,
    starts_at: datetime,
    duration_minutes: int,
    exclude_id: int | None = None,
) -> None:
    if not 0 < duration_minutes <= MAX_VISIT_MINUTES:
        raise NotAllowed("visit_length", f"1 to {MAX_VISIT_MINUTES} minutes")
    clashes = await visits.clashing_visits(
        session=session,
        mentor_id=mentor_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        longest_minutes=MAX_VISIT_MINUTES,
        exclude_id=exclude_id,
    )
    if clashes:
        raise VisitClash(clashes)


async def refuse_overlap(
    *, session: AsyncSession, mentor_id: int, starts_at: datetime, duration_minutes: int = 120
) -> None:
    """Check a new visit would not overlap the mentor's others (before warning of same-day
    visits, so a true overlap is refused rather than offered "anyway").

    Raises:
        VisitClash: naming the overlapping visits.
    """
    await _refuse_clash(session, mentor_id, starts_at, duration_minutes)


async def propose_visit(
    *,
    session: AsyncSession,
    pairing_id: int,
    mentor_id: int,
    starts_at: datetime,
    now: datetime,
    purpose: VisitPurpose = VisitPurpose.follow_up,
    phase: Phase = Phase.middle,
    duration_minutes: int = 120,
    help_request_id: int | None = None,
) -> Visit:
    """A mentor proposes a visit; a help request it answers moves to ``visit_booked``.

    Raises:
        VisitClash: if it overlaps the mentor's other visits.
        NotAllowed: ``visit_in_past`` or ``visit_length``; ``help_ended`` for a help request
            already resolved or closed.
    """
    if starts_at <= now:
        raise NotAllowed("visit_in_past")
    await _refuse_clash(session, mentor_id, starts_at, duration_minutes)
    visit = await visits.create_visit(
        session=session,
        pairing_id=pairing_id,
        mentor_id=mentor_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        phase=phase,
        help_request_id=help_request_id,
        proposed_by_id=mentor_id,
        now=now,
    )
    if help_request_id is not None:
        await help.visit_booked(
            session=session, request_id=help_request_id, visit=visit, actor_id=mentor_id, now=now
        )
    return visit


async def _open_visit(session: AsyncSession, visit_id: int) -> Visit:
    visit = await visits.get_visit(session=session, visit_id=visit_id)
    if visit.status not in visits.ACTIVE:
        raise VisitClosed(visit_id, visit.status.value)
    return visit


def may_confirm(visit: Visit, person_id: int | None) -> bool:
    """Whether ``person_id`` is on the other side of whoever proposed the visit's current time.

    The mentor is one side, the small hand's managers the other; a visit from before
    ``proposed_by_id`` was kept was proposed by its mentor.
    """
    if person_id is None or visit.status is not Status.proposed:
        return False
    proposer = visit.proposed_by_id if visit.proposed_by_id is not None else visit.mentor_id
    return (proposer == visit.mentor_id) != (person_id == visit.mentor_id)


async def confirm_visit(
    *, session: AsyncSession, visit_id: int, actor: Actor, now: datetime
) -> Visit:
    """The other side agrees to the proposed time: a manager to the mentor's proposal, the
    mentor to a manager's new time. The caller has checked the actor takes part in the visit.

    Raises:
        VisitClosed: if it is done or cancelled.
        Refused: if the actor proposed this time, or is on the proposer's side.
    """
    visit = await _open_visit(session, visit_id)
    if visit.status is Status.confirmed:
        return visit
    if not may_confirm(visit, actor.person_id):
        raise Refused(actor, f"confirm visit {visit_id} proposed by their own side")
    return await visits.update_visit(
        session=session, visit_id=visit_id, now=now, status=Status.confirmed
    )


async def reschedule_visit(
    *,
    session: AsyncSession,
    visit_id: int,
    starts_at: datetime,
    reason: str,
    actor_id: int,
    now: datetime,
) -> Visit:
    """Move a visit (either side, ``actor_id``); it goes back to ``proposed`` for the other
    side to confirm.

    Raises:
        VisitClosed: if it is done or cancelled.
        VisitClash: if the new time overlaps the mentor's other visits.
        NotAllowed: for a time in the past.
    """
    visit = await _open_visit(session, visit_id)
    if starts_at <= now:
        raise NotAllowed("visit_in_past")
    await _refuse_clash(session, visit.mentor_id, starts_at, visit.duration_minutes, visit_id)
    return await visits.update_visit(
        session=session,
        visit_id=visit_id,
        now=now,
        starts_at=starts_at,
        status=Status.proposed,
        cancel_reason=reason.strip(),
        proposed_by_id=actor_id,
    )


async def same_day_visits(
    *,
    session: AsyncSession,
    small_hand_id: int,
    mentor_id: int,
    starts_at: datetime,
    tz: tzinfo,
    exclude_id: int | None = None,
) -> list[Visit]:
    """Other proposed or confirmed visits on the local day of ``starts_at`` at the same small
    hand (any mentor) or of the same mentor (anywhere): a warning before booking, not a refusal
    (true overlaps of the mentor are `VisitClash`)."""
    day = starts_at.astimezone(tz).date()
    start = datetime.combine(day, time(0), tzinfo=tz)
    return await visits.visits_on_day(
        session=session,
        since=start,
        until=start + timedelta(days=1),
        small_hand_id=small_hand_id,
        mentor_id=mentor_id,
        exclude_id=exclude_id,
    )


async def cancel_visit(
    *, session: AsyncSession, visit_id: int, reason: str, now: datetime
) -> Visit:
    """Cancel a visit with a reason (either side).

    Raises:
        VisitClosed: if it is already done or cancelled.
    """
    await _open_visit(session, visit_id)
    return await visits.update_visit(
        session=session,
        visit_id=visit_id,
        now=now,
        status=Status.cancelled,
        cancel_reason=reason.strip(),
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """A new finding recorded on a visit, which becomes a rectification item."""

    sub_category: SubCategory
    finding: str
    measure: str = ""
    severity: Severity = Severity.medium
    due_on: date | None = None


async def record_outcome(
    *,
    session: AsyncSession,
    visit_id: int,
    notes: str,
    actor_id: int,
    now: datetime,
    verified_item_ids: Sequence[int] = (),
    findings: Sequence[Finding] = (),
) -> tuple[Visit, list[Item]]:
    """After the visit: notes, items verified on site (those submitted), new findings as items.

    Items not awaiting verification are left as they are; a help request the visit was booked
    for is resolved, with the notes as its outcome. Returns the visit (now ``done``) and the new
    items.

    Raises:
        VisitClosed: if the visit was cancelled or already recorded.
    """
    await _open_visit(session, visit_id)
    for item_id in verified_item_ids:
        item = await items.get_item(session=session, item_id=item_id)
        if item.status is ItemStatus.submitted:
            await items.change_status(
                session=session,
                item_id=item_id,
                to=ItemStatus.verified,
                actor_id=actor_id,
                comment=f"visit {visit_id}",
                now=now,
            )
    created = [
        await items.create_item_on_visit(
            session=session,
            visit_id=visit_id,
            sub_category=f.sub_category,
            finding=f.finding,
            measure=f.measure,
            severity=f.severity,
            due_on=f.due_on,
            actor_id=actor_id,
        )
        for f in findings
    ]
    visit = await visits.update_visit(
        session=session, visit_id=visit_id, now=now, status=Status.done, notes=notes.strip()
    )
    await help.resolve_by_visit(session=session, visit=visit, actor_id=actor_id, now=now)
    return visit, created
