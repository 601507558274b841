"""An on-disk cache of compiled search indexes, so that start-up stays well under 300 ms.

The key is a hash of everything the index is built from: the entries' ids, phrasings (curated and
asked), keywords, answers and cited titles, the synonym table, and the source code of the modules
that turn text into features. Any change gives a new key, so a stale index can never be used.
A cache that cannot be read or written is ignored: the index is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

from knowledge import (
    features,
    homophones,
    index,
    language,
    normaliser,
    retrieval,
    segmenter,
    synonyms,
)
from knowledge.base import KnowledgeBase
from knowledge.index import Index
from knowledge.synonyms import SynonymTable

__all__ = ["cached_index"]

_SOURCES = (features, homophones, index, language, normaliser, retrieval, segmenter, synonyms)


def _key(kb: KnowledgeBase, table: SynonymTable) -> str:
    digest = hashlib.sha256()
    for module in _SOURCES:
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(homophones.READINGS_FILE.read_bytes())
    content = [
        (
            e.id,
            dict(e.questions),
            dict(e.asked),
            e.keywords,
            dict(e.answer),
            [c.title for c in e.basis],
        )
        for e in kb.entries
    ]
    digest.update(json.dumps(content, ensure_ascii=False).encode())
    digest.update(json.dumps(sorted(table.canonical.items()), ensure_ascii=False).encode())
    digest.update(json.dumps(sorted(table.domain), ensure_ascii=False).encode())
    return digest.hexdigest()[:24]


def cached_index(kb: KnowledgeBase, table: SynonymTable, cache_dir: Path) -> Index:
    """Load the index for this knowledge base from ``cache_dir``, or build and store it."""
    file = cache_dir / f"index-{_key(kb, table)}.pickle"
    try:
        with file.open("rb") as stream:
            found = pickle.load(stream)
        if isinstance(found, Index):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    built = Index.build(kb, table)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Write then rename: a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False, suffix=".tmp") as part:
            pickle.dump(built, part, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part.name, file)
    except OSError:
        pass
    return built
