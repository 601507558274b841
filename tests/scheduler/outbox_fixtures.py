"""A small programme for broadcast tests: who is where, so each audience can be computed by hand.

    big hand B1 (town 东港镇, 金属制品) ── S1 (东港镇, 金属制品, early)
                                      └─ S2 (锡北镇, 化工, middle, one overdue item)
    big hand B2 (锡北镇, 纺织)      ── S3 (锡北镇, 纺织, late)

People with a chat: bureau admin; mentors M1 (B1), M2 (B2); managers m1 (S1), m2 (S2), m3 (S3).
Never reachable: a manager of S1 without a chat, a manager of S2 who blocked the bot.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import Language, Phase, Reachability, Role
from storage.models import Round
from tests.storage.factories import (
    make_big_hand,
    make_item,
    make_pairing,
    make_person,
    make_round,
    make_small_hand,
)

TODAY = date(2025, 6, 2)
_chats = itertools.count(500_000_001)


@dataclass
class Programme:
    round: Round
    ids: dict[str, int]  # name → person id
    enterprises: dict[str, int]  # name → enterprise id

    def people(self, *names: str) -> set[int]:
        return {self.ids[n] for n in names}


async def make_programme(session_factory: async_sessionmaker[AsyncSession]) -> Programme:
    async with session_factory() as session, session.begin():
        return await _build(session)


async def _build(session: AsyncSession) -> Programme:
    r = await make_round(session, 2025)
    b1 = await make_big_hand(session, town="东港镇", industry="金属制品")
    b2 = await make_big_hand(session, town="锡北镇", industry="纺织")
    s1 = await make_small_hand(session, town="东港镇", industry="金属制品")
    s2 = await make_small_hand(session, town="锡北镇", industry="化工")
    s3 = await make_small_hand(session, town="锡北镇", industry="纺织")
    await make_pairing(session, big_hand=b1, small_hand=s1, programme_round=r)
    p2 = await make_pairing(session, big_hand=b1, small_hand=s2, programme_round=r)
    p3 = await make_pairing(session, big_hand=b2, small_hand=s3, programme_round=r)
    p2.phase, p3.phase = Phase.middle, Phase.late
    await make_item(session, s2, due_on=date(2025, 5, 1))
    await make_item(session, s3, due_on=date(2025, 7, 1))  # not yet due
    reachable = Reachability.reachable

    async def person(role: Role, enterprise_id: int | None, **kw: object) -> int:
        kw.setdefault("chat_id", next(_chats))
        kw.setdefault("reachability", reachable)
        row = await make_person(session, role, enterprise_id=enterprise_id, **kw)
        assert row.id
        return row.id

    ids = {
        "bureau": await person(Role.bureau, None),
        "M1": await person(Role.mentor, b1.id),
        "M2": await person(Role.mentor, b2.id),
        "m1": await person(Role.manager, s1.id),
        "m2": await person(Role.manager, s2.id, language=Language.en),
        "m3": await person(Role.manager, s3.id),
        "no_chat": await person(Role.manager, s1.id, chat_id=None),
        "blocked": await person(Role.manager, s2.id, reachability=Reachability.blocked),
    }
    await session.flush()
    ents = {"B1": b1.id, "B2": b2.id, "S1": s1.id, "S2": s2.id, "S3": s3.id}
    return Programme(r, ids, {k: v for k, v in ents.items() if v is not None})
