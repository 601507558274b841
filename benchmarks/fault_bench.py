"""Fault injection: a broadcast and interactive replies against a Bot API that misbehaves.

    python benchmarks/fault_bench.py [--recipients 101] [--questions 13] [--faults 429 500 ...]
                                     [--read-timeout SECONDS]

For each fault of `bot_api_stub` (429, 500, a hang after delivery, a dropped connection on every
third call) it starts a fresh stub on 127.0.0.1, then at the same time

* sends one broadcast to ``--recipients`` people the way ``handinhand broadcast`` does (the
  CLI's bot and connection pool, the outbox at the configured pace), and
* answers ``--questions`` questions through the bot's application (``build_application``, its
  flood control and timeouts), one person after another; its own outbox runs as in a live bot,
  so two workers share the broadcast, as when a CLI broadcast runs beside the bot,

and prints, per fault and per path: delivered (people who got it), duplicated (extra copies),
lost (people who got nothing), user-visible errors (error replies; for the broadcast, rows left
failed), the rows whose outcome is unknown, and the time taken. Goals: lost 0, user-visible
errors 0 for 429 and 500, duplicates at most the sends in flight (``broadcast_max_sending``).
``--read-timeout`` replaces the Bot API read timeout (`bot.wire.READ_TIMEOUT`, 30 s) to see
what a shorter one does to a stalling server (PTB's default is 5 s). Bounded: every stub stops
itself after ``--max-seconds``, and is stopped after its scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

import bot.app
import bot.wire
from bot.app import build_application, running
from bot.desk import outbox_config
from bot.notifier import TelegramNotifier
from bot.services import Services
from bot.settings import Settings
from bot.updates import Sender, UpdateFactory
from catalog import text
from cli.broadcast import open_bot
from knowledge import Matcher, load_knowledge_base
from scheduler.outbox import Outbox
from storage.db import create_engine, make_session_factory
from storage.enums import Language, Reachability, Role
from storage.migrate import upgrade
from storage.models import Person
from storage.repositories.broadcasts import Audience, create_broadcast, progress

ROOT = Path(__file__).resolve().parent.parent
BROADCAST = "停电检修通知：本周六 8:00–12:00"
FIRST_CHAT = 900_000_000
ERROR_TEXT = text("zh", "error.failed")


@dataclass
class Stub:
    process: subprocess.Popen[bytes]
    url: str

    def stats(self) -> dict[str, Any]:
        return dict(httpx.get(self.url.removesuffix("/bot") + "/stats", timeout=10).json())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_stub(folder: Path, fault: str, max_seconds: float) -> Stub:
    port_file = folder / f"port-{fault}"
    args = [sys.executable, str(ROOT / "benchmarks" / "bot_api_stub.py"), str(port_file)]
    args += ["--fault", fault, "--max-seconds", str(max_seconds)]
    process = subprocess.Popen(args)
    deadline = time.monotonic() + 10
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Bot API stub did not start")
        time.sleep(0.02)
    return Stub(process, f"http://127.0.0.1:{port_file.read_text()}/bot")


@dataclass(frozen=True)
class Tally:
    delivered: int
    duplicated: int
    lost: int
    errors: int
    unknown: int
    seconds: float

    def line(self, fault: str, path: str, people: int) -> str:
        return (
            f"{fault:>5} {path:<10} {people:>4} {self.delivered:>9} {self.duplicated:>10} "
            f"{self.lost:>4} {self.errors:>18} {self.unknown:>7} {self.seconds:>7.1f}"
        )


async def make_database(url: str, recipients: int) -> async_sessionmaker[AsyncSession]:
    engine = create_engine(url)
    await upgrade(engine)
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        session.add_all(
            Person(
                role=Role.manager,
                name=f"经理{n}",
                telegram_user_id=FIRST_CHAT + n,
                chat_id=FIRST_CHAT + n,
                language=Language.zh,
                reachability=Reachability.reachable,
            )
            for n in range(recipients)
        )
    return factory


async def send_broadcast(
    factory: async_sessionmaker[AsyncSession], settings: Settings
) -> tuple[int, float]:
    """Like ``handinhand broadcast --yes``: create it, run the outbox here until it is done."""
    async with factory() as session, session.begin():
        broadcast, _ = await create_broadcast(
            session=session, text=BROADCAST, audience=Audience(), today=date.today()
        )
    assert broadcast.id is not None
    started = time.perf_counter()
    async with open_bot(settings) as cli_bot:
        outbox = Outbox(factory, TelegramNotifier(cli_bot), config=outbox_config(settings))
        await outbox.run(until_idle=True)
    return broadcast.id, time.perf_counter() - started


async def answer_questions(
    factory: async_sessionmaker[AsyncSession], settings: Settings, questions: list[str]
) -> float:
    """The bot answers one question from each of the first ``len(questions)`` people."""
    kb = load_knowledge_base()
    services = Services(settings, session_factory=factory, knowledge=kb, matcher=Matcher(kb))
    app = build_application(settings, services)
    updates = UpdateFactory()
    started = time.perf_counter()
    async with running(app):
        for n, question in enumerate(questions):
            sender = Sender(FIRST_CHAT + n, f"经理{n}", "zh-hans")
            await app.process_update(Update.de_json(updates.message(sender, question), app.bot))
    return time.perf_counter() - started


def answerable_questions(count: int) -> list[str]:
    kb = load_knowledge_base()
    matcher = Matcher(kb)
    found = [
        e.questions["zh"][0]
        for e in kb.entries
        if matcher.ask(e.questions["zh"][0]).status == "answered"
    ]
    return [found[n % len(found)] for n in range(count)]


async def scenario(
    folder: Path, fault: str, recipients: int, questions: list[str], max_seconds: float
) -> tuple[Tally, Tally]:
    stub = start_stub(folder, fault, max_seconds)
    try:
        factory = await make_database(f"sqlite+aiosqlite:///{folder / f'{fault}.db'}", recipients)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token=SecretStr("123:faults"),
            bot_api_base_url=stub.url,
            database_url=f"sqlite+aiosqlite:///{folder / f'{fault}.db'}",
        )
        (broadcast_id, broadcast_seconds), reply_seconds = await asyncio.gather(
            send_broadcast(factory, settings), answer_questions(factory, settings, questions)
        )
        async with factory() as session:
            rows = await progress(session=session, broadcast_id=broadcast_id)
        by_chat: dict[str, list[str]] = (await asyncio.to_thread(stub.stats))["by_chat"]
    finally:
        stub.stop()

    chats = [str(FIRST_CHAT + n) for n in range(recipients)]
    copies = [sum(BROADCAST in t for t in by_chat.get(c, [])) for c in chats]
    broadcast = Tally(
        delivered=sum(1 for c in copies if c),
        duplicated=sum(c - 1 for c in copies if c > 1),
        lost=sum(1 for c in copies if not c),
        errors=rows.failed,
        unknown=rows.unknown,
        seconds=broadcast_seconds,
    )
    askers = chats[: len(questions)]
    answers = [sum("依据" in t for t in by_chat.get(c, [])) for c in askers]
    errors = sum(ERROR_TEXT in t for c in askers for t in by_chat.get(c, []))
    replies = Tally(
        delivered=sum(1 for a in answers if a),
        duplicated=sum(a - 1 for a in answers if a > 1),
        lost=sum(1 for a in answers if not a),
        errors=errors,
        unknown=0,
        seconds=reply_seconds,
    )
    return broadcast, replies


async def main(args: argparse.Namespace) -> None:
    if args.read_timeout is not None:  # what the CLI and the bot read at start-up
        bot.app.READ_TIMEOUT = bot.wire.READ_TIMEOUT = args.read_timeout
    questions = answerable_questions(args.questions)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    in_flight = settings.broadcast_max_sending
    print(
        f"{args.recipients} broadcast recipients at {settings.broadcast_rate:g}/s "
        f"({in_flight} sends in flight), {args.questions} questions answered meanwhile; "
        f"read timeout {bot.wire.READ_TIMEOUT:g} s"
    )
    print("fault path       people delivered duplicated lost user-visible errors unknown seconds")
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        for fault in args.faults:
            broadcast, replies = await scenario(
                Path(tmp), fault, args.recipients, questions, args.max_seconds
            )
            print(broadcast.line(fault, "broadcast", args.recipients))
            print(replies.line(fault, "replies", args.questions))
            ok = broadcast.lost == 0 and replies.lost == 0
            ok = ok and broadcast.duplicated + replies.duplicated <= in_flight
            if fault in ("429", "500"):
                ok = ok and broadcast.errors == 0 and replies.errors == 0
            verdicts.append(f"{fault}: {'goals met' if ok else 'GOALS MISSED'}")
    print("; ".join(verdicts))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=101)
    parser.add_argument("--questions", type=int, default=13)
    kinds = ["none", "429", "500", "hang", "drop"]
    parser.add_argument("--faults", nargs="+", default=kinds[1:], choices=kinds)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--read-timeout", type=float, default=None)
    # The retries are logged as warnings; the table is the output.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(main(parser.parse_args()))
