"""Help requests (/helpme): a manager's call to their mentor, and what the mentor did about it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import HelpStatus
from storage.errors import NotFound
from storage.models import HelpRequest, utcnow

__all__ = ["create_help_request", "get_help_request", "set_help_status"]


async def create_help_request(
    *,
    session: AsyncSession,
    person_id: int,
    enterprise_id: int,
    text: str,
    pairing_id: int | None = None,
    photo_file_ids: Sequence[str] = (),
    urgent: bool = False,
) -> HelpRequest:
    """Record a help request; returns the row with its id."""
    row = HelpRequest(
        person_id=person_id,
        enterprise_id=enterprise_id,
        pairing_id=pairing_id,
        text=text,
        photo_file_ids=list(photo_file_ids),
        urgent=urgent,
    )
    session.add(row)
    await session.flush()
    return row


async def get_help_request(*, session: AsyncSession, request_id: int) -> HelpRequest:
    """Return one help request.

    Raises:
        NotFound: if there is no such request.
    """
    row = await session.get(HelpRequest, request_id)
    if row is None:
        raise NotFound("help request", request_id)
    return row


async def set_help_status(
    *, session: AsyncSession, request_id: int, status: HelpStatus, now: datetime | None = None
) -> HelpRequest:
    """Move a help request to ``status`` (acknowledged, visit_proposed, closed).

    Raises:
        NotFound: if there is no such request.
    """
    row = await get_help_request(session=session, request_id=request_id)
    row.status = status
    row.updated_at = now or utcnow()
    await session.flush()
    return row
