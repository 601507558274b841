"""Rounds and pairings: who mentors whom in the current round."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Phase, Role
from storage.errors import Conflict
from storage.repositories import pairings
from tests.storage.factories import (
    make_big_hand,
    make_pairing,
    make_person,
    make_round,
    make_small_hand,
)


async def test_a_mentor_sees_only_the_small_hands_of_their_group_this_round(
    session: AsyncSession,
) -> None:
    old = await make_round(session, year=2024)
    big, rival = await make_big_hand(session), await make_big_hand(session)
    mine = [await make_small_hand(session, name=n) for n in ("乙厂", "甲厂")]
    theirs = await make_small_hand(session)
    last_year = await make_small_hand(session)
    await make_pairing(session, big_hand=big, small_hand=last_year, programme_round=old)
    current = await make_round(session, year=2025)
    for shop in mine:
        await make_pairing(session, big_hand=big, small_hand=shop, programme_round=current)
    await make_pairing(session, big_hand=rival, small_hand=theirs, programme_round=current)
    mentor = await make_person(session, Role.mentor, enterprise_id=big.id)

    assert (await pairings.current_round(session=session)).year == 2025
    found = await pairings.small_hands_of_mentor(session=session, person_id=mentor.id)
    assert [e.name for e in found] == ["乙厂", "甲厂"]
    manager = await make_person(session, Role.manager, enterprise_id=mine[0].id)
    assert await pairings.small_hands_of_mentor(session=session, person_id=manager.id) == []


async def test_assigned_mentors_come_first_otherwise_the_whole_group(session: AsyncSession) -> None:
    pairing = await make_pairing(session, phase=Phase.middle)
    alice = await make_person(session, Role.mentor, enterprise_id=pairing.big_hand_id)
    bob = await make_person(session, Role.mentor, enterprise_id=pairing.big_hand_id)
    everyone = await pairings.mentors_of_small_hand(
        session=session, small_hand_id=pairing.small_hand_id
    )
    assert [p.id for p in everyone] == [alice.id, bob.id]
    await pairings.assign_mentor(session=session, pairing_id=pairing.id, person_id=bob.id)
    await pairings.assign_mentor(session=session, pairing_id=pairing.id, person_id=bob.id)
    assigned = await pairings.mentors_of_small_hand(
        session=session, small_hand_id=pairing.small_hand_id
    )
    assert [p.id for p in assigned] == [bob.id]
    outsider = await make_person(session, Role.mentor)
    with pytest.raises(ValueError, match="mentor of the pairing's big hand"):
        await pairings.assign_mentor(session=session, pairing_id=pairing.id, person_id=outsider.id)


async def test_a_small_hand_is_paired_once_per_round(session: AsyncSession) -> None:
    pairing = await make_pairing(session)
    with pytest.raises(Conflict):
        await pairings.create_pairing(
            session=session,
            round_id=pairing.round_id,
            big_hand_id=(await make_big_hand(session)).id,
            small_hand_id=pairing.small_hand_id,
        )
    moved = await pairings.set_phase(session=session, pairing_id=pairing.id, phase=Phase.late)
    assert moved.phase is Phase.late
