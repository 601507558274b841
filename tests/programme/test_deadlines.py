"""Deadlines typed by a mentor: dates, days and China's working days."""

from __future__ import annotations

from datetime import date

import pytest

from programme.items import parse_deadline

TODAY = date(2026, 2, 10)  # a Tuesday before the Spring Festival holiday (15–23 February 2026)


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("30", date(2026, 3, 12)),
        ("30天", date(2026, 3, 12)),
        ("30 days", date(2026, 3, 12)),
        # 20 working days skip the holiday week and count the 调休 Saturdays 14 and 28 February.
        ("20个工作日", date(2026, 3, 16)),
        ("20工作日", date(2026, 3, 16)),
        ("20 working days", date(2026, 3, 16)),
    ],
)
def test_a_typed_deadline_is_read(typed: str, due: date) -> None:
    assert parse_deadline(typed, TODAY) == due


@pytest.mark.parametrize("typed", ["明天吧", "2026-01-01", "0", "99999", "-5", "20个月"])
def test_an_unreadable_or_past_deadline_is_none(typed: str) -> None:
    assert parse_deadline(typed, TODAY) is None
