"""Rectification items: listing, counting, status changes with history, evidence.

Status moves (anything else raises :class:`~storage.errors.InvalidTransition`)::

    open ─┬─► in_progress ─┬─► submitted ─┬─► verified
          │                │              └─► returned ─► in_progress | submitted | waived
          ├─► submitted    └─► waived
          └─► waived

Every change appends an :class:`~storage.models.ItemHistory` row (actor, from, to, comment, UTC
time); history rows are never updated or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import ITEM_CLOSED, ITEM_OPEN, EvidenceKind, ItemStatus, Severity, SubCategory
from storage.errors import InvalidTransition, NotFound
from storage.models import Evidence, Item, ItemHistory, Pairing, Visit, utcnow
from storage.repositories.lookup import get_or_raise

__all__ = [
    "CLOSED",
    "TRANSITIONS",
    "ItemCounts",
    "add_evidence",
    "change_status",
    "count_items",
    "counts_by_enterprise",
    "create_item",
    "create_item_on_visit",
    "evidence_of",
    "get_item",
    "history_of",
    "is_closed",
    "is_open",
    "list_open_items",
]

TRANSITIONS: dict[ItemStatus, frozenset[ItemStatus]] = {
    ItemStatus.open: frozenset({ItemStatus.in_progress, ItemStatus.submitted, ItemStatus.waived}),
    ItemStatus.in_progress: frozenset({ItemStatus.submitted, ItemStatus.waived}),
    ItemStatus.submitted: frozenset({ItemStatus.verified, ItemStatus.returned}),
    ItemStatus.returned: frozenset(
        {ItemStatus.in_progress, ItemStatus.submitted, ItemStatus.waived}
    ),
    ItemStatus.verified: frozenset(),
    ItemStatus.waived: frozenset(),
}
CLOSED = ITEM_CLOSED


def is_open() -> ColumnElement[bool]:
    """An item is open (`storage.enums.ITEM_OPEN`), as a WHERE clause."""
    return col(Item.status).in_(ITEM_OPEN)


def is_closed() -> ColumnElement[bool]:
    """An item is closed: verified or waived."""
    return col(Item.status).in_(ITEM_CLOSED)


@dataclass(frozen=True, slots=True)
class ItemCounts:
    """Item figures for one enterprise or the whole programme."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    submitted: int = 0
    verified: int = 0
    waived: int = 0

    @property
    def completion_rate(self) -> float:
        """Share of items closed (verified or waived), 0.0–1.0; 1.0 when there are no items."""
        return (self.verified + self.waived) / self.total if self.total else 1.0


