"""The bureau's spreadsheet: enterprises, items and visits on three sheets (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from storage.repositories.stats import ExportRows

__all__ = ["ENTERPRISE_HEADER", "ITEM_HEADER", "VISIT_HEADER", "workbook_bytes"]

ENTERPRISE_HEADER = ("ID", "类型", "名称", "统一社会信用代码", "行业", "镇街", "联系人", "电话")
ITEM_HEADER = ("ID", "企业ID", "子类", "问题", "整改措施", "严重程度", "期限", "状态", "完成时间")
VISIT_HEADER = ("ID", "结对ID", "导师ID", "开始时间(UTC)", "目的", "阶段", "状态", "备注")


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"


def _naive(value: Any) -> Any:
    # Excel has no time zones: timestamps are written as UTC wall time (the header says so).
    return value.replace(tzinfo=None) if value is not None and hasattr(value, "tzinfo") else value


def workbook_bytes(rows: ExportRows) -> bytes:
    """The XLSX file as bytes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(
        book,
        "企业",
        ENTERPRISE_HEADER,
        (
            (
                e.id,
                e.kind.value,
                e.name,
                e.credit_code,
                e.industry,
                e.town,
                e.contact_name,
                e.contact_phone,
            )
            for e in rows.enterprises
        ),
    )
    _sheet(
        book,
        "整改项",
        ITEM_HEADER,
        (
            (
                i.id,
                i.enterprise_id,
                i.sub_category.value,
                i.finding,
                i.measure,
                i.severity.value,
                i.due_on,
                i.status.value,
                _naive(i.closed_at),
            )
            for i in rows.items
        ),
    )
    _sheet(
        book,
        "走访",
        VISIT_HEADER,
        (
            (
                v.id,
                v.pairing_id,
                v.mentor_id,
                _naive(v.starts_at),
                v.purpose.value,
                v.phase.value,
                v.status.value,
                v.notes,
            )
            for v in rows.visits
        ),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
