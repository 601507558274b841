"""The shipped knowledge base: clean, cited and reviewed."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge import KnowledgeBase, lint, load_knowledge_base
from knowledge.taxonomy import SUBCATEGORIES


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_real_knowledge_base_lints_clean() -> None:
    assert [str(p) for p in lint()] == []


def test_every_entry_has_a_citation_and_a_review_date(real_kb: KnowledgeBase) -> None:
    for entry in real_kb.entries:
        assert entry.basis, entry.id
        assert all(c.title for c in entry.basis), entry.id
        assert entry.citation_for("zh").startswith("《"), entry.id
        assert isinstance(entry.reviewed, date), entry.id


def test_every_subcategory_is_covered(real_kb: KnowledgeBase) -> None:
    missing = [s.id for s in SUBCATEGORIES if not real_kb.by_subcategory(s.id)]
    assert missing == []
