"""A visit's .ics file parses and carries the right times."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from scheduler.ics import visit_ics
from tests.scheduler.conftest import local


def test_visit_ics_parses_with_the_visit_times() -> None:
    data = visit_ics(
        visit_id=42,
        starts_at=local(2025, 6, 4, 14, 30),
        duration_minutes=90,
        summary="现场帮扶：无锡测试企业",
        location="东港镇工业路8号",
        description="跟踪服务",
        stamp=datetime(2025, 6, 2, tzinfo=UTC),
    )
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("dtstart") == local(2025, 6, 4, 14, 30)
    assert event.decoded("dtend") == local(2025, 6, 4, 16, 0)
    assert str(event["uid"]) == "visit-42@handinhand"
    assert str(event["location"]) == "东港镇工业路8号"
