"""What an import did (or, with ``--dry-run``, would do)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Counts", "ImportReport"]


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool

    @property
    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.kind}: {self.rows} rows; {self.created} {verb} created, "
            f"{self.updated} {verb} updated, {self.unchanged} unchanged"
        )
