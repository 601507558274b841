"""The real application with its reminder service on a manual clock (APScheduler's loop not
started): tests run due jobs themselves. The ``sbot`` fixture (tests/bot/conftest.py) builds one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.request import RequestData

from bot.app import build_application, running, start_reminders
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from knowledge import KnowledgeBase, Matcher
from scheduler.clock import ManualClock
from scheduler.service import ReminderService
from tests.bot.conftest import NOW
from tests.bot.harness import BotHarness
from tests.scheduler.test_visit_reminders import run_due_jobs

__all__ = ["FileRecordingRequest", "ScheduledBot", "scheduled_bot"]


class FileRecordingRequest(RecordingRequest):
    """The recording Bot API, also keeping uploaded files (the .ics) by file name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files: dict[str, bytes] = {}

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        if request_data is not None:
            for name, content, _ in request_data.multipart_data.values():
                self.files[str(name)] = content if isinstance(content, bytes) else content.read()
        return await super().do_request(url, method, request_data, *args, **kw)


@dataclass
class ScheduledBot(BotHarness):
    """The bot harness plus its reminder service and clock."""

    clock: ManualClock = field(default_factory=lambda: ManualClock(NOW))
    service: ReminderService | None = None

    @property
    def reminders(self) -> ReminderService:
        assert self.service is not None
        return self.service

    async def run_due(self, visit_id: int) -> list[Any]:
        """Run the visit's reminder jobs that are due now; returns the Bot API calls made."""
        start = len(self.request.calls)
        await run_due_jobs(self.reminders, self.clock, visit_id)
        return self.request.calls[start:]


@asynccontextmanager
async def scheduled_bot(
    factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    request: RecordingRequest,
) -> AsyncIterator[ScheduledBot]:
    """The real application with its reminder service on a manual clock (loop not started)."""
    clock = ManualClock(NOW)
    settings = Settings(telegram_token=None, _env_file=None)  # type: ignore[call-arg]
    services = Services(
        settings,
        clock=clock.now,
        session_factory=factory,
        knowledge=knowledge_base,
        matcher=matcher,
        start_reminders=False,
    )
    app = build_application(settings, services, request=request)
    async with running(app):
        await start_reminders(app, run_scheduler=False)
        request.clear()
        yield ScheduledBot(app, request, clock=clock, service=services.reminders)
