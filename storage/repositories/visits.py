"""Visits of mentors to small hands (the scheduler's issue adds rescheduling and reminders)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Phase, VisitPurpose, VisitStatus
from storage.models import Visit
from storage.repositories.lookup import get_or_raise

__all__ = ["create_visit", "get_visit", "list_visits"]


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
) -> Visit:
    """Add a visit; ``starts_at`` must be timezone-aware (stored in UTC)."""
    visit = Visit(
        pairing_id=pairing_id,
        mentor_id=mentor_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        phase=phase,
        status=status,
        notes=notes,
        help_request_id=help_request_id,
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
    query = select(Visit).order_by(Visit.starts_at, Visit.id)
    if pairing_id is not None:
        query = query.where(Visit.pairing_id == pairing_id)
    if mentor_id is not None:
        query = query.where(Visit.mentor_id == mentor_id)
    if statuses is not None:
        query = query.where(Visit.status.in_(statuses))  # type: ignore[attr-defined]
    if since is not None:
        query = query.where(Visit.starts_at >= since)
    if until is not None:
        query = query.where(Visit.starts_at < until)
    return list((await session.execute(query)).scalars())
