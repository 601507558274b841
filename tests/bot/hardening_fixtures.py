"""The running bot on each database backend, for the hardening tests (issue 13).

``any_bot`` is the conftest's ``bot`` on the parametrised ``session_factory`` (SQLite, then
PostgreSQL), with an admin chat configured so that an unexpected error would be visible there.
`start_app` builds a second application on the same database: a restart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, running
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from knowledge import KnowledgeBase, Matcher
from tests.bot.conftest import NOW, World, _build_world
from tests.bot.harness import BotHarness

ADMIN_CHAT = -100_777


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def hardening_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"telegram_token": None, "admin_chat_id": ADMIN_CHAT, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def start_app(
    factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    *,
    clock: Callable[[], datetime] = lambda: NOW,
    settings: Settings | None = None,
) -> BotHarness:
    """A fresh application on ``factory``'s database (run it with `bot.app.running`)."""
    settings = settings or hardening_settings()
    services = Services(
        settings,
        clock=clock,
        session_factory=factory,
        knowledge=knowledge_base,
        matcher=matcher,
        start_reminders=False,
    )
    request = RecordingRequest()
    return BotHarness(build_application(settings, services, request=request), request)


@pytest.fixture
async def any_world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    """The conftest's programme, on SQLite and on PostgreSQL in turn."""
    async with session_factory() as session, session.begin():
        return await _build_world(session)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def any_bot(
    any_world: World,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    clock: Clock,
) -> AsyncIterator[BotHarness]:
    harness = start_app(session_factory, knowledge_base, matcher, clock=clock)
    async with running(harness.app):
        harness.request.clear()
        yield harness
