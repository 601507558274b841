"""Notification preferences people set in /settings, stored in ``Person.preferences``.

The reminders feature reads them: ``digest``, ``visit_reminders``, ``calendar``, ``escalations``
(a mentor's messages about mentees' long-overdue items) (booleans, default on), ``digest_time``
("HH:MM" local time) and ``quiet_hours`` ("HH:MM-HH:MM" or "" for none).
The choices offered for times are kept here as data.
"""

from __future__ import annotations

from typing import Any

from scheduler.preferences import NotificationPrefs

__all__ = ["CHOICES", "DEFAULTS", "SWITCHES", "effective", "toggled"]

SWITCHES: tuple[str, ...] = ("digest", "visit_reminders", "calendar", "escalations")
CHOICES: dict[str, tuple[str, ...]] = {
    "digest_time": ("08:30", "09:00", "12:00", "17:00"),
    "quiet_hours": ("22:00-07:00", "21:00-08:00", ""),
}
DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(SWITCHES, True),
    # One source of truth for the default: what the scheduler assumes when nothing is stored.
    "digest_time": f"{NotificationPrefs().digest_time:%H:%M}",
    "quiet_hours": "22:00-07:00",
}


def effective(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored preferences over the defaults (unknown keys are kept for other features)."""
    return {**DEFAULTS, **(stored or {})}


def toggled(stored: dict[str, Any] | None, key: str) -> dict[str, Any]:
    """Preferences after pressing ``key``: a switch flips, a choice moves to the next option.

    Raises:
        KeyError: for a key that is not a preference (a forged button).
    """
    current = effective(stored)
    if key in SWITCHES:
        return {**current, key: not current[key]}
    options = CHOICES[key]
    index = options.index(current[key]) if current[key] in options else -1
    return {**current, key: options[(index + 1) % len(options)]}
