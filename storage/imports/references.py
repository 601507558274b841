"""Looking up the rows a spreadsheet refers to (enterprises by credit code, audits by date)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EnterpriseKind
from storage.imports.rows import Column, ParsedRow, RowError
from storage.models import Audit, Enterprise

__all__ = ["audits_by_key", "enterprises_by_code", "small_hands_by_code"]

_NOT_FOUND = ("未找到该企业（请先导入企业名录）", "no such enterprise (import enterprises first)")


async def enterprises_by_code(
    session: AsyncSession, codes: Iterable[str]
) -> dict[str, tuple[int, EnterpriseKind]]:
    """Map credit codes that exist to (enterprise id, kind) in one query."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    result = await session.execute(
        select(Enterprise.credit_code, Enterprise.id, Enterprise.kind).where(
            Enterprise.credit_code.in_(wanted)  # type: ignore[attr-defined]
        )
    )
    return {code: (eid, kind) for code, eid, kind in result.all()}


async def small_hands_by_code(
    session: AsyncSession, rows: list[ParsedRow], column: Column, errors: list[RowError]
) -> dict[str, int]:
    """Map the small hands named in ``column`` to their ids; other codes become errors."""
    known = await enterprises_by_code(session, [r.values[column.key] for r in rows])
    for row in rows:
        found = known.get(row.values[column.key])
        if found is None:
            errors.append(column.error(row.row, *_NOT_FOUND))
        elif found[1] is not EnterpriseKind.small:
            errors.append(column.error(row.row, "该企业不是小手", "not a small hand"))
    return {code: eid for code, (eid, kind) in known.items() if kind is EnterpriseKind.small}


async def audits_by_key(
    session: AsyncSession, keys: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], int]:
    """Map (enterprise id, audit date) pairs that exist to the audit id in one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    enterprise_ids = sorted({k[0] for k in wanted})
    result = await session.execute(
        select(Audit.enterprise_id, Audit.audited_on, Audit.id).where(
            Audit.enterprise_id.in_(enterprise_ids)  # type: ignore[attr-defined]
        )
    )
    found = {(eid, day): aid for eid, day, aid in result.all()}
    return {k: found[k] for k in wanted if k in found}
