"""``handinhand report``: the bureau's figures, charts, spreadsheet and closing reports.

handinhand report                                  print the figures
handinhand report --charts DIR                     write the charts and an overview (PNG)
handinhand report --xlsx FILE                      write the spreadsheet
handinhand report --closing-report ID --out FILE [--draft]
                                                   write a small hand's 结案报告 (PDF)
``--lang en`` switches every label and heading to English. The figures are printed only when no
file is asked for. The report libraries (matplotlib, fpdf2, openpyxl) are imported only by the
command that draws, so ``--help`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import app

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.settings import Settings
    from catalog import Lang
    from storage.repositories import report_data, stats

__all__ = ["format_figures", "report"]


class ReportLanguage(StrEnum):
    zh = "zh"
    en = "en"


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
    today: date
    figures: stats.Figures | None = None
    weeks: list[tuple[date, int]] | None = None
    export: report_data.ExportData | None = None
    closing: report_data.ClosingFacts | None = None


async def _gather(
    settings: Settings, *, figures: bool, xlsx: bool, closing: int | None
) -> _Gathered:
    from storage.db import create_engine, make_session_factory
    from storage.models import utcnow
    from storage.repositories import report_data, stats

    engine = create_engine(settings.database_url)
    got = _Gathered(today=datetime.now(settings.tz).date())
    try:
        async with make_session_factory(engine)() as session:
            if figures:
                got.figures = await stats.programme_figures(
                    session=session, today=got.today, now=utcnow()
                )
                got.weeks = await stats.weekly_closed(session=session, today=got.today)
            if xlsx:
                got.export = await report_data.export_data(session=session)
            if closing is not None:
                got.closing = await report_data.closing_facts(
                    session=session, enterprise_id=closing
                )
    finally:
        await engine.dispose()
    return got


def _charts(got: _Gathered, folder: Path, lang: Lang) -> list[Path]:
    from reports import charts

    assert got.figures is not None and got.weeks is not None
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "completion_by_group.png": charts.completion_by_group(got.figures.by_big_hand, lang=lang),
        "items_by_sub_category.png": charts.items_by_sub_category(
            got.figures.by_sub_category, lang=lang
        ),
        "weekly_closed.png": charts.weekly_trend(got.weeks, today=got.today, lang=lang),
        "overview.png": charts.overview(got.figures, got.weeks, today=got.today, lang=lang),
    }
    for name, png in files.items():
        (folder / name).write_bytes(png)
    return [folder / name for name in files]


def _xlsx(got: _Gathered, path: Path, tz: ZoneInfo, lang: Lang) -> Path:
    from reports.xlsx import workbook_bytes

    assert got.export is not None
    path.write_bytes(workbook_bytes(got.export, tz=tz, lang=lang))
    return path


def _closing(got: _Gathered, path: Path, tz: ZoneInfo, lang: Lang, *, draft: bool) -> Path:
    from reports.closing_report import closing_report_pdf

    assert got.closing is not None
    pdf = closing_report_pdf(got.closing, issued=got.today, tz=tz, lang=lang, draft=draft)
    path.write_bytes(pdf)
    return path


@app.command()
def report(
    charts_dir: Annotated[
        Path | None,
        typer.Option("--charts", help="Write the charts and an overview (PNG) to this folder."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            help="Write enterprises, pairings, audits, items, visits, help requests (XLSX).",
        ),
    ] = None,
    closing_report: Annotated[
        int | None,
        typer.Option("--closing-report", help="Enterprise id of a small hand: write its 结案报告."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="PDF file for --closing-report.")
    ] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft", help="Make a draft (marked 草稿) when the late phase is not complete."
        ),
    ] = False,
    lang: Annotated[
        ReportLanguage, typer.Option("--lang", help="Language of labels and headings.")
    ] = ReportLanguage.zh,
) -> None:
    """Print the programme's figures, or write charts, a spreadsheet or a closing report."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from catalog import language_of, text
    from reports import MissingCjkFont
    from reports.closing_report import ClosingReportRefused
    from storage.errors import NotFound

    language: Lang = language_of(lang.value)
    if (closing_report is None) != (out is None):
        typer.echo("--closing-report and --out go together.", err=True)
        raise typer.Exit(2)
    settings = Settings()
    only_figures = charts_dir is None and xlsx is None and closing_report is None
    written: list[Path] = []
    try:
        got = asyncio.run(
            _gather(
                settings,
                figures=only_figures or charts_dir is not None,
                xlsx=xlsx is not None,
                closing=closing_report,
            )
        )
        # The closing report first: a refusal should leave no other half-done work behind.
        if out is not None:
            written.append(_closing(got, out, settings.tz, language, draft=draft))
        if xlsx is not None:
            written.append(_xlsx(got, xlsx, settings.tz, language))
        if charts_dir is not None:
            written.extend(_charts(got, charts_dir, language))
    except NotFound as exc:
        typer.echo(text(language, "report.refuse.not_found", id=exc.key), err=True)
        raise typer.Exit(1) from exc
    except ClosingReportRefused as exc:
        typer.echo(exc.render(language), err=True)
        raise typer.Exit(1) from exc
    except MissingCjkFont as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot make the report: {exc}", err=True)
        raise typer.Exit(1) from exc
    if only_figures:
        assert got.figures is not None
        typer.echo(format_figures(got.figures))
    for path in written:
        typer.echo(text(language, "report.written", path=path))
