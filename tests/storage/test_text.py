"""Control characters never reach the database, whichever way the text is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Enum, String, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from sqlmodel.sql.sqltypes import AutoString

from storage.enums import ItemStatus, Role, Severity, SubCategory
from storage.imports import ImportKind, import_file
from storage.models import Audit, Enterprise, Item, Person, metadata
from storage.text import clean_text
from tests.storage.factories import make_credit_code, make_person, make_small_hand

DIRTY = "漏\x00水\x07点\x1b[31m未\x0b整改\x7f\x85"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("废水处理设施\x00故障", "废水处理设施故障"),
        ("第一行\r\n第二行\r第三行\n\t缩进", "第一行\n第二行\n第三行\n\t缩进"),
        ("\x01\x02\x08\x0c\x1f\x7f\x80\x9f", ""),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("全角\u3000空格 and ordinary text", "全角\u3000空格 and ordinary text"),
    ],
)
def test_clean_text_keeps_tabs_and_line_breaks_and_drops_other_controls(
    raw: str, clean: str
) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean


def test_every_plain_string_column_cleans_what_it_stores() -> None:
    missed = [
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, AutoString | String) and not isinstance(column.type, Enum)
    ]
    assert missed == []


def _xlsx_accepts(*texts: str) -> None:
    # What the export does with stored text: openpyxl refuses illegal XML characters.
    sheet = Workbook().active
    assert sheet is not None
    sheet.append(list(texts))


async def test_orm_and_core_writes_store_text_without_control_characters(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        shop = await make_small_hand(session, name="恒达\x00五金")
        person = await make_person(
            session, Role.manager, name="张\x00经理\x1b", enterprise_id=shop.id
        )
        audit = Audit(enterprise_id=shop.id or 0, audited_on=date(2025, 5, 1), notes=DIRTY)
        session.add(audit)
        await session.flush()
        item_id = (
            await session.execute(
                insert(Item).returning(col(Item.id)),
                [
                    {
                        "enterprise_id": shop.id,
                        "audit_id": audit.id,
                        "sub_category": SubCategory.wastewater,
                        "finding": DIRTY,
                        "measure": "更换\x00泵",
                        "severity": Severity.high,
                        "status": ItemStatus.open,
                    }
                ],
            )
        ).scalar_one()
        await session.execute(
            update(Person).where(col(Person.id) == person.id).values(phone="139\x00")
        )
    async with session_factory() as session:
        name = await session.scalar(
            select(col(Enterprise.name)).where(col(Enterprise.id) == shop.id)
        )
        stored = (await session.execute(select(Item).where(col(Item.id) == item_id))).scalar_one()
        manager = (
            await session.execute(select(Person).where(col(Person.id) == person.id))
        ).scalar_one()
        notes = await session.scalar(select(col(Audit.notes)))
    assert name == "恒达五金"
    assert (stored.finding, stored.measure) == ("漏水点[31m未整改", "更换泵")
    assert (manager.name, manager.phone) == ("张经理", "139")
    assert notes == "漏水点[31m未整改"
    _xlsx_accepts(name, stored.finding, stored.measure, manager.name, notes)


async def test_an_imported_control_character_is_dropped_and_a_reimport_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    code = make_credit_code(9101)
    path = tmp_path / "enterprises.csv"
    path.write_text(
        f"企业名称,统一社会信用代码,类型,地址\n恒达\x00五金\x07,{code},小手,东港镇\x0b锡港路1号\n",
        encoding="utf-8",
    )
    for expected in ((1, 0, 0), (0, 0, 1)):
        async with session_factory() as session, session.begin():
            report = await import_file(session=session, kind=ImportKind.enterprises, path=path)
        assert (report.created, report.updated, report.unchanged) == expected
    async with session_factory() as session:
        shop = (await session.execute(select(Enterprise))).scalar_one()
    assert (shop.name, shop.address) == ("恒达五金", "东港镇锡港路1号")
    _xlsx_accepts(shop.name, shop.address)
