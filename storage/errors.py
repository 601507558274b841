"""Storage's exceptions.

    StorageError                  base of everything storage raises on purpose
    ├── NotFound                  a row looked up by id or natural key does not exist
    ├── Conflict                  a unique key is taken (duplicate ledger key, credit code, ...)
    ├── InvalidTransition         a rectification item cannot move from its status to the one asked
    ├── InvalidCreditCode         a unified social credit code fails GB 32100-2015
    ├── InviteError               an invite cannot be redeemed
    │   ├── InviteInvalid         unknown, used or expired code
    │   └── InviteLocked          too many wrong codes: the account is locked out for a while
    ├── ImportFailed              a spreadsheet has bad rows; nothing was written
    └── BackupUnsupported         ``db backup`` on a database that is not SQLite

`RowError` (one bad cell of an import) lives here too, beside `ImportFailed` that carries it, so
that the import parsers depend on this module and not the other way round.

Each carries its context as attributes so that ``bot/`` can render a polite message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "BackupUnsupported",
    "Conflict",
    "ImportFailed",
    "InvalidCreditCode",
    "InvalidTransition",
    "InviteError",
    "InviteInvalid",
    "InviteLocked",
    "NotFound",
    "RowError",
    "StorageError",
]


class StorageError(Exception):
    """Base class of storage errors."""


class NotFound(StorageError):
    """No row of ``entity`` with ``key``."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} not found")
        self.entity = entity
        self.key = key


class Conflict(StorageError):
    """A unique key of ``entity`` is already taken."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} already exists")
        self.entity = entity
        self.key = key


class InvalidTransition(StorageError):
    """A rectification item cannot move from ``current`` to ``target``."""

    def __init__(self, item_id: int, current: str, target: str) -> None:
        super().__init__(f"item {item_id}: cannot go from {current} to {target}")
        self.item_id = item_id
        self.current = current
        self.target = target


class InvalidCreditCode(StorageError, ValueError):
    """A unified social credit code is malformed; ``reason_zh``/``reason_en`` say why."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{code!r}: {reason_en}")
        self.code = code
        self.reason_zh = reason_zh
        self.reason_en = reason_en


class InviteError(StorageError):
    """An invite could not be redeemed."""


class InviteInvalid(InviteError):
    """The code is unknown, already used or expired (deliberately not told apart)."""


class InviteLocked(InviteError):
    """Too many wrong codes from this Telegram account; try again after ``until`` (UTC)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked out of redeeming invites until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True, slots=True, order=True)
class RowError:
    """One bad cell: where it is and why, in Chinese and English."""

    row: int
    column: str  # the column's English key, e.g. ``credit_code``
    column_zh: str
    reason_zh: str
    reason_en: str

    @property
    def message(self) -> str:
        """``第 7 行，统一社会信用代码：校验位错误 / row 7, credit_code: wrong check character``."""
        return (
            f"第 {self.row} 行，{self.column_zh}：{self.reason_zh} / "
            f"row {self.row}, {self.column}: {self.reason_en}"
        )


class ImportFailed(StorageError):
    """A spreadsheet had bad rows; ``errors`` lists each (row, column, reason). Nothing written.

    ``source`` names the file when it was one of a set imported together.
    """

    def __init__(self, errors: list[RowError], source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{len(errors)} bad row(s)")
        self.errors = errors
        self.source = source


class BackupUnsupported(StorageError):
    """Backups through ``db backup`` work on SQLite only."""
