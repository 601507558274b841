"""A throw-away PostgreSQL database for a benchmark run: created empty, dropped afterwards."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


@asynccontextmanager
async def scratch_postgres(server_url: str = DEFAULT_SERVER) -> AsyncIterator[str | None]:
    """Yield the asyncpg URL of a new, empty database on ``server_url``'s server (None if the
    server cannot be reached); the database is dropped on exit."""
    admin = make_url(server_url).set(drivername="postgresql")
    name = f"handinhand_bench_{secrets.token_hex(4)}"
    try:
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"[postgresql] skipped: server not reachable ({exc})")
        yield None
        return
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = admin.set(drivername="postgresql+asyncpg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()
