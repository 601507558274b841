"""The scheduler the bot process runs: one `AsyncIOScheduler`, re-armed from the database.

`ReminderService.start` registers the runtime, arms a reminder job per visit lead from the rows
(catch-up included, see `scheduler.visit_reminders`), adds the daily tick (first run at once, so
a digest missed during downtime goes out at start-up), the help requests' escalation ladder
(`scheduler.help_escalation`, likewise at once) and a sync job that picks up visits booked,
moved or cancelled since the last look — by this process or another one sharing the database.
Jobs live in the in-memory store and carry only ids; the database is the truth.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import Clock, SystemClock
from scheduler.config import ReminderConfig
from scheduler.daily import daily_tick_job
from scheduler.help_escalation import help_escalation_job
from scheduler.notifier import Notifier
from scheduler.runtime import Runtime, forget, register
from scheduler.visit_reminders import (
    PlannedReminder,
    arm_reminder_job,
    lead_label,
    plan_reminders,
)
from storage.enums import VisitStatus
from storage.repositories import visits

__all__ = ["ReminderService"]

log = logging.getLogger(__name__)

_ACTIVE = frozenset(visits.ACTIVE)
SYNC_EVERY = timedelta(minutes=1)
# How long shutdown waits for running jobs to finish their unit of work before cancelling them.
SHUTDOWN_GRACE = timedelta(seconds=10)


class _DrainingExecutor(AsyncIOExecutor):  # type: ignore[misc]  # APScheduler 3 is untyped (Any)
    """APScheduler's asyncio executor, with the running jobs visible so shutdown can await them.

    APScheduler 3 can only *cancel* coroutine jobs at shutdown (its shutdown is synchronous). A
    job cancelled in the middle of a database call, with the engine disposed right after, loses
    its unit of work and can leave ``asyncio.run`` waiting forever on the orphaned call.
    """

    def running(self) -> set[asyncio.Future[object]]:
        return {future for future in self._pending_futures if not future.done()}


class ReminderService:
    """Owns the APScheduler instance and keeps its jobs in line with the visit rows.

    Args:
        session_factory: opens one unit of work.
        notifier: how notices reach people (`bot/` implements it).
        config: lead times, thresholds and the time zone.
        clock: the time source (tests pass a `ManualClock`).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        notifier: Notifier,
        config: ReminderConfig | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config or ReminderConfig()
        self.runtime = Runtime(session_factory, notifier, clock or SystemClock(), self.config)
        self._executor = _DrainingExecutor()
        self.scheduler = AsyncIOScheduler(
            timezone=self.config.timezone,
            executors={"default": self._executor},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(self.config.misfire_grace.total_seconds()),
                "max_instances": 1,
            },
        )
        self.runtime.scheduler = self.scheduler
        self._synced_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.runtime.key

    async def start(self, *, run_scheduler: bool = True) -> int:
        """Arm everything from the database and start the scheduler; returns the visits armed.

        ``run_scheduler=False`` arms the jobs without starting APScheduler's loop (benchmarks,
        tests that call the jobs themselves).
        """
        register(self.runtime)
        armed = await self.rearm_all()
        grace = int(self.config.misfire_grace.total_seconds())
        self.scheduler.add_job(
            daily_tick_job,
            trigger="interval",
            seconds=int(self.config.tick.total_seconds()),
            next_run_time=self.runtime.clock.now(),  # catch up at once after downtime
            args=[self.key],
            id="daily-tick",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=grace,
        )
        self.scheduler.add_job(
            help_escalation_job,
            trigger="interval",
            seconds=int(self.config.help_check.total_seconds()),
            next_run_time=self.runtime.clock.now(),  # steps due during downtime go out at once
            args=[self.key],
            id="help-escalation",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=grace,
        )
        self.scheduler.add_job(
            self.sync_job,
            trigger="interval",
            seconds=int(SYNC_EVERY.total_seconds()),
            id="visit-sync",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=grace,
        )
        if run_scheduler:
            self.scheduler.start()
        log.info("reminder scheduler started: %d visit reminder jobs armed", armed)
        return armed

    async def shutdown(self, grace: timedelta = SHUTDOWN_GRACE) -> None:
        """Stop the scheduler: no new runs, running jobs finish (up to ``grace``), then stop.

        Pending jobs are dropped: they are re-armed from the rows next time.
        """
        if self.scheduler.running:
            self.scheduler.pause()
            running = self._executor.running()
            if running:
                await asyncio.wait(running, timeout=grace.total_seconds())
            still_running = self._executor.running()
            # AsyncIOScheduler.shutdown only schedules the stop on the loop; yield so it happens
            # (it cancels what outlived the grace period), then let the cancelled jobs unwind.
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)
            if still_running:
                await asyncio.wait(still_running, timeout=1)
        forget(self.key)

    async def rearm_all(self) -> int:
        """Arm the reminders of every future visit (start-up)."""
        now = self.runtime.clock.now()
        self._synced_at = now
        async with self.runtime.session_factory() as session:
            rows = await visits.visits_to_arm(session=session, starting_after=now)
        # Nothing is armed yet at start-up: skip the per-visit disarm lookups.
        return self._arm_rows(rows, now, fresh=True)

    async def sync_job(self) -> None:
        """Re-arm visits changed since the last look (booked, moved or cancelled anywhere)."""
        now = self.runtime.clock.now()
        since = (self._synced_at or now) - SYNC_EVERY  # overlap: clocks of two processes differ
        self._synced_at = now
        async with self.runtime.session_factory() as session:
            rows = await visits.visits_to_arm(
                session=session, starting_after=now, changed_since=since
            )
        self._arm_rows(rows, now)

    def arm_visit(self, visit_id: int, starts_at: datetime, status: VisitStatus) -> int:
        """(Re-)arm one visit's reminders right after a change; returns the jobs armed."""
        return self._arm_rows(
            [visits.ArmableVisit(visit_id, starts_at, status)], self.runtime.clock.now()
        )

    def jobs_of(self, visit_id: int) -> list[tuple[str, datetime]]:
        """The armed reminder jobs of a visit: (job id, run time), soonest first."""
        prefix = f"visit:{visit_id}:"
        found = [
            (job.id, job.trigger.run_date)
            for job in self.scheduler.get_jobs()
            if job.id.startswith(prefix)
        ]
        return sorted(found, key=lambda pair: pair[1])

    def _arm_rows(
        self, rows: Iterable[visits.ArmableVisit], now: datetime, *, fresh: bool = False
    ) -> int:
        armed = 0
        for row in rows:
            if not fresh:
                self._disarm(row.id)
            if row.status not in _ACTIVE:
                continue
            plan = plan_reminders(row.starts_at, now, self.config.visit_leads)
            if plan:
                # Only the soonest lead is armed; its job arms the next one when it has run,
                # which halves the jobs APScheduler has to take in at start-up.
                arm_reminder_job(self.runtime, row.id, row.starts_at, min(plan, key=_run_at))
                armed += 1
        return armed

    def _disarm(self, visit_id: int) -> None:
        for lead in self.config.visit_leads:
            job = self.scheduler.get_job(f"visit:{visit_id}:{lead_label(lead)}")
            if job is not None:
                job.remove()


def _run_at(planned: PlannedReminder) -> datetime:
    return planned.run_at
