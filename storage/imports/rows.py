"""Turning spreadsheet rows into typed values, and the errors that point at a cell.

Row numbers are the spreadsheet's own: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from storage.credit_code import validate_credit_code
from storage.errors import InvalidCreditCode, RowError

__all__ = [
    "CellError",
    "Column",
    "ParsedRow",
    "RowError",
    "credit_code_cell",
    "date_cell",
    "enum_cell",
    "number_cell",
    "parse_table",
    "text_cell",
    "text_cell_up_to",
]

E = TypeVar("E", bound=Enum)


class CellError(ValueError):
    """Raised by a cell parser; becomes a :class:`RowError` with the cell's position."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass(frozen=True, slots=True)
class Column:
    """A column the importer understands, by its English key, Chinese name and aliases."""

    key: str
    zh: str
    parse: Callable[[Any], Any]
    required: bool = True
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.key, self.zh, *self.aliases)}

    def error(self, row: int, reason_zh: str, reason_en: str) -> RowError:
        return RowError(row, self.key, self.zh, reason_zh, reason_en)


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)


def normalize_header(name: str) -> str:
    """Headers match regardless of case, width, blanks and a trailing ``*`` marking required."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower().rstrip("*").strip()
    return re.sub(r"[\s_]+", "", text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a numeric cell
    return str(value).strip()


def text_cell_up_to(limit: int) -> Callable[[Any], str]:
    """A text parser refusing more than ``limit`` characters (the column's size in the table)."""

    def parse(value: Any) -> str:
        text = text_cell(value)
        if len(text) > limit:
            raise CellError(f"超过 {limit} 个字", f"longer than {limit} characters")
        return text

    return parse


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date_cell(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _DATE.match(text.split()[0]) if text else None  # drop a time part: "2025-03-01 00:00"
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CellError(
        f"日期“{value}”无效，应为 YYYY-MM-DD", f"invalid date {str(value)!r}, expected YYYY-MM-DD"
    )


def number_cell(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        try:
            number = (
                float(str(value).strip()) if not isinstance(value, int | float) else float(value)
            )
        except ValueError:
            raise CellError(f"“{value}”不是数字", f"{str(value)!r} is not a number") from None
        if not low <= number <= high:
            raise CellError(
                f"应在 {low:g} 到 {high:g} 之间", f"must be between {low:g} and {high:g}"
            )
        return number

    return parse


def year_cell(value: Any) -> int:
    number = number_cell(1900, 2100)(value)
    if not number.is_integer():
        raise CellError(f"“{value}”不是整数", f"{value!r} is not a whole number")
    return int(number)


def enum_cell(enum_cls: type[E], zh_labels: dict[E, str]) -> Callable[[Any], E]:
    """A parser accepting an enum's value (``high``) or its Chinese label (``严重``)."""
    lookup: dict[str, E] = {}
    for member in enum_cls:
        lookup[normalize_header(member.value)] = member
    for member, label in zh_labels.items():
        for part in label.split("/"):
            lookup[normalize_header(part)] = member
        lookup[normalize_header(label)] = member
    shown_zh = "、".join(zh_labels[m].split("/")[0].strip() for m in enum_cls if m in zh_labels)
    shown_en = ", ".join(m.value for m in enum_cls)

    def parse(value: Any) -> E:
        found = lookup.get(normalize_header(str(value)))
        if found is None:
            raise CellError(
                f"无效取值“{value}”，可选：{shown_zh}",
                f"invalid value {str(value)!r}, expected one of: {shown_en}",
            )
        return found

    return parse


def credit_code_cell(value: Any) -> str:
    try:
        return validate_credit_code(str(value))
    except InvalidCreditCode as exc:
        raise CellError(exc.reason_zh, exc.reason_en) from None


def parse_table(
    headers: Sequence[Any], rows: Sequence[tuple[int, Sequence[Any]]], columns: Sequence[Column]
) -> tuple[list[ParsedRow], list[RowError]]:
    """Match headers to ``columns`` and parse every cell; unknown columns are ignored.

    Returns:
        The parsed rows (only those without errors) and every error found.
    """
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        if _blank(header):
            continue
        name = normalize_header(header)
        for column in columns:
            if name in column.names() and column.key not in positions:
                positions[column.key] = index
    errors = [
        c.error(1, "缺少该列", "column missing")
        for c in columns
        if c.required and c.key not in positions
    ]
    if errors:
        return [], errors
    parsed: list[ParsedRow] = []
    for number, cells in rows:
        row = ParsedRow(number)
        row_errors: list[RowError] = []
        for column in columns:
            at = positions.get(column.key)
            value = cells[at] if at is not None and at < len(cells) else None
            if _blank(value):
                if column.required:
                    row_errors.append(column.error(number, "必填项为空", "required value missing"))
                else:
                    row.values[column.key] = None
                continue
            try:
                row.values[column.key] = column.parse(value)
            except CellError as exc:
                row_errors.append(column.error(number, exc.reason_zh, exc.reason_en))
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.append(row)
    return parsed, errors
