"""What a running job needs, found by a plain key so that jobs carry only ids.

APScheduler jobs are module-level functions whose arguments are plain values (a runtime key and
row ids); they look up the live session factory, notifier, clock and configuration here. Nothing
that holds the bot or a connection is ever put into a job.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import Clock
from scheduler.config import ReminderConfig
from scheduler.notifier import Notifier

__all__ = ["Runtime", "forget", "lookup", "register"]


@dataclass
class Runtime:
    """The services one scheduler's jobs use."""

    session_factory: async_sessionmaker[AsyncSession]
    notifier: Notifier
    clock: Clock
    config: ReminderConfig
    # Set by the service that registers the runtime: its key, and the APScheduler instance that
    # jobs may use to arm follow-up jobs (None when jobs are run directly, as in tests).
    key: str = ""
    scheduler: Any = None


_runtimes: dict[str, Runtime] = {}
_serial = itertools.count(1)


def register(runtime: Runtime) -> str:
    """Make ``runtime`` findable by jobs; returns its key."""
    key = f"rt{next(_serial)}"
    runtime.key = key
    _runtimes[key] = runtime
    return key


def lookup(key: str) -> Runtime:
    """The runtime registered under ``key``.

    Raises:
        KeyError: if it was forgotten (its scheduler shut down).
    """
    return _runtimes[key]


def forget(key: str) -> None:
    """Drop a runtime when its scheduler shuts down."""
    _runtimes.pop(key, None)
