"""Phrasings the bureau linked from real questions (`ExtraPhrasing` rows), taught to the matcher.

They live in the database, not in the curated YAML: the running matcher learns each one when it
is linked (`teach`), and a starting bot re-teaches all of them (`load_extra_phrasings`, from
``post_init``), so they survive restarts.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.language import detect_language
from knowledge.matcher import Matcher
from storage.repositories import curation

__all__ = ["load_extra_phrasings", "teach"]

log = logging.getLogger(__name__)


def teach(matcher: Matcher, entry_id: str, text: str) -> bool:
    """Add one phrasing to the matcher; False if the entry no longer exists (logged)."""
    try:
        matcher.add_phrasing(entry_id, text, detect_language(text))
    except KeyError:
        log.warning("extra phrasing %r names unknown entry %r; skipped", text, entry_id)
        return False
    return True


async def load_extra_phrasings(
    session_factory: async_sessionmaker[AsyncSession], matcher: Matcher
) -> int:
    """Teach the matcher every stored phrasing; returns how many it took."""
    async with session_factory() as session:
        rows = await curation.extra_phrasings(session=session)
    taught = sum(teach(matcher, row.entry_id, row.text) for row in rows)
    if rows:
        log.info("matcher taught %d of %d extra phrasings", taught, len(rows))
    return taught
