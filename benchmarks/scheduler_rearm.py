"""Benchmark: scheduler start-up re-arming 10,000 future visits (goal: <= 2 s).

Run: ``.venv/bin/python benchmarks/scheduler_rearm.py``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from scheduler_bench_data import count_queries, fill, fresh_engine

from scheduler.collecting import CollectingNotifier
from scheduler.service import ReminderService
from storage.db import make_session_factory

VISITS = 10_000


async def main() -> None:
    engine = await fresh_engine()
    await fill(engine, small_hands=500, items=0, visits=VISITS, today=datetime.now(UTC).date())
    service = ReminderService(make_session_factory(engine), CollectingNotifier())
    statements = count_queries(engine)
    started = time.perf_counter()
    armed = await service.start()
    elapsed = time.perf_counter() - started
    print(f"future visits: {VISITS:,}; reminder jobs armed: {armed:,}")
    print(f"start-up re-arm: {elapsed:.2f} s (goal <= 2 s), {len(statements)} SQL statements")
    await service.shutdown()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
