"""Rectification items: who may see, work on, submit, judge and add them, and who is told.

The life cycle itself (which status may follow which) is storage's table of moves
(`storage.repositories.items`); the rules here are about people: a manager works on and submits
their own enterprise's items, a mentor or the bureau verifies or returns a submitted one and adds
new ones to the small hands they cover. Each use-case returns the changed item and the people to
tell, so a front only renders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from programme import workdays
from programme.access import require_enterprise, require_role
from programme.actors import Actor
from programme.errors import NotAllowed
from programme.recipients import managers_of, mentors_of
from programme.typed import check_text
from storage.enums import EvidenceKind, ItemStatus, Role, SubCategory
from storage.models import Evidence, Item, Person
from storage.repositories import enterprises, items

__all__ = [
    "FINDING_LIMIT",
    "NOTE_LIMIT",
    "REVIEWERS",
    "Change",
    "add_item",
    "evidence_of",
    "parse_deadline",
    "review_item",
    "start_work",
    "submit_item",
    "visible_item",
]

REVIEWERS = (Role.mentor, Role.bureau)
FINDING_LIMIT = 1_000
NOTE_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class Change:
    """An item after a use-case, with its enterprise's name and the people to tell about it."""

    item: Item
    enterprise: str
    tell: list[Person]


_DAYS = re.compile(
    r"^(\d{1,4})\s*(?:(?:个)?(工作日|working\s*days?|wd)|(?:天|日|days?|d))?$", re.IGNORECASE
)


def parse_deadline(typed: str, today: date) -> date | None:
    """A deadline as a mentor types it: a date (2026-12-31), days (30, 30天) or working days
    (20个工作日, 20 working days — China's official calendar, `programme.workdays`).

    Returns None for anything else, or a date before ``today``.
    """
    value = typed.strip()
    found = _DAYS.match(value)
    if found:
        n = int(found.group(1))
        if not 0 < n <= 3650:
            return None
        if found.group(2):
            return workdays.add_working_days(today, n)
        return today + timedelta(days=n)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed >= today else None


async def visible_item(session: AsyncSession, actor: Actor, item_id: int) -> Item:
    """The item, if the actor may see its enterprise.

    Raises:
        Refused: for another enterprise's item (a forged or stale button).
        storage.errors.NotFound: for no such item.
    """
    item = await items.get_item(session=session, item_id=item_id)
    await require_enterprise(session, actor, item.enterprise_id)
    return item


async def _change(
    session: AsyncSession, item: Item, to: ItemStatus, person_id: int, comment: str, now: datetime
) -> Item:
    assert item.id is not None
    return await items.change_status(
        session=session, item_id=item.id, to=to, actor_id=person_id, comment=comment, now=now
    )


async def evidence_of(
    session: AsyncSession, actor: Actor, item_id: int
) -> tuple[Item, list[Evidence]]:
    """The item and its evidence (notes, photos, documents), for someone who may see it.

    Raises:
        Refused: for another enterprise's item.
    """
    item = await visible_item(session, actor, item_id)
    return item, list(await items.evidence_of(session=session, item_id=item_id))


async def start_work(session: AsyncSession, actor: Actor, item_id: int, now: datetime) -> Item:
    """A manager marks their item in progress.

    Raises:
        Refused: for anyone but a manager of the item's enterprise.
        storage.errors.InvalidTransition: if the item cannot move to in progress.
    """
    person_id = require_role(actor, Role.manager)
    item = await visible_item(session, actor, item_id)
    return await _change(session, item, ItemStatus.in_progress, person_id, "", now)


async def submit_item(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    *,
    note: str,
    files: Sequence[tuple[EvidenceKind, str]],
    now: datetime,
) -> Change:
    """A manager submits their item as rectified, with a note and/or files; mentors are told.

    Raises:
        NotAllowed: ``empty_submission`` with neither a note nor a file.
        Refused: for anyone but a manager of the item's enterprise.
    """
    person_id = require_role(actor, Role.manager)
    note = note.strip()[:NOTE_LIMIT]
    if not note and not files:
        raise NotAllowed("empty_submission")
    item = await visible_item(session, actor, item_id)
    item = await _change(session, item, ItemStatus.submitted, person_id, note, now)
    if note:
        await items.add_evidence(
            session=session, item_id=item_id, person_id=person_id, kind=EvidenceKind.note, note=note
        )
    for kind, file_id in files:
        await items.add_evidence(
            session=session,
            item_id=item_id,
            person_id=person_id,
            kind=kind,
            telegram_file_id=file_id,
        )
    return await _with_audience(session, item, await mentors_of(session, item.enterprise_id))


async def review_item(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    *,
    verify: bool,
    comment: str,
    now: datetime,
) -> Change:
    """A mentor or the bureau verifies (closes) or returns a submitted item; managers are told.

    Raises:
        NotAllowed: ``not_submitted`` if the item is not awaiting a verdict; ``empty_text`` for
            a return without a comment.
        Refused: for a manager, or a mentor who does not cover the enterprise.
    """
    person_id = require_role(actor, *REVIEWERS)
    item = await visible_item(session, actor, item_id)
    if item.status is not ItemStatus.submitted:
        raise NotAllowed("not_submitted", item.status.value)
    if not verify:
        comment = check_text(comment, NOTE_LIMIT)
    to = ItemStatus.verified if verify else ItemStatus.returned
    item = await _change(session, item, to, person_id, comment, now)
    return await _with_audience(session, item, await managers_of(session, item.enterprise_id))


async def add_item(
    session: AsyncSession,
    actor: Actor,
    enterprise_id: int,
    *,
    sub_category: SubCategory,
    finding: str,
    measure: str,
    due_on: date,
    today: date,
    now: datetime,
) -> Change:
    """A mentor or the bureau adds an item to a small hand they cover; its managers are told.

    Raises:
        NotAllowed: ``empty_text``/``text_too_long`` for the finding, ``deadline_past``.
        Refused: for a manager, or a mentor who does not cover the enterprise.
    """
    person_id = require_role(actor, *REVIEWERS)
    await require_enterprise(session, actor, enterprise_id)
    finding = check_text(finding, FINDING_LIMIT)
    measure = measure.strip()[:FINDING_LIMIT]
    if due_on < today:
        raise NotAllowed("deadline_past", due_on.isoformat())
    item = await items.create_item(
        session=session,
        enterprise_id=enterprise_id,
        sub_category=sub_category,
        finding=finding,
        measure=measure,
        due_on=due_on,
        actor_id=person_id,
        now=now,
    )
    return await _with_audience(session, item, await managers_of(session, enterprise_id))


async def _with_audience(session: AsyncSession, item: Item, tell: list[Person]) -> Change:
    enterprise = await enterprises.get_enterprise(session=session, enterprise_id=item.enterprise_id)
    return Change(item, enterprise.name, tell)
