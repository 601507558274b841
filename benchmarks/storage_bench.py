"""Storage benchmarks on SQLite and PostgreSQL; prints numbers, asserts nothing.

1. Importing 6,000 rectification items from an XLSX file (goal ≤ 5 s), and re-importing it.
2. "Open items with due dates for one small hand" over the demo programme (goal p50 ≤ 20 ms),
   each query in its own session as a bot handler would run it.

Usage: ``python benchmarks/storage_bench.py [--postgres-url postgresql://postgres@127.0.0.1/test]``
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from scratch_postgres import DEFAULT_SERVER, scratch_postgres
from sqlalchemy import select

from storage.db import create_engine, make_session_factory
from storage.demo import load_demo
from storage.enums import EnterpriseKind
from storage.imports import ImportKind, import_file
from storage.migrate import upgrade
from storage.models import Audit, Enterprise
from storage.repositories import items

TODAY = date(2025, 9, 1)
ITEMS = 6_000
QUERIES = 300


async def _write_items_xlsx(factory, path: Path) -> None:  # type: ignore[no-untyped-def]
    async with factory() as session:
        rows = (
            await session.execute(
                select(Enterprise.credit_code, Audit.audited_on).join(
                    Audit, Audit.enterprise_id == Enterprise.id
                )
            )
        ).all()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        ["统一社会信用代码", "审核日期", "子类", "存在问题", "整改措施", "严重程度", "整改期限"]
    )
    for n in range(ITEMS):
        code, day = rows[n % len(rows)]
        sheet.append(
            [
                code,
                day,
                "危险废物",
                f"批量导入问题{n}：危废标签不规范",
                "按HJ 1276-2022张贴标签",
                "一般",
                "2025-12-31",
            ]
        )
    book.save(path)


async def _bench(url: str, label: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        started = time.perf_counter()
        await load_demo(session, seed=1, today=TODAY)
    print(f"[{label}] demo load: {time.perf_counter() - started:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "items.xlsx"
        await _write_items_xlsx(factory, path)
        for attempt in ("first import", "re-import (no change)"):
            started = time.perf_counter()
            async with factory() as session, session.begin():
                report = await import_file(session=session, kind=ImportKind.items, path=path)
            elapsed = time.perf_counter() - started
            print(
                f"[{label}] {attempt} of {ITEMS:,} items from XLSX: {elapsed:.2f} s "
                f"(goal ≤ 5 s) — {report.summary}"
            )

    async with factory() as session:
        smalls = list(
            (
                await session.execute(
                    select(Enterprise.id).where(Enterprise.kind == EnterpriseKind.small)
                )
            ).scalars()
        )
    rng = random.Random(7)
    timings = []
    for _ in range(QUERIES):
        enterprise_id = rng.choice(smalls)
        started = time.perf_counter()
        async with factory() as session:
            await items.list_open_items(session=session, enterprise_id=enterprise_id, today=TODAY)
            await items.count_items(session=session, today=TODAY, enterprise_id=enterprise_id)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"[{label}] open items + counts for one small hand: p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms over {QUERIES} queries (goal p50 ≤ 20 ms)"
    )
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await _bench(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite")
    async with scratch_postgres(args.postgres_url) as url:
        if url is not None:
            await _bench(url, "postgresql")


if __name__ == "__main__":
    asyncio.run(main())
