"""Migrations bring an empty database to head, and head matches the models exactly."""

from __future__ import annotations

import secrets
from pathlib import Path

import asyncpg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import metadata
from tests.conftest import POSTGRES_URL


async def _diff(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata
            )
        )


async def _check_empty_database_reaches_head(url: str) -> None:
    engine = create_engine(url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        assert await _diff(engine) == []
        await upgrade(engine)  # repeating is harmless
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_an_empty_sqlite_database_migrates_to_head_matching_the_models(
    tmp_path: Path,
) -> None:
    await _check_empty_database_reaches_head(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")


async def test_an_empty_postgresql_database_migrates_to_head_matching_the_models(
    postgres_database: str,
) -> None:
    # postgres_database proves the server is reachable (or skips); this test needs its own.
    admin = make_url(POSTGRES_URL).set(drivername="postgresql")
    name = f"handinhand_mig_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(drivername="postgresql+asyncpg", database=name)
        await _check_empty_database_reaches_head(url.render_as_string(hide_password=False))
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


async def test_the_test_databases_are_at_head(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()
    assert await _diff(engine) == []
