"""The audience picker offers what exists and turns each choice into the right filter."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.handlers.audience_picker import apply_choice, choice_buttons, summary, toggle_overdue
from programme.broadcasts import preview
from storage.enums import Phase, Role
from storage.repositories.audience_options import audience_options
from storage.repositories.broadcasts import Audience
from tests.scheduler.outbox_fixtures import TODAY, make_programme


async def test_each_choice_narrows_the_audience_to_the_hand_computed_people(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme(session_factory)
    async with session_factory() as session:
        options = await audience_options(session=session)
    assert options.towns == sorted(["东港镇", "锡北镇"])
    assert options.industries == sorted(["金属制品", "化工", "纺织"])
    assert [i for i, _ in options.rounds] == [programme.round.id]
    assert {i for i, _ in options.big_hands} == {programme.enterprises[b] for b in ("B1", "B2")}

    chosen = apply_choice({}, "town", options.towns.index("东港镇") + 1, options)
    chosen = apply_choice(chosen, "role", 1, options)  # managers
    assert Audience.from_json(chosen) == Audience(roles=(Role.manager,), town="东港镇")
    found = await preview(session_factory, Audience.from_json(chosen), today=TODAY, rate=25)
    assert found.recipients == 1  # m1 (S1's manager without a chat is not counted)

    group = apply_choice({}, "group", programme.enterprises["B1"], options)
    late = apply_choice(toggle_overdue(group), "phase", 3, options)
    assert Audience.from_json(late) == Audience(
        big_hand_id=programme.enterprises["B1"], phase=Phase.late, overdue=True
    )
    assert apply_choice(late, "phase", 0, options).get("phase") is None, "0 clears"
    assert "overdue" not in toggle_overdue(late)
    assert "东港镇" in summary(Audience.from_json(chosen), options, "zh")
    assert summary(Audience(), options, "en") == "everyone who can be reached"


@pytest.mark.parametrize(("kind", "number"), [("town", 99), ("group", 424242), ("nope", 1)])
async def test_stale_or_forged_choices_are_refused(
    session_factory: async_sessionmaker[AsyncSession], kind: str, number: int
) -> None:
    await make_programme(session_factory)
    async with session_factory() as session:
        options = await audience_options(session=session)
    with pytest.raises(ValueError):
        apply_choice({}, kind, number, options)


async def test_every_choice_button_fits_and_any_comes_first(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await make_programme(session_factory)
    async with session_factory() as session:
        options = await audience_options(session=session)
    rows = choice_buttons("industry", options, "zh")
    assert rows[0] == [("不限", "bv:industry:0")]
    assert [label for row in rows[1:] for label, _ in row] == options.industries
