"""Shared database fixtures: a migrated, empty database per test on SQLite and PostgreSQL.

- ``engine`` / ``session_factory`` / ``session``: parametrised over ``sqlite`` and ``postgresql``;
  each test gets an empty database at the newest migration.
- ``sqlite_engine`` / ``sqlite_session_factory``: SQLite only, for tests that are not about the
  database (bot handlers, scheduler logic).
- ``postgres_engine``: PostgreSQL only (e.g. two workers sharing one database).

SQLite: the schema is migrated once into a template file that each test copies. PostgreSQL: one
fresh database per test run (``handinhand_test_<random>``, dropped at the end), migrated once,
every table truncated before each test. The server comes from ``HANDINHAND_TEST_POSTGRES_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``); PostgreSQL tests are skipped, saying
why, only when that server cannot be reached.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, is_sqlite, make_session_factory
from storage.migrate import upgrade
from storage.models import metadata

POSTGRES_URL = os.environ.get(
    "HANDINHAND_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _async_url(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+asyncpg", database=database)
        .render_as_string(hide_password=False)
    )


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, copied by every SQLite test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL database for this test run; dropped afterwards."""
    name = f"handinhand_test_{secrets.token_hex(4)}"
    admin_dsn = _asyncpg_dsn(POSTGRES_URL)

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    url = _async_url(POSTGRES_URL, name)
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _sqlite_copy(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "handinhand.db"
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


async def _open(url: str) -> AsyncEngine:
    engine = create_engine(url)
    if not is_sqlite(url):
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database at the newest migration, on each backend in turn.

    (PostgreSQL's tables are emptied when the engine opens, see ``engine``.)
    """
    if request.param == "sqlite":
        return _sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty, migrated database, on each backend in turn."""
    new = await _open(database_url)
    yield new
    await new.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty, migrated SQLite database (for tests that do not care about the backend)."""
    new = await _open(_sqlite_copy(sqlite_template, tmp_path))
    yield new
    await new.dispose()


@pytest.fixture
async def postgres_engine(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    """An empty, migrated PostgreSQL database."""
    new = await _open(postgres_database)
    yield new
    await new.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def sqlite_session_factory(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(sqlite_engine)


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """An open session on the parametrised database; the test commits when it wants to."""
    async with session_factory() as new:
        yield new
