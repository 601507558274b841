"""``handinhand import enterprises|pairings|audits|items|dates FILE``: the bureau's spreadsheets."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from cli import app
from storage.db import create_engine, make_session_factory
from storage.errors import ImportFailed
from storage.imports import ImportKind, ImportReport, UnreadableFile, import_file
from storage.migrate import upgrade

import_app = typer.Typer(
    help="Import the bureau's spreadsheets (CSV or XLSX, Chinese or English headers). "
    "Bad rows are listed with row, column and reason, and then nothing is written. "
    "Importing the same file again changes nothing. Samples: examples/.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

_FILE = typer.Argument(help="A .csv or .xlsx file; the first sheet is read.")
_DRY_RUN = typer.Option("--dry-run", help="Only validate; write nothing.")


async def _run(url: str, kind: ImportKind, path: Path, dry_run: bool) -> ImportReport:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with make_session_factory(engine)() as session:
            report = await import_file(session=session, kind=kind, path=path, dry_run=dry_run)
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
            return report
    finally:
        await engine.dispose()


def _import(kind: ImportKind, path: Path, dry_run: bool) -> None:
    try:
        report = asyncio.run(_run(Settings().database_url, kind, path, dry_run))
    except UnreadableFile as exc:
        typer.echo(f"Cannot read {exc}", err=True)
        raise typer.Exit(2) from exc
    except ImportFailed as exc:
        for error in exc.errors:
            typer.echo(error.message, err=True)
        typer.echo(
            f"{len(exc.errors)} 处错误，未导入任何数据 / {len(exc.errors)} error(s); nothing was "
            "imported.",
            err=True,
        )
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Database error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(report.summary + (" (dry run: nothing written)" if dry_run else ""))


@import_app.command("enterprises")
def import_enterprises(
    file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False
) -> None:
    """Enterprises: 企业名称/name, 统一社会信用代码/credit_code, 类型/kind (大手|小手), …"""
    _import(ImportKind.enterprises, file, dry_run)


@import_app.command("pairings")
def import_pairings(
    file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False
) -> None:
    """Pairings: 年度/year, 大手统一社会信用代码, 小手统一社会信用代码, 阶段/phase."""
    _import(ImportKind.pairings, file, dry_run)


@import_app.command("audits")
def import_audits(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Audits: 统一社会信用代码, 审核日期/audited_on, 审核人员, a 0–10 score per sub-category."""
    _import(ImportKind.audits, file, dry_run)


@import_app.command("items")
def import_items(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Items: 统一社会信用代码, 审核日期, 子类, 存在问题, 整改措施, 严重程度, 整改期限."""
    _import(ImportKind.items, file, dry_run)


@import_app.command("dates")
def import_dates(file: Annotated[Path, _FILE], dry_run: Annotated[bool, _DRY_RUN] = False) -> None:
    """Compliance dates: 统一社会信用代码, 事项/kind, 截止日期/due_on, 名称/title, 备注/note."""
    _import(ImportKind.dates, file, dry_run)
