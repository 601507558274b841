"""/stats over the demo programme: time of `programme_figures` (goal ≤ 200 ms).

.venv/bin/python benchmarks/desk_stats.py
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from storage.db import create_engine, make_session_factory
from storage.demo import ensure_demo_data
from storage.migrate import upgrade
from storage.repositories.stats import programme_figures


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}")
        await upgrade(engine)
        factory = make_session_factory(engine)
        await ensure_demo_data(factory)
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            async with factory() as session:
                await programme_figures(session=session, today=date.today())
            timings.append((time.perf_counter() - started) * 1000)
        await engine.dispose()
    print(
        f"/stats figures over the demo programme (SQLite), 20 runs: "
        f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms (goal ≤ 200 ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
