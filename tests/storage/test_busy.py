"""SQLite busy: a unit of work that meets another process's write lock is run again, not failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiosqlite
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from storage.db import create_engine, in_transaction, make_session_factory
from storage.enums import Role
from storage.models import Person
from tests.storage.factories import make_person

# Short, so that the test does not wait the production 5 s for each busy attempt.
BUSY_MS = 50


@pytest.fixture
async def engine(sqlite_engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The test database, opened with a short busy timeout."""
    url = sqlite_engine.url.render_as_string(hide_password=False)
    new = create_engine(url, busy_timeout_ms=BUSY_MS)
    yield new
    await new.dispose()


async def _import_holding_the_lock(
    engine: AsyncEngine, locked: asyncio.Event, release: asyncio.Event
) -> None:
    """A second connection (the CLI import) that holds the write lock until ``release``."""
    path = engine.url.database
    assert path is not None
    async with aiosqlite.connect(path, isolation_level=None) as other:
        await other.execute("BEGIN IMMEDIATE")
        await other.execute(
            "INSERT INTO people (name, role, language, phone, reachability, preferences,"
            " created_at, updated_at) VALUES ('导入的人', 'bureau', 'zh', '', 'never_started',"
            " '{}', '2025-06-01 00:00:00', '2025-06-01 00:00:00')"
        )
        locked.set()
        await release.wait()
        await other.commit()


async def test_a_unit_of_work_meeting_a_held_write_lock_succeeds_on_retry(
    engine: AsyncEngine,
) -> None:
    factory = make_session_factory(engine)
    release = asyncio.Event()
    attempts = 0

    async def add_manager(session: AsyncSession) -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 2:
            release.set()  # the import finishes while the first attempt backs off
        person = await make_person(session, Role.manager, name="张经理")
        return person.name

    locked = asyncio.Event()
    importer = asyncio.create_task(_import_holding_the_lock(engine, locked, release))
    await locked.wait()
    assert await in_transaction(factory, add_manager) == "张经理"
    await importer
    assert attempts >= 2, "the first attempt met the lock"
    async with factory() as session:
        names = list((await session.execute(select(col(Person.name)))).scalars())
    assert sorted(names) == sorted(["导入的人", "张经理"]), "both writes kept, the manager once"


async def test_without_the_retry_the_same_unit_of_work_fails(engine: AsyncEngine) -> None:
    # What the user met: a plain unit of work gives up when the busy timeout runs out.
    factory = make_session_factory(engine)
    release = asyncio.Event()
    locked = asyncio.Event()
    importer = asyncio.create_task(_import_holding_the_lock(engine, locked, release))
    await locked.wait()
    with pytest.raises(OperationalError, match="locked"):
        async with factory() as session, session.begin():
            await make_person(session, Role.manager, name="张经理")
    release.set()
    await importer


async def test_retries_are_bounded_and_the_last_error_is_raised(engine: AsyncEngine) -> None:
    factory = make_session_factory(engine)
    release = asyncio.Event()
    attempts = 0

    async def add_manager(session: AsyncSession) -> None:
        nonlocal attempts
        attempts += 1
        await make_person(session, Role.manager, name="张经理")

    locked = asyncio.Event()
    importer = asyncio.create_task(_import_holding_the_lock(engine, locked, release))
    await locked.wait()
    with pytest.raises(OperationalError, match="locked"):
        await in_transaction(factory, add_manager, attempts=3)
    release.set()
    await importer
    assert attempts == 3
