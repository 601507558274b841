"""Charts, spreadsheet and closing report: right size, right rows, readable Chinese."""

from __future__ import annotations

import io

import pytest
from matplotlib import image
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from reports import charts, fonts
from reports.closing_report import closing_report_pdf
from reports.xlsx import ITEM_HEADER, workbook_bytes
from storage.enums import SubCategory
from storage.repositories.stats import (
    Completion,
    closing_data,
    export_rows,
    programme_figures,
    weekly_closed,
)
from tests.storage.stats_fixtures import NOW, TODAY, make_stats_programme


def _pixels(png: bytes):  # type: ignore[no-untyped-def]
    return image.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.completion_by_group(
            {"甲大手有限公司": Completion(2, 4), "乙大手": Completion(2, 3)}
        ),
        lambda: charts.items_by_sub_category({SubCategory.air: Completion(2, 3)}),
        lambda: charts.weekly_trend([(TODAY, 3), (TODAY, 5)]),
    ],
    ids=["by-group", "by-sub-category", "weekly"],
)
def test_a_chart_has_the_expected_size_and_is_not_blank(draw) -> None:  # type: ignore[no-untyped-def]
    pixels = _pixels(draw())  # missing glyphs would warn, and warnings are errors here
    assert pixels.shape[:2] == (charts.SIZE[1], charts.SIZE[0])
    assert pixels.std() > 0.05  # more than a plain background
    assert (pixels[:, :, :3] < 0.9).mean() > 0.01  # something dark was drawn


def test_a_missing_cjk_font_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fonts, "CANDIDATES", (tmp_path / "none.ttf",))
    monkeypatch.delenv("HANDINHAND_CJK_FONT", raising=False)
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.MissingCjkFont, match="fonts-wqy-microhei"):
            charts.weekly_trend([(TODAY, 1)])
    finally:
        fonts.cjk_font.cache_clear()


async def test_the_xlsx_lists_enterprises_items_and_visits(session: AsyncSession) -> None:
    await make_stats_programme(session)
    book = load_workbook(io.BytesIO(workbook_bytes(await export_rows(session=session))))
    assert book.sheetnames == ["企业", "整改项", "走访"]
    enterprises = list(book["企业"].values)
    assert len(enterprises) == 1 + 5
    assert {row[2] for row in enterprises[1:]} >= {"甲大手有限公司", "小手1有限公司"}
    items = list(book["整改项"].values)
    assert items[0] == ITEM_HEADER and len(items) == 1 + 7
    assert sorted(row[7] for row in items[1:]).count("verified") == 3
    assert len(list(book["走访"].values)) == 1 + 4


async def test_the_closing_report_shows_the_name_and_scores(session: AsyncSession) -> None:
    programme = await make_stats_programme(session)
    s1 = programme.small["S1"]
    assert s1.id
    pdf = closing_report_pdf(await closing_data(session=session, enterprise_id=s1.id))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "小手1有限公司" in text and "结案报告" in text
    assert "甲大手有限公司" in text
    assert "废气" in text and "7" in text  # every sub-category scored 7 in S1's audit
    assert "98" in text  # the audit total: 14 × 7
    assert "50%" in text  # 1 of its 2 items closed


async def test_report_inputs_come_from_the_figures(session: AsyncSession) -> None:
    await make_stats_programme(session)
    figures = await programme_figures(session=session, today=TODAY, now=NOW)
    png = charts.completion_by_group(figures.by_big_hand)
    assert png.startswith(b"\x89PNG")
    assert len(await weekly_closed(session=session, today=TODAY)) == 12
