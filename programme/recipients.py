"""Who hears about what: the asker's mentor, a small hand's mentors, the bureau admins."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from programme.actors import Actor
from storage.enums import Role
from storage.models import Person
from storage.repositories import pairings, people
from storage.repositories.people import is_reachable

__all__ = [
    "big_hand_mentors",
    "bureau_admins",
    "managers_of",
    "mentors_of",
    "question_recipient",
]


def _reachable(person: Person, exclude: int | None) -> bool:
    return is_reachable(person) and person.id != exclude


async def mentors_of(session: AsyncSession, enterprise_id: int) -> list[Person]:
    """The mentors of a small hand in the current round who can be messaged.

    These are the mentors assigned to its pairing; when none of them can be reached (or none is
    assigned), every reachable mentor of the paired big hand, so a call for help is never lost.
    """
    mentors = await pairings.mentors_of_small_hand(session=session, small_hand_id=enterprise_id)
    reachable = [m for m in mentors if _reachable(m, None)]
    if reachable:
        return reachable
    pairing = await pairings.current_pairing_of(session=session, small_hand_id=enterprise_id)
    if pairing is None:
        return []
    return await big_hand_mentors(session, pairing.big_hand_id)


async def big_hand_mentors(session: AsyncSession, big_hand_id: int) -> list[Person]:
    """Every mentor of a big hand who can be messaged."""
    everyone = await people.list_people(
        session=session, role=Role.mentor, enterprise_id=big_hand_id
    )
    return [m for m in everyone if _reachable(m, None)]


async def bureau_admins(session: AsyncSession, *, exclude: int | None = None) -> list[Person]:
    """The bureau admins who can be messaged."""
    admins = await people.list_people(session=session, role=Role.bureau)
    return [a for a in admins if _reachable(a, exclude)]


async def question_recipient(session: AsyncSession, actor: Actor) -> Person | None:
    """Who answers a question the bot could not: a manager's mentor, else a bureau admin."""
    if actor.role is Role.manager and actor.enterprise_id is not None:
        mentors = await mentors_of(session, actor.enterprise_id)
        if mentors:
            return mentors[0]
    admins = await bureau_admins(session, exclude=actor.person_id)
    return admins[0] if admins else None


async def managers_of(session: AsyncSession, enterprise_id: int) -> list[Person]:
    """The managers of a small hand who can be messaged."""
    managers = await people.list_people(
        session=session, role=Role.manager, enterprise_id=enterprise_id
    )
    return [m for m in managers if _reachable(m, None)]
