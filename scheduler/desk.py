"""The bureau desk's background work in one process: the broadcast outbox and ack reminders.

`DeskWorker` is started in the bot's ``post_init`` and stopped in ``post_shutdown``. It runs two
tasks on the event loop: the `Outbox` worker (paced deliveries; several processes may run one on
the same database) and a loop that reminds non-acknowledgers once, ``reminder_delay`` after they
received a broadcast (`scheduler.broadcasts.remind_unacknowledged`, claim-before-send).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.broadcasts import remind_unacknowledged
from scheduler.clock import Clock, SystemClock
from scheduler.notifier import Notifier
from scheduler.outbox import Outbox, OutboxConfig

__all__ = ["DeskWorker"]

log = logging.getLogger(__name__)


class DeskWorker:
    """Runs the outbox and the acknowledgement reminders until `stop`.

    Args:
        session_factory: opens units of work.
        notifier: sends the deliveries and reminders.
        config: the outbox's pacing (rate, per-chat interval, lease, retries, polling).
        reminder_delay: how long after delivery a non-acknowledger is reminded.
        reminder_interval: how often (seconds) due reminders are looked for.
        clock: the current UTC time.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        notifier: Notifier,
        *,
        config: OutboxConfig | None = None,
        reminder_delay: timedelta = timedelta(hours=24),
        reminder_interval: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.notifier = notifier
        self.clock = clock or SystemClock()
        self.outbox = Outbox(session_factory, notifier, config=config, clock=self.clock)
        self.reminder_delay = reminder_delay
        self.reminder_interval = reminder_interval
        self.reminded = 0
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._tasks)

    def start(self) -> None:
        """Start both loops on the running event loop (idempotent)."""
        if self.running:
            return
        self._stop = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._run_outbox(), name="desk-outbox"),
            asyncio.create_task(self._remind_loop(), name="desk-ack-reminders"),
        ]

    async def stop(self) -> None:
        """Stop gracefully: sends on the wire finish and are recorded, the rest is released."""
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def remind_now(self) -> int:
        """Send the reminders due now; returns how many went out."""
        sent = await remind_unacknowledged(
            self.session_factory, self.notifier, delay=self.reminder_delay, now=self.clock.now()
        )
        self.reminded += sent
        return sent

    async def _run_outbox(self) -> None:
        # The outbox must outlive a database hiccup: log, wait, carry on until told to stop.
        while not self._stop.is_set():
            try:
                await self.outbox.run(self._stop)
            except Exception:
                log.exception("broadcast outbox failed; restarting in 5 s")
                await self._pause(5.0)

    async def _remind_loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.remind_now()
            except Exception:
                log.exception("acknowledgement reminders failed; trying again later")
            await self._pause(self.reminder_interval)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)
