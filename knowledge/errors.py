"""Errors raised by the knowledge package.

The tree is small on purpose::

    KnowledgeBaseError          anything wrong with the knowledge base as a whole
    └── InvalidEntry            one problem in one file, pinned to the entry and field

``bot/`` catches ``KnowledgeBaseError`` at start-up and refuses to run with a broken knowledge base;
``handinhand kb lint`` prints every ``InvalidEntry`` it finds.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["InvalidEntry", "KnowledgeBaseError"]


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded."""


class InvalidEntry(KnowledgeBaseError):
    """One problem in one knowledge-base file.

    Attributes:
        file: the YAML file that holds the problem.
        entry_id: the id of the entry concerned, or ``None`` for file-level problems.
        field: the dotted path of the offending field (``questions.en``), or ``None``.
        message: what is wrong, in words a compliance officer understands.
    """

    def __init__(
        self, file: Path | str, entry_id: str | None, field: str | None, message: str
    ) -> None:
        self.file = Path(file)
        self.entry_id = entry_id
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file.name
        if self.entry_id:
            where += f" [{self.entry_id}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type[InvalidEntry], tuple[Path, str | None, str | None, str]]:
        return (InvalidEntry, (self.file, self.entry_id, self.field, self.message))
