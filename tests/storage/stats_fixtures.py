"""A small programme whose figures are computed by hand (see `make_stats_programme`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import (
    HelpStatus,
    ItemStatus,
    Phase,
    QuestionOutcome,
    Role,
    SubCategory,
    VisitStatus,
)
from storage.models import Enterprise, HelpRequest, Item, QuestionLog, Visit
from tests.storage.factories import (
    make_audit,
    make_big_hand,
    make_item,
    make_pairing,
    make_person,
    make_round,
    make_small_hand,
)

TODAY = date(2025, 6, 4)  # a Wednesday
NOW = datetime(2025, 6, 4, 2, 0, tzinfo=UTC)


@dataclass
class StatsProgramme:
    small: dict[str, Enterprise]
    big: dict[str, Enterprise]


async def make_stats_programme(session: AsyncSession) -> StatsProgramme:
    """Build the fixture.

    ===  ========  ===========  =================================  ========
    big  small     phase        items (sub-category, status, due)  audited
    ===  ========  ===========  =================================  ========
    甲   S1        early        air open overdue; air verified     yes
    甲   S2        middle       wastewater submitted (future);     no
                                noise waived
    乙   S3        closed       air verified; noise verified;      yes
                                wastewater in_progress overdue
    ===  ========  ===========  =================================  ========

    Visits: 1 done, 1 confirmed ahead, 1 proposed in the past, 1 cancelled. Help requests: 2 open,
    1 closed. Questions: "危废怎么贮存" unanswered ×3, "噪声标准" unanswered ×1, one answered ×5.
    """
    r = await make_round(session, 2025, name="2025年度")
    b1 = await make_big_hand(session, name="甲大手有限公司")
    b2 = await make_big_hand(session, name="乙大手有限公司")
    s1, s2, s3 = [await make_small_hand(session, name=f"小手{n}有限公司") for n in (1, 2, 3)]
    p1 = await make_pairing(session, big_hand=b1, small_hand=s1, programme_round=r)
    p2 = await make_pairing(
        session, big_hand=b1, small_hand=s2, programme_round=r, phase=Phase.middle
    )
    await make_pairing(session, big_hand=b2, small_hand=s3, programme_round=r, phase=Phase.closed)
    await make_audit(session, s1, scores={s: 7.0 for s in SubCategory})
    await make_audit(session, s3)
    past, ahead = TODAY - timedelta(days=10), TODAY + timedelta(days=10)
    closed_on = NOW - timedelta(days=8)  # the week starting Monday 2025-05-26

    async def item(hand: Enterprise, sub: SubCategory, status: ItemStatus, due: date) -> Item:
        row = await make_item(session, hand, sub_category=sub, due_on=due)
        row.status = status
        if status in (ItemStatus.verified, ItemStatus.waived):
            row.closed_at = closed_on
        return row

    await item(s1, SubCategory.air, ItemStatus.open, past)
    await item(s1, SubCategory.air, ItemStatus.verified, past)
    await item(s2, SubCategory.wastewater, ItemStatus.submitted, ahead)
    await item(s2, SubCategory.noise, ItemStatus.waived, past)
    await item(s3, SubCategory.air, ItemStatus.verified, past)
    await item(s3, SubCategory.noise, ItemStatus.verified, ahead)
    await item(s3, SubCategory.wastewater, ItemStatus.in_progress, past)

    mentor = await make_person(session, Role.mentor, enterprise_id=b1.id)
    manager = await make_person(session, Role.manager, enterprise_id=s1.id)
    assert mentor.id and manager.id and p1.id and p2.id and s1.id
    for status, when in (
        (VisitStatus.done, NOW - timedelta(days=3)),
        (VisitStatus.confirmed, NOW + timedelta(days=3)),
        (VisitStatus.proposed, NOW - timedelta(days=1)),
        (VisitStatus.cancelled, NOW + timedelta(days=5)),
    ):
        session.add(Visit(pairing_id=p1.id, mentor_id=mentor.id, starts_at=when, status=status))
    for status in (HelpStatus.open, HelpStatus.acknowledged, HelpStatus.closed):
        session.add(
            HelpRequest(person_id=manager.id, enterprise_id=s1.id, text="求助", status=status)
        )
    for text, outcome, times in (
        ("危废怎么贮存", QuestionOutcome.unanswered, 3),
        ("噪声标准", QuestionOutcome.unanswered, 1),
        ("排污许可证怎么续期", QuestionOutcome.answered, 5),
    ):
        for _ in range(times):
            session.add(QuestionLog(chat_id=1, person_id=manager.id, text=text, outcome=outcome))
    await session.flush()
    return StatsProgramme(small={"S1": s1, "S2": s2, "S3": s3}, big={"甲": b1, "乙": b2})
