"""Importing compliance dates (合规日期): deadlines the bureau knows of beyond an enterprise's own
date columns — an EIA re-approval, a monitoring report, a discharge-permit change.

Keyed by small hand + kind + due date; re-importing a row updates its title and note in place.
The compliance calendar reminds the enterprise's managers ahead of each date.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import ComplianceDateKind
from storage.imports.duplicates import DuplicateCheck
from storage.imports.labels import COMPLIANCE_DATE_ZH
from storage.imports.references import scalars_in, small_hands_by_code
from storage.imports.report import Counts
from storage.imports.rows import (
    Column,
    ParsedRow,
    RowError,
    credit_code_cell,
    date_cell,
    enum_cell,
    text_cell,
    text_cell_up_to,
)
from storage.models import ComplianceDate

__all__ = ["COLUMNS", "apply"]

_CODE = Column("credit_code", "统一社会信用代码", credit_code_cell, aliases=("信用代码",))
_DUE = Column("due_on", "截止日期", date_cell, aliases=("到期日期", "日期"))
COLUMNS = (
    _CODE,
    Column(
        "kind",
        "事项",
        enum_cell(ComplianceDateKind, COMPLIANCE_DATE_ZH),
        aliases=("类型", "事项类型"),
    ),
    _DUE,
    Column("title", "名称", text_cell_up_to(200), aliases=("事项名称", "标题")),
    Column("note", "备注", text_cell, required=False),
)


async def apply(session: AsyncSession, rows: list[ParsedRow], errors: list[RowError]) -> Counts:
    """Validate ``rows`` against the database; write them only if ``errors`` stays empty."""
    # Only small hands have managers for the calendar to remind.
    known = await small_hands_by_code(session, rows, _CODE, errors)
    duplicates = DuplicateCheck(_DUE)
    for row in rows:
        key = (row.values["credit_code"], row.values["kind"], row.values["due_on"])
        if (error := duplicates.check(key, row.row)) is not None:
            errors.append(error)
    if errors:
        return Counts()

    ids = sorted({known[r.values["credit_code"]] for r in rows})
    stored = await scalars_in(session, select(ComplianceDate), ComplianceDate.enterprise_id, ids)
    existing = {(d.enterprise_id, d.kind, d.due_on): d for d in stored}
    counts = Counts()
    for row in rows:
        v = row.values
        enterprise_id = known[v["credit_code"]]
        title, note = v["title"], v["note"] or ""
        found = existing.get((enterprise_id, v["kind"], v["due_on"]))
        if found is None:
            session.add(
                ComplianceDate(
                    enterprise_id=enterprise_id,
                    kind=v["kind"],
                    due_on=v["due_on"],
                    title=title,
                    note=note,
                )
            )
            counts.created += 1
        elif (found.title, found.note) != (title, note):
            found.title, found.note = title, note
            counts.updated += 1
        else:
            counts.unchanged += 1
    await session.flush()
    return counts