async def get_item(*, session: AsyncSession, item_id: int) -> Item:
    """Return an item by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Item, item_id)


async def create_item(
    *,
    session: AsyncSession,
    enterprise_id: int,
    sub_category: SubCategory,
    finding: str,
    measure: str = "",
    severity: Severity = Severity.medium,
    due_on: date | None = None,
    audit_id: int | None = None,
    visit_id: int | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> Item:
    """Add an open item and its first history row (from nothing to ``open``)."""
    now = now or utcnow()
    item = Item(
        enterprise_id=enterprise_id,
        sub_category=sub_category,
        finding=finding.strip(),
        measure=measure.strip(),
        severity=severity,
        due_on=due_on,
        audit_id=audit_id,
        visit_id=visit_id,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    await session.flush()
    assert item.id is not None  # the flush above assigned the key
    session.add(
        ItemHistory(item_id=item.id, actor_id=actor_id, to_status=ItemStatus.open, created_at=now)
    )
    await session.flush()
    return item


async def create_item_on_visit(
    *,
    session: AsyncSession,
    visit_id: int,
    sub_category: SubCategory,
    finding: str,
    measure: str = "",
    severity: Severity = Severity.medium,
    due_on: date | None = None,
    actor_id: int | None = None,
) -> Item:
    """Add an item a mentor found on a visit, for the visited small hand.

    Raises:
        NotFound: if the visit does not exist.
    """
    visit = await get_or_raise(session, Visit, visit_id)
    pairing = await get_or_raise(session, Pairing, visit.pairing_id)
    return await create_item(
        session=session,
        enterprise_id=pairing.small_hand_id,
        sub_category=sub_category,
        finding=finding,
        measure=measure,
        severity=severity,
        due_on=due_on,
        visit_id=visit_id,
        actor_id=actor_id,
    )


async def list_open_items(
    *,
    session: AsyncSession,
    enterprise_id: int,
    today: date,
    limit: int | None = 10,
    offset: int = 0,
) -> list[Item]:
    """An enterprise's items not yet verified or waived: overdue first, then by due date.

    Args:
        session: the unit of work.
        enterprise_id: the small hand.
        today: the local date that decides what is overdue (the caller knows the time zone).
        limit: page size (``None`` for all).
        offset: items to skip (page number × page size).
    """
    overdue_first = case((col(Item.due_on) < today, 0), else_=1)
    query = (
        select(Item)
        .where(col(Item.enterprise_id) == enterprise_id, is_open())
        .order_by(overdue_first, col(Item.due_on).is_(None), col(Item.due_on), col(Item.id))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


def _count_columns(today: date) -> list[ColumnElement[Any]]:
    open_ = is_open()
    return [
        func.count(col(Item.id)),
        func.sum(case((open_, 1), else_=0)),
        func.sum(case((open_ & (col(Item.due_on) < today), 1), else_=0)),
        func.sum(case((col(Item.status) == ItemStatus.submitted, 1), else_=0)),
        func.sum(case((col(Item.status) == ItemStatus.verified, 1), else_=0)),
        func.sum(case((col(Item.status) == ItemStatus.waived, 1), else_=0)),
    ]


def _counts(row: Sequence[int | None]) -> ItemCounts:
    return ItemCounts(*(int(v or 0) for v in row))


async def count_items(
    *, session: AsyncSession, today: date, enterprise_id: int | None = None
) -> ItemCounts:
    """Totals, open, overdue and closed counts for one enterprise or (``None``) all of them."""
    query = select(*_count_columns(today))
    if enterprise_id is not None:
        query = query.where(col(Item.enterprise_id) == enterprise_id)
    return _counts((await session.execute(query)).one())


async def counts_by_enterprise(
    *, session: AsyncSession, today: date, enterprise_ids: Sequence[int]
) -> dict[int, ItemCounts]:
    """:func:`count_items` for many enterprises in one query; absent ones get zero counts."""
    query = (
        select(col(Item.enterprise_id), *_count_columns(today))
        .where(col(Item.enterprise_id).in_(enterprise_ids))
        .group_by(col(Item.enterprise_id))
    )
    found = {row[0]: _counts(row[1:]) for row in (await session.execute(query)).all()}
    return {eid: found.get(eid, ItemCounts()) for eid in enterprise_ids}


async def change_status(
    *,
    session: AsyncSession,
    item_id: int,
    to: ItemStatus,
    actor_id: int | None,
    comment: str = "",
    now: datetime | None = None,
) -> Item:
    """Move an item to status ``to`` and append the change to its history.

    The row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) so that two people acting at once
    cannot both move it from the same status.

    Raises:
        NotFound: if there is no such item.
        InvalidTransition: if the move is not allowed from the item's current status.
    """
    now = now or utcnow()
    result = await session.execute(
        select(Item)
        .where(col(Item.id) == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    item = result.scalar_one_or_none()
    if item is None:
        raise NotFound("items", item_id)
    current = item.status
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(item_id, current.value, to.value)
    item.status = to
    item.updated_at = now
    item.closed_at = now if to in CLOSED else None
    session.add(
        ItemHistory(
            item_id=item_id,
            actor_id=actor_id,
            from_status=current,
            to_status=to,
            comment=comment,
            created_at=now,
        )
    )
    await session.flush()
    return item


async def history_of(*, session: AsyncSession, item_id: int) -> list[ItemHistory]:
    """An item's status changes in the order they were made."""
    result = await session.execute(
        select(ItemHistory).where(col(ItemHistory.item_id) == item_id).order_by(col(ItemHistory.id))
    )
    return list(result.scalars())


async def add_evidence(
    *,
    session: AsyncSession,
    item_id: int,
    person_id: int | None,
    kind: EvidenceKind,
    telegram_file_id: str | None = None,
    note: str = "",
) -> Evidence:
    """Attach a photo or document (by Telegram file id) or a note to an item.

    Raises:
        NotFound: if there is no such item.
        ValueError: for a photo or document without a file id.
    """
    await get_item(session=session, item_id=item_id)
    if kind is not EvidenceKind.note and not telegram_file_id:
        raise ValueError("photo and document evidence needs a Telegram file id")
    evidence = Evidence(
        item_id=item_id,
        person_id=person_id,
        kind=kind,
        telegram_file_id=telegram_file_id,
        note=note,
    )
    session.add(evidence)
    await session.flush()
    return evidence


async def evidence_of(*, session: AsyncSession, item_id: int) -> list[Evidence]:
    """An item's evidence, oldest first."""
    result = await session.execute(
        select(Evidence).where(col(Evidence.item_id) == item_id).order_by(col(Evidence.id))
    )
    return list(result.scalars())
