"""Importing spreadsheets: precise messages for bad rows, all-or-nothing, idempotent re-imports."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cli import app
from storage.enums import EnterpriseKind, ItemStatus, PermitType, Severity, SubCategory
from storage.errors import ImportFailed
from storage.imports import ImportKind, UnreadableFile, import_file
from storage.models import Audit, AuditScore, Enterprise, Item, ItemHistory, Pairing, Round
from storage.repositories import items
from tests.storage.factories import make_credit_code

EXAMPLES = Path(__file__).parents[2] / "examples"
BIG, SMALL, OTHER = make_credit_code(901), make_credit_code(902), make_credit_code(903)
BAD_CHECK = SMALL[:-1] + ("0" if SMALL[-1] != "0" else "1")

ENTERPRISE_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "类型",
    "镇街",
    "排污许可类型",
    "排污许可有效期至",
]
ENTERPRISES = [
    ENTERPRISE_HEADER,
    ["锡东化工集团", BIG, "大手", "东港镇", "重点管理", "2027-06-30"],
    ["恒达五金", SMALL, "小手", "锡北镇", "登记管理", ""],
    ["宏远塑料", OTHER, "小手", "鹅湖镇", "简化", "2026/3/31"],
]


def write(path: Path, rows: list[list[object]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(path)
    return path


async def run(
    factory: async_sessionmaker[AsyncSession], kind: ImportKind, path: Path
) -> tuple[int, int, int]:
    async with factory() as session, session.begin():
        report = await import_file(session=session, kind=kind, path=path)
    return report.created, report.updated, report.unchanged


async def count(factory: async_sessionmaker[AsyncSession], model: type) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def failures(
    factory: async_sessionmaker[AsyncSession], kind: ImportKind, path: Path
) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        async with factory() as session, session.begin():
            await import_file(session=session, kind=kind, path=path)
    return [e.message for e in caught.value.errors]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_the_sample_files_import_in_order_and_reimport_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession], suffix: str
) -> None:
    kinds = [ImportKind.enterprises, ImportKind.pairings, ImportKind.audits, ImportKind.items]
    first = [await run(session_factory, k, EXAMPLES / f"{k.value}{suffix}") for k in kinds]
    assert first == [(5, 0, 0), (3, 0, 0), (3, 0, 0), (7, 0, 0)]
    tables = (Enterprise, Round, Pairing, Audit, AuditScore, Item, ItemHistory)
    before = [await count(session_factory, t) for t in tables]
    again = [await run(session_factory, k, EXAMPLES / f"{k.value}{suffix}") for k in kinds]
    assert again == [(0, 0, 5), (0, 0, 3), (0, 0, 3), (0, 0, 7)]
    assert [await count(session_factory, t) for t in tables] == before

    async with session_factory() as session:
        shop = (
            await session.execute(
                select(Enterprise).where(Enterprise.credit_code == "91320205000000003U")
            )
        ).scalar_one()
        audit = (
            await session.execute(select(Audit).where(Audit.enterprise_id == shop.id))
        ).scalar_one()
        assert (audit.audited_on, audit.total_score) == (date(2025, 3, 12), 91.0)
        assert (audit.procedures_score, audit.system_score, audit.pollution_score) == (29, 27, 35)
        found = await items.list_open_items(
            session=session, enterprise_id=shop.id, today=date(2025, 5, 1), limit=None
        )
        assert [(i.sub_category, i.severity, i.due_on) for i in found] == [
            (SubCategory.hazardous_waste, Severity.low, date(2025, 4, 30)),
            (SubCategory.hazardous_waste, Severity.high, date(2025, 5, 31)),
            (SubCategory.emergency_plan, Severity.medium, date(2025, 6, 30)),
        ]
        current = (await session.execute(select(Round))).scalar_one()
        assert (current.year, current.is_current) == (2025, True)


async def test_english_headers_and_changed_rows_update_in_place(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    english = [
        ["name", "credit_code", "kind", "town", "permit_type", "permit_expiry"],
        ["Xidong Chemical", BIG, "big", "Donggang", "key", "2027-06-30"],
    ]
    assert await run(
        session_factory, ImportKind.enterprises, write(tmp_path / "e.xlsx", english)
    ) == (1, 0, 0)
    english[1][0] = "Xidong Chemical Group"
    assert await run(
        session_factory, ImportKind.enterprises, write(tmp_path / "e.csv", english)
    ) == (0, 1, 0)
    async with session_factory() as session:
        stored = (await session.execute(select(Enterprise))).scalar_one()
    assert (stored.name, stored.kind, stored.permit_type, stored.permit_expiry) == (
        "Xidong Chemical Group",
        EnterpriseKind.big,
        PermitType.key,
        date(2027, 6, 30),
    )


async def test_each_kind_of_bad_enterprise_row_is_reported_and_nothing_is_written(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    rows = [
        ENTERPRISE_HEADER,
        ["好厂", BIG, "大手", "东港镇", "重点管理", "2027-06-30"],
        ["坏码厂", BAD_CHECK, "小手", "", "", ""],
        ["", OTHER, "中手", "", "重点", "2025-13-01"],
        ["重复厂", BIG, "小手", "", "", ""],
        ["短码厂", "9132020512345", "小手", "", "排污证", ""],
    ]
    messages = await failures(
        session_factory, ImportKind.enterprises, write(tmp_path / "e.csv", rows)
    )
    assert messages == [
        "第 3 行，统一社会信用代码：校验位错误 / row 3, credit_code: wrong check character",
        "第 4 行，企业名称：必填项为空 / row 4, name: required value missing",
        "第 4 行，类型：无效取值“中手”，可选：大手、小手 / row 4, kind: invalid value '中手', "
        "expected one of: big, small",
        "第 4 行，排污许可有效期至：日期“2025-13-01”无效，应为 YYYY-MM-DD / row 4, permit_expiry: "
        "invalid date '2025-13-01', expected YYYY-MM-DD",
        "第 5 行，统一社会信用代码：与第 2 行重复 / row 5, credit_code: duplicates row 2",
        "第 6 行，统一社会信用代码：应为18位，实为13位 / "
        "row 6, credit_code: must be 18 characters, got 13",
        "第 6 行，排污许可类型：无效取值“排污证”，可选：重点管理、简化管理、登记管理、无 / row 6, "
        "permit_type: invalid value '排污证', expected one of: key, simplified, registration, none",
    ]
    assert await count(session_factory, Enterprise) == 0


async def test_a_missing_required_column_is_reported_on_the_header_row(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    rows = [["企业名称", "类型"], ["甲厂", "小手"]]
    messages = await failures(
        session_factory, ImportKind.enterprises, write(tmp_path / "e.xlsx", rows)
    )
    assert messages == ["第 1 行，统一社会信用代码：缺少该列 / row 1, credit_code: column missing"]


async def test_bad_references_in_pairings_audits_and_items_are_reported(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await run(session_factory, ImportKind.enterprises, write(tmp_path / "e.csv", ENTERPRISES))
    unknown = make_credit_code(999)
    pairing_rows = [
        ["年度", "大手统一社会信用代码", "小手统一社会信用代码", "阶段"],
        [2025, BIG, SMALL, "中期"],
        [2025, SMALL, OTHER, "前期"],
        [2025, BIG, unknown, "后期"],
        [2025, BIG, SMALL, "结案"],
        ["二〇二五", BIG, OTHER, "收尾"],
    ]
    assert await failures(
        session_factory, ImportKind.pairings, write(tmp_path / "p.csv", pairing_rows)
    ) == [
        "第 3 行，大手统一社会信用代码：该企业不是大手 / "
        "row 3, big_hand_credit_code: not a big hand",
        "第 4 行，小手统一社会信用代码：未找到该企业（请先导入企业名录） / row 4, "
        "small_hand_credit_code: no such enterprise (import enterprises first)",
        "第 5 行，小手统一社会信用代码：与第 2 行重复 / "
        "row 5, small_hand_credit_code: duplicates row 2",
        "第 6 行，年度：“二〇二五”不是数字 / row 6, year: '二〇二五' is not a number",
        "第 6 行，阶段：无效取值“收尾”，可选：前期、中期、后期、结案 / row 6, phase: invalid value "
        "'收尾', expected one of: early, middle, late, closed",
    ]
    audit_rows = [
        ["统一社会信用代码", "审核日期", "环境影响评价", "噪声"],
        [SMALL, "2025-03-01", 8, 11],
        [BIG, "2025-03-01", 8, 9],
        [SMALL, "2025年3月2日", "八", 9],
    ]
    assert await failures(
        session_factory, ImportKind.audits, write(tmp_path / "a.xlsx", audit_rows)
    ) == [
        "第 2 行，噪声：应在 0 到 10 之间 / row 2, noise: must be between 0 and 10",
        "第 3 行，统一社会信用代码：该企业不是小手 / row 3, credit_code: not a small hand",
        "第 4 行，环境影响评价：“八”不是数字 / row 4, eia: '八' is not a number",
    ]
    await run(
        session_factory,
        ImportKind.audits,
        write(tmp_path / "ok.csv", audit_rows[:2] and [audit_rows[0], [SMALL, "2025-03-01", 8, 9]]),
    )
    item_rows = [
        ["统一社会信用代码", "审核日期", "子类", "存在问题", "整改措施", "严重程度", "整改期限"],
        [SMALL, "2025-03-01", "危险废物", "标签不规范", "张贴标签", "一般", "2025-06-30"],
        [SMALL, "2025-03-09", "噪声", "风机无消声器", "", "", ""],
        [OTHER, "2025-03-01", "废水", "雨污未分流", "", "", ""],
        [SMALL, "2025-03-01", "危废", "", "", "很严重", "下周"],
        [SMALL, "2025-03-01", "hazardous_waste", "标签不规范", "", "", ""],
    ]
    assert await failures(
        session_factory, ImportKind.items, write(tmp_path / "i.csv", item_rows)
    ) == [
        "第 3 行，审核日期：该企业在此日期没有审核记录（请先导入审核） / row 3, audited_on: "
        "no audit of this enterprise on this date (import audits first)",
        "第 4 行，审核日期：该企业在此日期没有审核记录（请先导入审核） / row 4, audited_on: "
        "no audit of this enterprise on this date (import audits first)",
        "第 5 行，子类：无效取值“危废”，可选：环境影响评价、竣工环境保护验收、排污许可、"
        "突发环境事件应急预案、"
        "环保管理制度与责任、环保机构与人员、环保台账与档案、环保培训、自行监测与信息公开、废水、废气（含VOCs）、"
        "一般工业固体废物、危险废物、噪声 / row 5, sub_category: invalid value '危废', "
        "expected one of: eia, "
        "acceptance, permit, emergency_plan, mgmt_rules, staffing, records, training, "
        "monitoring_disclosure, wastewater, air, solid_waste, hazardous_waste, noise",
        "第 5 行，存在问题：必填项为空 / row 5, finding: required value missing",
        "第 5 行，严重程度：无效取值“很严重”，可选：一般、较重、严重 / "
        "row 5, severity: invalid value "
        "'很严重', expected one of: low, medium, high",
        "第 5 行，整改期限：日期“下周”无效，应为 YYYY-MM-DD / row 5, due_on: invalid date '下周', "
        "expected YYYY-MM-DD",
        "第 6 行，存在问题：与第 2 行重复 / row 6, finding: duplicates row 2",
    ]
    assert (await count(session_factory, Pairing), await count(session_factory, Item)) == (0, 0)
    assert await count(session_factory, Audit) == 1


async def test_reimporting_items_keeps_progress_made_in_the_bot(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    for kind in (ImportKind.enterprises, ImportKind.pairings, ImportKind.audits, ImportKind.items):
        await run(session_factory, kind, EXAMPLES / f"{kind.value}.csv")
    async with session_factory() as session, session.begin():
        first = (await session.execute(select(Item).order_by(Item.id).limit(1))).scalar_one()
        await items.change_status(
            session=session, item_id=first.id, to=ItemStatus.submitted, actor_id=None
        )
    changed = tmp_path / "items.csv"
    shutil.copy(EXAMPLES / "items.csv", changed)
    text = changed.read_text(encoding="utf-8-sig").replace("2025-05-31", "2025-06-15")
    changed.write_text(text, encoding="utf-8-sig")
    assert await run(session_factory, ImportKind.items, changed) == (0, 1, 6)
    async with session_factory() as session:
        again = await items.get_item(session=session, item_id=first.id)
    assert (again.status, again.due_on) == (ItemStatus.submitted, date(2025, 6, 15))


async def test_an_unreadable_file_is_refused(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    for name in ("missing.csv", "notes.txt", "broken.xlsx"):
        with pytest.raises(UnreadableFile):
            async with session_factory() as session:
                await import_file(
                    session=session, kind=ImportKind.enterprises, path=tmp_path / name
                )


def test_the_cli_reports_bad_rows_and_exits_1_and_dry_run_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    bad = write(
        tmp_path / "bad.csv", [ENTERPRISE_HEADER, ["坏码厂", BAD_CHECK, "小手", "", "", ""]]
    )
    result = runner.invoke(app, ["import", "enterprises", str(bad)])
    assert result.exit_code == 1
    assert (
        "第 2 行，统一社会信用代码：校验位错误 / row 2, credit_code: wrong check character"
        in result.output
    )
    assert "nothing was imported" in result.output

    good = write(tmp_path / "good.csv", ENTERPRISES)
    dry = runner.invoke(app, ["import", "enterprises", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "3 would be created" in dry.output
    real = runner.invoke(app, ["import", "enterprises", str(good)])
    assert real.exit_code == 0 and "3 were created" in real.output
    missing = runner.invoke(app, ["import", "items", str(tmp_path / "nope.xlsx")])
    assert missing.exit_code == 2 and "no such file" in missing.output
