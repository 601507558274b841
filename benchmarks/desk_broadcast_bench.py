"""Broadcasts through the real Telegram sending path against a local Bot API stub.

    .venv/bin/python benchmarks/desk_broadcast_bench.py [--recipients 10000] [--fast-rate 1000]
        [--paced-seconds 30] [--crash-runs 3] [--postgres-url URL]

1. Throughput: ``--recipients`` people, one broadcast, outbox rate ``--fast-rate``, sent by PTB's
   ``ExtBot`` over HTTP through ``bot.notifier.TelegramNotifier`` to `bot_api_stub.py` (limits
   off: a self-hosted Bot API server). Goal: ≥ 90 % of the rate; RSS before/after (memory flat).
   On SQLite, then on a scratch PostgreSQL database (skipped if the server is not reachable).
2. Pacing: the default 25/s for ``--paced-seconds`` against the stub *enforcing* Telegram's limits
   (30/s overall, 1/s per chat; 429 with retry_after otherwise). Goal: within 5 % of 25/s, 0 × 429.
3. Crash: a worker process (``tests.scheduler.crash_worker``) is SIGKILLed mid-broadcast, then the
   outbox resumes in this process after the lease; prints how many messages went out twice.

The stub runs in its own process on 127.0.0.1 and stops itself after at most 10 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
from pydantic import SecretStr
from scratch_postgres import DEFAULT_SERVER, scratch_postgres
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notifier import TelegramNotifier
from bot.settings import Settings
from cli.broadcast import open_bot
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.outbox import Outbox, OutboxConfig
from storage.db import create_engine, make_session_factory
from storage.enums import Reachability, Role
from storage.migrate import upgrade
from storage.models import Person, utcnow
from storage.repositories.broadcasts import Audience, create_broadcast, progress

ROOT = Path(__file__).resolve().parents[1]
_stubs = itertools.count()


def rss_mb() -> float:
    """Current resident set size (not the peak) of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Stub:
    process: subprocess.Popen[bytes]
    url: str

    def stats(self) -> dict[str, float]:
        return httpx.get(self.url.removesuffix("/bot") + "/stats").json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_stub(folder: Path, *, limits: bool) -> Stub:
    port_file = folder / f"port-{next(_stubs)}"
    args = [sys.executable, str(ROOT / "benchmarks" / "bot_api_stub.py"), str(port_file)]
    process = subprocess.Popen([*args, *(["--limits"] if limits else [])])
    deadline = time.monotonic() + 10
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Bot API stub did not start")
        time.sleep(0.02)
    return Stub(process, f"http://127.0.0.1:{port_file.read_text()}/bot")


async def make_database(url: str, recipients: int) -> async_sessionmaker[AsyncSession]:
    engine = create_engine(url)
    await upgrade(engine)
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        session.add_all(
            Person(role=Role.manager, chat_id=10**9 + n, reachability=Reachability.reachable)
            for n in range(recipients)
        )
    return factory


async def broadcast_to_all(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session, session.begin():
        broadcast, _ = await create_broadcast(
            session=session, text="停电检修通知：本周六 8:00–12:00", audience=Audience(),
            today=date.today(),
        )  # fmt: skip
    assert broadcast.id is not None
    return broadcast.id


async def run_through_telegram(
    folder: Path,
    recipients: int,
    rate: float,
    *,
    limits: bool,
    url: str | None = None,
) -> None:
    """One broadcast to ``recipients`` people at ``rate``; on SQLite unless ``url`` is given."""
    stub = start_stub(folder, limits=limits)
    try:
        url = url or f"sqlite+aiosqlite:///{folder / f'bench-{rate:g}.db'}"
        factory = await make_database(url, recipients)
        broadcast_id = await broadcast_to_all(factory)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token=SecretStr("123:bench"),
            bot_api_base_url=stub.url,
        )
        async with open_bot(settings) as bot:  # the CLI's own connection pool
            outbox = Outbox(
                factory, TelegramNotifier(bot), config=OutboxConfig(rate=rate, max_in_flight=100)
            )
            before = rss_mb()
            started = time.perf_counter()
            await outbox.run(until_idle=True)
            elapsed = time.perf_counter() - started
            after = rss_mb()
        async with factory() as session:
            done = await progress(session=session, broadcast_id=broadcast_id)
        served = stub.stats()
    finally:
        stub.stop()
    span = (served["last"] or 0) - (served["first"] or 0)
    # Rate over the span of accepted sends (n-1 intervals), the pacing the server saw.
    achieved = (served["messages"] - 1) / span if span > 0 else float("nan")
    backend = make_url(url).get_backend_name()
    print(
        f"[{backend}] rate {rate:g}/s, {recipients} recipients, "
        f"stub limits {'on' if limits else 'off'}: "
        f"{done.sent} sent, {done.failed} failed in {elapsed:.1f} s; server saw "
        f"{served['messages']:.0f} messages at {achieved:.1f}/s "
        f"= {achieved / rate:.1%} of the rate; "
        f"429 answers {served['answers_429']:.0f} (outbox paused {outbox.retry_after_answers}×); "
        f"RSS {before:.0f} → {after:.0f} MB"
    )


