"""Operator settings reach the parts they configure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import reminder_config
from bot.settings import Settings


def test_reminder_timing_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDINHAND_VISIT_REMINDER_HOURS", "[2, 48]")
    monkeypatch.setenv("HANDINHAND_ESCALATE_MENTOR_DAYS", "3")
    monkeypatch.setenv("HANDINHAND_TIMEZONE", "Asia/Urumqi")
    config = reminder_config(Settings(_env_file=None))
    assert config.visit_leads == (timedelta(hours=48), timedelta(hours=2))
    assert config.escalate_mentor_days == 3
    assert config.escalate_bureau_days == 30
    assert str(config.timezone) == "Asia/Urumqi"


def test_defaults_remind_a_day_and_an_hour_before_a_visit() -> None:
    config = reminder_config(Settings(_env_file=None))
    assert config.visit_leads == (timedelta(hours=24), timedelta(hours=1))
    assert (config.escalate_mentor_days, config.escalate_bureau_days) == (7, 30)


def test_unknown_time_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDINHAND_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="unknown time zone"):
        Settings(_env_file=None)


def test_plain_postgres_url_gets_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    assert Settings(_env_file=None).database_url == "postgresql+asyncpg://postgres@127.0.0.1/x"
