"""The curated compliance knowledge base and the matcher that answers questions from it.

Pure and synchronous: no Telegram, no database. Typical use::

    kb = load_knowledge_base()
    matcher = Matcher(kb)
    outcome = matcher.ask("危废能在厂里放多久")

Errors: :class:`KnowledgeBaseError` and its subclass :class:`InvalidEntry` (file, entry id, field).
"""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.entry import Citation, Entry
from knowledge.errors import InvalidEntry, KnowledgeBaseError
from knowledge.language import Lang, detect_language
from knowledge.loader import lint, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.outcome import Outcome, Suggestion

__all__ = [
    "Citation",
    "Entry",
    "InvalidEntry",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Lang",
    "Matcher",
    "Outcome",
    "Suggestion",
    "detect_language",
    "lint",
    "load_knowledge_base",
]
