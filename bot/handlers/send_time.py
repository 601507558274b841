"""Reading the time a bureau admin wants a broadcast sent ("2026-06-01 09:00" or "09:00")."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["EXAMPLE_FORMAT", "parse_send_time"]

EXAMPLE_FORMAT = "%Y-%m-%d %H:%M"

_FULL = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2})[:：](\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")


def parse_send_time(text: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The UTC moment meant by ``text`` in the programme's time zone, or None.

    A bare ``HH:MM`` means today. Times that are not in the future are refused (None): a
    broadcast "scheduled" for the past would go out at once, which is what "send now" is for.

    Args:
        text: what the admin typed (full-width colon accepted).
        tz: the programme's time zone.
        now: the current time (aware).
    """
    text = text.strip()
    local_now = now.astimezone(tz)
    try:
        if full := _FULL.match(text):
            year, month, day, hour, minute = (int(g) for g in full.groups())
            moment = datetime(year, month, day, hour, minute, tzinfo=tz)
        elif short := _TIME.match(text):
            hour, minute = (int(g) for g in short.groups())
            moment = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        else:
            return None
    except ValueError:  # 2026-02-30, 25:00
        return None
    return moment.astimezone(ZoneInfo("UTC")) if moment > local_now else None
