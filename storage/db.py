"""Async engine and session factory.

SQLite runs in WAL mode (readers never block the writer) with foreign keys enforced; both are
per-connection settings, so they are applied on every new connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

__all__ = ["create_engine", "is_sqlite", "make_session_factory"]


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL makes NORMAL durable across application crashes; only a power loss may drop the tail.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine for a database URL.

    Args:
        url: an async SQLAlchemy URL, e.g. ``sqlite+aiosqlite:///handinhand.db`` or
            ``postgresql+asyncpg://user@host/db``.
        **kwargs: passed on to :func:`sqlalchemy.ext.asyncio.create_async_engine`.

    Returns:
        The engine; SQLite connections have WAL and foreign keys switched on.
    """
    engine = _create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory for one unit of work: ``async with factory() as s, s.begin(): ...``.

    Objects stay usable after commit (``expire_on_commit=False``) so handlers can render them.
    """
    return async_sessionmaker(engine, expire_on_commit=False)
