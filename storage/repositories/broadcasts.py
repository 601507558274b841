"""Broadcasts and their outbox: who gets an announcement, and each recipient's delivery row.

Life of a broadcast::

    create_broadcast ──► scheduled ──(start_due)──► sending ──(finish_completed)──► done
                                        └──────────(cancel)──────► cancelled

`create_broadcast` resolves the audience with the same query `count_audience` previews and inserts
one `BroadcastDelivery` per recipient in the caller's transaction (one INSERT … SELECT), so the
preview count is the delivered count. Workers `claim` pending rows in batches — ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, one atomic UPDATE on SQLite — and `record` the outcomes. A row claimed but
never recorded (the process died mid-send) is claimable again once its lease has expired: those are
the only messages that can go out twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Result,
    Table,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from storage.enums import (
    BroadcastStatus,
    DeliveryStatus,
    Language,
    Phase,
    Reachability,
    Role,
)
from storage.models import (
    Broadcast,
    BroadcastDelivery,
    Enterprise,
    Item,
    Pairing,
    Person,
    utcnow,
)
from storage.repositories import items
from storage.repositories.lookup import get_or_raise
from storage.repositories.people import reachable

__all__ = [
    "Audience",
    "Claimed",
    "Outcome",
    "Progress",
    "Watched",
    "acknowledge",
    "audience_query",
    "cancel",
    "claim",
    "claim_ack_reminders",
    "count_audience",
    "create_broadcast",
    "finish_completed",
    "get_broadcast",
    "has_acknowledged",
    "last_heartbeat",
    "progress",
    "recipients",
    "record",
    "release",
    "renew",
    "requeue_unknown",
    "start_due",
    "statuses",
    "unfinished_with_creator",
]

_WITH_ERROR = (DeliveryStatus.failed, DeliveryStatus.blocked, DeliveryStatus.unknown)
_DELIVERIES: Table = BroadcastDelivery.__table__  # type: ignore[attr-defined]  # set by SQLModel, not in its stubs


def _rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or INSERT … SELECT without RETURNING matched.

    Such a statement's result is a ``CursorResult``, which has ``rowcount``;
    ``AsyncSession.execute`` is typed with the general ``Result``.
    """
    return cast(CursorResult[Any], result).rowcount


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a broadcast goes to; every filter given must hold (an empty audience is everyone).

    Attributes:
        roles: the people's roles (empty: all roles).
        round_id: people whose enterprise is in a pairing of this round.
        town: people whose own enterprise is in this town/street.
        industry: people whose own enterprise is in this industry.
        big_hand_id: the big-hand group: the big hand's people and its small hands' people.
        phase: people whose enterprise is in a pairing in this phase.
        overdue: only people of small hands with at least one overdue open item.
    """

    roles: tuple[Role, ...] = ()
    round_id: int | None = None
    town: str | None = None
    industry: str | None = None
    big_hand_id: int | None = None
    phase: Phase | None = None
    overdue: bool = False

    def to_json(self) -> dict[str, Any]:
        """The filters that are set, as plain JSON values (stored on the broadcast)."""
        data = asdict(self)
        data["roles"] = [r.value for r in self.roles]
        data["phase"] = self.phase.value if self.phase else None
        return {k: v for k, v in data.items() if v not in (None, False, [])}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Audience:
        """Inverse of `to_json`."""
        return cls(
            roles=tuple(Role(r) for r in data.get("roles", ())),
            round_id=data.get("round_id"),
            town=data.get("town"),
            industry=data.get("industry"),
            big_hand_id=data.get("big_hand_id"),
            phase=Phase(data["phase"]) if data.get("phase") else None,
            overdue=bool(data.get("overdue", False)),
        )


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery row a worker now owns: whom to send to and which broadcast."""

    delivery_id: int
    broadcast_id: int
    person_id: int
    chat_id: int | None
    lang: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed delivery, recorded by `record`."""

    delivery_id: int
    status: DeliveryStatus
    attempts: int
    message_id: int | None = None
    error: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Watched:
    """An unfinished broadcast and the chat where its creator follows the delivery."""

    broadcast_id: int
    require_ack: bool
    chat_id: int
    lang: str


@dataclass(frozen=True, slots=True)
class Progress:
    """A broadcast's delivery counts."""

    status: BroadcastStatus
    total: int = 0
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    unknown: int = 0  # sent, but no answer came: may have arrived
    acknowledged: int = 0
    by_error: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.pending + self.sending == 0 or self.status is BroadcastStatus.cancelled


