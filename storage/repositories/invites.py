"""Invites: single-use, expiring onboarding codes, stored only as hashes, with a lockout.

A wrong code is recorded as an :class:`~storage.models.InviteAttempt`; five wrong codes within an
hour lock that Telegram account out of redeeming for an hour after the fifth. Because a refused
redemption still has to write its attempt, :func:`redeem_invite` reports refusals in its result
instead of raising (an exception would tempt the caller to roll the attempt back).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Language, Reachability, Role
from storage.errors import InviteError, InviteInvalid, InviteLocked
from storage.models import Invite, InviteAttempt, Person, utcnow

__all__ = [
    "DEFAULT_TTL",
    "LOCKOUT",
    "MAX_FAILURES",
    "Redemption",
    "create_invite",
    "hash_code",
    "locked_until",
    "redeem_invite",
]

DEFAULT_TTL = timedelta(days=7)
MAX_FAILURES = 5
LOCKOUT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Redemption:
    """What became of a redemption: ``person`` on success, else ``error`` says why not."""

    person: Person | None = None
    error: InviteError | None = None

    @property
    def ok(self) -> bool:
        return self.person is not None


def hash_code(code: str) -> str:
    """The stored form of a code (codes carry 96 random bits, so a plain SHA-256 suffices)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


async def create_invite(
    *,
    session: AsyncSession,
    role: Role,
    enterprise_id: int | None = None,
    name: str = "",
    created_by: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> tuple[Invite, str]:
    """Create an invite for a role (and enterprise, for managers and mentors).

    Returns:
        The invite row and the plain code — shown once, never stored. The code uses only
        characters allowed in a ``t.me/<bot>?start=<code>`` deep link.
    """
    now = now or utcnow()
    code = secrets.token_urlsafe(12)
    invite = Invite(
        code_hash=hash_code(code),
        role=role,
        enterprise_id=enterprise_id,
        name=name,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return invite, code


async def locked_until(
    *, session: AsyncSession, telegram_user_id: int, now: datetime | None = None
) -> datetime | None:
    """When this account may redeem again, or ``None`` if it is not locked out."""
    now = now or utcnow()
    # A lock ends an hour after the failure that made five within an hour, so that failure is at
    # most an hour old and its four predecessors at most two.
    result = await session.execute(
        select(InviteAttempt.attempted_at)
        .where(
            InviteAttempt.telegram_user_id == telegram_user_id,
            InviteAttempt.attempted_at > now - 2 * LOCKOUT,
        )
        .order_by(InviteAttempt.attempted_at)
    )
    times = list(result.scalars())
    until = None
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= LOCKOUT and times[i] + LOCKOUT > now:
            until = times[i] + LOCKOUT
    return until


async def redeem_invite(
    *,
    session: AsyncSession,
    code: str,
    telegram_user_id: int,
    chat_id: int | None = None,
    name: str = "",
    language: Language = Language.zh,
    now: datetime | None = None,
) -> Redemption:
    """Bind a Telegram account to the invite's role and enterprise.

    An account that already has a person row is re-bound (its role and enterprise change);
    otherwise a person is created. Commit the session whatever the outcome: a refusal records the
    failed attempt.

    Returns:
        ``Redemption(person=...)`` on success; ``Redemption(error=InviteLocked(...))`` while locked
        out (nothing recorded); ``Redemption(error=InviteInvalid())`` for an unknown, used or
        expired code (the attempt is recorded).
    """
    now = now or utcnow()
    until = await locked_until(session=session, telegram_user_id=telegram_user_id, now=now)
    if until is not None:
        return Redemption(error=InviteLocked(until))
    # The conditional update claims the code atomically: of two concurrent redemptions only one
    # sees a row updated.
    claimed = await session.execute(
        update(Invite)
        .where(
            Invite.code_hash == hash_code(code),
            Invite.redeemed_at.is_(None),  # type: ignore[union-attr]
            Invite.expires_at > now,
        )
        .values(redeemed_at=now)
        .returning(Invite.id)
    )
    invite_id = claimed.scalar_one_or_none()
    if invite_id is None:
        session.add(InviteAttempt(telegram_user_id=telegram_user_id, attempted_at=now))
        await session.flush()
        return Redemption(error=InviteInvalid("unknown, used or expired invite code"))
    invite = await session.get(Invite, invite_id, populate_existing=True)
    assert invite is not None
    found = await session.execute(select(Person).where(Person.telegram_user_id == telegram_user_id))
    person = found.scalar_one_or_none()
    if person is None:
        person = Person(telegram_user_id=telegram_user_id, role=invite.role)
        session.add(person)
    person.role = invite.role
    person.enterprise_id = invite.enterprise_id
    person.chat_id = chat_id if chat_id is not None else person.chat_id or telegram_user_id
    person.name = name or invite.name or person.name
    person.language = language
    person.reachability = Reachability.reachable
    person.updated_at = now
    await session.flush()
    invite.redeemed_by = person.id
    await session.flush()
    return Redemption(person=person)
