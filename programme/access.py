"""Who may see or act on what: the programme's permission rules, checked against the database.

Ids in commands and buttons may be forged; every use-case that touches an enterprise, an item or
a visit checks the actor here first and raises `Refused` otherwise. The fronts map `Refused` to a
polite reply (``bot.handlers.errors``) and the unit of work rolls back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from programme.actors import Actor
from programme.errors import Refused
from storage.enums import Role
from storage.repositories import pairings

__all__ = ["has_role", "require_enterprise", "require_role", "visible_enterprises"]


def has_role(actor: Actor | None, roles: frozenset[Role] | tuple[Role, ...]) -> bool:
    """Whether ``actor`` is onboarded with one of ``roles`` (the gate's routing asks this)."""
    return actor is not None and actor.person_id is not None and actor.role in roles


def require_role(actor: Actor, *roles: Role) -> int:
    """Check the actor has one of ``roles``; returns their person id.

    Raises:
        Refused: for guests and other roles.
    """
    if not has_role(actor, roles) or actor.person_id is None:
        raise Refused(actor, f"needs role {'/'.join(r.value for r in roles)}")
    return actor.person_id


async def visible_enterprises(session: AsyncSession, actor: Actor) -> set[int] | None:
    """The small hands this actor may see: None means all (bureau)."""
    if actor.role is Role.bureau:
        return None
    if actor.role is Role.manager and actor.enterprise_id is not None:
        return {actor.enterprise_id}
    if actor.role is Role.mentor and actor.person_id is not None:
        hands = await pairings.small_hands_of_mentor(session=session, person_id=actor.person_id)
        return {hand.id for hand in hands if hand.id is not None}
    return set()


async def require_enterprise(session: AsyncSession, actor: Actor, enterprise_id: int) -> None:
    """Check the actor may see this small hand (a manager theirs, a mentor their pairings).

    Raises:
        Refused: otherwise.
    """
    visible = await visible_enterprises(session, actor)
    if visible is not None and enterprise_id not in visible:
        raise Refused(actor, f"enterprise {enterprise_id}")
