"""The running bot for the bureau desk's tests: fast outbox pacing, its own matcher, helpers.

``desk_bot`` is the conftest's ``bot`` with settings for quick deliveries (1,000 messages/s, the
outbox polling every 20 ms, the status message edited every 50 ms) and a fresh matcher, because
curation tests teach it phrasings and the session-wide one must stay as loaded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, running
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from bot.updates import Sender
from knowledge import KnowledgeBase, Matcher
from storage.enums import Language, Reachability, Role
from storage.repositories import broadcasts as repo
from tests.bot.conftest import NOW, World
from tests.bot.harness import BotHarness
from tests.storage.factories import make_person


def desk_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_token": None,
        "broadcast_rate": 1000.0,
        "broadcast_poll_seconds": 0.02,
        "broadcast_status_seconds": 0.05,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


async def start_bot(
    settings: Settings,
    factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    clock: Callable[[], datetime] = lambda: NOW,
) -> tuple[BotHarness, Services]:
    services = Services(
        settings,
        clock=clock,
        session_factory=factory,
        knowledge=knowledge_base,
        matcher=Matcher(knowledge_base),
    )
    request = RecordingRequest()
    app = build_application(settings, services, request=request)
    return BotHarness(app, request), services


@pytest.fixture
async def desk_bot(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
) -> AsyncIterator[BotHarness]:
    harness, _ = await start_bot(desk_settings(), sqlite_session_factory, knowledge_base)
    async with running(harness.app):
        harness.request.clear()
        yield harness


async def bureau_admin(
    lang: str, world: World, factory: async_sessionmaker[AsyncSession]
) -> Sender:
    """The world's bureau admin for "zh"; for "en", a new English-speaking admin (Ann, 302)."""
    if lang == "zh":
        return world.bureau
    async with factory() as session, session.begin():
        await make_person(
            session,
            Role.bureau,
            name="Ann",
            telegram_user_id=302,
            chat_id=302,
            language=Language.en,
            reachability=Reachability.reachable,
        )
    return Sender(302, "Ann", "en")


async def wait_until_finished(
    factory: async_sessionmaker[AsyncSession], broadcast_id: int
) -> repo.Progress:
    """Poll the broadcast's progress until nothing is left to send (at most 20 s)."""
    deadline = time.monotonic() + 20.0
    while True:
        async with factory() as session:
            progress = await repo.progress(session=session, broadcast_id=broadcast_id)
        if progress.finished and progress.status.value in ("done", "cancelled"):
            return progress
        if time.monotonic() > deadline:
            raise AssertionError(f"broadcast {broadcast_id} did not finish: {progress}")
        await asyncio.sleep(0.02)


async def settle(seconds: float = 0.3) -> None:
    """Let the status watcher make its last edit."""
    await asyncio.sleep(seconds)
