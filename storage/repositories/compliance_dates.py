"""Compliance dates the bureau imported (`handinhand import dates`), for the calendar."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import ComplianceDate

__all__ = ["dates_between"]


async def dates_between(
    *, session: AsyncSession, enterprise_ids: Collection[int], first: date, last: date
) -> list[ComplianceDate]:
    """The dates of ``enterprise_ids`` due from ``first`` to ``last`` (inclusive), in one query."""
    if not enterprise_ids:
        return []
    result = await session.execute(
        select(ComplianceDate)
        .where(
            col(ComplianceDate.enterprise_id).in_(sorted(enterprise_ids)),
            col(ComplianceDate.due_on) >= first,
            col(ComplianceDate.due_on) <= last,
        )
        .order_by(col(ComplianceDate.due_on), col(ComplianceDate.id))
    )
    return list(result.scalars())
