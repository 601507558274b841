"""Schema migrations (Alembic) run from Python: ``handinhand db upgrade`` and bot start-up.

Alembic's commands are synchronous; they run here inside ``AsyncConnection.run_sync`` on the
application's own async engine, so the same code works under a running event loop.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at our migrations (no alembic.ini needed).

    ``url`` is used only when Alembic opens its own engine (the ``alembic`` command line).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in the migrations directory."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _upgrade(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)


async def upgrade(engine: AsyncEngine, target: str = "head") -> None:
    """Bring the database to ``target`` (default: the newest revision); a no-op when it is there."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, target)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or ``None`` for a database never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
