"""Queries behind reminders, digests, escalations, the compliance calendar and the weekly summary.

Every function here answers for *all* the people or enterprises it is asked about in a bounded
number of statements (never one per item or per person), so a district's daily run stays fast.
What was sent is the ledger's business (`storage.repositories.ledger`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EnterpriseKind, Role, VisitStatus
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
        select(Person).where(Person.role.in_(tuple(roles))).order_by(Person.id)  # type: ignore[attr-defined]
    )
    return list(result.scalars())


async def unreachable_people(*, session: AsyncSession) -> list[Person]:
    """People the bot cannot message: blocked it, or never pressed Start (no chat)."""
    result = await session.execute(
        select(Person).where(~reachable()).order_by(Person.role, Person.name, Person.id)
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
        Item.due_on.is_not(None),  # type: ignore[union-attr]
        Item.due_on <= horizon,  # type: ignore[operator]
    ]
    if enterprise_ids is not None:
        if not enterprise_ids:
            return {}
        conditions.append(Item.enterprise_id.in_(tuple(enterprise_ids)))  # type: ignore[attr-defined]
    counts = (
        select(
            Item.enterprise_id,
            func.sum(case((Item.due_on < today, 1), else_=0)),  # type: ignore[operator]
            func.sum(case((Item.due_on >= today, 1), else_=0)),  # type: ignore[operator]
        )
        .where(*conditions)
        .group_by(Item.enterprise_id)
    )
    figures: dict[int, DigestFigures] = {
        row[0]: DigestFigures(int(row[1] or 0), int(row[2] or 0))
        for row in (await session.execute(counts)).all()
    }
    rank = (
        func.row_number()
        .over(partition_by=Item.enterprise_id, order_by=(Item.due_on, Item.id))
        .label("rank")
    )
    ranked = (
        select(Item.id, Item.enterprise_id, Item.finding, Item.due_on, rank)
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
    rows = (
        await session.execute(
            select(
                Item.id,
                Item.enterprise_id,
                Enterprise.name,
                Item.finding,
                Item.due_on,
                Pairing.id,
                Pairing.big_hand_id,
            )
            .join(Enterprise, Enterprise.id == Item.enterprise_id)
            .join(Pairing, Pairing.small_hand_id == Item.enterprise_id)
            .join(Round, and_(Round.id == Pairing.round_id, Round.is_current.is_(True)))  # type: ignore[attr-defined]
            .where(
                items.is_open(),
                Item.due_on < due_before,  # type: ignore[operator]
            )
            .order_by(Item.due_on, Item.id)
        )
    ).all()
    if not rows:
        return []
    pairing_ids = {row[5] for row in rows}
    big_hand_ids = {row[6] for row in rows}
    assigned: dict[int, list[int]] = defaultdict(list)
    for pairing_id, person_id in (
        await session.execute(
            select(PairingMentor.pairing_id, PairingMentor.person_id)
            .where(PairingMentor.pairing_id.in_(pairing_ids))  # type: ignore[attr-defined]
            .order_by(PairingMentor.person_id)
        )
    ).all():
        assigned[pairing_id].append(person_id)
    by_company: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, person_id in (
        await session.execute(
            select(Person.enterprise_id, Person.id)
            .where(Person.role == Role.mentor, Person.enterprise_id.in_(big_hand_ids))  # type: ignore[union-attr]
            .order_by(Person.id)
        )
    ).all():
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
        await session.execute(select(func.count(Item.id), func.sum(case((closed, 1), else_=0))))
    ).one()
    is_open = items.is_open()
    big_sub = (
        select(Enterprise.id, Enterprise.name)
        .where(Enterprise.kind == EnterpriseKind.big)
        .subquery()
    )
    groups = (
        await session.execute(
            select(
                big_sub.c.name,
                func.sum(case((is_open & (Item.due_on < today), 1), else_=0)),  # type: ignore[operator]
                func.sum(case((is_open & (Item.due_on < long_overdue_before), 1), else_=0)),  # type: ignore[operator]
            )
            .select_from(Item)
            .join(Pairing, Pairing.small_hand_id == Item.enterprise_id)
            .join(Round, and_(Round.id == Pairing.round_id, Round.is_current.is_(True)))  # type: ignore[attr-defined]
            .join(big_sub, big_sub.c.id == Pairing.big_hand_id)
            .group_by(big_sub.c.id, big_sub.c.name)
            .order_by(big_sub.c.name)
        )
    ).all()
    visits_done = (
        await session.execute(
            select(func.count(Visit.id)).where(
                Visit.status == VisitStatus.done,
                Visit.starts_at >= week_start,
                Visit.starts_at < week_end,
            )
        )
    ).scalar_one()
    visits_planned = (
        await session.execute(
            select(func.count(Visit.id)).where(
                Visit.status.in_((VisitStatus.proposed, VisitStatus.confirmed)),  # type: ignore[attr-defined]
                Visit.starts_at >= week_end,
            )
        )
    ).scalar_one()
    help_open = (
        await session.execute(
            select(func.count(HelpRequest.id)).where(
                HelpRequest.status.in_(help_requests.OPEN)  # type: ignore[attr-defined]
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
            Enterprise.id,
            Enterprise.name,
            Enterprise.permit_type,
            Enterprise.permit_expiry,
            Enterprise.emergency_plan_filed_on,
            Person.id,
        )
        .join(Person, Person.enterprise_id == Enterprise.id)
        .where(Enterprise.kind == EnterpriseKind.small, Person.role == Role.manager)
        .order_by(Enterprise.id, Person.id)
    )
    if manager_ids is not None:
        query = query.where(Person.id.in_(tuple(manager_ids)))  # type: ignore[union-attr]
    sources: dict[int, CalendarSource] = {}
    for eid, name, permit_type, expiry, filed_on, person_id in (await session.execute(query)).all():
        known = sources.get(eid)
        managers = (*known.manager_ids, person_id) if known else (person_id,)
        sources[eid] = CalendarSource(eid, name, str(permit_type), expiry, filed_on, managers)
    return list(sources.values())
