"""``handinhand enterprises find TEXT``: an enterprise's id from its name, code, town or industry.

``invite create --enterprise ID`` and ``report --closing-report ID`` need the id; this finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import app

if TYPE_CHECKING:
    from storage.models import Enterprise

__all__ = ["find_command"]

enterprises_app = typer.Typer(
    help="Find enterprises (and their ids) by name.", no_args_is_help=True
)
app.add_typer(enterprises_app, name="enterprises")

_KIND = {"big": "大手", "small": "小手"}


async def _find(url: str, text: str, limit: int) -> list[Enterprise]:
    from cli.db import current_database
    from storage.repositories import enterprises

    async with current_database(url) as session_factory, session_factory() as session:
        return await enterprises.search_enterprises(session=session, text=text, limit=limit)


@enterprises_app.command("find")
def find_command(
    text: Annotated[
        str, typer.Argument(help="Words to look for in the name, credit code, town or industry.")
    ],
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
) -> None:
    """Print id, name, kind and town of every enterprise matching TEXT (all its words)."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from storage.migrate import SchemaOutdated

    if not text.strip():
        raise typer.BadParameter("give some text to look for", param_hint="TEXT")
    try:
        found = asyncio.run(_find(Settings().database_url, text, limit))
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot reach the database: {exc}", err=True)
        raise typer.Exit(1) from exc
    if not found:
        typer.echo(f"No enterprise matches {text!r}.", err=True)
        raise typer.Exit(1)
    for enterprise in found:
        kind = _KIND.get(enterprise.kind.value, enterprise.kind.value)
        typer.echo(f"{enterprise.id}\t{enterprise.name}\t{kind}\t{enterprise.town}")
