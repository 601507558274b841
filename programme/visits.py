"""Booking visits: propose, confirm, reschedule, cancel, and record what a visit found.

Each function works inside the caller's unit of work and returns the changed `Visit`; after the
commit the caller re-arms reminders (`ReminderService.arm_visit`), and the service's sync job
would pick the change up within a minute anyway. Overlapping visits of one mentor are refused
with `VisitClash` naming the clashing visits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from programme import help_requests as help
from programme.errors import VisitClash, VisitClosed
from storage.enums import ItemStatus, Phase, Severity, SubCategory, VisitPurpose
from storage.enums import VisitStatus as Status
from storage.models import Item, Visit
from storage.repositories import items, visits

__all__ = [
    "Finding",
    "cancel_visit",
    "confirm_visit",
    "propose_visit",
    "record_outcome",
    "reschedule_visit",
]

MAX_VISIT_MINUTES = 12 * 60


async def _refuse_clash(
    session: AsyncSession,
    mentor_id: int,
    starts_at: datetime,
    duration_minutes: int,
    exclude_id: int | None = None,
) -> None:
    if not 0 < duration_minutes <= MAX_VISIT_MINUTES:
        raise ValueError(f"a visit lasts 1 to {MAX_VISIT_MINUTES} minutes")
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
        ValueError: for a visit in the past or of an impossible length.
        NotAllowed: ``help_ended`` for a help request already resolved or closed.
    """
    if starts_at <= now:
        raise ValueError("a visit must start in the future")
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


async def confirm_visit(*, session: AsyncSession, visit_id: int, now: datetime) -> Visit:
    """The manager confirms a proposed visit.

    Raises:
        VisitClosed: if it is done or cancelled.
    """
    await _open_visit(session, visit_id)
    return await visits.update_visit(
        session=session, visit_id=visit_id, now=now, status=Status.confirmed
    )


async def reschedule_visit(
    *, session: AsyncSession, visit_id: int, starts_at: datetime, reason: str, now: datetime
) -> Visit:
    """Move a visit (either side); it goes back to ``proposed`` for the other side to confirm.

    Raises:
        VisitClosed: if it is done or cancelled.
        VisitClash: if the new time overlaps the mentor's other visits.
        ValueError: for a time in the past.
    """
    visit = await _open_visit(session, visit_id)
    if starts_at <= now:
        raise ValueError("a visit must start in the future")
    await _refuse_clash(session, visit.mentor_id, starts_at, visit.duration_minutes, visit_id)
    return await visits.update_visit(
        session=session,
        visit_id=visit_id,
        now=now,
        starts_at=starts_at,
        status=Status.proposed,
        cancel_reason=reason.strip(),
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
