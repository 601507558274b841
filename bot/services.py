"""What handlers need from the rest of the system, built once per process.

`Services` is created in the CLI's entry point (or a test) and reaches every handler through the
typed context (`bot.context.BotContext.services`). `open` runs in the application's ``post_init``:
it creates the engine, brings the database to the latest schema and loads the knowledge base,
unless the caller already supplied them (tests share one loaded knowledge base).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.broadcast_status import StatusBoard
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher
from scheduler.desk import DeskWorker
from scheduler.notifier import Notifier
from scheduler.service import ReminderService
from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import utcnow

__all__ = ["Services"]

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Settings, clock, database and knowledge base, as one object handed to handlers.

    Attributes:
        settings: the process settings.
        clock: returns the current UTC time; tests pass a controllable one.
        session_factory: opens one unit of work; built by `open` from ``settings`` if not given.
        knowledge: the loaded knowledge base; loaded by `open` if not given.
        matcher: the matcher over ``knowledge``; built by `open` if not given.
    """

    settings: Settings
    clock: Callable[[], datetime] = utcnow
    session_factory: async_sessionmaker[AsyncSession] | None = None
    knowledge: KnowledgeBase | None = None
    matcher: Matcher | None = None
    upgrade_database: bool = True
    # The reminder scheduler (`bot.app.start_reminders`): started in post_init unless
    # ``start_reminders`` is False (the terminal starts it once its demo data is loaded; tests
    # start it with ``run_scheduler=False`` and run the jobs on their own clock). ``notifier``
    # replaces the Telegram notifier (the terminal's).
    start_reminders: bool = True
    notifier: Notifier | None = None
    reminders: ReminderService | None = None
    # The bureau desk's outbox and acknowledgement reminders (`bot.desk.start_desk`): started in
    # post_init unless ``start_desk`` is False (the terminal chat on a database that is not its
    # own demo: nothing it does may be recorded as delivered to real people).
    start_desk: bool = True
    desk: DeskWorker | None = None
    # Broadcast status messages for their creators (`bot.broadcast_status.StatusBoard`).
    status_board: StatusBoard | None = None
    _engine: AsyncEngine | None = field(default=None, init=False, repr=False)

    async def open(self) -> None:
        """Open what is missing: engine and schema upgrade, knowledge base, matcher."""
        if self.session_factory is None:
            self._engine = create_engine(self.settings.database_url)
            if self.upgrade_database:
                await upgrade(self._engine)
            self.session_factory = make_session_factory(self._engine)
        if self.knowledge is None:
            self.knowledge = load_knowledge_base(self.settings.knowledge_dir)
        if self.matcher is None:
            # With HANDINHAND_KNOWLEDGE_CACHE_DIR the compiled index (BM25, jieba's trimmed
            # dictionary) is loaded instead of rebuilt: ~90 ms instead of ~600 ms.
            self.matcher = Matcher(self.knowledge, cache_dir=self.settings.knowledge_cache_dir)
        log.info("services open: %d knowledge-base entries", len(self.knowledge))

    async def close(self) -> None:
        """Dispose of the engine this object opened (a supplied session factory is left alone)."""
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
            self.session_factory = None

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self.session_factory is None:
            raise RuntimeError("Services.open() has not run")
        async with self.session_factory() as session, session.begin():
            yield session

    def today(self) -> date:
        """Today's date in the programme's time zone (what decides "overdue")."""
        return self.clock().astimezone(self.settings.tz).date()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base (after `open`)."""
        if self.knowledge is None:
            raise RuntimeError("Services.open() has not run")
        return self.knowledge

    @property
    def ask(self) -> Matcher:
        """The matcher (after `open`)."""
        if self.matcher is None:
            raise RuntimeError("Services.open() has not run")
        return self.matcher
