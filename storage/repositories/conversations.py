"""Dialogues in progress: conversation states and drafts, stored as JSON text by the bot.

The bot's persistence (``bot.persistence``) is the only user; values are opaque JSON here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import ConversationState, ConversationUserData

__all__ = [
    "delete_state",
    "delete_user_data",
    "load_states",
    "load_user_data",
    "save_state",
    "save_user_data",
]


async def load_states(*, session: AsyncSession, name: str) -> list[ConversationState]:
    """Every stored state of conversation ``name``."""
    rows = await session.execute(select(ConversationState).where(ConversationState.name == name))
    return list(rows.scalars())


async def save_state(
    *, session: AsyncSession, name: str, key: str, state: str, now: datetime
) -> None:
    """Store (insert or replace) one person's state in conversation ``name``."""
    row = await session.get(ConversationState, (name, key))
    if row is None:
        session.add(ConversationState(name=name, key=key, state=state, updated_at=now))
    else:
        row.state, row.updated_at = state, now
    await session.flush()


async def delete_state(*, session: AsyncSession, name: str, key: str) -> None:
    """Forget one person's state in conversation ``name`` (the dialogue ended)."""
    await session.execute(
        delete(ConversationState).where(
            col(ConversationState.name) == name, col(ConversationState.key) == key
        )
    )


async def load_user_data(*, session: AsyncSession) -> list[ConversationUserData]:
    """Every person's stored drafts."""
    rows = await session.execute(select(ConversationUserData))
    return list(rows.scalars())


async def save_user_data(*, session: AsyncSession, user_id: int, data: str, now: datetime) -> None:
    """Store (insert or replace) one person's drafts."""
    row = await session.get(ConversationUserData, user_id)
    if row is None:
        session.add(ConversationUserData(user_id=user_id, data=data, updated_at=now))
    else:
        row.data, row.updated_at = data, now
    await session.flush()


async def delete_user_data(*, session: AsyncSession, user_id: int) -> None:
    """Forget one person's drafts."""
    await session.execute(
        delete(ConversationUserData).where(col(ConversationUserData.user_id) == user_id)
    )
