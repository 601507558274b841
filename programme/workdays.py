"""China's official working days: public holidays and the adjusted working weekends (调休).

Visit slots, "N working days" deadlines (for example the 20 working days for filing an emergency
plan) and the "no digests on public holidays" setting follow the calendar the State Council
publishes each year (国务院办公厅关于部分节假日安排的通知). The data comes from the maintained
``chinesecalendar`` package (module ``chinese_calendar``), not from a table of our own.

Counting
    ``add_working_days(day, n)`` and ``working_days_between(a, b)`` count as Chinese
    administrative deadlines do: the starting day itself is not counted (期间开始的日不计算在内),
    so ``add_working_days(day, 1)`` is the next working day after ``day`` and
    ``working_days_between(day, add_working_days(day, n)) == n``.

Years the package does not cover
    Each release covers the years up to the last published notice (1.11.0: 2004–2026). For a date
    outside them the functions fall back to Monday to Friday with no holidays, and log one warning
    per year, naming the year and the package's version: a deadline is never refused, but late-year
    deadlines that cross into a new year should be re-checked once the package is upgraded.
    :func:`covered_years` tells which years are known (for a start-up check or a health page).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from importlib.metadata import version

import chinese_calendar  # untyped: see [tool.mypy.overrides] in pyproject.toml

__all__ = [
    "add_working_days",
    "covered_years",
    "is_public_holiday",
    "is_working_day",
    "next_working_day",
    "working_days_between",
]

logger = logging.getLogger(__name__)

_SATURDAY = 5


def covered_years() -> range:
    """The years whose official calendar the installed ``chinesecalendar`` knows."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@functools.cache
def _warn_uncovered(year: int) -> None:
    """Say once per year and process that the calendar falls back to Monday to Friday."""
    logger.warning(
        "China's official holiday calendar for %d is not in chinesecalendar %s (it covers %d-%d); "
        "counting Monday to Friday as working days. Upgrade chinesecalendar once a release has "
        "the State Council's notice for %d.",
        year,
        version("chinesecalendar"),
        covered_years().start,
        covered_years().stop - 1,
        year,
    )


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is an official working day in mainland China.

    A public holiday is not, even on a weekday; an adjusted working Saturday or Sunday (调休) is.

    Args:
        day: a local date (a ``datetime`` is read as its date).

    Returns:
        True on a working day. For a year the package does not cover: Monday to Friday, with a
        warning logged once for that year.
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_uncovered(day.year)
        return day.weekday() < _SATURDAY


def is_public_holiday(day: dt.date) -> bool:
    """Whether ``day`` lies in an official public-holiday break (weekends inside it included).

    Ordinary weekends and adjusted working days are not holidays. For a year the package does
    not cover, no day is (with a warning logged once for that year).
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        _warn_uncovered(day.year)
        return False
    return bool(on_holiday) and name is not None


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day`` (``day`` itself never)."""
    return add_working_days(day, 1)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``day``, not counting ``day`` itself.

    Args:
        day: the starting date (e.g. the day a hazard was found).
        n: working days to add; ``0`` returns ``day`` unchanged, a negative ``n`` counts back
            (``-1`` is the last working day before ``day``).

    Returns:
        A working day (or ``day`` itself when ``n`` is 0).
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after ``start`` up to and including ``end``.

    The inverse of :func:`add_working_days`: ``working_days_between(a, add_working_days(a, n))``
    is ``n`` for every ``n``. So when ``end`` is before ``start`` the count is negative: the
    working days from ``end`` included up to ``start`` excluded, negated. Equal dates give 0.
    """
    if isinstance(start, dt.datetime):
        start = start.date()
    if isinstance(end, dt.datetime):
        end = end.date()
    if end >= start:
        days = range(1, (end - start).days + 1)
        return sum(1 for k in days if is_working_day(start + dt.timedelta(days=k)))
    days = range((start - end).days)
    return -sum(1 for k in days if is_working_day(end + dt.timedelta(days=k)))
