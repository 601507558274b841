"""China's working days: the Spring Festival, 调休 weekends, deadlines, and uncovered years."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programme import workdays
from programme.workdays import (
    add_working_days,
    covered_years,
    is_public_holiday,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = dt.date


@pytest.fixture(autouse=True)
def _forget_warned_years() -> None:
    workdays._warn_uncovered.cache_clear()


def test_the_installed_calendar_covers_2026() -> None:
    assert 2026 in covered_years()


# --- Spring Festival 2026: off 15–23 February, Saturdays 14 and 28 February worked --------------


@pytest.mark.parametrize("day", [D(2026, 2, 15) + dt.timedelta(days=k) for k in range(9)])
def test_the_spring_festival_2026_break_is_not_worked(day: dt.date) -> None:
    assert not is_working_day(day)
    assert is_public_holiday(day)


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2026, 1, 4), "Sunday worked for New Year's Day"),
        (D(2026, 2, 14), "Saturday worked before the Spring Festival"),
        (D(2026, 2, 28), "Saturday worked after the Spring Festival"),
        (D(2026, 5, 9), "Saturday worked for Labour Day"),
        (D(2026, 9, 20), "Sunday worked for National Day"),
        (D(2026, 10, 10), "Saturday worked for National Day"),
    ],
)
def test_an_adjusted_weekend_day_is_a_working_day(day: dt.date, why: str) -> None:
    assert day.weekday() >= 5
    assert is_working_day(day), why
    assert not is_public_holiday(day)


@pytest.mark.parametrize(
    "day",
    [D(2026, 1, 1), D(2026, 1, 2), D(2026, 4, 6), D(2026, 5, 5), D(2026, 6, 19), D(2026, 10, 7)],
)
def test_a_weekday_in_a_holiday_break_is_not_worked(day: dt.date) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert is_public_holiday(day)


@pytest.mark.parametrize(
    "day",
    [D(2026, 2, 13), D(2026, 2, 24), D(2026, 10, 8), D(2026, 12, 1), D(2026, 12, 31)],
)
def test_an_ordinary_weekday_is_worked(day: dt.date) -> None:
    assert is_working_day(day)
    assert not is_public_holiday(day)


@pytest.mark.parametrize("day", [D(2026, 3, 7), D(2026, 3, 8), D(2026, 12, 5)])
def test_an_ordinary_weekend_is_neither_worked_nor_a_holiday(day: dt.date) -> None:
    assert not is_working_day(day)
    assert not is_public_holiday(day)


# --- arithmetic ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 12), D(2026, 2, 13)),
        (D(2026, 2, 13), D(2026, 2, 14)),  # Friday → the worked Saturday
        (D(2026, 2, 14), D(2026, 2, 24)),  # the worked Saturday → after the whole break
        (D(2026, 2, 18), D(2026, 2, 24)),  # from inside the break
        (D(2026, 2, 27), D(2026, 2, 28)),  # Friday → the worked Saturday
        (D(2026, 2, 28), D(2026, 3, 2)),
        (D(2026, 9, 30), D(2026, 10, 8)),  # National Day
        (D(2026, 12, 4), D(2026, 12, 7)),  # an ordinary weekend
    ],
)
def test_next_working_day_skips_holidays_and_uses_adjusted_days(
    day: dt.date, expected: dt.date
) -> None:
    assert next_working_day(day) == expected


def test_twenty_working_days_across_the_spring_festival() -> None:
    # Counted from Tuesday 10 February 2026: 11–14 Feb (the 14th is a worked Saturday),
    # 24–28 Feb (the 28th too), 2–6 Mar, 9–13 Mar, 16 Mar. Monday to Friday would say 10 March.
    assert add_working_days(D(2026, 2, 10), 20) == D(2026, 3, 16)
    assert working_days_between(D(2026, 2, 10), D(2026, 3, 16)) == 20


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 13), 0, D(2026, 2, 13)),
        (D(2026, 2, 15), 0, D(2026, 2, 15)),  # 0 leaves even a holiday unchanged
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),  # counting back over the break
        (D(2026, 2, 24), -2, D(2026, 2, 13)),
        (D(2026, 10, 12), -1, D(2026, 10, 10)),  # back onto a worked Saturday
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2026, 2, 13), D(2026, 2, 13), 0),
        (D(2026, 2, 13), D(2026, 2, 27), 5),  # 14, 24, 25, 26, 27 February
        (D(2026, 2, 14), D(2026, 2, 23), 0),  # the whole break
        (D(2026, 2, 27), D(2026, 2, 13), -5),
        (D(2026, 3, 2), D(2026, 3, 9), 5),  # an ordinary week
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, count: int) -> None:
    assert working_days_between(start, end) == count


def test_counting_back_from_a_holiday_matches_adding_back() -> None:
    # 1 January 2026 is a holiday; one working day back is 31 December 2025.
    assert add_working_days(D(2026, 1, 1), -1) == D(2025, 12, 31)
    assert working_days_between(D(2026, 1, 1), D(2025, 12, 31)) == -1


def test_a_datetime_is_read_as_its_date() -> None:
    assert not is_working_day(dt.datetime(2026, 2, 16, 9, 30))
    assert add_working_days(dt.datetime(2026, 2, 13, 18, 0), 1) == D(2026, 2, 14)


@given(
    start=st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 11, 30)),
    n=st.integers(min_value=-20, max_value=20),
)
def test_adding_then_counting_gives_back_n(start: dt.date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)


# --- years the package does not cover ----------------------------------------------------------


@pytest.mark.parametrize("year", [2099, 2003])
def test_an_uncovered_year_falls_back_to_monday_to_friday_with_one_warning(
    year: int, caplog: pytest.LogCaptureFixture
) -> None:
    assert year not in covered_years()
    caplog.set_level(logging.WARNING, logger="programme.workdays")
    january = [D(year, 1, day) for day in range(1, 32)]
    assert [is_working_day(d) for d in january] == [d.weekday() < 5 for d in january]
    assert not any(is_public_holiday(d) for d in january)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(year) in warnings[0].getMessage()
    assert "chinesecalendar" in warnings[0].getMessage()


def test_arithmetic_still_works_in_an_uncovered_year(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="programme.workdays")
    friday = D(2099, 1, 2)
    assert friday.weekday() == 4
    assert next_working_day(friday) == D(2099, 1, 5)
    assert add_working_days(friday, 20) == D(2099, 1, 30)
    assert "2099" in caplog.text
