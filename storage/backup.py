"""A consistent copy of a live SQLite database (sqlite3's online backup API).

The backup API copies page by page and restarts if a writer changes the source meanwhile, so the
copy is a consistent snapshot even while the bot runs; copying the file (and its ``-wal``) is not.
PostgreSQL has ``pg_dump`` for this.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import is_sqlite
from storage.errors import BackupUnsupported, NotFound

__all__ = ["backup_sqlite"]


def backup_sqlite(url: str, target: Path) -> int:
    """Copy the SQLite database at ``url`` to the file ``target`` (replaced if it exists).

    Blocking; run it in a thread when an event loop is running.

    Returns:
        The size of the copy in bytes.

    Raises:
        BackupUnsupported: if ``url`` is not a SQLite database (use ``pg_dump`` for PostgreSQL).
        NotFound: if the database file does not exist.
    """
    if not is_sqlite(url):
        raise BackupUnsupported(
            "db backup copies SQLite databases only; for PostgreSQL use "
            "pg_dump (e.g. pg_dump -Fc -f handinhand.dump DBNAME)"
        )
    database = make_url(url).database
    if not database or database == ":memory:" or not Path(database).is_file():
        raise NotFound("database file", database or ":memory:")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    # Only a complete copy takes the target's name.
    partial.replace(target)
    return target.stat().st_size
