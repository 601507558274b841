"""Audience filters reach exactly the people computed by hand, and the preview is what is sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from programme.broadcasts import Draft, confirm, preview
from storage.enums import Phase, Role
from storage.models import BroadcastDelivery
from storage.repositories.broadcasts import Audience, audience_query
from tests.scheduler.outbox_fixtures import TODAY, make_programme

CASES = {
    "everyone": (lambda p: Audience(), ("bureau", "M1", "M2", "m1", "m2", "m3")),
    "role": (lambda p: Audience(roles=(Role.manager,)), ("m1", "m2", "m3")),
    "two roles": (
        lambda p: Audience(roles=(Role.manager, Role.bureau)),
        ("bureau", "m1", "m2", "m3"),
    ),
    "round": (lambda p: Audience(round_id=p.round.id), ("M1", "M2", "m1", "m2", "m3")),
    "town": (lambda p: Audience(town="东港镇"), ("M1", "m1")),
    "industry": (lambda p: Audience(industry="化工"), ("m2",)),
    "big-hand group": (lambda p: Audience(big_hand_id=p.enterprises["B1"]), ("M1", "m1", "m2")),
    "phase": (lambda p: Audience(phase=Phase.late), ("M2", "m3")),
    "overdue": (lambda p: Audience(overdue=True), ("m2",)),
    "combined": (
        lambda p: Audience(roles=(Role.mentor,), big_hand_id=p.enterprises["B1"]),
        ("M1",),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_each_audience_filter_reaches_the_right_people(
    session_factory: async_sessionmaker[AsyncSession], case: str
) -> None:
    programme = await make_programme(session_factory)
    build, expected = CASES[case]
    audience = build(programme)
    async with session_factory() as session:
        found = set((await session.execute(audience_query(audience, today=TODAY))).scalars())
    assert found == programme.people(*expected)


async def test_preview_count_equals_the_rows_created(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    audience = Audience(big_hand_id=programme.enterprises["B1"])
    shown = await preview(session_factory, audience, today=TODAY, rate=25)
    broadcast, created = await confirm(session_factory, Draft("通知", audience), today=TODAY)
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(BroadcastDelivery.person_id).where(
                    BroadcastDelivery.broadcast_id == broadcast.id
                )
            )
        ).scalars()
        assert set(rows) == programme.people("M1", "m1", "m2")
    assert shown.recipients == created == 3
    assert shown.seconds == 1


def test_an_audience_survives_its_json_form() -> None:
    audience = Audience(
        roles=(Role.manager,), round_id=3, town="东港镇", phase=Phase.early, overdue=True
    )
    assert Audience.from_json(audience.to_json()) == audience
    assert Audience().to_json() == {}
