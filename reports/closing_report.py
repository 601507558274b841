"""The closing report (结案报告) of one small hand as a PDF (fpdf2, the CJK font)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.charts import SUB_CATEGORY_ZH
from reports.fonts import cjk_font
from storage.enums import ItemStatus, SubCategory
from storage.repositories.stats import ClosingData

__all__ = ["closing_report_pdf"]

_STATUS_ZH = {
    ItemStatus.open: "未整改",
    ItemStatus.in_progress: "整改中",
    ItemStatus.submitted: "待核验",
    ItemStatus.verified: "已完成",
    ItemStatus.returned: "退回",
    ItemStatus.waived: "免于整改",
}


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def closing_report_pdf(data: ClosingData) -> bytes:
    """Render the report: audit scores before/after by sub-category, items, visits, completion.

    Raises:
        reports.fonts.MissingCjkFont: if no Chinese font is available.
    """
    pdf = FPDF()
    font = cjk_font()
    pdf.add_font("cjk", fname=str(font))
    # The font has no bold face; table headings are bold by default.
    pdf.add_font("cjk", style="B", fname=str(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, "结案报告", align="C", **line)
    pdf.set_font("cjk", size=11)
    e = data.enterprise
    pdf.cell(0, 8, f"企业：{e.name}（{e.credit_code}）", **line)
    pdf.cell(0, 8, f"帮扶大手：{data.big_hand or '—'}    镇街：{e.town or '—'}", **line)
    before = "0%" if data.completion.total else "—"
    pdf.cell(
        0,
        8,
        f"整改完成率：帮扶前 {before} → 结案时 {data.completion.rate:.0%}"
        f"（{data.completion.closed}/{data.completion.total}）",
        **line,
    )
    pdf.cell(
        0,
        8,
        f"审核总分：首次 {_score(data.first_total)} → 最近 {_score(data.latest_total)}",
        **line,
    )

    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 9, "一、审核得分（分子类）", **line)
    pdf.set_font("cjk", size=10)
    with pdf.table(col_widths=(50, 30, 30)) as table:
        table.row(("子类", "首次审核", "最近审核"))
        for sub in SubCategory:
            if sub in data.first_scores or sub in data.latest_scores:
                table.row(
                    (
                        SUB_CATEGORY_ZH[sub],
                        _score(data.first_scores.get(sub)),
                        _score(data.latest_scores.get(sub)),
                    )
                )

    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 9, "二、整改项及结果", **line)
    pdf.set_font("cjk", size=10)
    with pdf.table(col_widths=(20, 90, 30, 30)) as table:
        table.row(("子类", "问题", "期限", "结果"))
        for item in data.items:
            table.row(
                (
                    SUB_CATEGORY_ZH[item.sub_category],
                    item.finding,
                    item.due_on.isoformat() if item.due_on else "—",
                    _STATUS_ZH[item.status],
                )
            )

    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 9, "三、走访记录", **line)
    pdf.set_font("cjk", size=10)
    if not data.visits:
        pdf.cell(0, 8, "无", **line)
    for visit in data.visits:
        when = visit.starts_at.strftime("%Y-%m-%d")
        pdf.multi_cell(
            0, 7, f"{when}  {visit.purpose.value}  {visit.status.value}  {visit.notes}", **line
        )
    return bytes(pdf.output())
