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


# What charset-normalizer calls the encodings a Chinese Excel may save a CSV in: GB18030 and the
# subsets it extends. Anything else (Big5, Shift-JIS, EUC-KR …) would decode as GB18030 without
# an error — GB18030 accepts almost any byte string — and be stored as nonsense.
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936", "ascii"})
_NAMES = {
    "big5": "Big5 (繁体中文)",
    "big5hkscs": "Big5-HKSCS (繁体中文)",
    "cp950": "Big5 (繁体中文)",
    "cp932": "Shift-JIS (日文)",
    "shift_jis": "Shift-JIS (日文)",
    "shift_jis_2004": "Shift-JIS (日文)",
    "shift_jisx0213": "Shift-JIS (日文)",
    "euc_jp": "EUC-JP (日文)",
    "euc_jis_2004": "EUC-JP (日文)",
    "cp949": "EUC-KR (韩文)",
    "euc_kr": "EUC-KR (韩文)",
    "johab": "Johab (韩文)",
    "utf_16": "UTF-16",
    "utf_32": "UTF-32",
}
# Ties are common on short files (a two-row GB18030 file scores as well as EUC-KR): GB18030 is
# accepted whenever it is among the detector's least chaotic readings.
_CHAOS_TOLERANCE = 0.01


def _decode_csv(path: Path, raw: bytes) -> str:
    """The CSV's text: UTF-8 (with or without BOM), else GB18030 if that is what it plausibly is.

    Raises:
        UnreadableFile: the bytes are some other encoding; the message names the accepted ones.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Imported here: only a non-UTF-8 file pays for loading the detector.
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    best = min((m.chaos for m in matches), default=None)
    if best is not None and any(
        m.encoding in _GB_FAMILY and m.chaos <= best + _CHAOS_TOLERANCE for m in matches
    ):
        return raw.decode("gb18030")
    seen = _NAMES.get(matches[0].encoding, matches[0].encoding) if matches else None
    looks_zh = f"文件编码似乎是 {seen}，" if seen else "文件不是可识别的文本，"
    looks_en = f"the file looks like {seen} text" if seen else "the file is not readable text"
    raise UnreadableFile(
        f"{path}: {looks_zh}只接受 UTF-8 或 GB18030 编码的 CSV，请在 Excel 中另存为“CSV UTF-8” / "
        f"{looks_en}; only UTF-8 or GB18030 CSV files are accepted: in Excel, save as "
        '"CSV UTF-8".'
    )


def _read_csv(path: Path) -> list[Sequence[Any]]:
    # Excel on Chinese Windows saves CSV as GB18030 (a superset of GBK); everything else UTF-8.
    text = _decode_csv(path, path.read_bytes())
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
