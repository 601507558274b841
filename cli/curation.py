"""``handinhand kb export-phrasings FILE``: the phrasings the bureau linked, as YAML for review.

They are kept in the database (and used by the bot's matcher); this writes them grouped by entry
so a reviewer can merge the good ones into ``knowledge/data/*.yaml`` by hand. Nothing here edits
the curated files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.kb import kb_app

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bot.settings import Settings
    from storage.models import ExtraPhrasing

__all__ = ["export_phrasings", "phrasings_yaml"]

_HEADER = (
    "# Phrasings linked by the bureau from real questions (handinhand kb export-phrasings).\n"
    "# Review them, then copy the good ones into the entry's phrasings in knowledge/data/.\n"
)


def phrasings_yaml(rows: Sequence[ExtraPhrasing]) -> str:
    """The rows as YAML: one item per entry, its phrasings in the order they were linked."""
    import yaml

    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.entry_id, []).append(
            {
                "text": row.text,
                "question_id": row.source_question_id,
                "linked_at": row.created_at.isoformat(timespec="seconds"),
            }
        )
    data = [{"entry": entry, "phrasings": items} for entry, items in grouped.items()]
    return _HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


async def _load(settings: Settings) -> list[ExtraPhrasing]:
    from storage.db import create_engine, make_session_factory
    from storage.repositories import curation

    engine = create_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await curation.extra_phrasings(session=session)
    finally:
        await engine.dispose()


@kb_app.command("export-phrasings")
def export_phrasings(
    file: Annotated[Path, typer.Argument(help="Where to write the YAML ('-': standard output).")],
) -> None:
    """Write the bureau's linked phrasings (database) as YAML for review."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings

    try:
        rows = asyncio.run(_load(Settings()))
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot read the database: {exc}", err=True)
        raise typer.Exit(1) from exc
    document = phrasings_yaml(rows)
    if str(file) == "-":
        typer.echo(document, nl=False)
        return
    try:
        file.write_text(document, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"Cannot write {file}: {exc}", err=True)
        raise typer.Exit(1) from exc
    entries = len({row.entry_id for row in rows})
    typer.echo(f"{len(rows)} phrasings of {entries} entries written to {file}")
