"""Async engine, session factory, and the retrying unit of work.

SQLite runs in WAL mode (readers never block the writer) with foreign keys enforced; both are
per-connection settings, so they are applied on every new connection, with a busy timeout.

SQLite has one writer at a time. A writer that finds the lock taken waits (``busy_timeout``), but
a transaction that has read and then wants to write after another process committed cannot wait
its way out: SQLite fails it at once ("database is locked", SQLITE_BUSY_SNAPSHOT) because its
snapshot is stale. Only running the whole unit of work again helps, which is what
:func:`in_transaction` does, a bounded number of times with backoff. Several processes writing
at once (the bot, a CLI import, a second worker) is what PostgreSQL is for.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

__all__ = [
    "BUSY_ATTEMPTS",
    "BUSY_TIMEOUT_MS",
    "create_engine",
    "in_transaction",
    "is_busy",
    "is_sqlite",
    "make_session_factory",
]

T = TypeVar("T")
log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000  # how long one SQLite statement waits for the write lock
BUSY_ATTEMPTS = 5  # how many times in_transaction runs a unit of work that finds SQLite busy
_FIRST_BACKOFF = 0.05  # seconds; doubled after each busy attempt, with jitter


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL makes NORMAL durable across application crashes; only a power loss may drop the tail.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def create_engine(
    url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any
) -> AsyncEngine:
    """Create the async engine for a database URL.

    Args:
        url: an async SQLAlchemy URL, e.g. ``sqlite+aiosqlite:///handinhand.db`` or
            ``postgresql+asyncpg://user@host/db``.
        busy_timeout_ms: SQLite only: how long a statement waits for another connection's
            write lock before failing as busy (see :func:`in_transaction`).
        **kwargs: passed on to :func:`sqlalchemy.ext.asyncio.create_async_engine`.

    Returns:
        The engine; SQLite connections have WAL, foreign keys and the busy timeout switched on.
    """
    engine = _create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory for one unit of work: ``async with factory() as s, s.begin(): ...``.

    Objects stay usable after commit (``expire_on_commit=False``) so handlers can render them.
    """
    return async_sessionmaker(engine, expire_on_commit=False)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite refusing a lock ("database is locked" / "database is busy")."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig if exc.orig is not None else exc).lower()
    return "database is locked" in message or "database is busy" in message


async def in_transaction(
    factory: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    attempts: int = BUSY_ATTEMPTS,
) -> T:
    """Run ``work`` in one unit of work (``async with factory() as s, s.begin()``), committed.

    If SQLite reports the database busy, the transaction is rolled back and ``work`` runs again
    in a fresh one, up to ``attempts`` times, waiting 50 ms, 100 ms, 200 ms … (with jitter) in
    between; so ``work`` must do nothing outside the session that cannot be repeated. Any other
    error, and the last busy one, propagate unchanged.
    """
    delay = _FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        try:
            async with factory() as session, session.begin():
                return await work(session)
        except OperationalError as exc:
            if not is_busy(exc) or attempt == attempts:
                raise
            log.warning("database busy (attempt %d of %d); retrying: %s", attempt, attempts, exc)
        await asyncio.sleep(delay * (1 + random.random()))  # jitter: two retriers do not collide
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
