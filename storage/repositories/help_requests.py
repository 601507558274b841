"""Help requests (/helpme): a manager's call to their mentor, and what was done about it.

Every change of status goes through `change_status`, which writes the request and one row of
its history (``help_request_events``) together. "Open" means not yet resolved or closed
(`OPEN`): the bureau's /stats counts exactly what /requests lists.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import HelpEventKind, HelpStatus
from storage.errors import NotFound
from storage.models import Enterprise, HelpRequest, HelpRequestEvent, Pairing, Person, utcnow

__all__ = [
    "OPEN",
    "HelpLine",
    "Unacknowledged",
    "add_event",
    "change_status",
    "count_open",
    "create_help_request",
    "events_of",
    "get_help_request",
    "list_open",
    "set_help_status",
    "unacknowledged",
]

OPEN: tuple[HelpStatus, ...] = (
    HelpStatus.open,
    HelpStatus.acknowledged,
    HelpStatus.visit_proposed,
    HelpStatus.visit_booked,
)
"""The statuses of a request still waiting for its outcome."""


async def create_help_request(
    *,
    session: AsyncSession,
    person_id: int,
    enterprise_id: int,
    text: str,
    pairing_id: int | None = None,
    photo_file_ids: Sequence[str] = (),
    urgent: bool = False,
    now: datetime | None = None,
) -> HelpRequest:
    """Record a help request and its "created" event; returns the row with its id."""
    moment = now or utcnow()
    row = HelpRequest(
        person_id=person_id,
        enterprise_id=enterprise_id,
        pairing_id=pairing_id,
        text=text,
        photo_file_ids=list(photo_file_ids),
        urgent=urgent,
        created_at=moment,
        updated_at=moment,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    await add_event(
        session=session,
        request_id=row.id,
        actor_id=person_id,
        kind=HelpEventKind.created,
        to_status=HelpStatus.open,
        now=moment,
    )
    return row


async def get_help_request(*, session: AsyncSession, request_id: int) -> HelpRequest:
    """Return one help request.

    Raises:
        NotFound: if there is no such request.
    """
    row = await session.get(HelpRequest, request_id)
    if row is None:
        raise NotFound("help request", request_id)
    return row


async def add_event(
    *,
    session: AsyncSession,
    request_id: int,
    actor_id: int | None,
    kind: HelpEventKind,
    to_status: HelpStatus,
    now: datetime,
    note: str = "",
    visit_id: int | None = None,
) -> HelpRequestEvent:
    """Append one line to a request's history."""
    event = HelpRequestEvent(
        request_id=request_id,
        actor_id=actor_id,
        kind=kind,
        to_status=to_status,
        visit_id=visit_id,
        note=note,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


async def change_status(
    *,
    session: AsyncSession,
    request_id: int,
    to: HelpStatus,
    kind: HelpEventKind,
    actor_id: int | None,
    now: datetime,
    note: str = "",
    visit_id: int | None = None,
) -> HelpRequest:
    """Move a request to ``to`` and record who did it (``kind``) in its history.

    Acknowledging stamps ``acknowledged_at`` (once); resolving or closing stamps ``closed_at``
    and keeps ``note`` as the outcome.

    Raises:
        NotFound: if there is no such request.
    """
    row = await get_help_request(session=session, request_id=request_id)
    row.status = to
    row.updated_at = now
    if kind is HelpEventKind.acknowledged and row.acknowledged_at is None:
        row.acknowledged_at = now
    if to in (HelpStatus.resolved, HelpStatus.closed):
        row.closed_at = now
        row.outcome = note
    await session.flush()
    await add_event(
        session=session,
        request_id=request_id,
        actor_id=actor_id,
        kind=kind,
        to_status=to,
        now=now,
        note=note,
        visit_id=visit_id,
    )
    return row


async def set_help_status(
    *, session: AsyncSession, request_id: int, status: HelpStatus, now: datetime | None = None
) -> HelpRequest:
    """Move a help request to ``status`` without an actor (kept for older callers).

    Raises:
        NotFound: if there is no such request.
    """
    kinds = {
        HelpStatus.acknowledged: HelpEventKind.acknowledged,
        HelpStatus.visit_proposed: HelpEventKind.visit_booked,
        HelpStatus.visit_booked: HelpEventKind.visit_booked,
        HelpStatus.resolved: HelpEventKind.resolved,
    }
    return await change_status(
        session=session,
        request_id=request_id,
        to=status,
        kind=kinds.get(status, HelpEventKind.closed),
        actor_id=None,
        now=now or utcnow(),
    )


@dataclass(frozen=True, slots=True)
class HelpLine:
    """One open request as /requests lists it."""

    id: int
    enterprise_id: int
    enterprise: str
    asker: str
    text: str
    urgent: bool
    status: HelpStatus
    created_at: datetime
    photos: int


def _open_query(enterprise_ids: Collection[int] | None) -> Select[HelpRequest]:
    query = select(HelpRequest).where(col(HelpRequest.status).in_(OPEN))
    if enterprise_ids is not None:
        query = query.where(col(HelpRequest.enterprise_id).in_(list(enterprise_ids)))
    return query


async def list_open(
    *,
    session: AsyncSession,
    enterprise_ids: Collection[int] | None,
    limit: int | None = None,
) -> list[HelpLine]:
    """Open requests of these small hands (None: all), urgent first, then oldest first."""
    if enterprise_ids is not None and not enterprise_ids:
        return []
    base = _open_query(enterprise_ids).subquery()
    query = (
        select(
            base.c.id,
            base.c.enterprise_id,
            col(Enterprise.name),
            col(Person.name),
            base.c.text,
            base.c.urgent,
            base.c.status,
            base.c.created_at,
            base.c.photo_file_ids,
        )
        .join(Enterprise, col(Enterprise.id) == base.c.enterprise_id)
        .join(Person, col(Person.id) == base.c.person_id)
        .order_by(case((base.c.urgent.is_(True), 0), else_=1), base.c.created_at, base.c.id)
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [
        HelpLine(
            id=row[0],
            enterprise_id=row[1],
            enterprise=row[2],
            asker=row[3],
            text=row[4],
            urgent=bool(row[5]),
            status=HelpStatus(row[6]),
            created_at=row[7],
            photos=len(row[8] or []),
        )
        for row in rows
    ]


async def count_open(*, session: AsyncSession, enterprise_ids: Collection[int] | None) -> int:
    """How many requests `list_open` would list (without a limit)."""
    if enterprise_ids is not None and not enterprise_ids:
        return 0
    base = _open_query(enterprise_ids).subquery()
    return int((await session.execute(select(func.count()).select_from(base))).scalar_one())


async def events_of(
    *, session: AsyncSession, request_id: int
) -> list[tuple[HelpRequestEvent, str]]:
    """A request's history, oldest first, with each actor's name ("" for the system)."""
    query = (
        select(HelpRequestEvent, col(Person.name))
        .outerjoin(Person, col(Person.id) == col(HelpRequestEvent.actor_id))
        .where(col(HelpRequestEvent.request_id) == request_id)
        .order_by(col(HelpRequestEvent.created_at), col(HelpRequestEvent.id))
    )
    return [(event, name or "") for event, name in (await session.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """A request nobody has acknowledged yet, with the big hand whose mentors may be told."""

    request: HelpRequest
    enterprise: str
    big_hand_id: int | None


async def unacknowledged(*, session: AsyncSession) -> list[Unacknowledged]:
    """Every request still ``open`` (nobody acknowledged it), oldest first."""
    query = (
        select(HelpRequest, col(Enterprise.name), col(Pairing.big_hand_id))
        .join(Enterprise, col(Enterprise.id) == col(HelpRequest.enterprise_id))
        .outerjoin(Pairing, col(Pairing.id) == col(HelpRequest.pairing_id))
        .where(col(HelpRequest.status) == HelpStatus.open)
        .order_by(col(HelpRequest.created_at), col(HelpRequest.id))
    )
    return [
        Unacknowledged(request, name, big_hand_id)
        for request, name, big_hand_id in (await session.execute(query)).all()
    ]
