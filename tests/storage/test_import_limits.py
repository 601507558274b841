"""Files that would take minutes or gigabytes to parse are refused before parsing."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.imports import UnreadableFile
from storage.imports.table import MAX_COLUMNS, MAX_ROWS, MAX_UNCOMPRESSED_BYTES, read_table


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rewrite(path: Path, parts: dict[str, bytes]) -> Path:
    """Replace or add parts of an XLSX, keeping the rest (a hand-crafted, well-formed file)."""
    out = path.with_name("crafted.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in [*names, *(n for n in parts if n not in names)]:
            data = parts[name] if name in parts else src.read(name)
            dst.writestr(name, data, compresslevel=9)
    return out


def _with_shared_strings(path: Path, strings: bytes) -> Path:
    """The workbook with a shared-strings part, wired in as Excel does."""
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return _rewrite(
        path,
        {
            "xl/sharedStrings.xml": strings,
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
        },
    )


def test_a_small_xlsx_that_unzips_to_a_huge_shared_strings_part_is_refused_unparsed(
    tmp_path: Path,
) -> None:
    base = _workbook(tmp_path / "items.xlsx", [["存在问题"], ["危废间未张贴标识"]])
    entry = "<si><t>" + "漏" * 30_000 + "</t></si>"
    count = MAX_UNCOMPRESSED_BYTES // len(entry.encode()) + 1
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}">' + entry * count + "</sst>"
    ).encode()
    bomb = _with_shared_strings(base, strings)
    del strings
    assert bomb.stat().st_size < 1_000_000  # small on disk
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as refused:
            read_table(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "too large" in str(refused.value) and "过大" in str(refused.value)
    assert peak < 20 * 2**20, "refused from the zip directory, without expanding the part"


def test_a_sheet_claiming_a_million_rows_is_refused(tmp_path: Path) -> None:
    base = _workbook(tmp_path / "items.xlsx", [["存在问题"], ["危废间未张贴标识"]])
    with zipfile.ZipFile(base) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    lying = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:A1048576"/>', sheet)
    assert lying != sheet
    with pytest.raises(UnreadableFile, match=f"more than {MAX_ROWS} rows"):
        read_table(_rewrite(base, {"xl/worksheets/sheet1.xml": lying.encode()}))


def test_csv_beyond_the_row_or_column_limit_is_refused(tmp_path: Path) -> None:
    tall = tmp_path / "tall.csv"
    tall.write_text("名称\n" + "甲\n" * (MAX_ROWS + 1), encoding="utf-8")
    with pytest.raises(UnreadableFile, match=f"more than {MAX_ROWS} rows"):
        read_table(tall)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["列"] * (MAX_COLUMNS + 1)) + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=f"more than {MAX_COLUMNS} columns"):
        read_table(wide)


def test_a_file_at_the_limits_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    _workbook(path, [[f"列{n}" for n in range(MAX_COLUMNS)], ["值"] * MAX_COLUMNS])
    table = read_table(path)
    assert len(table.headers) == MAX_COLUMNS and len(table.rows) == 1
