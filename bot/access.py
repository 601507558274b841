"""Permission checks on the objects a button or command acts on, against the database.

Callback data names an item, an enterprise or a question; it may be forged. Each check here
raises `Refused` when the member may not touch the object; the error handler logs the refusal and
tells the user politely (see `bot.handlers.errors`), and the unit of work rolls back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Member
from storage.enums import Role
from storage.repositories import pairings

__all__ = ["Refused", "require_enterprise", "require_role", "visible_enterprises"]


class Refused(Exception):
    """The member may not do this; ``what`` says what was asked, for the log."""

    def __init__(self, member: Member | None, what: str) -> None:
        who = f"user {member.telegram_user_id} ({member.role})" if member else "unknown sender"
        super().__init__(f"{who} refused: {what}")
        self.member = member
        self.what = what


def require_role(member: Member, *roles: Role) -> int:
    """Check the member has one of ``roles``; returns their person id.

    Raises:
        Refused: for guests and other roles.
    """
    if member.person_id is None or member.role not in roles:
        raise Refused(member, f"needs role {'/'.join(r.value for r in roles)}")
    return member.person_id


async def visible_enterprises(session: AsyncSession, member: Member) -> set[int] | None:
    """The small hands this member may see: None means all (bureau)."""
    if member.role is Role.bureau:
        return None
    if member.role is Role.manager and member.enterprise_id is not None:
        return {member.enterprise_id}
    if member.role is Role.mentor and member.person_id is not None:
        hands = await pairings.small_hands_of_mentor(session=session, person_id=member.person_id)
        return {hand.id for hand in hands if hand.id is not None}
    return set()


async def require_enterprise(session: AsyncSession, member: Member, enterprise_id: int) -> None:
    """Check the member may see this small hand (a manager theirs, a mentor their pairings).

    Raises:
        Refused: otherwise.
    """
    visible = await visible_enterprises(session, member)
    if visible is not None and enterprise_id not in visible:
        raise Refused(member, f"enterprise {enterprise_id}")
