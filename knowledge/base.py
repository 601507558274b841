"""The loaded knowledge base: every entry, looked up by id, sub-category or tag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from knowledge.entry import Entry

__all__ = ["KnowledgeBase"]


class KnowledgeBase:
    """An immutable collection of validated entries.

    Build it with :func:`knowledge.load_knowledge_base`; the constructor trusts its input.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._by_id = {entry.id: entry for entry in self.entries}
        by_sub: defaultdict[str, list[Entry]] = defaultdict(list)
        by_tag: defaultdict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            by_sub[entry.subcategory].append(entry)
            for tag in entry.tags:
                by_tag[tag].append(entry)
        self._by_sub = {key: tuple(value) for key, value in by_sub.items()}
        self._by_tag = {key: tuple(value) for key, value in by_tag.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<KnowledgeBase {len(self.entries)} entries>"

    def get(self, entry_id: str) -> Entry:
        """Return the entry with this id.

        Raises:
            KeyError: if no entry has that id.
        """
        return self._by_id[entry_id]

    def by_subcategory(self, sub_id: str) -> tuple[Entry, ...]:
        """Entries of one sub-category (``"programme"`` included), in file order."""
        return self._by_sub.get(sub_id, ())

    def tagged(self, tag: str) -> tuple[Entry, ...]:
        """Entries carrying this tag (e.g. ``"emergency"``), in file order."""
        return self._by_tag.get(tag, ())
