"""Broadcast throughput of the outbox (SQLite, one worker).

    .venv/bin/python benchmarks/desk_broadcast.py [--recipients N] [--rate R] [--latency-ms L]

The notifier here answers in-process after ``latency`` (a stand-in for the Bot API round trip);
it reports achieved rate, 429 answers, peak RSS growth. NOT yet the loopback HTTP emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from scheduler.notifier import Notice, Recipient, SendResult, SendStatus
from scheduler.outbox import Outbox, OutboxConfig
from storage.db import create_engine, make_session_factory
from storage.enums import Reachability, Role
from storage.migrate import upgrade
from storage.models import Person
from storage.repositories.broadcasts import Audience, create_broadcast


class SlowNotifier:
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.sent = 0

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        await asyncio.sleep(self.latency)
        self.sent += 1
        return SendResult(SendStatus.sent, message_id=self.sent)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(recipients: int, rate: float, latency: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'b.db'}")
        await upgrade(engine)
        factory = make_session_factory(engine)
        async with factory() as session, session.begin():
            session.add_all(
                Person(role=Role.manager, chat_id=10**9 + n, reachability=Reachability.reachable)
                for n in range(recipients)
            )
        async with factory() as session, session.begin():
            _, count = await create_broadcast(
                session=session, text="通知", audience=Audience(), today=date.today()
            )
        notifier = SlowNotifier(latency)
        outbox = Outbox(factory, notifier, config=OutboxConfig(rate=rate, per_chat_interval=1.0))
        rss_before = _rss_mb()
        started = time.perf_counter()
        await outbox.run(until_idle=True)
        elapsed = time.perf_counter() - started
        await engine.dispose()
    print(
        f"{count} recipients at rate {rate:g}/s: {notifier.sent} sent in {elapsed:.1f} s = "
        f"{notifier.sent / elapsed:.1f}/s ({notifier.sent / elapsed / rate:.1%} of the rate), "
        f"429 answers {outbox.retry_after_answers}, peak RSS {rss_before:.0f} → {_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--latency-ms", type=float, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.recipients, args.rate, args.latency_ms / 1000))
