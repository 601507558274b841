"""``handinhand import enterprises|pairings|audits|items|dates FILE`` and ``import all DIR``.

Exit codes: 0 imported (or, with ``--dry-run``, valid); 1 bad rows (nothing written), a file with
no data rows, or a database error; 2 a file that cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from cli import app

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.imports import ImportReport, ImportSet

import_app = typer.Typer(
    help="Import the bureau's spreadsheets (CSV or XLSX, Chinese or English headers). "
    "Bad rows are listed with row, column and reason, and then nothing is written. "
    "Importing the same file again changes nothing. Samples: examples/.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

_FILE = typer.Argument(help="A .csv or .xlsx file; the first sheet is read.")
_DRY_RUN = typer.Option("--dry-run", help="Only validate; write nothing.")


class _DryRun(Exception):
    """Raised inside the unit of work to roll a dry run back, carrying its reports."""

    def __init__(self, reports: list[ImportReport]) -> None:
        super().__init__("dry run")
        self.reports = reports


async def _run(url: str, files: ImportSet, dry_run: bool) -> list[ImportReport]:
    from storage.db import create_engine, in_transaction, make_session_factory
    from storage.imports import import_set
    from storage.migrate import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)

        async def work(session: AsyncSession) -> list[ImportReport]:
            reports = await import_set(session=session, files=files, dry_run=dry_run)
            if dry_run:
                raise _DryRun(reports)
            return reports

        try:
            # One transaction for the whole set; retried if SQLite is busy with the bot.
            return await in_transaction(make_session_factory(engine), work)
        except _DryRun as done:
            return done.reports
    finally:
        await engine.dispose()


def _import(files: ImportSet, dry_run: bool) -> None:
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from storage.errors import ImportFailed
    from storage.imports import UnreadableFile

    for path in files.ignored:
        typer.echo(f"跳过 / skipped: {path.name}", err=True)
    try:
        reports = asyncio.run(_run(Settings().database_url, files, dry_run))
    except UnreadableFile as exc:
        typer.echo(f"Cannot read {exc}", err=True)
        raise typer.Exit(2) from exc
    except ImportFailed as exc:
        where = f"{exc.source}: " if exc.source else ""
        for error in exc.errors:
            typer.echo(where + error.message, err=True)
        typer.echo(
            f"{where}{len(exc.errors)} 处错误，未导入任何数据 / {len(exc.errors)} error(s); "
            "nothing was imported.",
            err=True,
        )
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Database error: {exc}", err=True)
        raise typer.Exit(1) from exc
    empty = False
    for report, path in zip(reports, files.files.values(), strict=True):
        if report.rows == 0:
            empty = True
            typer.echo(
                f"警告：{path.name} 只有表头，没有数据行 / warning: {path.name} has no data rows",
                err=True,
            )
        else:
            typer.echo(report.summary + (" (dry run: nothing written)" if dry_run else ""))
    if empty:
        raise typer.Exit(1)


# The values of `storage.imports.ImportKind`, named here so that ``--help`` need not import it.
_Kind = Literal["enterprises", "pairings", "audits", "items", "dates"]


def _one(kind: _Kind, path: Path, dry_run: bool) -> None:
    from storage.imports import ImportKind, ImportSet

    _import(ImportSet(files={ImportKind(kind): path}, ignored=[]), dry_run)


@import_app.command("all")
def import_all(
    folder: Annotated[
        Path,
        typer.Argument(
            help="A folder of the bureau's files, recognised by name: enterprises/企业, "
            "pairings/结对, audits/审核, items/整改, dates/日期 (.csv or .xlsx)."
        ),
    ],
    dry_run: Annotated[bool, _DRY_RUN] = False,
) -> None:
    """Every file in a folder, in dependency order, in one transaction: all or nothing.

    A dry run validates the set together (pairings against the enterprises the same set would
    create), then writes nothing.
    """
    from storage.imports import UnreadableFile, find_import_set

    try:
        files = find_import_set(folder)
    except UnreadableFile as exc:
        typer.echo(f"Cannot read {exc}", err=True)
        raise typer.Exit(2) from exc
    _import(files, dry_run)


@import_app.command("enterprises")
def import_enterprises(
    file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False
) -> None:
    """Enterprises: 企业名称/name, 统一社会信用代码/credit_code, 类型/kind (大手|小手), …"""
    _one("enterprises", file, dry_run)


@import_app.command("pairings")
def import_pairings(
    file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False
) -> None:
    """Pairings: 年度/year, 大手/小手统一社会信用代码, 阶段/phase, 导师/mentor (phone or name)."""
    _one("pairings", file, dry_run)


@import_app.command("audits")
def import_audits(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Audits: 统一社会信用代码, 审核日期/audited_on, 审核人员, a 0–10 score per sub-category."""
    _one("audits", file, dry_run)


@import_app.command("items")
def import_items(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Items: 统一社会信用代码, 审核日期, 子类, 存在问题, 整改措施, 严重程度, 整改期限."""
    _one("items", file, dry_run)


@import_app.command("dates")
def import_dates(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Compliance dates: 统一社会信用代码, 事项/kind, 截止日期/due_on, 名称/title, 备注/note."""
    _one("dates", file, dry_run)
