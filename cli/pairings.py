"""``handinhand pairing mentors PAIRING_ID [--add PERSON] [--remove PERSON]``.

Shows a pairing's assigned mentors, and adds or removes them. PERSON is a person id, a phone
number or a name, looked up among the people of the pairing's big hand (only a mentor there can
be assigned). Exit codes: 0 done, 1 nothing changed because of a problem (no such pairing, no
such person, an ambiguous name, not a mentor), 2 the command was used wrongly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer

from cli import app

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models import Person

__all__ = ["mentors_command", "pairing_app"]

pairing_app = typer.Typer(help="Pairings of big and small hands.", no_args_is_help=True)
app.add_typer(pairing_app, name="pairing")


class Problem(Exception):
    """A request that cannot be carried out (exit 1); the message is for the operator."""


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def resolve_person(people: list[Person], query: str, big_hand: str) -> Person:
    """The person of the big hand that ``query`` names: id, then phone, then exact name."""
    query = query.strip()
    if query.isdigit():
        by_id = [p for p in people if p.id == int(query)]
        if by_id:
            return by_id[0]
    digits = _digits(query)
    by_phone = [p for p in people if digits and len(digits) >= 5 and _digits(p.phone) == digits]
    by_name = [p for p in people if p.name.strip() == query]
    found = by_phone or by_name
    if not found:
        raise Problem(f"No person of {big_hand} matches {query!r} (id, phone or name).")
    if len(found) > 1:
        names = ", ".join(f"#{p.id} {p.name}" for p in found)
        raise Problem(f"{query!r} matches several people of {big_hand}: {names}. Use the id.")
    return found[0]


def _line(person: Person) -> str:
    phone = f" {person.phone}" if person.phone else ""
    return f"  #{person.id} {person.name}{phone}"


async def _mentors(
    session: AsyncSession, pairing_id: int, add: list[str], remove: list[str]
) -> list[str]:
    from storage.enums import Role
    from storage.errors import NotFound
    from storage.models import Enterprise
    from storage.repositories import pairings

    try:
        pairing = await pairings.get_pairing(session=session, pairing_id=pairing_id)
    except NotFound as exc:
        raise Problem(f"No pairing {pairing_id}.") from exc
    big = await session.get(Enterprise, pairing.big_hand_id)
    small = await session.get(Enterprise, pairing.small_hand_id)
    big_name = big.name if big else f"big hand {pairing.big_hand_id}"
    people = await pairings.people_of_enterprise(session=session, enterprise_id=pairing.big_hand_id)
    out: list[str] = []
    for query in add:
        person = resolve_person(people, query, big_name)
        if person.role is not Role.mentor or person.id is None:
            raise Problem(f"#{person.id} {person.name} is not a mentor of {big_name}.")
        await pairings.assign_mentor(session=session, pairing_id=pairing_id, person_id=person.id)
        out.append(f"Added #{person.id} {person.name}.")
    for query in remove:
        person = resolve_person(people, query, big_name)
        removed = await pairings.unassign_mentor(
            session=session, pairing_id=pairing_id, person_id=person.id or 0
        )
        if not removed:
            raise Problem(f"#{person.id} {person.name} is not a mentor of pairing {pairing_id}.")
        out.append(f"Removed #{person.id} {person.name}.")
    mentors = await pairings.assigned_mentors(session=session, pairing_id=pairing_id)
    small_name = small.name if small else f"small hand {pairing.small_hand_id}"
    out.append(f"Pairing {pairing_id}: {big_name} → {small_name}; mentors ({len(mentors)}):")
    out.extend(_line(m) for m in mentors)
    if not mentors:
        out.append(f"  none assigned: every mentor of {big_name} is told")
    return out


async def _run(url: str, pairing_id: int, add: list[str], remove: list[str]) -> list[str]:
    from storage.db import create_engine, make_session_factory

    engine = create_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            # One transaction: a bad --add or --remove leaves the pairing as it was.
            return await _mentors(session, pairing_id, add, remove)
    finally:
        await engine.dispose()


@pairing_app.command("mentors")
def mentors_command(
    pairing_id: Annotated[int, typer.Argument(help="The pairing's id.", min=1)],
    add: Annotated[
        list[str] | None, typer.Option("--add", help="Assign a mentor (id, phone or name).")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Take a mentor off (id, phone or name).")
    ] = None,
) -> None:
    """Show a pairing's mentors; add or remove them (people of the pairing's big hand)."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings

    adding, removing = add or [], remove or []
    if any(not q.strip() for q in (*adding, *removing)):
        typer.echo("--add and --remove need a person (id, phone or name).", err=True)
        raise typer.Exit(2)
    try:
        lines = asyncio.run(_run(Settings().database_url, pairing_id, adding, removing))
    except Problem as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot use the database: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("\n".join(lines))
