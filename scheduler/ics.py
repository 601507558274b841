"""A visit as an iCalendar (.ics) file that phone calendars import."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

__all__ = ["visit_ics"]


def visit_ics(
    *,
    visit_id: int,
    starts_at: datetime,
    duration_minutes: int,
    summary: str,
    location: str,
    description: str,
    stamp: datetime,
) -> bytes:
    """One VEVENT with a stable UID (so re-importing a moved visit updates it), in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//HandInHand//visits//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"visit-{visit_id}@handinhand")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=duration_minutes))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()  # icalendar leaves to_ical unannotated
    return ics
