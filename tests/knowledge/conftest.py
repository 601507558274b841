"""Shared fixtures: the tiny fixture knowledge base and a matcher over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Matcher, load_knowledge_base

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load_knowledge_base(FIXTURE_KB)


@pytest.fixture
def matcher(fixture_kb: KnowledgeBase) -> Matcher:
    # Function scope: add_phrasing mutates the matcher.
    return Matcher(fixture_kb)
