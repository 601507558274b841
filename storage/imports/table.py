"""Reading a spreadsheet (CSV or XLSX) into a header and numbered rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from storage.text import clean_text

__all__ = ["Table", "UnreadableFile", "read_table"]


class UnreadableFile(ValueError):
    """The file is missing, of an unknown type, or not a valid CSV/XLSX."""


@dataclass(frozen=True, slots=True)
class Table:
    headers: Sequence[Any]
    rows: list[tuple[int, Sequence[Any]]]  # (spreadsheet row number, cells); blank rows dropped


def _blank_row(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_csv(path: Path) -> list[Sequence[Any]]:
    raw = path.read_bytes()
    # Excel on Chinese Windows saves CSV as GB18030 (a superset of GBK); everything else UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UnreadableFile(f"{path}: neither UTF-8 nor GB18030 text")
    # Not str.splitlines(): that also breaks at \x0b, \x1c … and inside quoted multi-line cells.
    return list(csv.reader(io.StringIO(text, newline="")))


def _read_xlsx(path: Path) -> list[Sequence[Any]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path}: not a valid XLSX file ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        return [tuple(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(path: Path) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file (UTF-8 or GB18030).

    Raises:
        UnreadableFile: for a missing file, another extension, or a corrupt file.
    """
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        lines = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        lines = _read_xlsx(path)
    else:
        raise UnreadableFile(f"{path}: expected a .csv or .xlsx file")
    if not lines:
        raise UnreadableFile(f"{path}: the file is empty")
    # Text enters here: cleaned once, so that it is compared as it will be stored.
    lines = [tuple(clean_text(c) if isinstance(c, str) else c for c in cells) for cells in lines]
    rows = [(n, cells) for n, cells in enumerate(lines[1:], start=2) if not _blank_row(cells)]
    return Table(headers=lines[0], rows=rows)
