"""The terminal chat's demo database: built on first use, rebuilt on request (``demo --reset``).

A reset drops every table, so it refuses a database that holds a real Telegram account: demo
people have placeholder ids (≥ `storage.demo.TELEGRAM_ID_BASE`), and the terminal's guest has
`GUEST_ID`; anyone else means the database is in real use.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col

from storage.db import create_engine, make_session_factory
from storage.demo import DEFAULT_SEED, TELEGRAM_ID_BASE, ensure_demo_data
from storage.migrate import upgrade
from storage.models import Person

__all__ = ["GUEST_ID", "NotADemoDatabase", "prepare_demo"]

GUEST_ID = 1_000_001  # a Telegram id no demo person has: the guest is a stranger to the bot


class NotADemoDatabase(Exception):
    """``--reset`` on a database where ``accounts`` real Telegram accounts are bound."""

    def __init__(self, accounts: int) -> None:
        super().__init__(
            f"This database has {accounts} real Telegram account(s) bound to people; "
            "it is not a demo database, so it is not reset."
        )
        self.accounts = accounts


async def _real_accounts(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        has_people = await connection.run_sync(
            lambda sync: sync.dialect.has_table(sync, Person.__tablename__)
        )
        if not has_people:
            return 0
        telegram_id = col(Person.telegram_user_id)
        query = (
            select(func.count())
            .select_from(Person)
            .where(
                telegram_id.is_not(None),
                telegram_id < TELEGRAM_ID_BASE,
                telegram_id != GUEST_ID,
            )
        )
        return int((await connection.execute(query)).scalar_one())


async def _drop_everything(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


async def prepare_demo(
    url: str, *, reset: bool = False, seed: int = DEFAULT_SEED, today: date | None = None
) -> bool:
    """Bring the database at ``url`` to the newest schema and load the demo if it is empty.

    Args:
        url: the database (the terminal chat's own by default).
        reset: drop everything first, so the demo is loaded afresh.
        seed: the demo's random seed.
        today: the date the demo is built around (default: today).

    Returns:
        ``True`` if the demo was loaded now, ``False`` if the database already held data.

    Raises:
        NotADemoDatabase: ``reset`` on a database bound to real Telegram accounts.
    """
    engine = create_engine(url)
    try:
        if reset:
            accounts = await _real_accounts(engine)
            if accounts:
                raise NotADemoDatabase(accounts)
            await _drop_everything(engine)
        await upgrade(engine)
        return await ensure_demo_data(make_session_factory(engine), seed=seed, today=today)
    finally:
        await engine.dispose()
