"""Importing compliance dates: the sample files, each kind of bad row, idempotent re-imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cli import app
from storage.enums import ComplianceDateKind
from storage.imports import ImportKind
from storage.models import ComplianceDate
from tests.storage.factories import make_credit_code
from tests.storage.test_imports import (
    BIG,
    ENTERPRISES,
    EXAMPLES,
    OTHER,
    SMALL,
    count,
    failures,
    run,
    write,
)

HEADER = ["统一社会信用代码", "事项", "截止日期", "名称", "备注"]


async def _stored(factory: async_sessionmaker[AsyncSession]) -> list[tuple[object, ...]]:
    async with factory() as session:
        result = await session.execute(
            select(ComplianceDate).order_by(ComplianceDate.due_on)  # type: ignore[arg-type]
        )
        return [(d.kind, d.due_on, d.title, d.note) for d in result.scalars()]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_the_sample_dates_import_after_the_enterprises_and_reimport_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession], suffix: str
) -> None:
    await run(session_factory, ImportKind.enterprises, EXAMPLES / f"enterprises{suffix}")
    assert await run(session_factory, ImportKind.dates, EXAMPLES / f"dates{suffix}") == (4, 0, 0)
    assert await run(session_factory, ImportKind.dates, EXAMPLES / f"dates{suffix}") == (0, 0, 4)
    stored = await _stored(session_factory)
    assert len(stored) == 4
    assert stored[-1][:3] == (
        ComplianceDateKind.eia_reapproval,
        date(2026, 4, 30),
        "扩建喷涂工段环评重新报批",
    )


async def test_english_headers_and_a_changed_title_update_in_place(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await run(session_factory, ImportKind.enterprises, write(tmp_path / "e.csv", ENTERPRISES))
    rows = [
        ["credit_code", "kind", "due_on", "title", "note"],
        [SMALL, "monitoring_report", "2026/1/15", "年度监测报告", ""],
    ]
    assert await run(session_factory, ImportKind.dates, write(tmp_path / "d.xlsx", rows)) == (
        1,
        0,
        0,
    )
    rows[1][3] = "2025年度自行监测报告"
    assert await run(session_factory, ImportKind.dates, write(tmp_path / "d.xlsx", rows)) == (
        0,
        1,
        0,
    )
    assert await _stored(session_factory) == [
        (ComplianceDateKind.monitoring_report, date(2026, 1, 15), "2025年度自行监测报告", "")
    ]


async def test_each_kind_of_bad_date_row_is_reported_and_nothing_is_written(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await run(session_factory, ImportKind.enterprises, write(tmp_path / "e.csv", ENTERPRISES))
    rows = [
        HEADER,
        [SMALL, "排污许可变更", "2026-02-28", "申请变更", ""],
        [make_credit_code(999), "其他", "2026-03-01", "复查", ""],
        [BIG, "其他", "2026-03-01", "复查", ""],
        [OTHER, "年检", "2026-02-30", "", ""],
        [SMALL, "pollutant_permit_change", "2026-02-28", "重复", ""],
        [OTHER, "其他", "2026-03-01", "长" * 201, ""],
    ]
    assert await failures(session_factory, ImportKind.dates, write(tmp_path / "d.csv", rows)) == [
        "第 3 行，统一社会信用代码：未找到该企业（请先导入企业名录） / row 3, credit_code: "
        "no such enterprise (import enterprises first)",
        "第 4 行，统一社会信用代码：该企业不是小手 / row 4, credit_code: not a small hand",
        "第 5 行，事项：无效取值“年检”，可选：环评重新报批、监测报告、排污许可变更、其他 / row 5, "
        "kind: invalid value '年检', expected one of: eia_reapproval, monitoring_report, "
        "pollutant_permit_change, other",
        "第 5 行，截止日期：日期“2026-02-30”无效，应为 YYYY-MM-DD / row 5, due_on: "
        "invalid date '2026-02-30', expected YYYY-MM-DD",
        "第 5 行，名称：必填项为空 / row 5, title: required value missing",
        "第 6 行，截止日期：与第 2 行重复 / row 6, due_on: duplicates row 2",
        "第 7 行，名称：超过 200 个字 / row 7, title: longer than 200 characters",
    ]
    assert await count(session_factory, ComplianceDate) == 0


def test_the_cli_imports_dates_with_a_dry_run_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert (
        runner.invoke(app, ["import", "enterprises", str(EXAMPLES / "enterprises.csv")]).exit_code
        == 0
    )
    dates = str(EXAMPLES / "dates.xlsx")
    dry = runner.invoke(app, ["import", "dates", dates, "--dry-run"])
    assert dry.exit_code == 0 and "4 would be created" in dry.output
    real = runner.invoke(app, ["import", "dates", dates])
    assert real.exit_code == 0 and "4 were created" in real.output
    bad = write(tmp_path / "bad.csv", [HEADER, [SMALL, "其他", "明天", "复查", ""]])
    failed = runner.invoke(app, ["import", "dates", str(bad)])
    assert failed.exit_code == 1 and "截止日期" in failed.output
