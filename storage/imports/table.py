"""Reading a spreadsheet (CSV or XLSX) into a header and numbered rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from storage.text import clean_text

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "Table",
    "UnreadableFile",
    "read_table",
]

# Limits checked before a file is parsed, far above any list the bureau keeps (the district has
# a few thousand enterprises) and far below what would stall the bot's host.
MAX_UNCOMPRESSED_BYTES = 50 * 2**20  # an XLSX's parts once unzipped, or a CSV's size
MAX_ROWS = 100_000
MAX_COLUMNS = 200


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
    size = path.stat().st_size
    if size > MAX_UNCOMPRESSED_BYTES:
        mb, cap = size // 2**20, MAX_UNCOMPRESSED_BYTES // 2**20
        raise _too_big(path, f"{mb} MB，上限 {cap} MB", f"{mb} MB, at most {cap}")
    # Excel on Chinese Windows saves CSV as GB18030 (a superset of GBK); everything else UTF-8.
    text = _decode_csv(path, path.read_bytes())
    lines: list[Sequence[Any]] = []
    # Not str.splitlines(): that also breaks at \x0b, \x1c … and inside quoted multi-line cells.
    for cells in csv.reader(io.StringIO(text, newline="")):
        lines.append(cells)
        _check_shape(path, len(lines), len(cells))
    return lines


def _too_big(path: Path, what_zh: str, what_en: str) -> UnreadableFile:
    return UnreadableFile(
        f"{path}: 文件过大（{what_zh}），未读取；请拆分后分批导入 / "
        f"the file is too large ({what_en}) and was not read; split it and import the parts"
    )


def _check_xlsx_size(path: Path) -> None:
    """Refuse a workbook that would expand beyond :data:`MAX_UNCOMPRESSED_BYTES` once unzipped.

    The sizes come from the zip's directory, before openpyxl parses anything: a 300 KB file can
    hold a 120 MB shared-strings part that takes minutes and a gigabyte to parse.
    """
    try:
        with ZipFile(path) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (BadZipFile, OSError) as exc:
        raise UnreadableFile(f"{path}: not a valid XLSX file ({exc})") from exc
    if expanded > MAX_UNCOMPRESSED_BYTES:
        mb, cap = expanded // 2**20, MAX_UNCOMPRESSED_BYTES // 2**20
        raise _too_big(path, f"解压后 {mb} MB，上限 {cap} MB", f"{mb} MB unzipped, at most {cap}")


def _check_shape(path: Path, rows: int, columns: int) -> None:
    if rows > MAX_ROWS + 1:  # + the header
        raise _too_big(path, f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
    if columns > MAX_COLUMNS:
        raise _too_big(path, f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns")


def _read_xlsx(path: Path) -> list[Sequence[Any]]:
    _check_xlsx_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path}: not a valid XLSX file ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension is cheap to read; a sheet that claims a million rows is refused
        # before they are walked. It can lie, so the rows read are counted as well.
        _check_shape(path, sheet.max_row or 0, sheet.max_column or 0)
        lines: list[Sequence[Any]] = []
        for cells in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            # Rows come padded to the sheet's width: only a value past the limit counts.
            _check_shape(path, len(lines) + 1, len(cells) if cells[MAX_COLUMNS:] != (None,) else 0)
            lines.append(tuple(cells[:MAX_COLUMNS]))
        return lines
    finally:
        workbook.close()


def read_table(path: Path) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file (UTF-8 or GB18030).

    Raises:
        UnreadableFile: for a missing file, another extension, a corrupt file, a CSV in another
            encoding, or a file beyond :data:`MAX_UNCOMPRESSED_BYTES`, :data:`MAX_ROWS` or
            :data:`MAX_COLUMNS`.
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
