"""Factories for rows with sensible defaults: ``make_small_hand(session, name=...)``.

Every factory flushes, so the returned row has its id. Credit codes are generated valid and
unique per call.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.credit_code import check_character
from storage.enums import EnterpriseKind, Role, SubCategory
from storage.errors import NotFound
from storage.models import Audit, Enterprise, Item, Pairing, Person, Round
from storage.repositories import audits, enterprises, items, pairings, people

_serial = itertools.count(1)


def make_credit_code(serial: int | None = None) -> str:
    """A valid credit code (Wuxi Xishan district, company registered with market regulation)."""
    n = next(_serial) if serial is None else serial
    first17 = f"91320205{n:09d}"
    return first17 + check_character(first17)


async def make_enterprise(session: AsyncSession, **overrides: Any) -> Enterprise:
    n = next(_serial)
    fields: dict[str, Any] = {
        "kind": EnterpriseKind.small,
        "name": f"无锡测试企业{n}有限公司",
        "credit_code": make_credit_code(n),
        "industry": "金属制品",
        "town": "东港镇",
    }
    fields.update(overrides)
    return await enterprises.create_enterprise(session=session, **fields)


async def make_small_hand(session: AsyncSession, **overrides: Any) -> Enterprise:
    return await make_enterprise(session, kind=EnterpriseKind.small, **overrides)


async def make_big_hand(session: AsyncSession, **overrides: Any) -> Enterprise:
    return await make_enterprise(session, kind=EnterpriseKind.big, **overrides)


async def make_round(session: AsyncSession, year: int = 2025, **overrides: Any) -> Round:
    return await pairings.create_round(session=session, year=year, **overrides)


async def make_person(session: AsyncSession, role: Role = Role.manager, **overrides: Any) -> Person:
    n = next(_serial)
    fields: dict[str, Any] = {"name": f"测试用户{n}", "telegram_user_id": 10_000_000 + n}
    fields.update(overrides)
    return await people.create_person(session=session, role=role, **fields)


async def make_pairing(
    session: AsyncSession,
    *,
    big_hand: Enterprise | None = None,
    small_hand: Enterprise | None = None,
    programme_round: Round | None = None,
    **overrides: Any,
) -> Pairing:
    if programme_round is None:
        try:
            programme_round = await pairings.current_round(session=session)
        except NotFound:
            programme_round = await make_round(session)
    big_hand = big_hand or await make_big_hand(session)
    small_hand = small_hand or await make_small_hand(session)
    assert programme_round.id and big_hand.id and small_hand.id
    return await pairings.create_pairing(
        session=session,
        round_id=programme_round.id,
        big_hand_id=big_hand.id,
        small_hand_id=small_hand.id,
        **overrides,
    )


async def make_audit(
    session: AsyncSession, enterprise: Enterprise, audited_on: date = date(2025, 3, 1), **kw: Any
) -> Audit:
    assert enterprise.id
    scores = kw.pop("scores", dict.fromkeys(SubCategory, 6.0))
    return await audits.create_audit(
        session=session, enterprise_id=enterprise.id, audited_on=audited_on, scores=scores, **kw
    )


async def make_item(session: AsyncSession, enterprise: Enterprise, **overrides: Any) -> Item:
    assert enterprise.id
    fields: dict[str, Any] = {
        "sub_category": SubCategory.hazardous_waste,
        "finding": f"危废暂存间未张贴标识{next(_serial)}",
        "measure": "按HJ 1276-2022设置危险废物贮存设施标志",
    }
    fields.update(overrides)
    return await items.create_item(session=session, enterprise_id=enterprise.id, **fields)
