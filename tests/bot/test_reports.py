"""Charts, spreadsheet and closing report, read back as a reader would see them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib import image
from matplotlib.figure import Figure
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from reports import charts, fonts
from reports.closing_report import ClosingReportRefused, closing_report_pdf
from reports.xlsx import workbook_bytes
from storage.db import make_session_factory
from storage.enums import SubCategory
from storage.repositories.report_data import closing_facts, export_data
from storage.repositories.stats import Completion, programme_figures, weekly_closed
from tests.bot.report_fixtures import (
    AT_COMMAND,
    HYPERLINK,
    PLUS,
    WEBSERVICE,
    make_report_programme,
)
from tests.storage.stats_fixtures import NOW, TODAY, make_stats_programme

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED = date(2025, 11, 3)
# Stored codes a reader must never see on paper.
RAW_CODE = re.compile(
    r"\b(follow_up|hazardous_waste|solid_waste|in_progress|verified|waived|proposed|done|"
    r"training|acceptance|audit|early|middle|late|closed|medium|high|low|small|big)\b"
)


def _pixels(png: bytes):  # type: ignore[no-untyped-def]
    return image.imread(io.BytesIO(png), format="png")


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# --- charts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "draw",
    [
        lambda lang: charts.completion_by_group(
            {"甲大手有限公司": Completion(2, 4), "乙大手": Completion(2, 3)}, lang=lang
        ),
        lambda lang: charts.items_by_sub_category({SubCategory.air: Completion(2, 3)}, lang=lang),
        lambda lang: charts.weekly_trend([(TODAY, 3), (TODAY, 5)], today=TODAY, lang=lang),
    ],
    ids=["by-group", "by-sub-category", "weekly"],
)
def test_a_chart_has_the_expected_size_and_is_not_blank(draw, lang: str) -> None:  # type: ignore[no-untyped-def]
    pixels = _pixels(draw(lang))  # missing glyphs would warn, and warnings are errors here
    assert pixels.shape[:2] == (charts.SIZE[1], charts.SIZE[0])
    assert pixels.std() > 0.05  # more than a plain background
    assert (pixels[:, :, :3] < 0.9).mean() > 0.01  # something dark was drawn


def _weekly_axes(weeks: list[tuple[date, int]], today: date, lang: str):  # type: ignore[no-untyped-def]
    axes = Figure().add_subplot()
    charts._draw_weeks(axes, weeks, today, lang)  # type: ignore[arg-type]
    return axes


def test_the_weekly_chart_leaves_out_the_partial_week_and_starts_at_zero() -> None:
    monday = date(2025, 6, 2)
    weeks = [(monday - timedelta(weeks=2), 40), (monday - timedelta(weeks=1), 42), (monday, 300)]
    axes = _weekly_axes(weeks, today=monday + timedelta(days=2), lang="zh")
    heights = [bar.get_height() for bar in axes.patches]
    assert heights == [40, 42], "the week under way is not drawn as a bar"
    assert axes.get_ylim()[0] == 0
    assert axes.get_ylim()[1] < 300
    assert "本周至6月4日已完成 300 项" in axes.get_xlabel()
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["5月19日", "5月26日"]


def test_a_finished_week_is_drawn_in_full() -> None:
    monday = date(2025, 6, 2)
    axes = _weekly_axes([(monday, 7)], today=monday + timedelta(days=7), lang="en")
    assert [bar.get_height() for bar in axes.patches] == [7]
    assert "This week" not in axes.get_xlabel()
    assert axes.get_title() == "Items closed per week"


def test_chart_labels_follow_the_language() -> None:
    zh, en = Figure().add_subplot(), Figure().add_subplot()
    subs = {SubCategory.hazardous_waste: Completion(1, 3), SubCategory.air: Completion(2, 2)}
    charts._draw_subs(zh, subs, "zh")
    charts._draw_subs(en, subs, "en")
    assert [t.get_text() for t in zh.get_xticklabels()] == ["危险废物", "废气"]
    assert [t.get_text() for t in en.get_xticklabels()] == ["Hazardous waste", "Waste gas"]
    assert zh.get_title() == "各子类整改项数量" and zh.get_ylim()[0] == 0
    legend = zh.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["已完成", "未完成"]


async def test_the_overview_is_one_print_sized_picture(session: AsyncSession) -> None:
    await make_stats_programme(session)
    figures = await programme_figures(session=session, today=TODAY, now=NOW)
    weeks = await weekly_closed(session=session, today=TODAY)
    pixels = _pixels(charts.overview(figures, weeks, today=TODAY, lang="zh"))
    assert pixels.shape[:2] == (charts.OVERVIEW_SIZE[1], charts.OVERVIEW_SIZE[0])
    assert (pixels[:, :, :3] < 0.9).mean() > 0.01


def test_a_missing_cjk_font_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fonts, "CANDIDATES", (tmp_path / "none.ttf",))
    monkeypatch.delenv("HANDINHAND_CJK_FONT", raising=False)
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.MissingCjkFont, match="fonts-wqy-microhei"):
            charts.weekly_trend([(TODAY, 1)])
    finally:
        fonts.cjk_font.cache_clear()


def test_the_cli_does_not_import_the_drawing_libraries_until_it_draws() -> None:
    code = (
        "import sys; from cli import app; import cli.report; "
        "print(sorted(m for m in ('matplotlib', 'fpdf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the closing report ---------------------------------------------------------------------


async def test_a_finished_pairing_gets_a_closing_report_fit_to_hand_out(
    session: AsyncSession,
) -> None:
    programme = await make_report_programme(session)
    assert programme.finished.id
    facts = await closing_facts(session=session, enterprise_id=programme.finished.id)
    pages = _pages(closing_report_pdf(facts, issued=ISSUED, tz=SHANGHAI))
    text = "\n".join(pages)
    assert "大手拉小手环保帮扶结案报告" in text and "无锡市恒达五金制品有限公司" in text
    assert "出具日期：2025年11月3日" in text
    assert re.search(r"报告编号：JA2025-\d{4}", text)
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    assert "草稿" not in text
    # Phases, their steps and the taxonomy, in words.
    for words in ("前期", "中期", "后期", "政策法规宣讲", "现场审核", "专家诊断", "跟踪走访"):
        assert words in text
    for words in ("培训指导", "监测验收", "效果评估", "环保手续", "污染防治", "危险废物"):
        assert words in text
    assert "总分 89 → 125 分" in text  # first audit and re-audit totals
    assert "整改项共 4 项，已完成 4 项，完成率 100%" in text
    assert "佐证材料 2 份" in text
    # The sign-off block, with room for three seals.
    assert "四、签字确认" in text
    assert "帮扶导师（无锡锡东化工集团有限公司）" in text.replace("\n", "")
    assert "小手企业负责人" in text and "区生态环境局" in text
    assert text.count("（盖章）") == 3
    # Labels, never codes; the control character is gone, the finding stays.
    assert not RAW_CODE.search(text), RAW_CODE.search(text)
    assert "跟踪服务" in text and "已确认" in text and "已免除" in text
    assert "危废台账缺失" in text


async def test_the_closing_report_speaks_english_on_request(session: AsyncSession) -> None:
    programme = await make_report_programme(session)
    assert programme.finished.id
    facts = await closing_facts(session=session, enterprise_id=programme.finished.id)
    pages = _pages(closing_report_pdf(facts, issued=ISSUED, tz=SHANGHAI, lang="en"))
    text = re.sub(r"\s+", " ", " ".join(pages))  # table cells wrap English words
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Issued: 2025-11-03" in text
    for words in ("Early phase", "Monitoring acceptance", "Hazardous waste", "Sign-off"):
        assert words in text
    assert "已确认" not in text and "跟踪服务" not in text  # labels, not the Chinese ones


async def test_an_unfinished_pairing_is_refused_saying_what_is_missing(
    session: AsyncSession,
) -> None:
    programme = await make_report_programme(session)
    assert programme.unfinished.id
    facts = await closing_facts(session=session, enterprise_id=programme.unfinished.id)
    with pytest.raises(ClosingReportRefused) as refused:
        closing_report_pdf(facts, issued=ISSUED, tz=SHANGHAI)
    message = refused.value.render("zh")
    for missing in ("中期", "监测验收", "效果评估", "1 项未关闭", "--draft"):
        assert missing in message


async def test_a_draft_of_an_unfinished_pairing_is_marked_on_every_page(
    session: AsyncSession,
) -> None:
    programme = await make_report_programme(session)
    assert programme.unfinished.id
    facts = await closing_facts(session=session, enterprise_id=programme.unfinished.id)
    pages = _pages(closing_report_pdf(facts, issued=ISSUED, tz=SHANGHAI, draft=True))
    assert len(pages) >= 2
    assert all("草稿" in page for page in pages)
    assert "仅供内部核对" in pages[0]


@pytest.mark.parametrize("who", ["big", "unpaired"])
async def test_a_big_hand_or_an_unpaired_enterprise_gets_no_report_even_as_draft(
    session: AsyncSession, who: str
) -> None:
    programme = await make_report_programme(session)
    enterprise = getattr(programme, who)
    facts = await closing_facts(session=session, enterprise_id=enterprise.id)
    with pytest.raises(ClosingReportRefused) as refused:
        closing_report_pdf(facts, issued=ISSUED, tz=SHANGHAI, draft=True)
    assert enterprise.name in refused.value.render("zh")
    assert ("大手企业" if who == "big" else "没有结对") in refused.value.render("zh")


# --- the spreadsheet ------------------------------------------------------------------------


async def test_the_xlsx_has_labels_local_times_and_names_beside_ids(
    session: AsyncSession,
) -> None:
    programme = await make_report_programme(session)
    data = await export_data(session=session)
    book = load_workbook(io.BytesIO(workbook_bytes(data, tz=SHANGHAI)))
    assert book.sheetnames == ["企业", "结对", "审核", "整改项", "走访", "求助"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all((sheet.column_dimensions[c].width or 0) >= 6 for c in "ABC")

    enterprises = {row[2]: row for row in book["企业"].iter_rows(min_row=2, values_only=True)}
    assert enterprises[programme.big.name][1] == "大手企业"
    assert enterprises[programme.finished.name][1] == "小手企业"

    pairings = list(book["结对"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["结对"][1]]
    done = dict(zip(header, pairings[0], strict=True))
    assert done["大手名称"] == programme.big.name and done["小手名称"] == programme.finished.name
    assert done["阶段"] == "结案" and done["帮扶导师"] == "王建国"

    audits = [c.value for c in book["审核"][1]]
    assert {"环保手续", "环保体系", "污染防治", "危险废物", "噪声"} <= set(audits)

    header = [c.value for c in book["整改项"][1]]
    items = [
        dict(zip(header, r, strict=True)) for r in book["整改项"].iter_rows(2, values_only=True)
    ]
    first = items[0]
    assert first["企业名称"] == programme.finished.name
    assert first["类别"] == "污染防治" and first["子类"] == "废气（含VOCs）"
    assert first["状态"] == "已确认" and first["严重程度"] == "较重"
    # 2025-09-30 17:30 UTC is 2025-10-01 01:30 in Shanghai.
    assert first["完成时间（Asia/Shanghai）"] == datetime(2025, 10, 1, 1, 30)
    assert first["佐证材料"] == 1

    header = [c.value for c in book["走访"][1]]
    visit = dict(zip(header, next(book["走访"].iter_rows(2, values_only=True)), strict=True))
    assert visit["目的"] == "培训指导" and visit["阶段"] == "前期" and visit["状态"] == "已完成"
    assert visit["企业名称"] == programme.finished.name and visit["帮扶导师"] == "王建国"
    assert visit["开始时间（Asia/Shanghai）"] == datetime(2025, 2, 20, 9, 0)

    header = [c.value for c in book["求助"][1]]
    help_row = dict(zip(header, next(book["求助"].iter_rows(2, values_only=True)), strict=True))
    assert help_row["状态"] == "已受理" and help_row["紧急"] == "否"
    assert help_row["提出时间（Asia/Shanghai）"] == datetime(2025, 6, 2, 0, 0)


async def test_the_xlsx_speaks_english_on_request(session: AsyncSession) -> None:
    await make_report_programme(session)
    data = await export_data(session=session)
    book = load_workbook(io.BytesIO(workbook_bytes(data, tz=SHANGHAI, lang="en")))
    assert book.sheetnames[:3] == ["Enterprises", "Pairings", "Audits"]
    header = [c.value for c in book["Items"][1]]
    row = dict(zip(header, next(book["Items"].iter_rows(2, values_only=True)), strict=True))
    assert row["Status"] == "verified" and row["Sub-category"] == "Waste gas (incl. VOCs)"
    assert row["Category"] == "Pollution control"


async def test_typed_text_is_never_a_formula_and_control_characters_do_not_break_it(
    session: AsyncSession,
) -> None:
    await make_report_programme(session)
    book = load_workbook(
        io.BytesIO(workbook_bytes(await export_data(session=session), tz=SHANGHAI))
    )
    cells = {
        cell.value: cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str)
    }
    for hostile in (HYPERLINK, WEBSERVICE, AT_COMMAND, PLUS):
        assert hostile in cells, hostile
        assert cells[hostile].data_type == "s", hostile
    assert "危废台账缺失" in cells  # the bell character is gone, the rest survived
    assert not any(c.data_type == "f" for s in book.worksheets for r in s.iter_rows() for c in r)


# --- the command ----------------------------------------------------------------------------


def _report(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDINHAND_DATABASE_URL": url}
    return subprocess.run(
        [str(Path(sys.executable).with_name("handinhand")), "report", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


async def test_the_report_command_refuses_an_unfinished_pairing_unless_asked_for_a_draft(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    async with make_session_factory(sqlite_engine)() as session, session.begin():
        programme = await make_report_programme(session)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    out = tmp_path / "report.pdf"

    refused = _report(url, "--closing-report", str(programme.unfinished.id), "--out", str(out))
    assert refused.returncode == 1
    assert "监测验收" in refused.stderr and "--draft" in refused.stderr
    assert not out.exists()

    big = _report(url, "--closing-report", str(programme.big.id), "--out", str(out), "--draft")
    assert big.returncode == 1 and "大手企业" in big.stderr

    draft = _report(
        url, "--closing-report", str(programme.unfinished.id), "--out", str(out), "--draft"
    )
    assert draft.returncode == 0, draft.stderr
    assert all("草稿" in page for page in _pages(out.read_bytes()))
    assert "Completion:" not in draft.stdout, "the figures are not reprinted"

    final = _report(
        url, "--closing-report", str(programme.finished.id), "--out", str(out), "--lang", "en"
    )
    assert final.returncode == 0, final.stderr
    assert "Written to" in final.stdout
    assert "DRAFT" not in " ".join(_pages(out.read_bytes()))
