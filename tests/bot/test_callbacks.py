"""Callback data: every format fits Telegram's 64 bytes at its largest, and decoding is strict."""

from __future__ import annotations

import pytest

from bot import callbacks
from knowledge import KnowledgeBase
from knowledge.taxonomy import CATEGORIES, SUBCATEGORIES

LARGEST_ID = 2**31 - 1  # ten digits: the largest `integer` primary key on PostgreSQL
LARGEST = {"id": LARGEST_ID, "int": LARGEST_ID, "stamp": 999_912_312_359}


def _largest_values(fmt: callbacks.CallbackFormat, words: list[str]) -> tuple[int | str, ...]:
    longest_word = max(words, key=len)
    return tuple(LARGEST.get(kind, longest_word) for kind in fmt.fields)


def test_every_format_fits_64_bytes_with_the_longest_real_values(
    knowledge_base: KnowledgeBase,
) -> None:
    words = [
        *(callbacks.entry_ref(e.id) for e in knowledge_base.entries),
        *(c.id for c in CATEGORIES),
        *(s.id for s in SUBCATEGORIES),
        "quiet_hours",
        "visit_reminders",
        "zh",
    ]
    for fmt in callbacks.ALL_FORMATS:
        data = fmt.encode(*_largest_values(fmt, words))
        assert len(data.encode()) <= callbacks.MAX_BYTES, data
        assert fmt.decode(data) == _largest_values(fmt, words)


def test_prefixes_are_unique_so_no_button_reaches_two_handlers() -> None:
    prefixes = [fmt.prefix for fmt in callbacks.ALL_FORMATS]
    assert len(prefixes) == len(set(prefixes))


def test_entry_references_are_unique_across_the_knowledge_base(
    knowledge_base: KnowledgeBase,
) -> None:
    refs = {callbacks.entry_ref(e.id) for e in knowledge_base.entries}
    assert len(refs) == len(knowledge_base.entries)
    entry = knowledge_base.entries[0]
    assert callbacks.entry_by_ref(knowledge_base.entries, callbacks.entry_ref(entry.id)) is entry
    assert callbacks.entry_by_ref(knowledge_base.entries, "0000000000") is None


@pytest.mark.parametrize(
    "data",
    [
        "iv:",
        "iv:abc",
        "iv:1:2",
        "iv:-1",
        "iv:1 ",
        "xiv:1",
        "iv:12345678901234567890",
        "",
        "lg:ZH",
        "lg:<b>",
    ],
)
def test_decoding_refuses_anything_but_the_exact_format(data: str) -> None:
    fmt = callbacks.LANGUAGE if data.startswith("lg") else callbacks.ITEM_VIEW
    with pytest.raises(ValueError):
        fmt.decode(data)


def test_encoding_refuses_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        callbacks.ITEM_VIEW.encode("not-a-number")
    with pytest.raises(ValueError):
        callbacks.SUGGESTION.encode(1, "x" * 60)
