"""Runtime settings, read from the environment and `.env` (prefix ``HANDINHAND_``).

Built once in the CLI's entry points and handed down as plain values; nothing reads the
environment at import time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every knob the operator can turn. See the settings table in README.md."""

    model_config = SettingsConfigDict(
        env_prefix="HANDINHAND_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///handinhand.db"
    telegram_token: SecretStr | None = None
    bot_api_base_url: str = "https://api.telegram.org/bot"
    bot_username: str = "HandInHandBot"
    timezone: str = "Asia/Shanghai"
    knowledge_dir: Path | None = None
    # Where the matcher keeps its compiled index between runs; unset: rebuilt at each start.
    knowledge_cache_dir: Path | None = None
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    # Chat that hears about unexpected bot errors (one line each); None: only the log.
    admin_chat_id: int | None = None
    # Bureau broadcasts (the outbox): messages a second overall (Telegram allows about 30),
    # sends waiting for an answer at once (raise it if Bot API round trips exceed 300 ms),
    # how often an idle worker looks for work, how often the bot's status message is edited,
    # and how long after delivery non-acknowledgers are reminded (once).
    broadcast_rate: Annotated[float, Field(gt=0)] = 25.0
    broadcast_max_sending: Annotated[int, Field(gt=0)] = 8
    broadcast_poll_seconds: Annotated[float, Field(gt=0)] = 1.0
    broadcast_status_seconds: Annotated[float, Field(gt=0)] = 2.0
    broadcast_ack_reminder_hours: Annotated[float, Field(ge=0)] = 24.0
    # Reminders: hours before a visit (as a JSON list in the environment, e.g. "[24, 1]"),
    # the digest's look-ahead, and when overdue items go to the mentor / the bureau's summary.
    visit_reminder_hours: list[Annotated[float, Field(gt=0)]] = [24.0, 1.0]
    digest_horizon_days: Annotated[int, Field(ge=0)] = 7
    escalate_mentor_days: Annotated[int, Field(ge=0)] = 7
    escalate_bureau_days: Annotated[int, Field(ge=0)] = 30
    # Help requests nobody acknowledged climb the ladder (the big hand's other mentors, then
    # the bureau) after this long: minutes for an urgent one, working days for a normal one.
    help_urgent_ack_minutes: Annotated[int, Field(gt=0)] = 30
    help_normal_ack_working_days: Annotated[int, Field(gt=0)] = 1
    # Wrong invite codes from all accounts together that stop redeeming for everyone until the
    # window has passed (each account is also locked out after 5 wrong codes in an hour).
    invite_global_max_failures: Annotated[int, Field(gt=0)] = 30
    invite_global_window_minutes: Annotated[float, Field(gt=0)] = 10.0
    # False: no daily digests on weekends and public holidays (China's official calendar, with
    # adjusted working days), which the next working day's digest then covers.
    digests_on_days_off: bool = True
    # "Ask a person" (a question forwarded to a mentor or the bureau): per account and hour.
    ask_person_guest_per_hour: Annotated[int, Field(ge=0)] = 3
    ask_person_member_per_hour: Annotated[int, Field(ge=0)] = 10

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Operators paste plain URLs; the application needs the async drivers.
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.split(":///", 1)[1]
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def visit_reminder_leads(self) -> tuple[timedelta, ...]:
        """The visit reminder lead times, largest first (the scheduler arms them in order)."""
        hours = sorted(set(self.visit_reminder_hours), reverse=True)
        return tuple(timedelta(hours=h) for h in hours)
