"""Visits of mentors to small hands: booking, overlap checks, changes, and what reminders need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import Phase, Role, VisitPurpose, VisitStatus
from storage.models import Enterprise, Pairing, Person, Visit, utcnow
from storage.repositories.lookup import get_or_raise

__all__ = [
    "ACTIVE",
    "ArmableVisit",
    "VisitContext",
    "clashing_visits",
    "create_visit",
    "get_visit",
    "list_visits",
    "update_visit",
    "visit_context",
    "visits_on_day",
    "visits_to_arm",
]


async def create_visit(
    *,
    session: AsyncSession,
    pairing_id: int,
    mentor_id: int,
    starts_at: datetime,
    duration_minutes: int = 120,
    purpose: VisitPurpose = VisitPurpose.follow_up,
    phase: Phase = Phase.middle,
    status: VisitStatus = VisitStatus.proposed,
    notes: str = "",
    help_request_id: int | None = None,
    proposed_by_id: int | None = None,
    now: datetime | None = None,
) -> Visit:
    """Add a visit; ``starts_at`` must be timezone-aware (stored in UTC); ``now`` stamps it."""
    stamp = now or utcnow()
    visit = Visit(
        created_at=stamp,
        updated_at=stamp,
        pairing_id=pairing_id,
        mentor_id=mentor_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        phase=phase,
        status=status,
        notes=notes,
        help_request_id=help_request_id,
        proposed_by_id=proposed_by_id,
    )
    session.add(visit)
    await session.flush()
    return visit


async def get_visit(*, session: AsyncSession, visit_id: int) -> Visit:
    """Return a visit by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Visit, visit_id)


async def list_visits(
    *,
    session: AsyncSession,
    pairing_id: int | None = None,
    mentor_id: int | None = None,
    statuses: tuple[VisitStatus, ...] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Visit]:
    """Visits in start order, filtered by pairing, mentor, statuses and a time window."""
    query = select(Visit).order_by(col(Visit.starts_at), col(Visit.id))
    if pairing_id is not None:
        query = query.where(col(Visit.pairing_id) == pairing_id)
    if mentor_id is not None:
        query = query.where(col(Visit.mentor_id) == mentor_id)
    if statuses is not None:
        query = query.where(col(Visit.status).in_(statuses))
    if since is not None:
        query = query.where(col(Visit.starts_at) >= since)
    if until is not None:
        query = query.where(col(Visit.starts_at) < until)
    return list((await session.execute(query)).scalars())


ACTIVE = (VisitStatus.proposed, VisitStatus.confirmed)


async def clashing_visits(
    *,
    session: AsyncSession,
    mentor_id: int,
    starts_at: datetime,
    duration_minutes: int,
    longest_minutes: int,
    exclude_id: int | None = None,
) -> list[Visit]:
    """The mentor's proposed or confirmed visits that overlap ``starts_at`` + duration.

    ``longest_minutes`` (the longest visit allowed) bounds the search window, so the overlap
    test needs no date arithmetic in SQL.
    """
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    query = select(Visit).where(
        col(Visit.mentor_id) == mentor_id,
        col(Visit.status).in_(ACTIVE),
        col(Visit.starts_at) < ends_at,
        col(Visit.starts_at) > starts_at - timedelta(minutes=longest_minutes),
    )
    if exclude_id is not None:
        query = query.where(col(Visit.id) != exclude_id)
    found = (await session.execute(query.order_by(col(Visit.starts_at)))).scalars()
    return [v for v in found if v.starts_at + timedelta(minutes=v.duration_minutes) > starts_at]


async def visits_on_day(
    *,
    session: AsyncSession,
    since: datetime,
    until: datetime,
    small_hand_id: int,
    mentor_id: int,
    exclude_id: int | None = None,
) -> list[Visit]:
    """Proposed or confirmed visits starting in ``[since, until)`` at the small hand (any
    pairing, any mentor) or of the mentor, in start order."""
    at_hand = select(col(Pairing.id)).where(col(Pairing.small_hand_id) == small_hand_id)
    query = select(Visit).where(
        col(Visit.status).in_(ACTIVE),
        col(Visit.starts_at) >= since,
        col(Visit.starts_at) < until,
        or_(col(Visit.mentor_id) == mentor_id, col(Visit.pairing_id).in_(at_hand)),
    )
    if exclude_id is not None:
        query = query.where(col(Visit.id) != exclude_id)
    return list(
        (await session.execute(query.order_by(col(Visit.starts_at), col(Visit.id)))).scalars()
    )


async def update_visit(
    *, session: AsyncSession, visit_id: int, now: datetime, **changes: object
) -> Visit:
    """Change a visit's fields (status, starts_at, notes, cancel_reason, ...) and stamp it.

    Raises:
        NotFound: if there is no such visit.
    """
    visit = await get_visit(session=session, visit_id=visit_id)
    for name, value in changes.items():
        if name not in Visit.model_fields or name in {"id", "created_at", "updated_at"}:
            raise TypeError(f"cannot update visit field {name!r}")
        setattr(visit, name, value)
    visit.updated_at = now
    await session.flush()
    return visit


@dataclass(frozen=True, slots=True)
class ArmableVisit:
    """What the scheduler needs to arm a visit's reminders."""

    id: int
    starts_at: datetime
    status: VisitStatus


async def visits_to_arm(
    *, session: AsyncSession, starting_after: datetime, changed_since: datetime | None = None
) -> list[ArmableVisit]:
    """Visits starting after ``starting_after`` (any status, so cancelled ones get disarmed),
    optionally only those changed since ``changed_since``; one statement, plain tuples."""
    query = select(col(Visit.id), col(Visit.starts_at), col(Visit.status)).where(
        col(Visit.starts_at) > starting_after
    )
    if changed_since is not None:
        query = query.where(col(Visit.updated_at) >= changed_since)
    rows = (await session.execute(query.order_by(col(Visit.starts_at), col(Visit.id)))).all()
    # A key read back from the table is never NULL; the model's ``int | None`` is for new rows.
    return [
        ArmableVisit(cast(int, vid), starts_at, VisitStatus(status))
        for vid, starts_at, status in rows
    ]


@dataclass(frozen=True, slots=True)
class VisitContext:
    """A visit with everything a reminder or a listing shows."""

    visit: Visit
    small_hand: Enterprise
    mentor: Person
    managers: list[Person]


async def visit_context(*, session: AsyncSession, visit_id: int) -> VisitContext:
    """The visit, its small hand, its mentor and the small hand's managers.

    Raises:
        NotFound: if the visit does not exist.
    """
    visit = await get_visit(session=session, visit_id=visit_id)
    pairing = await get_or_raise(session, Pairing, visit.pairing_id)
    small_hand = await get_or_raise(session, Enterprise, pairing.small_hand_id)
    mentor = await get_or_raise(session, Person, visit.mentor_id)
    managers = (
        await session.execute(
            select(Person)
            .where(col(Person.role) == Role.manager, col(Person.enterprise_id) == small_hand.id)
            .order_by(col(Person.id))
        )
    ).scalars()
    return VisitContext(visit, small_hand, mentor, list(managers))
