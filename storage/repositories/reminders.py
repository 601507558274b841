"""Queries behind reminders, digests, escalations, the compliance calendar and the weekly summary.

Every function here answers for *all* the people or enterprises it is asked about in a bounded
number of statements (never one per item or per person), so a district's daily run stays fast.
What was sent is the ledger's business (`storage.repositories.ledger`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import EnterpriseKind, PermitType, Role, VisitStatus
from storage.models import (
    Enterprise,
    HelpRequest,
    Item,
    Pairing,
    PairingMentor,
    Person,
    Round,
    Visit,
)
from storage.repositories import help_requests, items
from storage.repositories.people import reachable

__all__ = [
    "CalendarSource",
    "DigestFigures",
    "DueItem",
    "GroupFigures",
    "OverdueItem",
    "WeeklyFigures",
    "calendar_sources",
    "digest_figures",
    "overdue_items_for_mentors",
    "people_with_roles",
    "unreachable_people",
    "weekly_figures",
]


async def people_with_roles(*, session: AsyncSession, roles: Collection[Role]) -> list[Person]:
    """Everyone with one of ``roles`` (reachable or not: callers skip and list the others)."""
    result = await session.execute(
        select(Person).where(col(Person.role).in_(tuple(roles))).order_by(col(Person.id))
    )
    return list(result.scalars())


async def unreachable_people(*, session: AsyncSession) -> list[Person]:
    """People the bot cannot message: blocked it, or never pressed Start (no chat)."""
    result = await session.execute(
        select(Person)
        .where(~reachable())
        .order_by(col(Person.role), col(Person.name), col(Person.id))
    )
    return list(result.scalars())


# --- digests -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open item in a digest or a reminder."""

    id: int
    finding: str
    due_on: date | None


@dataclass(slots=True)
class DigestFigures:
    """One small hand's open items that are overdue or due soon, with the most urgent few."""

    overdue: int = 0
    due_soon: int = 0
    top: list[DueItem] = field(default_factory=list)


async def digest_figures(
    *,
    session: AsyncSession,
    today: date,
    horizon: date,
    enterprise_ids: Collection[int] | None = None,
    top: int = 5,
) -> dict[int, DigestFigures]:
    """Counts of overdue and due-by-``horizon`` open items per enterprise, plus the ``top`` most
    urgent of each, in two statements. Enterprises with nothing due are absent."""
    conditions = [
        items.is_open(),
        col(Item.due_on).is_not(None),
        col(Item.due_on) <= horizon,
    ]
    if enterprise_ids is not None:
        if not enterprise_ids:
            return {}
        conditions.append(col(Item.enterprise_id).in_(tuple(enterprise_ids)))
    counts = (
        select(
            col(Item.enterprise_id),
            func.sum(case((col(Item.due_on) < today, 1), else_=0)),
            func.sum(case((col(Item.due_on) >= today, 1), else_=0)),
        )
        .where(*conditions)
        .group_by(col(Item.enterprise_id))
    )
    figures: dict[int, DigestFigures] = {
        row[0]: DigestFigures(int(row[1] or 0), int(row[2] or 0))
        for row in (await session.execute(counts)).all()
    }
    rank = (
        func.row_number()
        .over(partition_by=col(Item.enterprise_id), order_by=(col(Item.due_on), col(Item.id)))
        .label("rank")
    )
    ranked = (
        select(col(Item.id), col(Item.enterprise_id), col(Item.finding), col(Item.due_on), rank)
        .where(*conditions)
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.id, ranked.c.enterprise_id, ranked.c.finding, ranked.c.due_on)
        .where(ranked.c.rank <= top)
        .order_by(ranked.c.enterprise_id, ranked.c.rank)
    )
    for item_id, enterprise_id, finding, due_on in rows.all():
        figures[enterprise_id].top.append(DueItem(item_id, finding, due_on))
    return figures


# --- escalation --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """An item overdue past the mentor threshold, with the mentors to tell."""

    id: int
    enterprise_id: int
    enterprise_name: str
    finding: str
    due_on: date
    mentor_ids: tuple[int, ...]


async def overdue_items_for_mentors(
    *, session: AsyncSession, due_before: date
) -> list[OverdueItem]:
    """Open items due before ``due_before`` of small hands paired this round, with their mentors
    (those assigned to the pairing, else every mentor of the big hand), in three statements."""
    query = (
        select(
            col(Item.id),
            col(Item.enterprise_id),
            col(Enterprise.name),
            col(Item.finding),
            col(Item.due_on),
            col(Pairing.id),
            col(Pairing.big_hand_id),
        )
        .join(Enterprise, col(Enterprise.id) == col(Item.enterprise_id))
        .join(Pairing, col(Pairing.small_hand_id) == col(Item.enterprise_id))
        .join(Round, and_(col(Round.id) == col(Pairing.round_id), col(Round.is_current).is_(True)))
        .where(items.is_open(), col(Item.due_on) < due_before)
        .order_by(col(Item.due_on), col(Item.id))
    )
    # Keys read back are never NULL, and the WHERE leaves out items without a due date.
    rows = cast(
        Sequence[tuple[int, int, str, str, date, int, int]],
        (await session.execute(query)).all(),
    )
    if not rows:
        return []
    pairing_ids = {row[5] for row in rows}
    big_hand_ids = {row[6] for row in rows}
    assigned: dict[int, list[int]] = defaultdict(list)
    for pairing_id, person_id in (
        await session.execute(
            select(col(PairingMentor.pairing_id), col(PairingMentor.person_id))
            .where(col(PairingMentor.pairing_id).in_(pairing_ids))
            .order_by(col(PairingMentor.person_id))
        )
    ).all():
        assigned[pairing_id].append(person_id)
    mentors = (
        select(col(Person.enterprise_id), col(Person.id))
        .where(col(Person.role) == Role.mentor, col(Person.enterprise_id).in_(big_hand_ids))
        .order_by(col(Person.id))
    )
    by_company: dict[int, list[int]] = defaultdict(list)
    # IN leaves out people without an enterprise; keys read back are never NULL.
    for enterprise_id, person_id in cast(
        Sequence[tuple[int, int]], (await session.execute(mentors)).all()
    ):
        by_company[enterprise_id].append(person_id)
    return [
        OverdueItem(
            item_id,
            enterprise_id,
            name,
            finding,
            due_on,
            tuple(assigned.get(pairing_id) or by_company.get(big_hand_id, [])),
        )
        for item_id, enterprise_id, name, finding, due_on, pairing_id, big_hand_id in rows
    ]


