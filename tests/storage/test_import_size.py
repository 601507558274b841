"""Imports larger than one statement's parameter limit (asyncpg: 32,767) stay all-or-nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.imports import ImportKind, import_file
from storage.models import Enterprise
from tests.storage.factories import make_credit_code

ROWS = 32_800  # one more credit code than asyncpg can bind in one statement, and then some


def _write_enterprises(path: Path, count: int, bad_last: bool = False) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["企业名称", "统一社会信用代码", "类型"])
        for n in range(count):
            writer.writerow([f"企业{n}", make_credit_code(500_000 + n), "小手"])
        if bad_last:
            writer.writerow(["坏企业", "not-a-code", "小手"])
    return path


async def _count(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Enterprise)) or 0)


async def test_an_import_beyond_the_parameter_limit_is_written_whole_then_unchanged(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    path = _write_enterprises(tmp_path / "enterprises.csv", ROWS)
    async with session_factory() as session, session.begin():
        first = await import_file(session=session, kind=ImportKind.enterprises, path=path)
    assert (first.rows, first.created) == (ROWS, ROWS)
    async with session_factory() as session, session.begin():
        again = await import_file(session=session, kind=ImportKind.enterprises, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS)
    assert await _count(session_factory) == ROWS
