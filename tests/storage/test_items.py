"""Rectification items: listing order, counts, status moves and their history, evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EvidenceKind, ItemStatus, Role, SubCategory
from storage.errors import InvalidTransition, NotFound
from storage.repositories import items, visits
from tests.storage.factories import make_item, make_pairing, make_person, make_small_hand

TODAY = date(2025, 6, 10)


async def test_open_items_list_overdue_first_then_by_due_date_and_pages(
    session: AsyncSession,
) -> None:
    shop = await make_small_hand(session)
    later = await make_item(session, shop, due_on=TODAY + timedelta(days=30))
    undated = await make_item(session, shop, due_on=None)
    overdue_long = await make_item(session, shop, due_on=TODAY - timedelta(days=20))
    soon = await make_item(session, shop, due_on=TODAY + timedelta(days=2))
    overdue = await make_item(session, shop, due_on=TODAY - timedelta(days=1))
    done = await make_item(session, shop, due_on=TODAY - timedelta(days=50))
    await items.change_status(session=session, item_id=done.id, to=ItemStatus.waived, actor_id=None)
    await make_item(session, await make_small_hand(session))  # someone else's

    listed = await items.list_open_items(
        session=session, enterprise_id=shop.id, today=TODAY, limit=None
    )
    assert [i.id for i in listed] == [overdue_long.id, overdue.id, soon.id, later.id, undated.id]
    page2 = await items.list_open_items(
        session=session, enterprise_id=shop.id, today=TODAY, limit=2, offset=2
    )
    assert [i.id for i in page2] == [soon.id, later.id]


async def test_counts_and_completion_rate(session: AsyncSession) -> None:
    shop = await make_small_hand(session)
    other = await make_small_hand(session)
    empty = await make_small_hand(session)
    rows = [await make_item(session, shop, due_on=TODAY - timedelta(days=1)) for _ in range(4)]
    for row, path in zip(
        rows[:3],
        [[ItemStatus.submitted, ItemStatus.verified], [ItemStatus.waived], [ItemStatus.submitted]],
        strict=True,
    ):
        for to in path:
            await items.change_status(session=session, item_id=row.id, to=to, actor_id=None)
    await make_item(session, other)

    counts = await items.count_items(session=session, today=TODAY, enterprise_id=shop.id)
    assert (counts.total, counts.open, counts.overdue, counts.submitted) == (4, 2, 2, 1)
    assert (counts.verified, counts.waived, counts.completion_rate) == (1, 1, 0.5)
    assert (await items.count_items(session=session, today=TODAY)).total == 5
    many = await items.counts_by_enterprise(
        session=session, today=TODAY, enterprise_ids=[shop.id, other.id, empty.id]
    )
    assert many[shop.id] == counts
    assert (many[other.id].open, many[other.id].overdue) == (1, 0)
    assert many[empty.id].total == 0 and many[empty.id].completion_rate == 1.0


async def test_history_records_every_change_with_actor_and_time(session: AsyncSession) -> None:
    shop = await make_small_hand(session)
    manager = await make_person(session, Role.manager, enterprise_id=shop.id)
    mentor = await make_person(session, Role.mentor)
    item = await make_item(session, shop)
    t0 = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)
    moves = [
        (ItemStatus.in_progress, manager.id, ""),
        (ItemStatus.submitted, manager.id, "已张贴标识"),
        (ItemStatus.returned, mentor.id, "照片看不清"),
        (ItemStatus.submitted, manager.id, "补拍照片"),
        (ItemStatus.verified, mentor.id, "通过"),
    ]
    for n, (to, actor, comment) in enumerate(moves, start=1):
        await items.change_status(
            session=session,
            item_id=item.id,
            to=to,
            actor_id=actor,
            comment=comment,
            now=t0 + timedelta(hours=n),
        )
    await session.commit()

    history = await items.history_of(session=session, item_id=item.id)
    assert [(h.from_status, h.to_status, h.actor_id, h.comment) for h in history[1:]] == [
        (prev, to, actor, comment)
        for prev, (to, actor, comment) in zip(
            [ItemStatus.open] + [m[0] for m in moves[:-1]], moves, strict=True
        )
    ]
    assert history[0].from_status is None and history[0].to_status is ItemStatus.open
    assert [h.created_at for h in history[1:]] == [t0 + timedelta(hours=n) for n in range(1, 6)]
    reloaded = await items.get_item(session=session, item_id=item.id)
    assert reloaded.status is ItemStatus.verified
    assert reloaded.closed_at == t0 + timedelta(hours=5)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], ItemStatus.verified),  # open items must be submitted before verification
        ([], ItemStatus.returned),
        ([ItemStatus.in_progress], ItemStatus.open),
        ([ItemStatus.submitted, ItemStatus.verified], ItemStatus.in_progress),
        ([ItemStatus.waived], ItemStatus.submitted),
        ([ItemStatus.submitted], ItemStatus.waived),
    ],
)
async def test_invalid_transitions_are_refused_and_leave_no_trace(
    session: AsyncSession, path: list[ItemStatus], refused: ItemStatus
) -> None:
    item = await make_item(session, await make_small_hand(session))
    for to in path:
        await items.change_status(session=session, item_id=item.id, to=to, actor_id=None)
    before = len(await items.history_of(session=session, item_id=item.id))
    with pytest.raises(InvalidTransition) as caught:
        await items.change_status(session=session, item_id=item.id, to=refused, actor_id=None)
    assert caught.value.target == refused.value
    assert len(await items.history_of(session=session, item_id=item.id)) == before
    assert (await items.get_item(session=session, item_id=item.id)).status is (
        path[-1] if path else ItemStatus.open
    )


async def test_unknown_item_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await items.change_status(session=session, item_id=999, to=ItemStatus.waived, actor_id=None)


async def test_evidence_keeps_file_ids_and_notes(session: AsyncSession) -> None:
    item = await make_item(session, await make_small_hand(session))
    await items.add_evidence(
        session=session,
        item_id=item.id,
        person_id=None,
        kind=EvidenceKind.photo,
        telegram_file_id="AgACAgUAAxkBAAIB",
        note="整改后",
    )
    await items.add_evidence(
        session=session, item_id=item.id, person_id=None, kind=EvidenceKind.note, note="已完成"
    )
    with pytest.raises(ValueError, match="file id"):
        await items.add_evidence(
            session=session, item_id=item.id, person_id=None, kind=EvidenceKind.document
        )
    found = await items.evidence_of(session=session, item_id=item.id)
    assert [(e.kind, e.telegram_file_id, e.note) for e in found] == [
        (EvidenceKind.photo, "AgACAgUAAxkBAAIB", "整改后"),
        (EvidenceKind.note, None, "已完成"),
    ]


async def test_an_item_found_on_a_visit_belongs_to_the_visited_small_hand(
    session: AsyncSession,
) -> None:
    pairing = await make_pairing(session)
    mentor = await make_person(session, Role.mentor, enterprise_id=pairing.big_hand_id)
    visit = await visits.create_visit(
        session=session,
        pairing_id=pairing.id,
        mentor_id=mentor.id,
        starts_at=datetime(2025, 6, 1, 2, 0, tzinfo=UTC),
    )
    item = await items.create_item_on_visit(
        session=session,
        visit_id=visit.id,
        sub_category=SubCategory.air,
        finding="活性炭未按期更换",
        actor_id=mentor.id,
    )
    assert (item.enterprise_id, item.visit_id, item.status) == (
        pairing.small_hand_id,
        visit.id,
        ItemStatus.open,
    )
    assert (await items.history_of(session=session, item_id=item.id))[0].actor_id == mentor.id
    listed = await visits.list_visits(session=session, mentor_id=mentor.id)
    assert [v.id for v in listed] == [visit.id]
