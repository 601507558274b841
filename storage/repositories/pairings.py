"""Rounds and pairings: who mentors whom this year."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import EnterpriseKind, Phase, Role
from storage.errors import Conflict, NotFound
from storage.models import Enterprise, Pairing, PairingMentor, Person, Round
from storage.repositories.lookup import get_or_raise

__all__ = [
    "assign_mentor",
    "assigned_mentors",
    "create_pairing",
    "create_round",
    "current_pairing_of",
    "current_round",
    "get_pairing",
    "list_pairings",
    "mentors_of_small_hand",
    "people_of_enterprise",
    "set_phase",
    "small_hands_of_mentor",
    "unassign_mentor",
]


async def create_round(
    *, session: AsyncSession, year: int, name: str = "", make_current: bool = True
) -> Round:
    """Add a programme round; by default it becomes the current one.

    Raises:
        Conflict: if a round for ``year`` exists.
    """
    if (await session.execute(select(col(Round.id)).where(col(Round.year) == year))).first():
        raise Conflict("rounds", year)
    if make_current:
        await session.execute(update(Round).values(is_current=False))
    programme_round = Round(year=year, name=name or f"{year}年度", is_current=make_current)
    session.add(programme_round)
    await session.flush()
    return programme_round


async def current_round(*, session: AsyncSession) -> Round:
    """The round in progress.

    Raises:
        NotFound: if no round is marked current.
    """
    result = await session.execute(
        select(Round).where(col(Round.is_current).is_(True)).order_by(col(Round.year).desc())
    )
    found = result.scalars().first()
    if found is None:
        raise NotFound("rounds", "current")
    return found


async def get_pairing(*, session: AsyncSession, pairing_id: int) -> Pairing:
    """Return a pairing by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Pairing, pairing_id)


async def create_pairing(
    *,
    session: AsyncSession,
    round_id: int,
    big_hand_id: int,
    small_hand_id: int,
    phase: Phase = Phase.early,
) -> Pairing:
    """Pair a big hand with a small hand for a round.

    Raises:
        Conflict: if the small hand is already paired in that round.
        ValueError: if the two enterprises are not a big and a small hand.
    """
    big = await get_or_raise(session, Enterprise, big_hand_id)
    small = await get_or_raise(session, Enterprise, small_hand_id)
    if big.kind is not EnterpriseKind.big or small.kind is not EnterpriseKind.small:
        raise ValueError("a pairing joins a big hand (mentor) with a small hand")
    taken = await session.execute(
        select(col(Pairing.id)).where(
            col(Pairing.round_id) == round_id, col(Pairing.small_hand_id) == small_hand_id
        )
    )
    if taken.first():
        raise Conflict("pairings", (round_id, small_hand_id))
    pairing = Pairing(
        round_id=round_id, big_hand_id=big_hand_id, small_hand_id=small_hand_id, phase=phase
    )
    session.add(pairing)
    await session.flush()
    return pairing


async def set_phase(*, session: AsyncSession, pairing_id: int, phase: Phase) -> Pairing:
    """Move a pairing to another phase."""
    pairing = await get_pairing(session=session, pairing_id=pairing_id)
    pairing.phase = phase
    await session.flush()
    return pairing


async def assign_mentor(*, session: AsyncSession, pairing_id: int, person_id: int) -> None:
    """Assign a mentor (a person of the pairing's big hand) to a pairing; idempotent.

    Raises:
        ValueError: if the person is not a mentor of that big hand.
    """
    pairing = await get_pairing(session=session, pairing_id=pairing_id)
    person = await get_or_raise(session, Person, person_id)
    if person.role is not Role.mentor or person.enterprise_id != pairing.big_hand_id:
        raise ValueError("only a mentor of the pairing's big hand can be assigned")
    if await session.get(PairingMentor, (pairing_id, person_id)) is None:
        session.add(PairingMentor(pairing_id=pairing_id, person_id=person_id))
        await session.flush()


async def list_pairings(
    *, session: AsyncSession, round_id: int | None = None, big_hand_id: int | None = None
) -> list[Pairing]:
    """Pairings of a round (default: the current one), optionally of one big hand."""
    if round_id is None:
        round_id = (await current_round(session=session)).id
    query = select(Pairing).where(col(Pairing.round_id) == round_id).order_by(col(Pairing.id))
    if big_hand_id is not None:
        query = query.where(col(Pairing.big_hand_id) == big_hand_id)
    return list((await session.execute(query)).scalars())


async def current_pairing_of(*, session: AsyncSession, small_hand_id: int) -> Pairing | None:
    """The small hand's pairing in the current round, if it has one."""
    query = (
        select(Pairing)
        .join(Round, col(Round.id) == col(Pairing.round_id))
        .where(col(Round.is_current).is_(True), col(Pairing.small_hand_id) == small_hand_id)
    )
    return (await session.execute(query)).scalars().first()


async def small_hands_of_mentor(*, session: AsyncSession, person_id: int) -> list[Enterprise]:
    """The small hands paired with the mentor's big hand in the current round, by name.

    A mentor sees every small hand of their company's group, not only the pairings they are
    assigned to: colleagues stand in for each other.
    """
    person = await get_or_raise(session, Person, person_id)
    if person.role is not Role.mentor or person.enterprise_id is None:
        return []
    query = (
        select(Enterprise)
        .join(Pairing, col(Pairing.small_hand_id) == col(Enterprise.id))
        .join(Round, col(Round.id) == col(Pairing.round_id))
        .where(col(Round.is_current).is_(True), col(Pairing.big_hand_id) == person.enterprise_id)
        .order_by(col(Enterprise.name), col(Enterprise.id))
    )
    return list((await session.execute(query)).scalars())


async def mentors_of_small_hand(*, session: AsyncSession, small_hand_id: int) -> list[Person]:
    """Who mentors this small hand now: the mentors assigned to its current pairing, or, if none
    is assigned, every mentor of the paired big hand. Empty when it is not paired this round."""
    pairing = await current_pairing_of(session=session, small_hand_id=small_hand_id)
    if pairing is None:
        return []
    assigned = await session.execute(
        select(Person)
        .join(PairingMentor, col(PairingMentor.person_id) == col(Person.id))
        .where(col(PairingMentor.pairing_id) == pairing.id)
        .order_by(col(Person.id))
    )
    mentors = list(assigned.scalars())
    if mentors:
        return mentors
    everyone = await session.execute(
        select(Person)
        .where(col(Person.role) == Role.mentor, col(Person.enterprise_id) == pairing.big_hand_id)
        .order_by(col(Person.id))
    )
    return list(everyone.scalars())


async def assigned_mentors(*, session: AsyncSession, pairing_id: int) -> list[Person]:
    """The mentors assigned to the pairing (only those; no fallback to the big hand's)."""
    result = await session.execute(
        select(Person)
        .join(PairingMentor, col(PairingMentor.person_id) == col(Person.id))
        .where(col(PairingMentor.pairing_id) == pairing_id)
        .order_by(col(Person.id))
    )
    return list(result.scalars())


async def unassign_mentor(*, session: AsyncSession, pairing_id: int, person_id: int) -> bool:
    """Take a mentor off a pairing; False if they were not assigned to it."""
    row = await session.get(PairingMentor, (pairing_id, person_id))
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def people_of_enterprise(*, session: AsyncSession, enterprise_id: int) -> list[Person]:
    """Everyone registered for an enterprise, by id."""
    result = await session.execute(
        select(Person).where(col(Person.enterprise_id) == enterprise_id).order_by(col(Person.id))
    )
    return list(result.scalars())
