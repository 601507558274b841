"""Reading a person's notification preferences (``Person.preferences``, set in /settings).

Keys, shared with `bot.handlers.preferences` (which writes them): ``digest``, ``visit_reminders``,
``calendar``, ``escalations`` (booleans, default on), ``digest_time`` ("HH:MM" local) and
``quiet_hours`` ("HH:MM-HH:MM", ``["HH:MM", "HH:MM"]`` or "" for none). Anything unreadable falls
back to the default rather than silencing a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

__all__ = ["NotificationPrefs", "parse_preferences"]

DEFAULT_QUIET = (time(22, 0), time(7, 0))


@dataclass(frozen=True, slots=True)
class NotificationPrefs:
    """What a person wants to receive, and when."""

    digest: bool = True
    visit_reminders: bool = True
    calendar: bool = True
    escalations: bool = True
    digest_time: time = time(9, 0)
    quiet_hours: tuple[time, time] | None = DEFAULT_QUIET

    def is_quiet(self, local: datetime) -> bool:
        """Whether a local time falls in quiet hours (which may wrap past midnight)."""
        if self.quiet_hours is None:
            return False
        start, end = self.quiet_hours
        now = local.time().replace(tzinfo=None)
        if start <= end:
            return start <= now < end
        return now >= start or now < end

    def quiet_end(self, local: datetime) -> datetime:
        """The first local moment at or after ``local`` that is outside quiet hours."""
        if self.quiet_hours is None or not self.is_quiet(local):
            return local
        end = self.quiet_hours[1]
        candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return candidate if candidate > local else candidate + timedelta(days=1)


def _time(value: Any) -> time | None:
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        return None


def _quiet(value: Any) -> tuple[time, time] | Literal[False] | None:
    """Quiet hours from either stored shape; ``False`` when unreadable."""
    if value in ("", None, [], ()):
        return None
    parts = value.split("-") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or len(parts) != 2:
        return False
    start, end = _time(parts[0]), _time(parts[1])
    if start is None or end is None or start == end:
        return False
    return (start, end)


def parse_preferences(
    stored: Mapping[str, Any] | None, *, default_digest_time: time = time(9, 0)
) -> NotificationPrefs:
    """Turn the stored JSON into `NotificationPrefs`, defaulting whatever is missing or broken."""
    stored = stored or {}
    quiet = _quiet(stored.get("quiet_hours", "22:00-07:00"))
    return NotificationPrefs(
        digest=bool(stored.get("digest", True)),
        visit_reminders=bool(stored.get("visit_reminders", True)),
        calendar=bool(stored.get("calendar", True)),
        escalations=bool(stored.get("escalations", True)),
        digest_time=_time(stored.get("digest_time")) or default_digest_time,
        quiet_hours=DEFAULT_QUIET if quiet is False else quiet,
    )
