"""The times a visit can be booked at: today's remaining slots an hour ahead, working days only."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from programme.visits import LEAD, bookable_days, day_slots, earliest_slots, may_confirm
from storage.enums import VisitStatus
from storage.models import Visit

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def test_today_is_offered_with_its_slots_no_earlier_than_an_hour_from_now() -> None:
    now = at(2026, 6, 1, 10, 0)  # a Monday
    assert bookable_days(now=now, tz=TZ)[0] == date(2026, 6, 1)
    slots = day_slots(date(2026, 6, 1), now=now, tz=TZ)
    assert slots[0] == at(2026, 6, 1, 13, 30), "08:30-10:30 are past or within the hour"
    assert all(s >= now + LEAD for s in slots)
    assert earliest_slots(now, tz=TZ, limit=2) == [at(2026, 6, 1, 13, 30), at(2026, 6, 1, 14, 0)]


def test_a_slot_exactly_an_hour_ahead_is_offered_one_minute_less_is_not() -> None:
    assert at(2026, 6, 1, 15, 0) in day_slots(date(2026, 6, 1), now=at(2026, 6, 1, 14, 0), tz=TZ)
    later = day_slots(date(2026, 6, 1), now=at(2026, 6, 1, 14, 1), tz=TZ)
    assert at(2026, 6, 1, 15, 0) not in later


def test_today_is_left_out_once_its_last_slot_is_within_the_hour() -> None:
    now = at(2026, 6, 1, 15, 30)
    assert bookable_days(now=now, tz=TZ)[0] == date(2026, 6, 2)
    assert earliest_slots(now, tz=TZ, limit=1) == [at(2026, 6, 2, 8, 30)]


def test_weekends_and_holidays_have_no_slots_but_an_adjusted_saturday_does() -> None:
    now = at(2026, 2, 12, 9, 0)  # Thursday before the Spring Festival 2026
    days = bookable_days(now=now, tz=TZ, count=4)
    # Fri 13, Sat 14 (调休, a working day), then the festival until Mon 23: next Tue 24.
    assert days == [
        date(2026, 2, 12),
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 25),
    ]
    assert day_slots(date(2026, 2, 17), now=now, tz=TZ) == []
    assert day_slots(date(2026, 6, 6), now=now, tz=TZ) == [], "an ordinary Saturday"
    assert day_slots(date(2026, 2, 14), now=now, tz=TZ)[0] == at(2026, 2, 14, 8, 30)


def test_a_part_of_the_day_offers_only_its_slots() -> None:
    afternoon = day_slots(
        date(2026, 6, 2), now=at(2026, 6, 1, 10, 0), tz=TZ, between=(time(12), time(18))
    )
    assert [s.time() for s in afternoon] == [
        time(13, 30),
        time(14),
        time(14, 30),
        time(15),
        time(15, 30),
        time(16),
    ]


def test_only_the_other_side_of_the_proposer_may_confirm() -> None:
    mentor, manager, other_manager = 1, 2, 3
    visit = Visit(pairing_id=1, mentor_id=mentor, starts_at=at(2026, 6, 2, 9, 0))
    assert visit.status is VisitStatus.proposed
    assert not may_confirm(visit, mentor), "a visit from before migration 0007: the mentor's"
    assert may_confirm(visit, manager)
    visit.proposed_by_id = manager  # a manager moved it
    assert may_confirm(visit, mentor)
    assert not may_confirm(visit, manager)
    assert not may_confirm(visit, other_manager), "a manager's colleague is the same side"
