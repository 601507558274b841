"""Benchmark: every manager's daily digest over 100,000 open items (goal: <= 2 s, bounded queries).

Prints the time of one full daily round (digests, escalations, calendar, summary) and the number
of SQL statements it ran. Run: ``.venv/bin/python benchmarks/scheduler_digests.py``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduler_bench_data import count_queries, fill, fresh_engine

from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.config import ReminderConfig
from scheduler.daily import run_daily
from scheduler.runtime import Runtime
from storage.db import make_session_factory

ITEMS = 100_000
SMALL_HANDS = 2_000


async def main() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2025, 6, 2, 9, 30, tzinfo=tz)
    engine = await fresh_engine()
    await fill(engine, small_hands=SMALL_HANDS, items=ITEMS, visits=0, today=now.date())
    notifier = CollectingNotifier()
    runtime = Runtime(make_session_factory(engine), notifier, ManualClock(now), ReminderConfig())
    statements = count_queries(engine)
    started = time.perf_counter()
    report = await run_daily(runtime)
    elapsed = time.perf_counter() - started
    digests = notifier.keys().count("visits.digest")
    print(f"open items: {ITEMS:,}  managers: {SMALL_HANDS:,}")
    print(f"daily round: {elapsed:.2f} s (goal <= 2 s), {len(statements)} SQL statements")
    print(f"digests sent: {digests:,}; all notices: {len(report.delivery.sent):,}")
    statements.clear()
    started = time.perf_counter()
    await run_daily(runtime)
    again = time.perf_counter() - started
    print(f"second tick (all claimed): {again:.2f} s, {len(statements)} statements")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