def audience_query(audience: Audience, *, today: date) -> Select[Any]:
    """``SELECT people.id`` for everyone the audience reaches who can be messaged.

    People without a Telegram chat or who blocked the bot are left out: the preview must count
    exactly the people who will get a delivery row.
    """
    query = select(col(Person.id)).where(reachable())
    if audience.roles:
        query = query.where(col(Person.role).in_(audience.roles))
    if audience.town is not None or audience.industry is not None:
        own = [col(Enterprise.id) == col(Person.enterprise_id)]
        if audience.town is not None:
            own.append(col(Enterprise.town) == audience.town)
        if audience.industry is not None:
            own.append(col(Enterprise.industry) == audience.industry)
        query = query.where(exists(select(col(Enterprise.id)).where(*own)))
    pairing_filters = []
    if audience.round_id is not None:
        pairing_filters.append(col(Pairing.round_id) == audience.round_id)
    if audience.big_hand_id is not None:
        pairing_filters.append(col(Pairing.big_hand_id) == audience.big_hand_id)
    if audience.phase is not None:
        pairing_filters.append(col(Pairing.phase) == audience.phase)
    if pairing_filters:
        # A person takes part in a pairing through their enterprise, on either side of it.
        member_of = or_(
            col(Pairing.small_hand_id) == col(Person.enterprise_id),
            col(Pairing.big_hand_id) == col(Person.enterprise_id),
        )
        query = query.where(exists(select(col(Pairing.id)).where(member_of, *pairing_filters)))
    if audience.overdue:
        overdue = select(col(Item.id)).where(
            col(Item.enterprise_id) == col(Person.enterprise_id),
            items.is_open(),
            col(Item.due_on) < today,
        )
        query = query.where(exists(overdue))
    return query


async def count_audience(*, session: AsyncSession, audience: Audience, today: date) -> int:
    """How many people a broadcast to ``audience`` would reach now (the preview)."""
    inner = audience_query(audience, today=today).subquery()
    return int((await session.execute(select(func.count()).select_from(inner))).scalar_one())


