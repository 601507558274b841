"""Importing enterprises (企业名录), keyed by credit code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import AcceptanceStatus, EiaStatus, EnterpriseKind, PermitType
from storage.imports.duplicates import DuplicateCheck
from storage.imports.labels import ACCEPTANCE_ZH, EIA_ZH, KIND_ZH, PERMIT_ZH
from storage.imports.references import scalars_in
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
from storage.models import Enterprise

__all__ = ["COLUMNS", "apply"]

_CODE = Column("credit_code", "统一社会信用代码", credit_code_cell, aliases=("信用代码",))
COLUMNS = (
    Column("name", "企业名称", text_cell, aliases=("名称", "单位名称")),
    _CODE,
    Column("kind", "类型", enum_cell(EnterpriseKind, KIND_ZH), aliases=("企业类型", "大手/小手")),
    Column("industry", "行业", text_cell, required=False, aliases=("所属行业",)),
    Column("town", "镇街", text_cell, required=False, aliases=("所属镇街", "镇（街道）", "街道")),
    Column("address", "地址", text_cell, required=False, aliases=("企业地址",)),
    Column("contact_name", "联系人", text_cell, required=False),
    Column("contact_phone", "联系电话", text_cell, required=False, aliases=("电话",)),
    Column("permit_type", "排污许可类型", enum_cell(PermitType, PERMIT_ZH), required=False),
    Column(
        "permit_expiry", "排污许可有效期至", date_cell, required=False, aliases=("许可证有效期",)
    ),
    Column("emergency_plan_filed_on", "应急预案备案日期", date_cell, required=False),
    Column("eia_status", "环评状态", enum_cell(EiaStatus, EIA_ZH), required=False),
    Column(
        "acceptance_status", "验收状态", enum_cell(AcceptanceStatus, ACCEPTANCE_ZH), required=False
    ),
)


async def apply(session: AsyncSession, rows: list[ParsedRow], errors: list[RowError]) -> Counts:
    """Validate ``rows`` against the database; write them only if ``errors`` stays empty."""
    duplicates = DuplicateCheck(_CODE)
    for row in rows:
        if (error := duplicates.check(row.values["credit_code"], row.row)) is not None:
            errors.append(error)
    if errors:
        return Counts()
    codes = [r.values["credit_code"] for r in rows]
    stored = await scalars_in(session, select(Enterprise), Enterprise.credit_code, codes)
    existing = {e.credit_code: e for e in stored}
    counts = Counts()
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in Enterprise.model_fields.items()
        if not field.is_required() and name != "id"
    }
    new: list[dict[str, Any]] = []
    for row in rows:
        # A blank optional cell keeps what is stored (or the default for a new enterprise).
        fields: dict[str, Any] = {k: v for k, v in row.values.items() if v is not None}
        found = existing.get(fields["credit_code"])
        if found is None:
            new.append(defaults | fields)
            counts.created += 1
        elif any(getattr(found, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(found, key, value)
            counts.updated += 1
        else:
            counts.unchanged += 1
    await session.flush()
    if new:
        # One multi-row INSERT (paged by SQLAlchemy) instead of an ORM object per row: a district
        # list has thousands of enterprises.
        await session.execute(insert(Enterprise), new)
    return counts
