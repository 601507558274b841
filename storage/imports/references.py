"""Looking up the rows a spreadsheet refers to (enterprises by credit code, audits by date).

A spreadsheet can name more rows than one statement can bind: asyncpg refuses more than 32,767
parameters, and SQLite's default limit is about the same. Every lookup by a list of values
therefore goes through :func:`rows_in`, which asks in chunks of :data:`LOOKUP_CHUNK` within the
caller's transaction (the import stays all-or-nothing). Inserts need no such care: SQLAlchemy's
"insertmanyvalues" already pages multi-row INSERTs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from storage.enums import EnterpriseKind
from storage.imports.rows import Column, ParsedRow, RowError
from storage.models import Audit, Enterprise

__all__ = [
    "LOOKUP_CHUNK",
    "audits_by_key",
    "enterprises_by_code",
    "rows_in",
    "scalars_in",
    "small_hands_by_code",
]

# Well below every driver's limit, leaving room for the statement's other parameters.
LOOKUP_CHUNK = 10_000

_NOT_FOUND = ("未找到该企业（请先导入企业名录）", "no such enterprise (import enterprises first)")


async def rows_in(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    column: ColumnElement[Any] | Any,
    values: Iterable[Any],
) -> list[Row[*tuple[Any, ...]]]:
    """The rows of ``statement`` where ``column`` is one of ``values``, asked in chunks."""
    wanted: Sequence[Any] = sorted(set(values))
    found: list[Row[*tuple[Any, ...]]] = []
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.extend((await session.execute(statement.where(column.in_(chunk)))).all())
    return found


async def scalars_in(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    column: ColumnElement[Any] | Any,
    values: Iterable[Any],
) -> list[Any]:
    """Like :func:`rows_in`, but the first column of each row (e.g. the ORM object)."""
    return [row[0] for row in await rows_in(session, statement, column, values)]


async def enterprises_by_code(
    session: AsyncSession, codes: Iterable[str]
) -> dict[str, tuple[int, EnterpriseKind]]:
    """Map credit codes that exist to (enterprise id, kind) in one query."""
    rows = await rows_in(
        session,
        select(col(Enterprise.credit_code), col(Enterprise.id), col(Enterprise.kind)),
        Enterprise.credit_code,
        codes,
    )
    return {code: (eid, kind) for code, eid, kind in rows}


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
    rows = await rows_in(
        session,
        select(col(Audit.enterprise_id), col(Audit.audited_on), col(Audit.id)),
        Audit.enterprise_id,
        (k[0] for k in wanted),
    )
    found = {(eid, day): aid for eid, day, aid in rows}
    return {k: found[k] for k in wanted if k in found}
