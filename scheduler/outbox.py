"""The broadcast outbox worker: claims delivery rows, sends them paced, records what happened.

Pacing follows Telegram's limits: a `RateLimiter` spaces sends to ``rate`` per second overall
(default 25) and at most one per ``per_chat_interval`` to one chat; at most ``max_sending`` sends
wait for an answer at once. A flood-control answer (``retry_after``) pauses the *whole* outbox for
that long — every send waits on the limiter, not on a sleep that would hold the event loop.
Network errors are retried in place with exponential backoff, up to ``max_attempts``; a person who
blocked the bot is marked and never retried.

A send whose outcome is unknown (its request went out, and no answer came within the Bot API read
timeout) is recorded as ``unknown`` and not sent again automatically: a Bot API that stalls
mostly delivers before it stalls, so a resend would reach most of those people twice, while
leaving it alone loses at worst the few sends that were on the wire. ``handinhand broadcast
resume ID --resend-unknown`` sends them again when an admin decides the loss is worse.

Claims and leases: a worker holds only what its pacing sends in ``claim_seconds`` (50 rows at
25 a second; never more than ``max_in_flight``), and renews the lease of every row it holds each
``heartbeat`` seconds while it is alive, however long a flood-control pause or a slow answer
keeps them. A row whose lease has not been renewed for ``lease`` seconds belongs to a sender that
died: any worker claims it again (``handinhand broadcast resume ID``, or the running bot). So a
killed sender holds back a few seconds' worth of rows for at most ``lease`` seconds, and
`orphaned` tells when nobody is sending.

Crash safety: outcomes are written in small batches (every ``flush_interval``); a row claimed but
not yet recorded when the process dies is re-sent once its lease expires. Those rows — the sends
on the wire plus the sends of one flush interval — are the only messages that can repeat.
Stopping gracefully (``stop`` event) records everything and releases unsent rows at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import Clock, SystemClock
from scheduler.notifier import Action, Button, Notice, Notifier, Recipient, SendStatus
from storage.db import in_transaction
from storage.enums import BroadcastStatus, DeliveryStatus
from storage.models import Broadcast
from storage.repositories import broadcasts as repo

__all__ = [
    "ACK_BUTTON_KEY",
    "MESSAGE_KEY",
    "Outbox",
    "OutboxConfig",
    "RateLimiter",
    "notice_for",
    "orphaned",
]

log = logging.getLogger(__name__)

MESSAGE_KEY = "broadcast.message"
ACK_BUTTON_KEY = "broadcast.ack_button"


def notice_for(
    broadcast: Broadcast,
    *,
    key: str = MESSAGE_KEY,
) -> Notice:
    """The notice a recipient of ``broadcast`` gets (with the acknowledgement button if asked)."""
    assert broadcast.id is not None
    buttons = (
        (Button(ACK_BUTTON_KEY, Action.acknowledge_broadcast, broadcast.id),)
        if broadcast.require_ack
        else ()
    )
    return Notice(
        key=key,
        values={"text": broadcast.text},
        buttons=buttons,
        photo_file_id=broadcast.photo_file_id,
        document_file_id=broadcast.document_file_id,
    )


class RateLimiter:
    """Spaces calls to ``rate`` per second overall and ``per_chat_interval`` apart per chat.

    Each caller reserves the next free slot (a generic cell rate algorithm), so concurrent senders
    share the rate exactly without a burst at start. `pause` moves every slot past a flood-control
    wait; callers already waiting notice it and take a new slot afterwards.
    """

    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.per_chat_interval = per_chat_interval
        self._monotonic = monotonic
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        """Hold every send for ``seconds`` from now (Telegram's RetryAfter)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    async def acquire(self, chat_id: int | None = None) -> None:
        """Wait until this send may go out."""
        while True:
            now = self._monotonic()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            slot = max(now, self._next)
            if chat_id is not None:
                slot = max(slot, self._chat_next.get(chat_id, 0.0))
            self._next = slot + self.interval
            if chat_id is not None:
                self._chat_next[chat_id] = slot + self.per_chat_interval
                self._forget_idle_chats(now)
            if slot > now:
                await asyncio.sleep(slot - now)
            if self._monotonic() >= self._paused_until:
                return

    def _forget_idle_chats(self, now: float) -> None:
        # Keeps memory flat over a long broadcast: a chat whose slot has passed needs no entry.
        if len(self._chat_next) > 4096:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    """Knobs of the outbox worker (defaults follow Telegram's broadcast limits)."""

    rate: float = 25.0
    per_chat_interval: float = 1.0
    max_in_flight: int = 100
    # Sends on the wire at once: 8 carry 25 a second up to 320 ms per round trip. Rows beyond
    # it wait here, cheaply; queued in the HTTP client's pool instead, each finished request
    # rescans every pooled connection (httpcore), which turns a short lag into a lasting one.
    max_sending: int = 8
    # Rows held at once: what the pacing sends in this many seconds (a killed sender's rows wait
    # for the lease; the fewer, the less is held back).
    claim_seconds: float = 2.0
    lease: timedelta = timedelta(seconds=20)
    heartbeat: float = 5.0  # seconds between lease renewals; well under the lease
    max_attempts: int = 5
    backoff: float = 1.0
    flush_interval: float = 0.2
    idle_interval: float = 1.0

    @property
    def holding(self) -> int:
        """How many rows a worker holds at most."""
        paced = max(self.max_sending, math.ceil(self.rate * self.claim_seconds))
        return max(1, min(self.max_in_flight, paced))


async def orphaned(
    session: AsyncSession, broadcast_id: int, *, lease: timedelta, now: datetime
) -> bool:
    """Whether a sending broadcast has rows left and no live worker to send them (every sender
    that held rows stopped renewing its lease, or none ever claimed them)."""
    p = await repo.progress(session=session, broadcast_id=broadcast_id)
    if p.status is not BroadcastStatus.sending or p.finished:
        return False
    last = await repo.last_heartbeat(session=session)
    return last is None or last < now - lease


@dataclass
class _Batch:
    """Outcomes not yet written, and claimed rows to give back unsent."""

    outcomes: list[repo.Outcome] = field(default_factory=list)
    unsent: list[int] = field(default_factory=list)


class Outbox:
    """Delivers broadcast rows through a `Notifier`; several may run against one database.

    Args:
        session_factory: opens units of work.
        notifier: sends notices (Telegram in the bot, a collector in tests).
        config: pacing, lease and retry settings.
        clock: the current UTC time (lease expiry and timestamps).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        notifier: Notifier,
        *,
        config: OutboxConfig | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.notifier = notifier
        self.config = config or OutboxConfig()
        self.clock = clock or SystemClock()
        self.limiter = RateLimiter(
            self.config.rate, per_chat_interval=self.config.per_chat_interval
        )
        self.sent = 0
        self.retry_after_answers = 0
        self._notices: dict[int, Notice] = {}
        self._cancelled: set[int] = set()
        self._tasks: dict[asyncio.Task[None], repo.Claimed] = {}
        self._batch = _Batch()
        self._in_send: set[int] = set()
        self._wire = asyncio.Semaphore(self.config.max_sending)
        self._last_heartbeat = time.monotonic()

    async def run(self, stop: asyncio.Event | None = None, *, until_idle: bool = False) -> None:
        """Deliver until ``stop`` is set (or, with ``until_idle``, until nothing is left to claim).

        Cancelling the task that runs this behaves like a crash: nothing more is written, and
        rows in flight stay claimed until their lease expires.
        """
        stop = stop or asyncio.Event()
        try:
            await self._loop(stop, until_idle=until_idle)
        except asyncio.CancelledError:
            # A crash: the sends die with the process, nothing more reaches the database.
            for task in list(self._tasks):
                task.cancel()
            raise
        await self._shutdown()

    async def _loop(self, stop: asyncio.Event, *, until_idle: bool) -> None:
        last_flush = time.monotonic()
        while not stop.is_set():
            if time.monotonic() - self._last_heartbeat >= self.config.heartbeat:
                await self._renew()
            claimed = await self._fill()
            if time.monotonic() - last_flush >= self.config.flush_interval:
                await self._flush()
                last_flush = time.monotonic()
            if self._tasks:
                await asyncio.wait(
                    list(self._tasks),
                    timeout=self.config.flush_interval,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                continue
            if claimed is None or claimed:
                # None: too busy to claim just now, and the sends finished meanwhile (during a
                # flush): not idle, claim again.
                continue
            await self._flush()
            if until_idle:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.idle_interval)

    async def _fill(self) -> int | None:
        """Claim rows until `OutboxConfig.holding` are held; start a task for each.

        Returns how many rows were claimed, or None when too many sends are under way to try.
        """
        holding = self.config.holding
        room = holding - len(self._tasks)
        if room < max(1, holding // 2):
            return None

        async def claim(session: AsyncSession) -> list[repo.Claimed]:
            await repo.start_due(session=session, now=self.clock.now())
            claimed = await repo.claim(
                session=session, limit=room, lease=self.config.lease, now=self.clock.now()
            )
            missing = {c.broadcast_id for c in claimed} - self._notices.keys()
            for broadcast_id in missing:
                broadcast = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
                self._notices[broadcast_id] = notice_for(broadcast)
            return claimed

        # A busy SQLite (an import writing meanwhile) is waited out here, not a worker restart.
        claimed = await in_transaction(self.session_factory, claim)
        held = self._held()
        # A row of ours whose lease lapsed (a late heartbeat) is ours again, not a second send.
        claimed = [row for row in claimed if row.delivery_id not in held]
        for row in claimed:
            task = asyncio.create_task(self._deliver(row))
            self._tasks[task] = row
            task.add_done_callback(self._tasks.pop)
        return len(claimed)

    async def _renew(self) -> None:
        """The heartbeat: every row this worker holds stays leased to it."""
        self._last_heartbeat = time.monotonic()
        held = sorted(self._held())
        if held:

            async def renew(session: AsyncSession) -> None:
                await repo.renew(session=session, delivery_ids=held, now=self.clock.now())

            await in_transaction(self.session_factory, renew)

    def _held(self) -> set[int]:
        """Rows claimed by this worker and not yet recorded or given back."""
        held = {row.delivery_id for row in self._tasks.values()}
        held.update(o.delivery_id for o in self._batch.outcomes)
        held.update(self._batch.unsent)
        return held

    async def _deliver(self, row: repo.Claimed) -> None:
        """Send one row, retrying flood control and network errors; queue the outcome."""
        if row.chat_id is None:
            self._record(row, DeliveryStatus.blocked, row.attempts, error="no chat")
            return
        recipient = Recipient(row.person_id, row.chat_id, row.lang)
        attempts = row.attempts
        failures = 0
        while True:
            await self.limiter.acquire(row.chat_id)
            if row.broadcast_id in self._cancelled:
                self._batch.unsent.append(row.delivery_id)
                return
            async with self._wire:
                attempts += 1
                self._in_send.add(row.delivery_id)
                try:
                    result = await self.notifier.send(recipient, self._notices[row.broadcast_id])
                finally:
                    self._in_send.discard(row.delivery_id)
            if result.status is SendStatus.sent:
                self.sent += 1
                self._record(row, DeliveryStatus.sent, attempts, message_id=result.message_id)
                return
            if result.status is SendStatus.unknown:
                # Resending could deliver it twice: recorded for an admin to decide.
                log.warning(
                    "broadcast %s to person %s: outcome unknown", row.broadcast_id, row.person_id
                )
                self._record(
                    row, DeliveryStatus.unknown, attempts, error=result.error or "no answer"
                )
                return
            if result.status is SendStatus.blocked:
                self._record(row, DeliveryStatus.blocked, attempts, error=result.error or "blocked")
                return
            if result.status is SendStatus.retry_after:
                # Flood control is about the bot, not this chat: everyone waits, nobody fails.
                self.retry_after_answers += 1
                self.limiter.pause(result.retry_after or 1.0)
                continue
            failures += 1
            if not result.retryable or failures >= self.config.max_attempts:
                self._record(row, DeliveryStatus.failed, attempts, error=result.error or "failed")
                return
            await asyncio.sleep(self.config.backoff * 2 ** (failures - 1))

    def _record(
        self,
        row: repo.Claimed,
        status: DeliveryStatus,
        attempts: int,
        *,
        message_id: int | None = None,
        error: str = "",
    ) -> None:
        self._batch.outcomes.append(
            repo.Outcome(row.delivery_id, status, attempts, message_id, error, self.clock.now())
        )

    async def _flush(self) -> None:
        """Write queued outcomes, release rows of cancelled broadcasts, close finished ones."""
        batch, self._batch = self._batch, _Batch()
        in_flight = {row.broadcast_id for row in self._tasks.values()}

        async def write(session: AsyncSession) -> None:
            await repo.record(session=session, outcomes=batch.outcomes)
            await repo.release(session=session, delivery_ids=batch.unsent)
            if in_flight:
                found = await repo.statuses(session=session, broadcast_ids=in_flight)
                self._cancelled = {b for b, s in found.items() if s is BroadcastStatus.cancelled}
            if batch.outcomes:
                await repo.finish_completed(session=session, now=self.clock.now())

        try:
            await in_transaction(self.session_factory, write)
        except Exception:
            # Not written: the outcomes stay queued for the next flush instead of being lost.
            self._batch.outcomes[:0] = batch.outcomes
            self._batch.unsent[:0] = batch.unsent
            raise

    async def _shutdown(self) -> None:
        """Graceful stop: rows not yet sent go back to pending; finished sends are recorded."""
        rows = list(self._tasks.values())
        for task, row in list(self._tasks.items()):
            # A send already on the wire finishes and is recorded; waiting ones are given back.
            if row.delivery_id not in self._in_send:
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        done = {o.delivery_id for o in self._batch.outcomes}
        self._batch.unsent.extend(r.delivery_id for r in rows if r.delivery_id not in done)
        await self._flush()
