"""Shared set-up for the scheduler benchmarks: a SQLite database filled with bulk inserts."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.enums import EnterpriseKind, Reachability, Role, SubCategory
from storage.models import Enterprise, Item, Pairing, Person, Round, Visit, metadata


async def fresh_engine() -> AsyncEngine:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return engine


def count_queries(engine: AsyncEngine) -> list[str]:
    """Every statement the engine runs from now on."""
    seen: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2].split()[0])
    )
    return seen


async def fill(
    engine: AsyncEngine, *, small_hands: int, items: int, visits: int, today: date
) -> None:
    """One big hand per 20 small hands, one manager per small hand, one mentor per big hand."""
    now = datetime.now(UTC)
    bigs = small_hands // 20 or 1
    async with engine.begin() as c:
        await c.execute(
            insert(Round), [{"id": 1, "year": 2025, "name": "2025", "is_current": True}]
        )
        enterprises = [
            {
                "id": i + 1,
                "kind": EnterpriseKind.big,
                "name": f"大手{i}",
                "credit_code": f"B{i:017d}",
            }
            for i in range(bigs)
        ] + [
            {
                "id": bigs + i + 1,
                "kind": EnterpriseKind.small,
                "name": f"小手{i}",
                "credit_code": f"S{i:017d}",
            }
            for i in range(small_hands)
        ]
        await c.execute(insert(Enterprise), [{**e, "created_at": now} for e in enterprises])
        await c.execute(
            insert(Pairing),
            [
                {
                    "id": i + 1,
                    "round_id": 1,
                    "big_hand_id": i % bigs + 1,
                    "small_hand_id": bigs + i + 1,
                    "created_at": now,
                }
                for i in range(small_hands)
            ],
        )
        people = [
            {
                "role": Role.manager,
                "enterprise_id": bigs + i + 1,
                "chat_id": 10_000 + i,
                "name": f"m{i}",
            }
            for i in range(small_hands)
        ] + [
            {"role": Role.mentor, "enterprise_id": i + 1, "chat_id": 90_000 + i, "name": f"t{i}"}
            for i in range(bigs)
        ]
        await c.execute(
            insert(Person),
            [
                {
                    **p,
                    "reachability": Reachability.reachable,
                    "preferences": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for p in people
            ],
        )
        if items:
            await c.execute(
                insert(Item),
                [
                    {
                        "enterprise_id": bigs + i % small_hands + 1,
                        "sub_category": SubCategory.records,
                        "finding": f"台账不全{i}",
                        "due_on": today + timedelta(days=i % 60 - 20),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(items)
                ],
            )
        if visits:
            mentor_base = small_hands + 1
            await c.execute(
                insert(Visit),
                [
                    {
                        "pairing_id": i % small_hands + 1,
                        "mentor_id": mentor_base + i % bigs,
                        "starts_at": now + timedelta(days=2, hours=3 * i),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(visits)
                ],
            )
