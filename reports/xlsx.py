"""The bureau's spreadsheet (openpyxl): a sheet each for enterprises, pairings, audits, items,
visits and help requests, ready to sort, filter and file.

Every code is written as its label (Chinese, or English with ``lang="en"``), every time in local
wall time (the header names the zone), every id has its company name beside it. Each sheet has a
frozen, bold header row, an auto-filter and column widths fitted to the content.

Hostile text: whatever people typed or imported is written as a text cell (``data_type "s"``),
so ``=HYPERLINK(...)``, ``=WEBSERVICE(...)``, ``@cmd`` or ``+1+1`` can never become a formula;
control characters, which XLSX forbids, are stripped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from catalog import Lang, text
from reports.labels import label, local_time
from reports.sanitise import strip_control
from storage.enums import SUBCATEGORY_CATEGORY, Category, SubCategory
from storage.repositories.report_data import ExportData

__all__ = ["SHEETS", "workbook_bytes"]

# Sheet titles and column headers, (Chinese, English). "{tz}" is the time zone's name.
SHEETS: dict[str, tuple[str, str]] = {
    "enterprises": ("企业", "Enterprises"),
    "pairings": ("结对", "Pairings"),
    "audits": ("审核", "Audits"),
    "items": ("整改项", "Items"),
    "visits": ("走访", "Visits"),
    "help": ("求助", "Help requests"),
}
_H: dict[str, tuple[str, str]] = {
    "id": ("ID", "ID"),
    "kind": ("类型", "Kind"),
    "name": ("名称", "Name"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "industry": ("行业", "Industry"),
    "town": ("镇街", "Town"),
    "address": ("地址", "Address"),
    "contact": ("联系人", "Contact"),
    "phone": ("电话", "Phone"),
    "permit": ("排污许可类型", "Permit type"),
    "permit_expiry": ("排污许可到期", "Permit expires"),
    "eia": ("环评", "EIA"),
    "acceptance": ("竣工验收", "Completion acceptance"),
    "plan_filed": ("应急预案备案日期", "Emergency plan filed"),
    "round": ("轮次", "Round"),
    "big_id": ("大手ID", "Big hand ID"),
    "big_name": ("大手名称", "Big hand"),
    "small_id": ("小手ID", "Small hand ID"),
    "small_name": ("小手名称", "Small hand"),
    "phase": ("阶段", "Phase"),
    "mentors": ("帮扶导师", "Mentors"),
    "created": ("创建时间（{tz}）", "Created ({tz})"),
    "enterprise_id": ("企业ID", "Enterprise ID"),
    "enterprise": ("企业名称", "Enterprise"),
    "pairing_id": ("结对ID", "Pairing ID"),
    "audited_on": ("审核日期", "Audited on"),
    "auditors": ("审核人员", "Auditors"),
    "total": ("总分", "Total"),
    "notes": ("备注", "Notes"),
    "category": ("类别", "Category"),
    "sub_category": ("子类", "Sub-category"),
    "finding": ("问题", "Finding"),
    "measure": ("整改措施", "Measure"),
    "severity": ("严重程度", "Severity"),
    "due": ("期限", "Due"),
    "status": ("状态", "Status"),
    "evidence": ("佐证材料", "Evidence"),
    "audit_id": ("审核ID", "Audit ID"),
    "visit_id": ("走访ID", "Visit ID"),
    "closed_at": ("完成时间（{tz}）", "Closed ({tz})"),
    "mentor": ("帮扶导师", "Mentor"),
    "starts": ("开始时间（{tz}）", "Starts ({tz})"),
    "minutes": ("时长（分钟）", "Minutes"),
    "purpose": ("目的", "Purpose"),
    "cancel_reason": ("取消原因", "Cancel reason"),
    "person": ("提出人", "Asked by"),
    "text": ("内容", "Text"),
    "urgent": ("紧急", "Urgent"),
    "asked": ("提出时间（{tz}）", "Asked ({tz})"),
    "updated": ("更新时间（{tz}）", "Updated ({tz})"),
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E3EFE3")
_MIN_WIDTH, _MAX_WIDTH = 6, 50


class _Book:
    """One workbook in one language and time zone."""

    def __init__(self, lang: Lang, tz: tzinfo) -> None:
        self.lang = lang
        self.tz = tz
        self.zone = str(getattr(tz, "key", tz))
        self.book = Workbook()
        self.book.remove(self.book.worksheets[0])  # the empty sheet a new workbook starts with

    def pick(self, pair: tuple[str, str]) -> str:
        return (pair[0] if self.lang == "zh" else pair[1]).format(tz=self.zone)

    def heads(self, keys: str) -> list[str]:
        """The headers of space-separated column keys."""
        return [self.pick(_H[k]) for k in keys.split()]

    def code(self, value: StrEnum) -> str:
        return label(self.lang, value)

    def when(self, moment: datetime | None) -> datetime | None:
        return local_time(moment, self.tz) if moment is not None else None

    def yes_no(self, value: bool) -> str:
        return text(self.lang, "report.yes" if value else "report.no")

    def sheet(self, key: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        sheet = self.book.create_sheet(self.pick(SHEETS[key]))
        sheet.append(list(header))
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    # Text is text: assigned as a string cell, "=..." never becomes a formula.
                    cell.value = strip_control(value)
                    cell.data_type = "s"
                    continue
                cell.value = value
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        _finish(sheet)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    shown = str(value)
    # CJK characters take about two columns' width.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in max(shown.split("\n"), key=len))


def _finish(sheet: Worksheet) -> None:
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for n, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        widest = max((_width(v) for v in column[1:]), default=0)
        header = min(_width(column[0]), 24)
        width = max(_MIN_WIDTH, min(_MAX_WIDTH, max(widest, header) + 2))
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def workbook_bytes(data: ExportData, *, tz: tzinfo, lang: Lang = "zh") -> bytes:
    """The XLSX file as bytes.

    Args:
        data: from `storage.repositories.report_data.export_data`.
        tz: the zone for every time (stored in UTC, shown as local wall time).
        lang: "zh" (default) or "en" for sheet names, headers and every code's label.
    """
    b = _Book(lang, tz)
    small_of = {p.id: p.small_hand_id for p in data.pairings}
    b.sheet(
        "enterprises",
        b.heads(
            "id kind name credit_code industry town address contact phone permit "
            "permit_expiry eia acceptance plan_filed"
        ),
        (
            (
                e.id,
                b.code(e.kind),
                e.name,
                e.credit_code,
                e.industry,
                e.town,
                e.address,
                e.contact_name,
                e.contact_phone,
                b.code(e.permit_type),
                e.permit_expiry,
                b.code(e.eia_status),
                b.code(e.acceptance_status),
                e.emergency_plan_filed_on,
            )
            for e in data.enterprises
        ),
    )
    b.sheet(
        "pairings",
        b.heads("id round big_id big_name small_id small_name phase mentors created"),
        (
            (
                p.id,
                data.rounds[p.round_id].name if p.round_id in data.rounds else "",
                p.big_hand_id,
                data.name_of(p.big_hand_id),
                p.small_hand_id,
                data.name_of(p.small_hand_id),
                b.code(p.phase),
                "、".join(data.mentors.get(p.id or 0, [])),
                b.when(p.created_at),
            )
            for p in data.pairings
        ),
    )
    b.sheet(
        "audits",
        b.heads("id enterprise_id enterprise pairing_id audited_on auditors")
        + [b.code(c) for c in Category]
        + b.heads("total")
        + [b.code(s) for s in SubCategory]
        + b.heads("notes"),
        (
            (
                a.id,
                a.enterprise_id,
                data.name_of(a.enterprise_id),
                a.pairing_id,
                a.audited_on,
                a.auditors,
                a.procedures_score,
                a.system_score,
                a.pollution_score,
                a.total_score,
                *(data.scores.get(a.id or 0, {}).get(s) for s in SubCategory),
                a.notes,
            )
            for a in data.audits
        ),
    )
    b.sheet(
        "items",
        b.heads(
            "id enterprise_id enterprise category sub_category finding measure "
            "severity due status evidence audit_id visit_id created closed_at"
        ),
        (
            (
                i.id,
                i.enterprise_id,
                data.name_of(i.enterprise_id),
                b.code(SUBCATEGORY_CATEGORY[i.sub_category]),
                b.code(i.sub_category),
                i.finding,
                i.measure,
                b.code(i.severity),
                i.due_on,
                b.code(i.status),
                data.evidence.get(i.id or 0, 0),
                i.audit_id,
                i.visit_id,
                b.when(i.created_at),
                b.when(i.closed_at),
            )
            for i in data.items
        ),
    )
    b.sheet(
        "visits",
        b.heads(
            "id pairing_id enterprise_id enterprise mentor starts minutes purpose "
            "phase status notes cancel_reason"
        ),
        (
            (
                v.id,
                v.pairing_id,
                small_of.get(v.pairing_id),
                data.name_of(small_of.get(v.pairing_id)),
                data.people.get(v.mentor_id, ""),
                b.when(v.starts_at),
                v.duration_minutes,
                b.code(v.purpose),
                b.code(v.phase),
                b.code(v.status),
                v.notes,
                v.cancel_reason,
            )
            for v in data.visits
        ),
    )
    b.sheet(
        "help",
        b.heads("id enterprise_id enterprise person text urgent status asked updated"),
        (
            (
                h.id,
                h.enterprise_id,
                data.name_of(h.enterprise_id),
                data.people.get(h.person_id, ""),
                h.text,
                b.yes_no(h.urgent),
                b.code(h.status),
                b.when(h.created_at),
                b.when(h.updated_at),
            )
            for h in data.help_requests
        ),
    )
    return b.bytes()
