"""The demo programme has the promised shape, is deterministic, and loads only once."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cli import app
from storage.credit_code import validate_credit_code
from storage.demo import demo_person_ids, ensure_demo_data
from storage.enums import EnterpriseKind, Role
from storage.models import Audit, Enterprise, Item, Person
from storage.repositories import items, pairings

TODAY = date(2025, 9, 1)


async def test_the_demo_programme_has_the_promised_shape(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert await ensure_demo_data(session_factory, seed=11, today=TODAY)
    assert not await ensure_demo_data(session_factory, seed=11, today=TODAY)
    async with session_factory() as session:
        kinds = dict(
            (
                await session.execute(
                    select(Enterprise.kind, func.count()).group_by(Enterprise.kind)
                )
            ).all()
        )
        assert kinds == {EnterpriseKind.big: 24, EnterpriseKind.small: 390}
        codes = (await session.execute(select(Enterprise.credit_code))).scalars().all()
        assert all(validate_credit_code(c) == c for c in codes)
        assert await session.scalar(select(func.count()).select_from(Audit)) == 390
        counts = await items.count_items(session=session, today=TODAY)
        assert 5_500 <= counts.total <= 6_500
        assert 0.75 <= counts.completion_rate <= 0.85
        per_shop = await items.counts_by_enterprise(
            session=session,
            today=TODAY,
            enterprise_ids=list(
                (await session.execute(select(Item.enterprise_id).distinct())).scalars()
            ),
        )
        assert sum(c.completion_rate == 1.0 for c in per_shop.values()) >= 20

        people = await demo_person_ids(session)
        manager = await session.get(Person, people.manager)
        mentor = await session.get(Person, people.mentor)
        bureau = await session.get(Person, people.bureau)
        assert manager and mentor and bureau
        assert (manager.role, mentor.role, bureau.role) == (Role.manager, Role.mentor, Role.bureau)
        assert manager.enterprise_id is not None
        mentors = await pairings.mentors_of_small_hand(
            session=session, small_hand_id=manager.enterprise_id
        )
        assert mentor.id in [m.id for m in mentors]
        mine = await items.count_items(
            session=session, today=TODAY, enterprise_id=manager.enterprise_id
        )
        assert mine.open > 0


def _digest(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT e.credit_code, e.name, i.finding, i.status, i.due_on FROM items i "
            "JOIN enterprises e ON e.id = i.enterprise_id ORDER BY i.id"
        ).fetchall()


def test_the_same_seed_gives_the_same_programme_and_the_cli_refuses_a_full_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    digests = []
    for name, seed in (("a.db", "5"), ("b.db", "5"), ("c.db", "6")):
        url = f"sqlite:///{tmp_path / name}"
        result = runner.invoke(app, ["demo", "--seed", seed, "--database", url])
        assert result.exit_code == 0, result.output
        digests.append(_digest(tmp_path / name))
    # Due dates move with the calendar day, so compare runs made on the same day.
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
    again = runner.invoke(app, ["demo", "--database", url])
    assert again.exit_code == 1 and "empty database" in again.output


def test_db_upgrade_and_backup_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0 and "upgraded from empty" in first.output
    assert "already at the newest" in runner.invoke(app, ["db", "upgrade"]).output
    live = f"sqlite:///{tmp_path / 'live.db'}"
    assert runner.invoke(app, ["demo", "--seed", "1", "--database", live]).exit_code == 0
    backup = runner.invoke(app, ["db", "backup", str(tmp_path / "copy.db")])
    assert backup.exit_code == 0, backup.output
    assert _digest(tmp_path / "copy.db") == _digest(tmp_path / "live.db")

    monkeypatch.setenv("HANDINHAND_DATABASE_URL", "postgresql://postgres@127.0.0.1/whatever")
    refused = runner.invoke(app, ["db", "backup", str(tmp_path / "pg.db")])
    assert refused.exit_code == 2 and "pg_dump" in refused.output
