"""``handinhand demo [--seed N]``: load the realistic demo programme into an empty database."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from cli import app
from storage.db import create_engine, make_session_factory
from storage.demo import DEFAULT_SEED, ensure_demo_data
from storage.migrate import upgrade


async def _load(url: str, seed: int) -> bool:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        return await ensure_demo_data(make_session_factory(engine), seed=seed)
    finally:
        await engine.dispose()


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = (
        DEFAULT_SEED
    ),
) -> None:
    """Fill an empty database with a demo programme: 24 big hands, 390 small hands, ~6,000 items."""
    try:
        loaded = asyncio.run(_load(Settings().database_url, seed))
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot load the demo: {exc}", err=True)
        raise typer.Exit(1) from exc
    if not loaded:
        typer.echo(
            "The database already holds enterprises; the demo loads only into an empty database.",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"Demo programme loaded (seed {seed}).")
