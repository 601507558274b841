"""Stopping the reminder scheduler lets a running job finish its unit of work."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.service import ReminderService


async def _slow_job(started: asyncio.Event, finished: list[bool]) -> None:
    started.set()
    await asyncio.sleep(0.3)
    finished.append(True)


async def _service_with_a_running_job(
    factory: async_sessionmaker[AsyncSession], clock: ManualClock, notifier: CollectingNotifier
) -> tuple[ReminderService, list[bool]]:
    service = ReminderService(factory, notifier, clock=clock)
    await service.start()
    started, finished = asyncio.Event(), []
    service.scheduler.add_job(_slow_job, args=[started, finished], id="slow")
    await asyncio.wait_for(started.wait(), timeout=5)
    return service, finished


async def test_shutdown_waits_for_a_running_job_instead_of_cancelling_it(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    notifier: CollectingNotifier,
) -> None:
    service, finished = await _service_with_a_running_job(sqlite_session_factory, clock, notifier)
    await service.shutdown()
    assert finished == [True]
    assert not service.scheduler.running


async def test_shutdown_cancels_a_job_that_outlives_the_grace_period(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    notifier: CollectingNotifier,
) -> None:
    service, finished = await _service_with_a_running_job(sqlite_session_factory, clock, notifier)
    await asyncio.wait_for(service.shutdown(grace=timedelta(milliseconds=50)), timeout=5)
    assert finished == []
    assert not service.scheduler.running