async def raw_http_baseline(folder: Path, requests: int = 3000, concurrency: int = 16) -> None:
    """The same stub driven by a bare httpx client (no PTB, no database): this machine's ceiling
    for one Python process sending Bot API requests over HTTP."""
    stub = start_stub(folder, limits=False)
    try:
        limits = httpx.Limits(max_connections=8)
        async with httpx.AsyncClient(limits=limits) as client:
            url = stub.url + "123:bench/sendMessage"
            gate = asyncio.Semaphore(concurrency)

            async def one(n: int) -> None:
                async with gate:
                    await client.post(url, data={"chat_id": str(n), "text": "x"})

            started = time.perf_counter()
            await asyncio.gather(*(one(n) for n in range(requests)))
            elapsed = time.perf_counter() - started
    finally:
        stub.stop()
    print(f"baseline: bare httpx client to the same stub: {requests / elapsed:.0f} requests/s")


async def crash_once(folder: Path, run: int, recipients: int = 200) -> None:
    path = folder / f"crash-{run}.db"
    url = f"sqlite+aiosqlite:///{path}"
    factory = await make_database(url, recipients)
    broadcast_id = await broadcast_to_all(factory)
    log = folder / f"crash-{run}.log"
    log.touch()
    worker = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "tests.scheduler.crash_worker", url, str(log), "200"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    # Another process writes the file: polling it is the only way to watch.
    while len(log.read_text().split()) < 60 + 20 * run and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    worker.kill()  # SIGKILL: nothing flushed, nothing released
    await worker.wait()
    before = Counter(log.read_text().split())
    async with factory() as session:
        in_flight = (await progress(session=session, broadcast_id=broadcast_id)).sending
    notifier = CollectingNotifier()
    clock = ManualClock(utcnow() + timedelta(minutes=3))  # well past the 20-second lease
    fast = OutboxConfig(rate=1000, per_chat_interval=0, flush_interval=0.01)
    await Outbox(factory, notifier, config=fast, clock=clock).run(until_idle=True)
    after = Counter(str(r.person_id) for r, _ in notifier.sent)
    total = before + after
    repeated = sum(total.values()) - len(total)
    print(
        f"crash run {run + 1}: killed after {sum(before.values())} of {recipients} sends; "
        f"{in_flight} rows claimed but unrecorded; after resuming everyone got it: "
        f"{len(total) == recipients}; messages sent twice: {repeated}"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        await raw_http_baseline(folder)
        await run_through_telegram(folder, args.recipients, args.fast_rate, limits=False)
        if args.postgres_url:
            async with scratch_postgres(args.postgres_url) as url:
                if url is not None:
                    await run_through_telegram(
                        folder, args.recipients, args.fast_rate, limits=False, url=url
                    )
        paced = int(25 * args.paced_seconds)
        if paced:
            await run_through_telegram(folder, paced, 25.0, limits=True)
        for run in range(args.crash_runs):
            await crash_once(folder, run)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--fast-rate", type=float, default=1000)
    parser.add_argument("--paced-seconds", type=float, default=30)
    parser.add_argument("--crash-runs", type=int, default=3)
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_SERVER,
        help="also run the throughput test on a scratch database of this server ('' skips it)",
    )
    asyncio.run(main(parser.parse_args()))
