"""Schema migrations (Alembic) run from Python: ``handinhand db upgrade`` and bot start-up.

Alembic's commands are synchronous; they run here inside ``AsyncConnection.run_sync`` on the
application's own async engine, so the same code works under a running event loop.

Only ``db upgrade``, ``demo`` and ``run`` migrate. Every other command calls `check_schema`
first: it compares the database's revision with the newest one (a single-row read) and raises
`SchemaOutdated` if they differ, so the command can say "run handinhand db upgrade" instead of
failing half-way on a missing column.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.errors import StorageError

__all__ = [
    "MIGRATIONS_DIR",
    "SchemaOutdated",
    "alembic_config",
    "check_schema",
    "current_revision",
    "head_revision",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutdated(StorageError):
    """The database's schema is not the one this code expects.

    Attributes:
        current: the database's revision, or None for an empty (never migrated) database.
        head: the newest revision this code ships.
    """

    def __init__(self, current: str | None, head: str) -> None:
        found = f"at revision {current}" if current else "empty (never migrated)"
        super().__init__(
            f"The database is {found}; this version of HandInHand needs revision {head}. "
            "Run `handinhand db upgrade` first."
        )
        self.current = current
        self.head = head


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


async def check_schema(engine: AsyncEngine) -> None:
    """Raise `SchemaOutdated` unless the database is at the newest revision; never writes.

    Raises:
        SchemaOutdated: the database is empty, behind, or at a revision this code does not know.
    """
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        raise SchemaOutdated(current=current, head=head)
