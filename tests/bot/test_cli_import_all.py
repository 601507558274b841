"""``handinhand import all DIR``: the bureau's set of files, in order, in one transaction."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from storage.db import create_engine
from storage.models import Audit, ComplianceDate, Enterprise, Item, Pairing
from tests.conftest import _open

EXAMPLES = Path(__file__).parents[2] / "examples"
KINDS = ("enterprises", "pairings", "audits", "items", "dates")


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database on each backend, named in the environment as the CLI reads it."""

    async def empty() -> None:
        engine = await _open(database_url)  # truncates PostgreSQL's tables
        await engine.dispose()

    asyncio.run(empty())
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", database_url)
    return database_url


def _counts(url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return {
                    model.__name__: int(
                        await connection.scalar(select(func.count()).select_from(model)) or 0
                    )
                    for model in (Enterprise, Pairing, Audit, Item, ComplianceDate)
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


def _bureau_folder(tmp_path: Path, suffix: str = ".csv") -> Path:
    folder = tmp_path / "bureau"
    folder.mkdir()
    for kind in KINDS:
        shutil.copy(EXAMPLES / f"{kind}{suffix}", folder / f"{kind}{suffix}")
    (folder / "说明.txt").write_text("not a spreadsheet", encoding="utf-8")
    return folder


def test_a_dry_run_validates_the_whole_set_together_and_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    folder = _bureau_folder(tmp_path)
    result = CliRunner().invoke(app, ["import", "all", str(folder), "--dry-run"])
    assert result.exit_code == 0, result.output
    for kind in KINDS:
        assert f"{kind}: " in result.output
    # Pairings and audits were checked against the enterprises the same set would create.
    assert "pairings: 3 rows; 3 would be created" in result.output
    assert "skipped: 说明.txt" in result.output
    assert set(_counts(db).values()) == {0}


def test_the_set_imports_in_dependency_order_and_again_changes_nothing(
    db: str, tmp_path: Path
) -> None:
    folder = _bureau_folder(tmp_path, ".xlsx")
    first = CliRunner().invoke(app, ["import", "all", str(folder)])
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert all(counts.values()), counts
    again = CliRunner().invoke(app, ["import", "all", str(folder)])
    assert again.exit_code == 0, again.output
    assert " 0 were created, 0 were updated" in again.output
    assert _counts(db) == counts


def test_one_bad_file_leaves_the_whole_set_unwritten(db: str, tmp_path: Path) -> None:
    folder = _bureau_folder(tmp_path)
    items = folder / "items.csv"
    lines = items.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("2025-03-12", "2025-03-13", 1)  # no audit on that day
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "all", str(folder)])
    assert result.exit_code == 1
    assert "items.csv: 第 2 行，审核日期" in result.output
    assert "nothing was imported" in result.output
    assert set(_counts(db).values()) == {0}, "the enterprises before it were rolled back too"


def test_two_files_of_one_kind_are_refused(db: str, tmp_path: Path) -> None:
    folder = _bureau_folder(tmp_path)
    shutil.copy(EXAMPLES / "enterprises.xlsx", folder / "enterprises.xlsx")
    result = CliRunner().invoke(app, ["import", "all", str(folder)])
    assert result.exit_code == 2
    assert "enterprises.csv" in result.output and "enterprises.xlsx" in result.output


@pytest.mark.parametrize("blank_rows", [0, 3])
def test_a_header_only_file_is_a_warning_with_exit_1(
    db: str, tmp_path: Path, blank_rows: int
) -> None:
    path = tmp_path / "enterprises.csv"
    header = (EXAMPLES / "enterprises.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    path.write_text(header + "\n" + ",,\n" * blank_rows, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "enterprises", str(path)])
    assert result.exit_code == 1
    assert "has no data rows" in result.output and "没有数据行" in result.output
