"""Sending notices at most once: claim the ledger keys, send, then record what happened.

1. People who cannot be reached (no chat, or blocked the bot) are skipped without a claim, and
   reported, so the bureau can chase them; nothing is retried in a loop.
2. All keys are claimed in one transaction that does nothing else and is committed before the
   first send: a crash after it loses a notice (at most once), never doubles one, and a second
   process claiming the same key gets nothing back.
3. After sending, one transaction marks what went out, gives back the claims of retryable
   failures (flood control, network) for the next run, and marks people who blocked the bot.
4. A send whose outcome is unknown (the request went out, no answer came in time) keeps its
   claim and is not marked sent: it is never sent again, since it has most likely arrived.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from scheduler.notifier import Notice, Recipient, SendStatus
from scheduler.runtime import Runtime
from storage.enums import Reachability
from storage.models import Person
from storage.repositories import ledger
from storage.repositories.people import is_reachable

__all__ = ["DeliveryReport", "Outgoing", "deliver", "recipient_of"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notice for one person under one ledger key.

    ``also`` are further keys claimed with it (e.g. every item a grouped notice reports), so that
    those things are not reported again under another notice.
    """

    key: str
    person: Person
    notice: Notice
    also: tuple[str, ...] = ()


@dataclass
class DeliveryReport:
    """What happened to a batch: keys sent, people skipped or newly found blocked, retries."""

    sent: list[str] = field(default_factory=list)
    already_claimed: list[str] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)
    retry: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def recipient_of(person: Person) -> Recipient:
    """The notifier's view of a person."""
    assert person.id is not None
    return Recipient(person.id, person.chat_id, person.language.value)


async def deliver(batch: Sequence[Outgoing], runtime: Runtime) -> DeliveryReport:
    """Claim, send and record a batch of notices (see the module docstring)."""
    session_factory, notifier, clock = runtime.session_factory, runtime.notifier, runtime.clock
    report = DeliveryReport()
    wanted: list[Outgoing] = []
    for out in batch:
        if is_reachable(out.person):
            wanted.append(out)
        elif out.person.id is not None and out.person.id not in report.unreachable:
            report.unreachable.append(out.person.id)
    if not wanted:
        return report
    async with session_factory() as session, session.begin():
        ours = await ledger.claim_many(
            session=session, keys=[k for o in wanted for k in (o.key, *o.also)], now=clock.now()
        )
    reached: set[int] = set()
    for out in wanted:
        if out.key not in ours:
            report.already_claimed.append(out.key)
            continue
        if out.person.id in report.blocked:
            report.failed.append(out.key)
            continue
        result = await notifier.send(recipient_of(out.person), out.notice)
        if result.status is SendStatus.sent:
            report.sent.append(out.key)
            if out.person.reachability is not Reachability.reachable:
                assert out.person.id is not None  # a stored person
                reached.add(out.person.id)
        elif result.status is SendStatus.blocked:
            log.info("person %s is unreachable (%s)", out.person.id, result.error)
            assert out.person.id is not None  # a stored person
            report.blocked.append(out.person.id)
            report.failed.append(out.key)
        elif result.status is SendStatus.unknown:
            log.warning("notice %s: outcome unknown (%s); not sent again", out.key, result.error)
            report.unknown.append(out.key)
        elif result.status is SendStatus.retry_after or result.retryable:
            report.retry.append(out.key)
        else:
            log.warning("notice %s failed for good: %s", out.key, result.error)
            report.failed.append(out.key)
    async with session_factory() as session, session.begin():
        now = clock.now()
        await ledger.mark_many_sent(session=session, keys=report.sent, now=now)
        await ledger.release_many(session=session, keys=report.retry)
        await _set_reachability(session, report.blocked, Reachability.blocked)
        await _set_reachability(session, sorted(reached), Reachability.reachable)
    return report


async def _set_reachability(
    session: AsyncSession, person_ids: Sequence[int], value: Reachability
) -> None:
    if person_ids:
        await session.execute(
            update(Person).where(col(Person.id).in_(person_ids)).values(reachability=value)
        )
