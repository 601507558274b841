"""Fetching one row by primary key, or failing with :class:`storage.errors.NotFound`."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.errors import NotFound

__all__ = ["get_or_raise"]

T = TypeVar("T", bound=SQLModel)


async def get_or_raise(session: AsyncSession, model: type[T], key: Any) -> T:
    """Return the row of ``model`` with primary key ``key``.

    Raises:
        NotFound: if there is none.
    """
    row = await session.get(model, key)
    if row is None:
        raise NotFound(str(model.__tablename__), key)  # typed str | Callable; a str on our tables
    return row
