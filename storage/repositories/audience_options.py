"""What a broadcast's audience can be narrowed to: the rounds, towns, industries and big hands
that exist (the choices the bot's picker and the CLI's help offer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import EnterpriseKind
from storage.models import Enterprise, Round

__all__ = ["AudienceOptions", "audience_options"]


@dataclass(frozen=True, slots=True)
class AudienceOptions:
    """Choices for each audience criterion, in a stable order (newest round first, names sorted).

    Attributes:
        rounds: (round id, name).
        towns: distinct towns/streets of enterprises.
        industries: distinct industries of enterprises.
        big_hands: (enterprise id, name) of every big hand.
    """

    rounds: list[tuple[int, str]] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    big_hands: list[tuple[int, str]] = field(default_factory=list)


async def audience_options(*, session: AsyncSession) -> AudienceOptions:
    """Load the choices (four small queries)."""
    rounds = await session.execute(
        select(col(Round.id), col(Round.name)).order_by(col(Round.year).desc(), col(Round.id))
    )
    towns = await session.execute(
        select(col(Enterprise.town)).where(col(Enterprise.town) != "").distinct().order_by("town")
    )
    industries = await session.execute(
        select(col(Enterprise.industry))
        .where(col(Enterprise.industry) != "")
        .distinct()
        .order_by("industry")
    )
    big_hands = await session.execute(
        select(col(Enterprise.id), col(Enterprise.name))
        .where(col(Enterprise.kind) == EnterpriseKind.big)
        .order_by(col(Enterprise.name))
    )
    return AudienceOptions(
        rounds=[(int(i or 0), str(n)) for i, n in rounds.all()],
        towns=[str(t) for (t,) in towns.all()],
        industries=[str(i) for (i,) in industries.all()],
        big_hands=[(int(i or 0), str(n)) for i, n in big_hands.all()],
    )
