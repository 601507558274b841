"""Refusing a natural key that appears twice in one file."""

from __future__ import annotations

from collections.abc import Hashable

from storage.imports.rows import Column, RowError

__all__ = ["DuplicateCheck"]


class DuplicateCheck:
    """Remembers the first row of each key; later rows with the same key are errors."""

    def __init__(self, column: Column) -> None:
        self._column = column
        self._first: dict[Hashable, int] = {}

    def check(self, key: Hashable, row: int) -> RowError | None:
        first = self._first.setdefault(key, row)
        if first == row:
            return None
        return self._column.error(row, f"与第 {first} 行重复", f"duplicates row {first}")
