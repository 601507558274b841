"""``handinhand pairing mentors``: show, add and remove a pairing's mentors, with clear errors."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cli import app
from storage.enums import Reachability, Role
from storage.models import Person
from storage.repositories import pairings
from tests.bot.conftest import World


def _cli(engine: AsyncEngine, *args: str) -> tuple[int, str, str]:
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, list(args), env={"HANDINHAND_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


async def _pairing_id(factory: async_sessionmaker[AsyncSession], world: World) -> int:
    async with factory() as session:
        pairing = await pairings.current_pairing_of(
            session=session, small_hand_id=world.small_a.id or 0
        )
        assert pairing is not None and pairing.id is not None
        return pairing.id


async def _mentor_names(factory: async_sessionmaker[AsyncSession], pairing_id: int) -> list[str]:
    async with factory() as session:
        found = await pairings.assigned_mentors(session=session, pairing_id=pairing_id)
        return [p.name for p in found]


async def _add_people(factory: async_sessionmaker[AsyncSession], world: World) -> None:
    async with factory() as session, session.begin():
        for name, phone, role, enterprise in (
            ("赵导师", "139 0000 1111", Role.mentor, world.big.id),
            ("钱专员", "13900002222", Role.manager, world.big.id),
            ("孙导师", "13900003333", Role.mentor, world.small_b.id),
        ):
            session.add(
                Person(
                    role=role,
                    name=name,
                    phone=phone,
                    enterprise_id=enterprise,
                    reachability=Reachability.reachable,
                )
            )


def test_show_add_by_phone_and_remove_by_name(
    world: World,
    sqlite_engine: AsyncEngine,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    asyncio.run(_add_people(sqlite_session_factory, world))
    pairing_id = asyncio.run(_pairing_id(sqlite_session_factory, world))
    code, out, err = _cli(sqlite_engine, "pairing", "mentors", str(pairing_id))
    assert code == 0, err
    assert "王导师" in out and "大手集团" in out and "甲小手厂" in out

    code, out, err = _cli(
        sqlite_engine, "pairing", "mentors", str(pairing_id), "--add", "13900001111"
    )
    assert code == 0, err
    assert "Added" in out and "赵导师" in out
    assert asyncio.run(_mentor_names(sqlite_session_factory, pairing_id)) == ["王导师", "赵导师"]

    code, out, err = _cli(
        sqlite_engine, "pairing", "mentors", str(pairing_id), "--remove", "王导师"
    )
    assert code == 0, err
    assert asyncio.run(_mentor_names(sqlite_session_factory, pairing_id)) == ["赵导师"]


def test_bad_people_and_pairings_are_refused_with_exit_1_and_nothing_changes(
    world: World,
    sqlite_engine: AsyncEngine,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    asyncio.run(_add_people(sqlite_session_factory, world))
    pairing_id = asyncio.run(_pairing_id(sqlite_session_factory, world))
    cases = [
        (["--add", "孙导师"], "No person of 大手集团"),  # a mentor of another company
        (["--add", "钱专员"], "is not a mentor"),
        (["--add", "赵导师", "--add", "nobody"], "No person"),  # all or nothing
        (["--remove", "赵导师"], "is not a mentor of pairing"),
    ]
    for options, message in cases:
        code, _, err = _cli(sqlite_engine, "pairing", "mentors", str(pairing_id), *options)
        assert code == 1 and message in err, (options, err)
    assert asyncio.run(_mentor_names(sqlite_session_factory, pairing_id)) == ["王导师"]
    code, _, err = _cli(sqlite_engine, "pairing", "mentors", "99999")
    assert code == 1 and "No pairing 99999" in err


def test_usage_errors_exit_2(world: World, sqlite_engine: AsyncEngine) -> None:
    assert _cli(sqlite_engine, "pairing", "mentors")[0] == 2
    assert _cli(sqlite_engine, "pairing", "mentors", "abc")[0] == 2
    assert _cli(sqlite_engine, "pairing", "mentors", "1", "--add", " ")[0] == 2
