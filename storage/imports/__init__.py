"""Importing the bureau's spreadsheets: enterprises, pairings, audits, rectification items,
compliance dates.

CSV or XLSX, Chinese or English headers. Every bad cell is reported with its row number, column
and reason; if any row is bad nothing is written. Re-importing a file changes nothing.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import ImportFailed
from storage.imports import audits, dates, enterprises, items, pairings
from storage.imports.report import ImportReport
from storage.imports.rows import RowError, parse_table
from storage.imports.table import UnreadableFile, read_table

__all__ = ["ImportKind", "ImportReport", "RowError", "UnreadableFile", "import_file"]


class ImportKind(StrEnum):
    enterprises = "enterprises"
    pairings = "pairings"
    audits = "audits"
    items = "items"
    dates = "dates"


_MODULES = {
    ImportKind.enterprises: enterprises,
    ImportKind.pairings: pairings,
    ImportKind.audits: audits,
    ImportKind.items: items,
    ImportKind.dates: dates,
}


async def import_file(
    *, session: AsyncSession, kind: ImportKind, path: Path, dry_run: bool = False
) -> ImportReport:
    """Validate a spreadsheet and, unless it has errors, write it into ``session``.

    The caller owns the transaction: commit it to keep the import, roll it back for a dry run
    (``dry_run`` only changes the wording of the report).

    Raises:
        UnreadableFile: the file is missing, not CSV/XLSX, or corrupt.
        ImportFailed: with every bad row; nothing has been written.
    """
    table = await asyncio.to_thread(read_table, path)
    module = _MODULES[kind]
    rows, errors = parse_table(table.headers, table.rows, module.COLUMNS)
    counts = await module.apply(session, rows, errors)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))  # stable: column order kept
    return ImportReport(
        kind=kind.value,
        rows=len(table.rows),
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        dry_run=dry_run,
    )
