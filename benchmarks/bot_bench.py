"""Benchmark: 1,000 question updates through ``Application.process_update`` (goal ≥ 300/s).

The real application on a recording Bot API (no network), a migrated SQLite database in a
temporary directory, the real knowledge base. Questions cycle through knowledge-base phrasings
(answered and "did you mean") and out-of-scope texts, from a bound manager and a guest; each update
is matched, logged to the question log (one transaction) and answered.

    python benchmarks/bot_bench.py [--updates N] [--postgres [SERVER_URL]]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from scratch_postgres import DEFAULT_SERVER, scratch_postgres
from telegram import Update

from bot.app import build_application, running
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from bot.updates import Sender, UpdateFactory
from knowledge import load_knowledge_base
from storage.db import create_engine, make_session_factory
from storage.enums import EnterpriseKind, Language, Reachability, Role
from storage.migrate import upgrade
from storage.repositories import enterprises, people

OUT_OF_SCOPE = ["今天天气怎么样", "推荐一家火锅店", "how do I bake bread", "随便聊聊", "asdfgh"]


async def _manager(factory) -> Sender:  # type: ignore[no-untyped-def]
    async with factory() as session, session.begin():
        small = await enterprises.create_enterprise(
            session=session,
            kind=EnterpriseKind.small,
            name="基准测试厂",
            credit_code="91320205000000002Q",
        )
        await people.create_person(
            session=session,
            role=Role.manager,
            name="基准",
            enterprise_id=small.id,
            telegram_user_id=101,
            chat_id=101,
            language=Language.zh,
            reachability=Reachability.reachable,
        )
    return Sender(101, "基准", "zh-hans")


async def main(updates: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine(url)
        await upgrade(engine)
        factory = make_session_factory(engine)
        kb = load_knowledge_base()
        questions = [q for e in kb.entries for q in (e.questions["zh"][0], e.questions["en"][0])]
        questions += OUT_OF_SCOPE * 10
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        services = Services(settings, session_factory=factory, knowledge=kb)
        request = RecordingRequest()
        app = build_application(settings, services, request=request)
        manager = await _manager(factory)
        guest = Sender(999, "访客", "zh-hans")
        make = UpdateFactory()
        timings: list[float] = []
        async with running(app):
            payloads = [
                make.message(manager if n % 2 else guest, questions[n % len(questions)])
                for n in range(updates)
            ]
            started = time.perf_counter()
            for payload in payloads:
                update = Update.de_json(payload, app.bot)
                t0 = time.perf_counter()
                await app.process_update(update)
                timings.append(time.perf_counter() - t0)
            elapsed = time.perf_counter() - started
        await engine.dispose()
    sent = sum(1 for c in request.calls if c.method == "sendMessage")
    ms = sorted(t * 1000 for t in timings)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"bot_bench: {updates} question updates on {url.split(':', 1)[0]}")
    print(f"  throughput   {updates / elapsed:8.1f} updates/s   (goal >= 300)")
    print(f"  p50          {statistics.median(ms):8.2f} ms")
    print(f"  p99          {p99:8.2f} ms")
    print(f"  replies sent {sent}")


async def on_backend(updates: int, postgres: str | None) -> None:
    if postgres is None:
        await main(updates, None)
        return
    async with scratch_postgres(postgres) as url:
        if url is not None:
            await main(updates, url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_SERVER,
        default=None,
        metavar="SERVER_URL",
        help="on a scratch database of this PostgreSQL server (default: temporary SQLite)",
    )
    args = parser.parse_args()
    asyncio.run(on_backend(args.updates, args.postgres))
