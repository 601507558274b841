"""``handinhand db upgrade|backup``: schema migrations and SQLite backups."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from cli import app
from storage.backup import backup_sqlite
from storage.db import create_engine
from storage.errors import BackupUnsupported, NotFound
from storage.migrate import current_revision, upgrade

db_app = typer.Typer(help="Database maintenance: migrations and backups.", no_args_is_help=True)
app.add_typer(db_app, name="db")


async def _upgrade(url: str) -> tuple[str | None, str | None]:
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