async def create_broadcast(
    *,
    session: AsyncSession,
    text: str,
    audience: Audience,
    today: date,
    created_by: int | None = None,
    photo_file_id: str | None = None,
    document_file_id: str | None = None,
    require_ack: bool = False,
    scheduled_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[Broadcast, int]:
    """Create a confirmed broadcast and its outbox rows in the caller's transaction.

    Args:
        session: the unit of work; nothing is sent before it commits.
        text: the announcement (plain text; the bot escapes it).
        audience: who gets it; resolved now, so later changes to people do not alter it.
        today: the local date that decides "overdue".
        created_by: the bureau admin.
        photo_file_id: an optional photo (Telegram file id).
        document_file_id: an optional document (Telegram file id).
        require_ack: whether recipients get the acknowledgement button.
        scheduled_at: send at this UTC time instead of now.
        now: the current UTC time.

    Returns:
        The broadcast and the number of delivery rows created.
    """
    now = now or utcnow()
    later = scheduled_at is not None and scheduled_at > now
    broadcast = Broadcast(
        created_by=created_by,
        text=text,
        photo_file_id=photo_file_id,
        document_file_id=document_file_id,
        audience=audience.to_json(),
        require_ack=require_ack,
        status=BroadcastStatus.scheduled if later else BroadcastStatus.sending,
        scheduled_at=scheduled_at,
        started_at=None if later else now,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    people = audience_query(audience, today=today).subquery()
    rows = select(
        literal(broadcast.id),
        people.c.id,
        literal(DeliveryStatus.pending.value),
        literal(0),
        literal(""),
    )
    insert = _DELIVERIES.insert().from_select(
        ["broadcast_id", "person_id", "status", "attempts", "last_error"], rows
    )
    result = await session.execute(insert)
    return broadcast, _rowcount(result)


async def get_broadcast(*, session: AsyncSession, broadcast_id: int) -> Broadcast:
    """Return a broadcast.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Broadcast, broadcast_id)


async def start_due(*, session: AsyncSession, now: datetime | None = None) -> list[int]:
    """Move scheduled broadcasts whose time has come to ``sending``; returns their ids."""
    now = now or utcnow()
    result = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.status) == BroadcastStatus.scheduled,
            col(Broadcast.scheduled_at) <= now,
        )
        .values(status=BroadcastStatus.sending, started_at=now)
        .returning(col(Broadcast.id))
    )
    return list(cast(Sequence[int], result.scalars().all()))  # keys read back are never NULL


async def cancel(*, session: AsyncSession, broadcast_id: int, now: datetime | None = None) -> bool:
    """Stop a scheduled or sending broadcast; rows not yet sent stay pending, never claimed.

    Returns:
        ``False`` if it had already finished or been cancelled.

    Raises:
        NotFound: if there is no such broadcast.
    """
    await get_broadcast(session=session, broadcast_id=broadcast_id)
    result = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status).in_((BroadcastStatus.scheduled, BroadcastStatus.sending)),
        )
        .values(status=BroadcastStatus.cancelled, finished_at=now or utcnow())
    )
    return bool(_rowcount(result))


async def unfinished_with_creator(*, session: AsyncSession) -> list[Watched]:
    """Scheduled or sending broadcasts whose creator has a chat (the bot shows them the status)."""
    result = await session.execute(
        select(
            col(Broadcast.id), col(Broadcast.require_ack), col(Person.chat_id), col(Person.language)
        )
        .join(Person, col(Person.id) == col(Broadcast.created_by))
        .where(
            col(Broadcast.status).in_((BroadcastStatus.scheduled, BroadcastStatus.sending)),
            col(Person.chat_id).is_not(None),
        )
        .order_by(col(Broadcast.id))
    )
    # Keys read back are never NULL, and the WHERE leaves out creators without a chat.
    rows = cast(Sequence[tuple[int, bool, int, Language]], result.all())
    return [Watched(b, bool(ack), chat, Language(lang).value) for b, ack, chat, lang in rows]


async def statuses(
    *, session: AsyncSession, broadcast_ids: Iterable[int]
) -> dict[int, BroadcastStatus]:
    """The status of each broadcast (workers check for cancellation with this)."""
    ids = list(broadcast_ids)
    if not ids:
        return {}
    result = await session.execute(
        select(col(Broadcast.id), col(Broadcast.status)).where(col(Broadcast.id).in_(ids))
    )
    rows = cast(Sequence[tuple[int, BroadcastStatus]], result.all())  # keys are never NULL
    return {row[0]: BroadcastStatus(row[1]) for row in rows}


async def claim(
    *,
    session: AsyncSession,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
) -> list[Claimed]:
    """Take up to ``limit`` deliveries of sending broadcasts: pending ones, and ones whose lease
    expired (claimed by a process that died before recording the outcome).

    Commit right after: the claim is what keeps other workers off these rows.
    """
    now = now or utcnow()
    candidates = (
        select(col(BroadcastDelivery.id))
        .join(Broadcast, col(Broadcast.id) == col(BroadcastDelivery.broadcast_id))
        .where(
            col(Broadcast.status) == BroadcastStatus.sending,
            or_(
                col(BroadcastDelivery.status) == DeliveryStatus.pending,
                and_(
                    col(BroadcastDelivery.status) == DeliveryStatus.sending,
                    col(BroadcastDelivery.claimed_at) < now - lease,
                ),
            ),
        )
        .order_by(col(BroadcastDelivery.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(of=BroadcastDelivery, skip_locked=True)
    result = await session.execute(
        update(BroadcastDelivery)
        .where(col(BroadcastDelivery.id).in_(candidates.scalar_subquery()))
        .values(status=DeliveryStatus.sending, claimed_at=now)
        .returning(
            col(BroadcastDelivery.id),
            col(BroadcastDelivery.broadcast_id),
            col(BroadcastDelivery.person_id),
            col(BroadcastDelivery.attempts),
        )
        .execution_options(synchronize_session=False)
    )
    return await _with_people(session, result.all())


async def _with_people(session: AsyncSession, rows: Iterable[Any]) -> list[Claimed]:
    """Attach chat id and language to claimed (delivery, broadcast, person, attempts) rows."""
    rows = sorted(tuple(row) for row in rows)
    if not rows:
        return []
    people = await session.execute(
        select(col(Person.id), col(Person.chat_id), col(Person.language)).where(
            col(Person.id).in_({row[2] for row in rows})
        )
    )
    found = {pid: (chat, str(lang)) for pid, chat, lang in people.all()}
    return [
        Claimed(did, bid, pid, *found.get(pid, (None, "zh")), attempts=att)
        for did, bid, pid, att in rows
    ]


async def renew(*, session: AsyncSession, delivery_ids: Sequence[int], now: datetime) -> None:
    """Renew the lease on rows a live worker still holds (its heartbeat)."""
    if delivery_ids:
        await session.execute(
            update(BroadcastDelivery)
            .where(
                col(BroadcastDelivery.id).in_(delivery_ids),
                col(BroadcastDelivery.status) == DeliveryStatus.sending,
            )
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        )


async def last_heartbeat(*, session: AsyncSession) -> datetime | None:
    """The latest claim or lease renewal of any row being sent: when a worker was last seen."""
    result = await session.execute(
        select(col(BroadcastDelivery.claimed_at))
        .where(col(BroadcastDelivery.status) == DeliveryStatus.sending)
        .order_by(col(BroadcastDelivery.claimed_at).desc())
        .limit(1)
    )
    return result.scalars().first()


async def release(*, session: AsyncSession, delivery_ids: Sequence[int]) -> None:
    """Give claimed rows back unsent (their broadcast was cancelled, or the worker is stopping)."""
    if delivery_ids:
        await session.execute(
            update(BroadcastDelivery)
            .where(
                col(BroadcastDelivery.id).in_(delivery_ids),
                col(BroadcastDelivery.status) == DeliveryStatus.sending,
            )
            .values(status=DeliveryStatus.pending, claimed_at=None)
            .execution_options(synchronize_session=False)
        )


async def requeue_unknown(*, session: AsyncSession, broadcast_id: int) -> int:
    """Queue a broadcast's deliveries of unknown outcome to be sent again (an admin's choice:
    some of those people may get it twice); reopens the broadcast if it had finished.

    Returns:
        How many deliveries were queued again.

    Raises:
        NotFound: if there is no such broadcast.
    """
    broadcast = await get_broadcast(session=session, broadcast_id=broadcast_id)
    if broadcast.status is BroadcastStatus.cancelled:
        return 0
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.status) == DeliveryStatus.unknown,
        )
        .values(status=DeliveryStatus.pending, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    count = _rowcount(result)
    if count and broadcast.status is BroadcastStatus.done:
        await session.execute(
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id)
            .values(status=BroadcastStatus.sending, finished_at=None)
        )
    return count


async def record(*, session: AsyncSession, outcomes: Sequence[Outcome]) -> None:
    """Store a batch of outcomes (one UPDATE executed for many rows); blocked people are marked."""
    if not outcomes:
        return
    statement = (
        _DELIVERIES.update()
        .where(_DELIVERIES.c.id == bindparam("d_id"))
        .values(
            status=bindparam("d_status"),
            attempts=bindparam("d_attempts"),
            message_id=bindparam("d_message_id"),
            last_error=bindparam("d_error"),
            sent_at=bindparam("d_sent_at"),
        )
    )
    await session.execute(
        statement,
        [
            {
                "d_id": o.delivery_id,
                "d_status": o.status.value,
                "d_attempts": o.attempts,
                "d_message_id": o.message_id,
                "d_error": o.error[:500],
                "d_sent_at": o.at if o.status is DeliveryStatus.sent else None,
            }
            for o in outcomes
        ],
    )
    blocked = [o.delivery_id for o in outcomes if o.status is DeliveryStatus.blocked]
    if blocked:
        people = select(col(BroadcastDelivery.person_id)).where(
            col(BroadcastDelivery.id).in_(blocked)
        )
        await session.execute(
            update(Person)
            .where(col(Person.id).in_(people.scalar_subquery()))
            .values(reachability=Reachability.blocked)
            .execution_options(synchronize_session=False)
        )


async def finish_completed(*, session: AsyncSession, now: datetime | None = None) -> list[int]:
    """Mark sending broadcasts with nothing left to send as done; returns their ids."""
    left = select(col(BroadcastDelivery.id)).where(
        col(BroadcastDelivery.broadcast_id) == col(Broadcast.id),
        col(BroadcastDelivery.status).in_((DeliveryStatus.pending, DeliveryStatus.sending)),
    )
    result = await session.execute(
        update(Broadcast)
        .where(col(Broadcast.status) == BroadcastStatus.sending, ~exists(left))
        .values(status=BroadcastStatus.done, finished_at=now or utcnow())
        .returning(col(Broadcast.id))
    )
    return list(cast(Sequence[int], result.scalars().all()))  # keys read back are never NULL


async def progress(*, session: AsyncSession, broadcast_id: int) -> Progress:
    """Delivery counts of one broadcast (two queries whatever its size).

    Raises:
        NotFound: if there is no such broadcast.
    """
    broadcast = await get_broadcast(session=session, broadcast_id=broadcast_id)
    result = await session.execute(
        select(
            col(BroadcastDelivery.status),
            col(BroadcastDelivery.last_error),
            func.count(),
            func.count(col(BroadcastDelivery.acknowledged_at)),
        )
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
        .group_by(col(BroadcastDelivery.status), col(BroadcastDelivery.last_error))
    )
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    acknowledged = 0
    for status, error, n, acked in result.all():
        counts[str(status)] += n
        acknowledged += acked
        if error and str(status) in _WITH_ERROR:
            errors[error] += n
    return Progress(
        status=broadcast.status,
        total=sum(counts.values()),
        pending=counts[DeliveryStatus.pending],
        sending=counts[DeliveryStatus.sending],
        sent=counts[DeliveryStatus.sent],
        failed=counts[DeliveryStatus.failed],
        blocked=counts[DeliveryStatus.blocked],
        unknown=counts[DeliveryStatus.unknown],
        acknowledged=acknowledged,
        by_error=dict(errors),
    )


async def recipients(
    *, session: AsyncSession, broadcast_id: int
) -> list[tuple[Person, BroadcastDelivery]]:
    """Every recipient of a broadcast with their delivery row (the delivery report)."""
    result = await session.execute(
        select(Person, BroadcastDelivery)
        .join(BroadcastDelivery, col(BroadcastDelivery.person_id) == col(Person.id))
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
        .order_by(col(Person.id))
    )
    return [(row[0], row[1]) for row in result.all()]


async def acknowledge(
    *, session: AsyncSession, broadcast_id: int, person_id: int, now: datetime | None = None
) -> bool:
    """Record a recipient's "收到 / Acknowledged"; ``False`` if they were no recipient or had
    already acknowledged (the button can be pressed twice or forged)."""
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.person_id) == person_id,
            col(BroadcastDelivery.status) == DeliveryStatus.sent,
            col(BroadcastDelivery.acknowledged_at).is_(None),
        )
        .values(acknowledged_at=now or utcnow())
    )
    return bool(_rowcount(result))


async def has_acknowledged(*, session: AsyncSession, broadcast_id: int, person_id: int) -> bool:
    """Whether this person has acknowledged this broadcast."""
    result = await session.execute(
        select(col(BroadcastDelivery.id)).where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.person_id) == person_id,
            col(BroadcastDelivery.acknowledged_at).is_not(None),
        )
    )
    return result.first() is not None


async def claim_ack_reminders(
    *, session: AsyncSession, delay: timedelta, now: datetime | None = None, limit: int = 500
) -> list[Claimed]:
    """Claim the reminders due: sent more than ``delay`` ago, not acknowledged, never reminded.

    The claim stamps ``ack_reminded_at`` first, so each recipient is reminded at most once, even
    with two workers or a crash right after.
    """
    now = now or utcnow()
    due = (
        select(col(BroadcastDelivery.id))
        .join(Broadcast, col(Broadcast.id) == col(BroadcastDelivery.broadcast_id))
        .where(
            col(Broadcast.require_ack).is_(True),
            col(Broadcast.status) != BroadcastStatus.cancelled,
            col(BroadcastDelivery.status) == DeliveryStatus.sent,
            col(BroadcastDelivery.acknowledged_at).is_(None),
            col(BroadcastDelivery.ack_reminded_at).is_(None),
            col(BroadcastDelivery.sent_at) <= now - delay,
        )
        .order_by(col(BroadcastDelivery.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(of=BroadcastDelivery, skip_locked=True)
    result = await session.execute(
        update(BroadcastDelivery)
        .where(col(BroadcastDelivery.id).in_(due.scalar_subquery()))
        .values(ack_reminded_at=now)
        .returning(
            col(BroadcastDelivery.id),
            col(BroadcastDelivery.broadcast_id),
            col(BroadcastDelivery.person_id),
            col(BroadcastDelivery.attempts),
        )
        .execution_options(synchronize_session=False)
    )
    return await _with_people(session, result.all())
