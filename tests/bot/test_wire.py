"""A Bot API that delivers and then stalls: the outbox records the send's outcome as unknown and
does not send it again; the reminders' delivery keeps its claim. Over real HTTP, on a local
emulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.notifier import TelegramNotifier
from programme.broadcasts import Draft, confirm
from scheduler.notifier import Notice, Recipient, SendStatus
from scheduler.outbox import Outbox, OutboxConfig
from storage.enums import DeliveryStatus, Role
from storage.repositories import broadcasts as repo
from tests.bot.emulator import BotApiEmulator
from tests.scheduler.outbox_fixtures import TODAY, make_programme

STALL = 1.5  # seconds the emulator holds the answer, well past the test bot's read timeout


class StallingEmulator(BotApiEmulator):
    """Delivers every message, then holds the answer to sends to ``stall_chats`` for `STALL` s."""

    def __init__(self) -> None:
        super().__init__()
        self.stall_chats: set[int] = set()

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = super().handle(method, params)
        if method == "sendMessage" and int(params.get("chat_id", 0)) in self.stall_chats:
            time.sleep(STALL)  # a handler thread of its own: only this answer is late
        return answer


@pytest.fixture
def emulator() -> Iterator[StallingEmulator]:
    server = StallingEmulator()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def impatient_bot(emulator: StallingEmulator) -> AsyncIterator[ExtBot[None]]:
    """A bot whose read timeout is shorter than the stall (the production one is 30 s)."""
    assert emulator._server is not None
    port = emulator._server.server_address[1]
    bot: ExtBot[None] = ExtBot(
        "123:stall",
        base_url=f"http://127.0.0.1:{port}/bot",
        request=HTTPXRequest(read_timeout=0.3),
    )
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def test_a_broadcast_send_that_times_out_after_delivery_is_recorded_unknown_and_not_repeated(
    session_factory: async_sessionmaker[AsyncSession],
    emulator: StallingEmulator,
    impatient_bot: ExtBot[None],
) -> None:
    programme = await make_programme(session_factory)
    draft = Draft("停水通知", repo.Audience(roles=(Role.manager,)))
    broadcast, count = await confirm(session_factory, draft, today=TODAY)
    assert broadcast.id is not None and count == 3
    async with session_factory() as session:
        chats = {
            p.id: p.chat_id
            for p, _ in await repo.recipients(session=session, broadcast_id=broadcast.id)
        }
    slow = programme.ids["m2"]
    emulator.stall_chats = {chats[slow]}  # type: ignore[arg-type]

    config = OutboxConfig(rate=100, per_chat_interval=0, flush_interval=0.01, backoff=0.01)
    await Outbox(session_factory, TelegramNotifier(impatient_bot), config=config).run(
        until_idle=True
    )

    received = Counter(s.chat_id for s in emulator.sent if "停水通知" in s.text)
    assert received == Counter({chat: 1 for chat in chats.values()})  # nobody twice
    async with session_factory() as session:
        rows = {
            d.person_id: d
            for _, d in await repo.recipients(session=session, broadcast_id=broadcast.id)
        }
        final = await repo.progress(session=session, broadcast_id=broadcast.id)
    assert rows[slow].status is DeliveryStatus.unknown
    assert (final.sent, final.unknown, final.pending + final.sending) == (2, 1, 0)
    assert final.finished


async def test_a_timed_out_answer_is_unknown_and_a_refused_connection_retryable(
    impatient_bot: ExtBot[None], emulator: StallingEmulator
) -> None:
    emulator.stall_chats = {42}
    notifier = TelegramNotifier(impatient_bot)
    stalled = await notifier.send(Recipient(1, 42), Notice("broadcast.message", {"text": "x"}))
    assert stalled.status is SendStatus.unknown and not stalled.retryable

    emulator.stop()  # nothing listens any more: the request never leaves
    refused = await notifier.send(Recipient(1, 43), Notice("broadcast.message", {"text": "x"}))
    assert refused.status is SendStatus.failed and refused.retryable
