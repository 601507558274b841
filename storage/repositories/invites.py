"""Invites: single-use, expiring onboarding codes, stored only as hashes, with lockouts.

A wrong code is recorded as an :class:`~storage.models.InviteAttempt`; five wrong codes within an
hour lock that Telegram account out of redeeming for an hour after the fifth. Independently, a
global limit (:data:`GLOBAL_LIMIT`, e.g. 30 wrong codes from all accounts within 10 minutes)
stops redeeming for everyone until the window has passed: many accounts guessing at once is an
attack, and the codes are what it is after. Because a refused redemption still has to write its
attempt, :func:`redeem_invite` reports refusals in its result instead of raising (an exception
would tempt the caller to roll the attempt back).

Concurrency: the limits are only worth something if concurrent guesses are counted one after
the other. Every redemption therefore writes its attempt first — on SQLite that takes the
database's write lock for the rest of the transaction — and on PostgreSQL it first takes one
transaction-scoped advisory lock shared by all redemptions (they are rare: onboarding). Each
redemption thus sees every earlier one's attempt before it evaluates its own code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import Language, Reachability, Role
from storage.errors import InviteError, InviteInvalid, InviteLocked
from storage.models import Invite, InviteAttempt, Person, utcnow

__all__ = [
    "DEFAULT_TTL",
    "GLOBAL_LIMIT",
    "LOCKOUT",
    "MAX_FAILURES",
    "GuessLimit",
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
class GuessLimit:
    """At most ``failures`` wrong codes from all accounts together within ``window``."""

    failures: int
    window: timedelta


GLOBAL_LIMIT = GuessLimit(failures=30, window=timedelta(minutes=10))
# Any fixed 64-bit number, the same in every process: the advisory lock all redemptions share.
_REDEEM_LOCK = 0x48494E5649544531  # "HINVITE1"


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
    *,
    session: AsyncSession,
    telegram_user_id: int,
    now: datetime | None = None,
    excluding: int | None = None,
) -> datetime | None:
    """When this account may redeem again, or ``None`` if it is not locked out."""
    now = now or utcnow()
    # A lock ends an hour after the failure that made five within an hour, so that failure is at
    # most an hour old and its four predecessors at most two.
    result = await session.execute(
        select(col(InviteAttempt.attempted_at))
        .where(
            col(InviteAttempt.telegram_user_id) == telegram_user_id,
            col(InviteAttempt.attempted_at) > now - 2 * LOCKOUT,
            col(InviteAttempt.id) != excluding,  # the attempt being evaluated
        )
        .order_by(col(InviteAttempt.attempted_at))
    )
    times = list(result.scalars())
    until = None
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= LOCKOUT and times[i] + LOCKOUT > now:
            until = times[i] + LOCKOUT
    return until


async def _globally_locked_until(
    session: AsyncSession, limit: GuessLimit, now: datetime, exclude: int
) -> datetime | None:
    """When redeeming opens again for everyone, or ``None`` while under ``limit``."""
    since = now - limit.window
    window = (
        select(col(InviteAttempt.attempted_at))
        .where(col(InviteAttempt.attempted_at) > since, col(InviteAttempt.id) != exclude)
        .order_by(col(InviteAttempt.attempted_at).desc())
        .limit(limit.failures)
    )
    recent = list((await session.execute(window)).scalars())
    if len(recent) < limit.failures:
        return None
    # Open again when the oldest of the last ``failures`` leaves the window.
    return recent[-1] + limit.window


async def _serialize_redemptions(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REDEEM_LOCK})


async def redeem_invite(
    *,
    session: AsyncSession,
    code: str,
    telegram_user_id: int,
    chat_id: int | None = None,
    name: str = "",
    language: Language = Language.zh,
    now: datetime | None = None,
    global_limit: GuessLimit = GLOBAL_LIMIT,
) -> Redemption:
    """Bind a Telegram account to the invite's role and enterprise.

    An account that already has a person row is re-bound (its role and enterprise change);
    otherwise a person is created. Commit the session whatever the outcome: a refusal records the
    failed attempt.

    Returns:
        ``Redemption(person=...)`` on success; ``Redemption(error=InviteLocked(...))`` while this
        account, or everyone (``global_limit``), is locked out (nothing recorded);
        ``Redemption(error=InviteInvalid())`` for an unknown, used or expired code (the attempt
        is recorded).
    """
    now = now or utcnow()
    await _serialize_redemptions(session)
    # Written first, as if it failed: see the module's note on concurrency.
    attempt = InviteAttempt(telegram_user_id=telegram_user_id, attempted_at=now)
    session.add(attempt)
    await session.flush()
    assert attempt.id is not None
    until = await locked_until(
        session=session, telegram_user_id=telegram_user_id, now=now, excluding=attempt.id
    )
    if until is None:
        until = await _globally_locked_until(session, global_limit, now, attempt.id)
    if until is not None:
        await session.execute(delete(InviteAttempt).where(col(InviteAttempt.id) == attempt.id))
        return Redemption(error=InviteLocked(until))
    # The conditional update claims the code atomically: of two concurrent redemptions only one
    # sees a row updated.
    claimed = await session.execute(
        update(Invite)
        .where(
            col(Invite.code_hash) == hash_code(code),
            col(Invite.redeemed_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .values(redeemed_at=now)
        .returning(col(Invite.id))
    )
    invite_id = claimed.scalar_one_or_none()
    if invite_id is None:
        return Redemption(error=InviteInvalid("unknown, used or expired invite code"))
    await session.execute(delete(InviteAttempt).where(col(InviteAttempt.id) == attempt.id))
    invite = await session.get(Invite, invite_id, populate_existing=True)
    assert invite is not None
    found = await session.execute(
        select(Person).where(col(Person.telegram_user_id) == telegram_user_id)
    )
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
