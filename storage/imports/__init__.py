"""Importing the bureau's spreadsheets: enterprises, pairings, audits, rectification items,
compliance dates.

CSV or XLSX, Chinese or English headers. Every bad cell is reported with its row number, column
and reason; if any row is bad nothing is written. Re-importing a file changes nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import ImportFailed
from storage.imports import audits, dates, enterprises, items, pairings
from storage.imports.report import ImportReport
from storage.imports.rows import RowError, parse_table
from storage.imports.table import UnreadableFile, read_table

__all__ = [
    "ImportKind",
    "ImportReport",
    "ImportSet",
    "RowError",
    "UnreadableFile",
    "find_import_set",
    "import_file",
    "import_set",
]


class ImportKind(StrEnum):
    """The kinds of spreadsheet, in the order a set of them is imported (dependencies first)."""

    enterprises = "enterprises"
    pairings = "pairings"
    audits = "audits"
    items = "items"
    dates = "dates"


# How a file's name tells its kind: the English name or the bureau's Chinese title in the stem
# (``enterprises.xlsx``, ``2025企业名录.csv``, ``整改清单-3月.xlsx``).
_NAME_HINTS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.enterprises: ("enterprise", "企业名录", "企业名单", "企业"),
    ImportKind.pairings: ("pairing", "结对"),
    ImportKind.audits: ("audit", "审核"),
    ImportKind.items: ("item", "整改"),
    ImportKind.dates: ("date", "合规日期", "日期"),
}
_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
_ORDER = {kind: n for n, kind in enumerate(ImportKind)}


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


@dataclass(frozen=True, slots=True)
class ImportSet:
    """The bureau's files found in one folder, by kind, and the files that were not recognised."""

    files: dict[ImportKind, Path]
    ignored: list[Path]


def _kind_of(path: Path) -> ImportKind | None:
    stem = path.stem.lower()
    # Checked most specific first: "企业" alone must not claim "企业合规日期".
    for kind in (ImportKind.pairings, ImportKind.audits, ImportKind.items, ImportKind.dates):
        if any(hint in stem for hint in _NAME_HINTS[kind]):
            return kind
    if any(hint in stem for hint in _NAME_HINTS[ImportKind.enterprises]):
        return ImportKind.enterprises
    return None


def find_import_set(folder: Path) -> ImportSet:
    """Recognise the spreadsheets in ``folder`` by their names (see ``_NAME_HINTS``).

    Raises:
        UnreadableFile: ``folder`` is not a folder, holds two files of one kind (say
            ``enterprises.csv`` and ``enterprises.xlsx``), or none that is recognised.
    """
    if not folder.is_dir():
        raise UnreadableFile(f"{folder}: 不是文件夹 / not a folder")
    files: dict[ImportKind, Path] = {}
    ignored: list[Path] = []
    for path in sorted(folder.iterdir()):
        kind = _kind_of(path) if path.is_file() and path.suffix.lower() in _SUFFIXES else None
        if kind is None:
            ignored.append(path)
        elif kind in files:
            raise UnreadableFile(
                f"{folder}: {files[kind].name} 与 {path.name} 都是{kind.value}，请只保留一个 / "
                f"both {files[kind].name} and {path.name} look like {kind.value}; keep one"
            )
        else:
            files[kind] = path
    if not files:
        raise UnreadableFile(
            f"{folder}: 没有可识别的文件（文件名应含 enterprises/pairings/audits/items/dates 或 "
            "企业/结对/审核/整改/日期） / no recognised file (names should contain enterprises, "
            "pairings, audits, items or dates)"
        )
    return ImportSet(
        files=dict(sorted(files.items(), key=lambda kv: _ORDER[kv[0]])), ignored=ignored
    )


async def import_set(
    *, session: AsyncSession, files: ImportSet, dry_run: bool = False
) -> list[ImportReport]:
    """Import a set of files in dependency order, all into ``session`` (one transaction).

    Each file sees what the files before it wrote, so a dry run (roll the session back afterwards)
    validates pairings and audits against the enterprises the same set would create.

    Raises:
        UnreadableFile: a file cannot be read.
        ImportFailed: a file has bad rows, with ``source`` naming it; the caller must roll back.
    """
    reports: list[ImportReport] = []
    for kind, path in files.files.items():
        try:
            reports.append(
                await import_file(session=session, kind=kind, path=path, dry_run=dry_run)
            )
        except ImportFailed as exc:
            raise ImportFailed(exc.errors, source=path.name) from exc
    return reports
