"""Finding people by their Telegram account (what the gate does for every update)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Language, Role
from storage.repositories import people
from tests.storage.factories import make_enterprise, make_person


async def test_summary_of_a_bound_account_names_role_language_and_enterprise(
    session: AsyncSession,
) -> None:
    small = await make_enterprise(session)
    manager = await make_person(
        session, Role.manager, enterprise_id=small.id, language=Language.en, telegram_user_id=42
    )
    await make_person(session, Role.bureau, telegram_user_id=43)
    assert manager.id is not None
    await session.commit()
    summary = await people.summary_by_telegram_id(session=session, telegram_user_id=42)
    assert summary == people.PersonSummary(
        id=manager.id,
        role=Role.manager,
        language=Language.en,
        enterprise_id=small.id,
        name=manager.name,
    )
    assert summary is not None and summary.role is Role.manager
    assert await people.summary_by_telegram_id(session=session, telegram_user_id=44) is None
