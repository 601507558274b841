"""``handinhand report``: the bureau's figures, plus charts, XLSX and a closing report.

handinhand report [--charts DIR] [--xlsx FILE] [--closing-report ENTERPRISE_ID --out FILE]
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from cli import app
from reports import MissingCjkFont, charts
from reports.closing_report import closing_report_pdf
from reports.xlsx import workbook_bytes
from storage.db import create_engine, make_session_factory
from storage.errors import NotFound
from storage.models import utcnow
from storage.repositories import stats

__all__ = ["format_figures", "report"]


def format_figures(f: stats.Figures) -> str:
    """The figures as plain text lines (the same numbers /stats shows)."""
    lines = [
        f"Enterprises: {f.big_hands} big hands, {f.small_hands} small hands",
        f"Pairings ({f.round_name or 'all rounds'}): "
        + ", ".join(f"{p.value} {n}" for p, n in f.pairings_by_phase.items()),
        f"Audits: {f.audits}",
        "Items: " + ", ".join(f"{s.value} {n}" for s, n in f.items_by_status.items()),
        f"Completion: {f.completion.rate:.1%} ({f.completion.closed}/{f.completion.total})",
        f"Overdue items: {f.overdue}",
        f"Visits: {f.visits_done} done, {f.visits_planned} planned",
        f"Help requests: {f.help_open} open of {f.help_total}",
        "Completion by big-hand group:",
        *(f"  {name}: {c.rate:.1%} ({c.closed}/{c.total})" for name, c in f.by_big_hand.items()),
        "Completion by sub-category:",
        *(
            f"  {s.value}: {c.rate:.1%} ({c.closed}/{c.total})"
            for s, c in f.by_sub_category.items()
        ),
        "Top unanswered questions:",
        *(f"  {n:>4}  {text}" for text, n in f.unanswered),
    ]
    return "\n".join(lines)


@dataclass
class _Gathered:
    figures: stats.Figures
    weeks: list[tuple[date, int]]
    rows: stats.ExportRows | None
    closing: stats.ClosingData | None


async def _gather(settings: Settings, *, xlsx: bool, closing: int | None) -> _Gathered:
    engine = create_engine(settings.database_url)
    today = datetime.now(settings.tz).date()
    try:
        async with make_session_factory(engine)() as session:
            return _Gathered(
                figures=await stats.programme_figures(session=session, today=today, now=utcnow()),
                weeks=await stats.weekly_closed(session=session, today=today),
                rows=await stats.export_rows(session=session) if xlsx else None,
                closing=(
                    await stats.closing_data(session=session, enterprise_id=closing)
                    if closing is not None
                    else None
                ),
            )
    finally:
        await engine.dispose()


def _write(got: _Gathered, charts_dir: Path | None, xlsx: Path | None, out: Path | None) -> None:
    if charts_dir is not None:
        charts_dir.mkdir(parents=True, exist_ok=True)
        files = {
            "completion_by_group.png": charts.completion_by_group(got.figures.by_big_hand),
            "items_by_sub_category.png": charts.items_by_sub_category(got.figures.by_sub_category),
            "weekly_closed.png": charts.weekly_trend(got.weeks),
        }
        for name, png in files.items():
            (charts_dir / name).write_bytes(png)
    if xlsx is not None and got.rows is not None:
        xlsx.write_bytes(workbook_bytes(got.rows))
    if out is not None and got.closing is not None:
        out.write_bytes(closing_report_pdf(got.closing))


@app.command()
def report(
    charts_dir: Annotated[
        Path | None, typer.Option("--charts", help="Write the three charts (PNG) to this folder.")
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write enterprises/items/visits to this XLSX file."),
    ] = None,
    closing_report: Annotated[
        int | None,
        typer.Option("--closing-report", help="Enterprise id of a small hand: write its 结案报告."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="PDF file for --closing-report.")
    ] = None,
) -> None:
    """Print the programme's figures; optionally write charts, a spreadsheet, a closing report."""
    if (closing_report is None) != (out is None):
        typer.echo("--closing-report and --out go together.", err=True)
        raise typer.Exit(2)
    try:
        got = asyncio.run(_gather(Settings(), xlsx=xlsx is not None, closing=closing_report))
        _write(got, charts_dir, xlsx, out)
    except NotFound as exc:
        typer.echo(f"No such enterprise: {exc.key}", err=True)
        raise typer.Exit(1) from exc
    except MissingCjkFont as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot make the report: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(format_figures(got.figures))
