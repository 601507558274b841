"""Enterprises (big and small hands)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.credit_code import validate_credit_code
from storage.enums import EnterpriseKind
from storage.errors import Conflict, NotFound
from storage.models import Enterprise
from storage.repositories.lookup import get_or_raise

__all__ = [
    "create_enterprise",
    "find_by_credit_code",
    "get_by_credit_code",
    "get_enterprise",
    "list_enterprises",
    "search_enterprises",
]


async def get_enterprise(*, session: AsyncSession, enterprise_id: int) -> Enterprise:
    """Return an enterprise by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Enterprise, enterprise_id)


async def find_by_credit_code(*, session: AsyncSession, credit_code: str) -> Enterprise | None:
    """Return the enterprise with this credit code (any spacing or case), or ``None``.

    Raises:
        InvalidCreditCode: if the code itself is malformed.
    """
    code = validate_credit_code(credit_code)
    result = await session.execute(select(Enterprise).where(col(Enterprise.credit_code) == code))
    return result.scalar_one_or_none()


async def get_by_credit_code(*, session: AsyncSession, credit_code: str) -> Enterprise:
    """Like :func:`find_by_credit_code` but raises :class:`NotFound` when absent."""
    found = await find_by_credit_code(session=session, credit_code=credit_code)
    if found is None:
        raise NotFound("enterprises", credit_code)
    return found


async def list_enterprises(
    *,
    session: AsyncSession,
    kind: EnterpriseKind | None = None,
    town: str | None = None,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Enterprise]:
    """List enterprises ordered by name, optionally filtered by kind, town or ids."""
    query = select(Enterprise).order_by(col(Enterprise.name), col(Enterprise.id))
    if kind is not None:
        query = query.where(col(Enterprise.kind) == kind)
    if town is not None:
        query = query.where(col(Enterprise.town) == town)
    if ids is not None:
        query = query.where(col(Enterprise.id).in_(ids))
    query = query.offset(offset).limit(limit)
    return list((await session.execute(query)).scalars())


async def search_enterprises(
    *, session: AsyncSession, text: str, limit: int | None = 50
) -> list[Enterprise]:
    """Enterprises whose name, credit code, town or industry contains ``text`` (any case).

    Every word of ``text`` must match one of those fields; ordered by name.
    """
    query = select(Enterprise).order_by(col(Enterprise.name), col(Enterprise.id))
    fields = (Enterprise.name, Enterprise.credit_code, Enterprise.town, Enterprise.industry)
    for word in text.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(col(f).ilike(pattern, escape="\\") for f in fields)))
    return list((await session.execute(query.limit(limit))).scalars())


async def create_enterprise(
    *, session: AsyncSession, kind: EnterpriseKind, name: str, credit_code: str, **fields: Any
) -> Enterprise:
    """Add an enterprise after validating its credit code.

    Args:
        session: the unit of work.
        kind: big or small hand.
        name: the registered name.
        credit_code: the unified social credit code; normalised before storing.
        **fields: any other :class:`~storage.models.Enterprise` column.

    Raises:
        InvalidCreditCode: if the code fails GB 32100-2015.
        Conflict: if an enterprise with this code exists.
    """
    code = validate_credit_code(credit_code)
    existing = await session.execute(
        select(col(Enterprise.id)).where(col(Enterprise.credit_code) == code)
    )
    if existing.first() is not None:
        raise Conflict("enterprises", code)
    enterprise = Enterprise(kind=kind, name=name.strip(), credit_code=code, **fields)
    session.add(enterprise)
    await session.flush()
    return enterprise