# --- weekly summary ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """One big hand's group of small hands: open items overdue, and overdue past the long limit."""

    big_hand: str
    overdue: int
    long_overdue: int


@dataclass(frozen=True, slots=True)
class WeeklyFigures:
    """The bureau's weekly summary."""

    total_items: int
    closed_items: int
    groups: list[GroupFigures]
    visits_done: int
    visits_planned: int
    help_open: int

    @property
    def completion_rate(self) -> float:
        return self.closed_items / self.total_items if self.total_items else 1.0


async def weekly_figures(
    *,
    session: AsyncSession,
    today: date,
    long_overdue_before: date,
    week_start: datetime,
    week_end: datetime,
) -> WeeklyFigures:
    """Completion, overdue per big-hand group, visits done in and planned for the week around
    ``week_start``–``week_end``, and open help requests; five statements."""
    closed = items.is_closed()
    total, done = (
        await session.execute(
            select(func.count(col(Item.id)), func.sum(case((closed, 1), else_=0)))
        )
    ).one()
    is_open = items.is_open()
    big_sub = (
        select(col(Enterprise.id), col(Enterprise.name))
        .where(col(Enterprise.kind) == EnterpriseKind.big)
        .subquery()
    )
    groups = (
        await session.execute(
            select(
                big_sub.c.name,
                func.sum(case((is_open & (col(Item.due_on) < today), 1), else_=0)),
                func.sum(case((is_open & (col(Item.due_on) < long_overdue_before), 1), else_=0)),
            )
            .select_from(Item)
            .join(Pairing, col(Pairing.small_hand_id) == col(Item.enterprise_id))
            .join(
                Round, and_(col(Round.id) == col(Pairing.round_id), col(Round.is_current).is_(True))
            )
            .join(big_sub, big_sub.c.id == col(Pairing.big_hand_id))
            .group_by(big_sub.c.id, big_sub.c.name)
            .order_by(big_sub.c.name)
        )
    ).all()
    visits_done = (
        await session.execute(
            select(func.count(col(Visit.id))).where(
                col(Visit.status) == VisitStatus.done,
                col(Visit.starts_at) >= week_start,
                col(Visit.starts_at) < week_end,
            )
        )
    ).scalar_one()
    visits_planned = (
        await session.execute(
            select(func.count(col(Visit.id))).where(
                col(Visit.status).in_((VisitStatus.proposed, VisitStatus.confirmed)),
                col(Visit.starts_at) >= week_end,
            )
        )
    ).scalar_one()
    help_open = (
        await session.execute(
            select(func.count(col(HelpRequest.id))).where(
                col(HelpRequest.status).in_(help_requests.OPEN)
            )
        )
    ).scalar_one()
    return WeeklyFigures(
        total_items=int(total or 0),
        closed_items=int(done or 0),
        groups=[GroupFigures(name, int(o or 0), int(lo or 0)) for name, o, lo in groups if o or lo],
        visits_done=int(visits_done),
        visits_planned=int(visits_planned),
        help_open=int(help_open),
    )


# --- compliance calendar -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """A small hand's dates that compliance deadlines follow from, and its managers."""

    enterprise_id: int
    name: str
    permit_type: str
    permit_expiry: date | None
    emergency_plan_filed_on: date | None
    manager_ids: tuple[int, ...]


async def calendar_sources(
    *, session: AsyncSession, manager_ids: Collection[int] | None = None
) -> list[CalendarSource]:
    """Small hands with at least one manager (optionally only those of ``manager_ids``)."""
    query = (
        select(
            col(Enterprise.id),
            col(Enterprise.name),
            col(Enterprise.permit_type),
            col(Enterprise.permit_expiry),
            col(Enterprise.emergency_plan_filed_on),
            col(Person.id),
        )
        .join(Person, col(Person.enterprise_id) == col(Enterprise.id))
        .where(col(Enterprise.kind) == EnterpriseKind.small, col(Person.role) == Role.manager)
        .order_by(col(Enterprise.id), col(Person.id))
    )
    if manager_ids is not None:
        query = query.where(col(Person.id).in_(tuple(manager_ids)))
    # Keys read back are never NULL.
    rows = cast(
        Sequence[tuple[int, str, PermitType, date | None, date | None, int]],
        (await session.execute(query)).all(),
    )
    sources: dict[int, CalendarSource] = {}
    for eid, name, permit_type, expiry, filed_on, person_id in rows:
        known = sources.get(eid)
        managers = (*known.manager_ids, person_id) if known else (person_id,)
        sources[eid] = CalendarSource(eid, name, str(permit_type), expiry, filed_on, managers)
    return list(sources.values())
