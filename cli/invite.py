"""``handinhand invite create``: onboarding codes and their t.me deep links.

It writes, but never migrates: on a database whose schema is behind it says to run
``handinhand db upgrade`` and creates nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import app
from storage.enums import EnterpriseKind, Role

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["create_command"]

invite_app = typer.Typer(help="Invites: single-use onboarding codes.", no_args_is_help=True)
app.add_typer(invite_app, name="invite")

# Which kind of enterprise each role belongs to.
_KIND = {Role.manager: EnterpriseKind.small, Role.mentor: EnterpriseKind.big}
_CSV_COLUMNS = ("enterprise_id", "企业ID", "credit_code", "统一社会信用代码")


class InviteRole(StrEnum):
    manager = "manager"
    mentor = "mentor"
    bureau = "bureau"


@dataclass(frozen=True, slots=True)
class Target:
    """One invite to make: for an enterprise (by id or credit code) or none; ``line`` for errors."""

    line: int
    enterprise_id: int | None = None
    credit_code: str | None = None


def _targets_from_csv(path: Path) -> list[Target]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}") from exc
    targets = []
    for line, row in enumerate(rows, start=2):
        value = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if value.get("enterprise_id") or value.get("企业ID"):
            raw = value.get("enterprise_id") or value.get("企业ID") or ""
            targets.append(Target(line, enterprise_id=int(raw) if raw.isdigit() else -1))
        elif value.get("credit_code") or value.get("统一社会信用代码"):
            targets.append(
                Target(line, credit_code=value.get("credit_code") or value.get("统一社会信用代码"))
            )
        else:
            raise typer.BadParameter(
                f"{path} line {line}: needs one of the columns {', '.join(_CSV_COLUMNS)}"
            )
    return targets


async def _create(
    settings: Settings, role: Role, targets: list[Target]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Make the invites in one transaction: all of them, or none if any target is bad."""
    from cli.db import current_database
    from storage.errors import NotFound
    from storage.repositories import enterprises, invites

    async with current_database(settings.database_url) as session_factory:
        made: list[tuple[str, str]] = []
        problems: list[str] = []
        async with session_factory() as session, session.begin():
            for target in targets:
                label = "—"
                enterprise_id = None
                if target.enterprise_id is not None or target.credit_code is not None:
                    try:
                        if target.credit_code is not None:
                            found = await enterprises.get_by_credit_code(
                                session=session, credit_code=target.credit_code
                            )
                        else:
                            found = await enterprises.get_enterprise(
                                session=session, enterprise_id=target.enterprise_id or -1
                            )
                    except NotFound:
                        problems.append(f"line {target.line}: no such enterprise")
                        continue
                    if found.kind is not _KIND[role]:
                        problems.append(
                            f"line {target.line}: {found.name} is a {found.kind.value} hand,"
                            f" not for a {role.value}"
                        )
                        continue
                    enterprise_id, label = found.id, found.name
                _, code = await invites.create_invite(
                    session=session, role=role, enterprise_id=enterprise_id
                )
                made.append((label, code))
            if problems:
                await session.rollback()
                return [], problems
        return made, []


@invite_app.command("create")
def create_command(
    role: Annotated[InviteRole, typer.Option(help="The role the code grants.")],
    enterprise: Annotated[
        int | None,
        typer.Option(
            "--enterprise", help="Enterprise id (managers: a small hand; mentors: a big hand)."
        ),
    ] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="CSV with a column enterprise_id or credit_code: one invite per row."
        ),
    ] = None,
) -> None:
    """Create invite codes and print each with its t.me deep link (codes are shown only now)."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from storage.migrate import SchemaOutdated

    settings = Settings()
    chosen = Role(role.value)
    if chosen is Role.bureau and (enterprise is not None or csv_file is not None):
        raise typer.BadParameter("bureau invites belong to no enterprise; drop --enterprise/--csv")
    if chosen is not Role.bureau and (enterprise is None) == (csv_file is None):
        raise typer.BadParameter(
            f"a {chosen.value} invite needs exactly one of --enterprise or --csv"
        )
    if csv_file is not None:
        targets = _targets_from_csv(csv_file)
    elif enterprise is not None:
        targets = [Target(1, enterprise_id=enterprise)]
    else:
        targets = [Target(1)]
    try:
        made, problems = asyncio.run(_create(settings, chosen, targets))
    except SchemaOutdated as exc:
        typer.echo(f"{exc}\nNo invites were created.", err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot reach the database: {exc}", err=True)
        raise typer.Exit(1) from exc
    if problems:
        for problem in problems:
            typer.echo(problem if csv_file else problem.replace("line 1: ", ""), err=True)
        typer.echo("No invites were created.", err=True)
        raise typer.Exit(1)
    for label, code in made:
        typer.echo(f"{label}\t{code}\thttps://t.me/{settings.bot_username}?start={code}")
