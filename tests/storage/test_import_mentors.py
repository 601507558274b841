"""The pairings import's optional mentor column: by phone or name, with precise bad-row messages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import Role
from storage.errors import ImportFailed
from storage.imports import ImportKind, import_file
from storage.models import Enterprise, PairingMentor
from storage.repositories import pairings
from tests.storage.factories import make_big_hand, make_person, make_small_hand

HEADER = ["年度", "大手统一社会信用代码", "小手统一社会信用代码", "阶段", "导师"]


async def _world(factory: async_sessionmaker[AsyncSession]) -> dict[str, Enterprise | int]:
    async with factory() as session, session.begin():
        big, other_big = await make_big_hand(session), await make_big_hand(session)
        shops = [await make_small_hand(session) for _ in range(3)]
        ids: dict[str, Enterprise | int] = {"big": big, "other": other_big}
        for n, shop in enumerate(shops, 1):
            ids[f"s{n}"] = shop
        for key, name, phone, enterprise in [
            ("wang", "王工", "13800000001", big),
            ("li1", "李工", "13800000002", big),
            ("li2", "李工", "13800000003", big),
            ("zhao", "赵工", "13800000004", other_big),
        ]:
            person = await make_person(session, Role.mentor, name=name, enterprise_id=enterprise.id)
            person.phone = phone
            assert person.id is not None
            ids[key] = person.id
        await session.flush()
    return ids


def _write(path: Path, world: dict[str, Enterprise | int], mentors: list[str]) -> Path:
    big = world["big"]
    assert isinstance(big, Enterprise)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n, mentor in enumerate(mentors, 1):
            shop = world[f"s{n}"]
            assert isinstance(shop, Enterprise)
            writer.writerow([2025, big.credit_code, shop.credit_code, "前期", mentor])
    return path


async def _links(factory: async_sessionmaker[AsyncSession]) -> set[tuple[int, int]]:
    async with factory() as session:
        result = await session.execute(select(PairingMentor))
        return {(m.pairing_id, m.person_id) for m in result.scalars()}


async def test_bad_mentor_cells_are_each_reported_and_nothing_is_written(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    world = await _world(session_factory)
    path = _write(tmp_path / "pairings.csv", world, ["李工", "赵工", "钱工"])
    with pytest.raises(ImportFailed) as failed:
        async with session_factory() as session, session.begin():
            await import_file(session=session, kind=ImportKind.pairings, path=path)
    assert [e.message for e in failed.value.errors] == [
        "第 2 行，导师：该大手有 2 位导师叫“李工”，请改填手机号 / row 2, mentor: 2 mentors of "
        "this big hand are called '李工'; use the phone number",
        "第 3 行，导师：“赵工”不是该大手的导师 / row 3, mentor: '赵工' is not a mentor of this "
        "big hand",
        "第 4 行，导师：未找到“钱工”（请先邀请该导师） / row 4, mentor: no person '钱工' "
        "(invite the mentor first)",
    ]
    assert await _links(session_factory) == set()


async def test_mentors_by_name_or_phone_are_assigned_and_a_reimport_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    world = await _world(session_factory)
    path = _write(tmp_path / "pairings.csv", world, ["王工", "+86 138-0000-0003、王工", ""])
    for expected in ((3, 0, 0), (0, 0, 3)):
        async with session_factory() as session, session.begin():
            report = await import_file(session=session, kind=ImportKind.pairings, path=path)
        assert (report.created, report.updated, report.unchanged) == expected
    async with session_factory() as session:
        mentors = {}
        for n in (1, 2, 3):
            shop = world[f"s{n}"]
            assert isinstance(shop, Enterprise) and shop.id is not None
            found = await pairings.mentors_of_small_hand(session=session, small_hand_id=shop.id)
            mentors[n] = {p.id for p in found}
    everyone = {world["wang"], world["li1"], world["li2"]}  # none assigned: the big hand's all
    assert mentors == {1: {world["wang"]}, 2: {world["li2"], world["wang"]}, 3: everyone}
    assert len(await _links(session_factory)) == 3
