"""Where the scheduler gets the time: a `Clock` injected everywhere, so tests control time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["CallableClock", "Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Tells the current time, timezone-aware, in UTC."""

    def now(self) -> datetime:
        """The current time in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class CallableClock:
    """Adapts a zero-argument function returning UTC time (e.g. ``Services.clock``)."""

    def __init__(self, func: Callable[[], datetime]) -> None:
        self._func = func

    def now(self) -> datetime:
        return self._func()


class ManualClock:
    """A clock that only moves when told to (tests, benchmarks, rehearsals)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (timezone-aware)."""
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta``."""
        self._now += delta
