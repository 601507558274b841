"""People: managers, mentors and bureau admins, and whether the bot can reach them."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import Language, Reachability, Role
from storage.models import Person, utcnow
from storage.repositories.lookup import get_or_raise

__all__ = [
    "PersonSummary",
    "create_person",
    "find_by_telegram_id",
    "get_person",
    "is_reachable",
    "list_people",
    "reachable",
    "set_language",
    "set_reachability",
    "summary_by_telegram_id",
    "update_person",
]


# "Reachable": the bot may try to message the person: they pressed Start (a chat) and did not
# block the bot. The one definition, in Python and in SQL side by side so that they cannot drift.


def is_reachable(person: Person) -> bool:
    """Whether the bot may try to message ``person``."""
    return person.chat_id is not None and person.reachability is not Reachability.blocked


def reachable() -> ColumnElement[bool]:
    """`is_reachable` as a WHERE clause on `Person`."""
    return and_(col(Person.chat_id).is_not(None), col(Person.reachability) != Reachability.blocked)


_UPDATABLE = frozenset(
    {
        "name",
        "language",
        "role",
        "enterprise_id",
        "phone",
        "chat_id",
        "telegram_user_id",
        "reachability",
        "preferences",
    }
)


async def get_person(*, session: AsyncSession, person_id: int) -> Person:
    """Return a person by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Person, person_id)


async def find_by_telegram_id(*, session: AsyncSession, telegram_user_id: int) -> Person | None:
    """Return the person bound to a Telegram account, or ``None`` for a stranger."""
    result = await session.execute(
        select(Person).where(col(Person.telegram_user_id) == telegram_user_id)
    )
    return result.scalar_one_or_none()


class PersonSummary(NamedTuple):
    """Who someone is, without the rest of their row: what every update needs to know."""

    id: int
    role: Role
    language: Language
    enterprise_id: int | None
    name: str


_PEOPLE = Person.__table__  # type: ignore[attr-defined]  # set by SQLModel, not in its stubs
# Built once and Core-only (no ORM entity to load): this lookup runs for every update.
_SUMMARY_BY_TELEGRAM_ID = select(*(_PEOPLE.c[name] for name in PersonSummary._fields)).where(
    _PEOPLE.c.telegram_user_id == bindparam("telegram_user_id")
)


async def summary_by_telegram_id(
    *, session: AsyncSession, telegram_user_id: int
) -> PersonSummary | None:
    """Like `find_by_telegram_id`, but only the id, role, language, enterprise and name."""
    result = await session.execute(_SUMMARY_BY_TELEGRAM_ID, {"telegram_user_id": telegram_user_id})
    row = result.one_or_none()
    return None if row is None else PersonSummary(*row)


async def create_person(
    *,
    session: AsyncSession,
    role: Role,
    name: str = "",
    enterprise_id: int | None = None,
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
    language: Language = Language.zh,
    reachability: Reachability = Reachability.never_started,
) -> Person:
    """Add a person with one role (managers and mentors belong to an enterprise)."""
    person = Person(
        role=role,
        name=name,
        enterprise_id=enterprise_id,
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        language=language,
        reachability=reachability,
    )
    session.add(person)
    await session.flush()
    return person


async def update_person(*, session: AsyncSession, person_id: int, **changes: Any) -> Person:
    """Change some of a person's fields.

    Raises:
        NotFound: if there is no such person.
        TypeError: for a field that cannot be changed this way.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise TypeError(f"cannot update {', '.join(sorted(unknown))}")
    person = await get_person(session=session, person_id=person_id)
    for field, value in changes.items():
        setattr(person, field, value)
    person.updated_at = utcnow()
    await session.flush()
    return person


async def set_language(*, session: AsyncSession, person_id: int, language: Language) -> Person:
    """Switch the language the bot speaks to a person."""
    return await update_person(session=session, person_id=person_id, language=language)


async def set_reachability(
    *, session: AsyncSession, person_id: int, reachability: Reachability
) -> Person:
    """Record that a person blocked the bot, never started it, or is reachable again."""
    return await update_person(session=session, person_id=person_id, reachability=reachability)


async def list_people(
    *,
    session: AsyncSession,
    role: Role | None = None,
    enterprise_id: int | None = None,
    reachability: Reachability | None = None,
) -> list[Person]:
    """List people ordered by id, optionally filtered by role, enterprise or reachability."""
    query = select(Person).order_by(col(Person.id))
    if role is not None:
        query = query.where(col(Person.role) == role)
    if enterprise_id is not None:
        query = query.where(col(Person.enterprise_id) == enterprise_id)
    if reachability is not None:
        query = query.where(col(Person.reachability) == reachability)
    return list((await session.execute(query)).scalars())
