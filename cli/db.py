"""``handinhand db upgrade|backup``: schema migrations and SQLite backups.

Also `current_database`, which the other commands open their database with: it checks the
schema version (one read) and refuses to go on when the database is behind, instead of
migrating. Only ``db upgrade``, ``demo`` and ``run`` migrate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import app

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["current_database", "db_app"]

db_app = typer.Typer(help="Database maintenance: migrations and backups.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@asynccontextmanager
async def current_database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on ``url`` once its schema is known to be current.

    Raises:
        storage.migrate.SchemaOutdated: the database is empty or behind (nothing was written);
            its message says to run ``handinhand db upgrade``.
    """
    from storage.db import create_engine, make_session_factory
    from storage.migrate import check_schema

    engine = create_engine(url)
    try:
        await check_schema(engine)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


async def _upgrade(url: str) -> tuple[str | None, str | None]:
    from storage.db import create_engine
    from storage.migrate import current_revision, upgrade

    engine = create_engine(url)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        return before, await current_revision(engine)
    finally:
        await engine.dispose()


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Bring the database (HANDINHAND_DATABASE_URL) to the newest schema; safe to repeat."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings

    url = Settings().database_url
    try:
        before, after = asyncio.run(_upgrade(url))
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot upgrade the database: {exc}", err=True)
        raise typer.Exit(1) from exc
    if before == after:
        typer.echo(f"Database already at the newest revision ({after}).")
    else:
        typer.echo(f"Database upgraded from {before or 'empty'} to {after}.")


@db_app.command("backup")
def backup_command(
    target: Annotated[
        Path, typer.Argument(help="File to write the copy to (replaced if present).")
    ],
) -> None:
    """Write a consistent copy of the live SQLite database to FILE (the bot may keep running)."""
    import sqlite3

    from bot.settings import Settings
    from storage.backup import backup_sqlite
    from storage.errors import BackupUnsupported, NotFound

    url = Settings().database_url
    try:
        size = backup_sqlite(url, target)
    except BackupUnsupported as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except NotFound as exc:
        typer.echo(f"No database to back up: {exc.key} does not exist.", err=True)
        raise typer.Exit(1) from exc
    except (OSError, sqlite3.Error) as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Backed up to {target} ({size:,} bytes).")
