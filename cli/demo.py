"""``handinhand demo [--reset] [--seed N] [--database URL]``: the demo programme.

By default it works on the terminal chat's own demo database (``handinhand-demo.db``), never on
the configured one: ``--database`` names another. ``--reset`` drops everything and loads afresh
(refused on a database bound to real Telegram accounts).
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.terminal import DEMO_DATABASE_URL
from cli import app

__all__ = ["demo"]

DEFAULT_SEED = 2025  # storage.demo.DEFAULT_SEED (a test keeps them equal); --help stays light


@app.command()
def demo(
    reset: Annotated[
        bool, typer.Option("--reset", help="Drop everything in the database and load afresh.")
    ] = False,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same data.")
    ] = DEFAULT_SEED,
    database: Annotated[
        str | None,
        typer.Option("--database", help=f"Database to fill (default {DEMO_DATABASE_URL})."),
    ] = None,
) -> None:
    """Load the demo programme (24 big hands, 390 small hands, ~6,000 items) into an empty db."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from bot.terminal.demo import NotADemoDatabase, prepare_demo

    url = Settings(database_url=database or DEMO_DATABASE_URL).database_url
    try:
        loaded = asyncio.run(prepare_demo(url, reset=reset, seed=seed))
    except NotADemoDatabase as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot load the demo: {exc}", err=True)
        raise typer.Exit(1) from exc
    if not loaded:
        typer.echo(
            "The database already holds enterprises; the demo loads only into an empty database"
            " (`handinhand demo --reset` rebuilds the demo database).",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"Demo programme loaded into {url} (seed {seed}).")
