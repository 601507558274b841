"""Importing rectification items (整改清单), each tied to an audit by small hand + audit date.

Keyed by audit + sub-category + finding. A re-import updates the measure, severity and due date
but never the status: progress made in the bot is not overwritten by an old spreadsheet.
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import ItemStatus, Severity, SubCategory
from storage.imports.duplicates import DuplicateCheck
from storage.imports.labels import SEVERITY_ZH, SUBCATEGORY_LABELS
from storage.imports.references import audits_by_key, enterprises_by_code, scalars_in
from storage.imports.report import Counts
from storage.imports.rows import (
    Column,
    ParsedRow,
    RowError,
    credit_code_cell,
    date_cell,
    enum_cell,
    text_cell,
)
from storage.models import Item, ItemHistory, utcnow

__all__ = ["COLUMNS", "apply"]

_CODE = Column("credit_code", "统一社会信用代码", credit_code_cell, aliases=("信用代码",))
_DATE = Column("audited_on", "审核日期", date_cell)
_FINDING = Column("finding", "存在问题", text_cell, aliases=("问题描述", "问题"))
COLUMNS = (
    _CODE,
    _DATE,
    Column(
        "sub_category",
        "子类",
        enum_cell(SubCategory, SUBCATEGORY_LABELS),
        aliases=("审核子项", "类别", "subcategory"),
    ),
    _FINDING,
    Column("measure", "整改措施", text_cell, required=False, aliases=("整改建议",)),
    Column("severity", "严重程度", enum_cell(Severity, SEVERITY_ZH), required=False),
    Column("due_on", "整改期限", date_cell, required=False, aliases=("完成时限", "due")),
)

_NOT_FOUND = ("未找到该企业（请先导入企业名录）", "no such enterprise (import enterprises first)")
_NO_AUDIT = (
    "该企业在此日期没有审核记录（请先导入审核）",
    "no audit of this enterprise on this date (import audits first)",
)


async def apply(session: AsyncSession, rows: list[ParsedRow], errors: list[RowError]) -> Counts:
    """Validate ``rows`` against the database; write them only if ``errors`` stays empty."""
    known = await enterprises_by_code(session, [r.values["credit_code"] for r in rows])
    audits = await audits_by_key(
        session,
        [
            (known[r.values["credit_code"]][0], r.values["audited_on"])
            for r in rows
            if r.values["credit_code"] in known
        ],
    )
    duplicates = DuplicateCheck(_FINDING)
    audit_of: dict[int, int] = {}
    for row in rows:
        v = row.values
        found = known.get(v["credit_code"])
        if found is None:
            errors.append(_CODE.error(row.row, *_NOT_FOUND))
            continue
        audit_id = audits.get((found[0], v["audited_on"]))
        if audit_id is None:
            errors.append(_DATE.error(row.row, *_NO_AUDIT))
            continue
        audit_of[row.row] = audit_id
        key = (audit_id, v["sub_category"], v["finding"])
        if (error := duplicates.check(key, row.row)) is not None:
            errors.append(error)
    if errors:
        return Counts()

    stored = await scalars_in(session, select(Item), Item.audit_id, audit_of.values())
    existing = {(i.audit_id, i.sub_category, i.finding): i for i in stored}
    counts = Counts()
    now = utcnow()
    new: list[dict[str, object]] = []
    for row in rows:
        v = row.values
        audit_id = audit_of[row.row]
        fields = {
            "measure": v["measure"] or "",
            "severity": v["severity"] or Severity.medium,
            "due_on": v["due_on"],
        }
        found_item = existing.get((audit_id, v["sub_category"], v["finding"]))
        if found_item is None:
            new.append(
                {
                    "enterprise_id": known[v["credit_code"]][0],
                    "audit_id": audit_id,
                    "sub_category": v["sub_category"],
                    "finding": v["finding"],
                    "status": ItemStatus.open,
                    "created_at": now,
                    "updated_at": now,
                    **fields,
                }
            )
        elif any(getattr(found_item, k) != value for k, value in fields.items()):
            for name, value in fields.items():
                setattr(found_item, name, value)
            found_item.updated_at = now
            counts.updated += 1
        else:
            counts.unchanged += 1
    if new:
        # One multi-row INSERT … RETURNING instead of an ORM flush per item: thousands of rows.
        ids = (
            await session.execute(
                insert(Item).returning(col(Item.id), sort_by_parameter_order=True), new
            )
        ).scalars()
        await session.execute(
            insert(ItemHistory),
            [
                {"item_id": i, "to_status": ItemStatus.open, "comment": "导入", "created_at": now}
                for i in ids
            ],
        )
        counts.created = len(new)
    await session.flush()
    return counts
