"""A 429 from the Bot API on a reply: waited out and retried, never shown to the user."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.app import BotApplication, build_application, running
from bot.services import Services
from bot.settings import Settings
from bot.updates import UpdateFactory
from knowledge import KnowledgeBase, Matcher
from tests.bot.conftest import NOW, World
from tests.bot.emulator import BotApiEmulator


class FloodingEmulator(BotApiEmulator):
    """Answers the first ``floods`` sendMessage calls with 429 ``retry_after`` (or, with
    ``server_error``, with 500 Internal Server Error)."""

    def __init__(self, floods: int, retry_after: int, *, server_error: bool = False) -> None:
        super().__init__()
        self.floods = floods
        self.retry_after = retry_after
        self.server_error = server_error
        self.answers_429 = 0

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "sendMessage" and self.answers_429 < self.floods:
            self.answers_429 += 1
            if self.server_error:
                return 500, {
                    "ok": False,
                    "error_code": 500,
                    "description": "Internal Server Error",
                }
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        return super().handle(method, params)


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on constructing an int-valued RetryAfter unless opted in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def flooding() -> Iterator[FloodingEmulator]:
    server = FloodingEmulator(floods=2, retry_after=1)
    yield server
    server.stop()


async def test_a_reply_hit_by_flood_control_arrives_after_the_wait_without_an_error(
    world: World,
    flooding: FloodingEmulator,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    base_url = flooding.start()
    app = _application(base_url, sqlite_session_factory, knowledge_base, matcher)
    entry = next(
        e for e in knowledge_base.entries if matcher.ask(e.questions["zh"][0]).status == "answered"
    )
    update = UpdateFactory().message(world.manager_a, entry.questions["zh"][0])
    with caplog.at_level(logging.WARNING, logger="bot.wire"):
        async with running(app):
            flooding.sent.clear()
            await app.process_update(Update.de_json(update, app.bot))

    to_manager = [s.text for s in flooding.sent if s.chat_id == world.manager_a.user_id]
    assert flooding.answers_429 == 2
    assert len([t for t in to_manager if "依据" in t]) == 1  # the answer, once
    assert not any("出错" in t for t in to_manager)
    assert "retrying after 1.0 s" in caplog.text


async def test_a_flood_wait_beyond_the_bound_is_not_waited_out(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
) -> None:
    server = FloodingEmulator(floods=1, retry_after=3600)
    base_url = server.start()
    try:
        app = _application(base_url, sqlite_session_factory, knowledge_base, matcher)
        update = UpdateFactory().message(world.manager_a, "/help")
        async with running(app):
            await app.process_update(Update.de_json(update, app.bot))
        # The hour-long wait was not taken: the error handler's apology went out right away.
        assert server.answers_429 == 1
        assert [s for s in server.sent if s.chat_id == world.manager_a.user_id]
    finally:
        server.stop()


async def test_a_reply_hit_by_a_server_error_is_retried_without_an_error(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = FloodingEmulator(floods=1, retry_after=0, server_error=True)
    base_url = server.start()
    try:
        app = _application(base_url, sqlite_session_factory, knowledge_base, matcher)
        entry = next(
            e
            for e in knowledge_base.entries
            if matcher.ask(e.questions["zh"][0]).status == "answered"
        )
        update = UpdateFactory().message(world.manager_a, entry.questions["zh"][0])
        with caplog.at_level(logging.WARNING, logger="bot.wire"):
            async with running(app):
                server.sent.clear()
                await app.process_update(Update.de_json(update, app.bot))
    finally:
        server.stop()
    to_manager = [s.text for s in server.sent if s.chat_id == world.manager_a.user_id]
    assert server.answers_429 == 1
    assert len([t for t in to_manager if "依据" in t]) == 1
    assert not any("出错" in t for t in to_manager)
    assert "Internal Server Error" in caplog.text and "retrying after" in caplog.text


def _application(
    base_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
) -> BotApplication:
    """The real application, talking to the emulator at ``base_url``."""
    settings = Settings(  # type: ignore[call-arg]
        telegram_token=SecretStr("123456:FLOOD"), bot_api_base_url=base_url, _env_file=None
    )
    services = Services(
        settings,
        clock=lambda: NOW,
        session_factory=session_factory,
        knowledge=knowledge_base,
        matcher=matcher,
    )
    return build_application(settings, services)
