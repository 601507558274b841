"""The scheduler's knobs as one plain value, built by `bot/` from its settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["ReminderConfig", "monday_to_friday"]


def monday_to_friday(day: date) -> bool:
    """The simplest working-day rule (no public holidays): the default until the bot passes in
    the official calendar's rule (``ReminderConfig.is_working_day``)."""
    return day.weekday() < 5


@dataclass(frozen=True, slots=True)
class ReminderConfig:
    """When reminders, digests, escalations and summaries go out.

    Attributes:
        timezone: where local times (digest time, quiet hours, "today") are reckoned.
        visit_leads: how long before a visit its reminders go out (largest first).
        digest_horizon_days: items due within this many days make a manager's digest.
        escalate_mentor_days: an item overdue by more than this many days is told to the mentor.
        escalate_bureau_days: ... by more than this many days appears in the bureau's summary.
        summary_weekday: the day (0 = Monday) the bureau's weekly summary goes out.
        tick: how often the daily work (digests, calendar, escalations, summaries) is looked at.
        late_after: a reminder sent this much after its planned time is called "late".
        misfire_grace: how late APScheduler may still run a job after a busy spell.
        max_visit_minutes: the longest visit accepted; bounds the overlap search.
        help_urgent_ack: an urgent help request nobody acknowledged this long goes up the
            escalation ladder one step (the big hand's other mentors), and again after as long
            once more (the bureau).
        help_normal_ack_working_days: the same for a normal request, in working days.
        is_working_day: which local dates count as working days.
        digests_on_days_off: whether managers' daily digests go out on days off too (weekends and
            public holidays by ``is_working_day``; an adjusted working Saturday is not a day off).
        help_check: how often the escalation ladder is looked at.
    """

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    visit_leads: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    digest_horizon_days: int = 7
    escalate_mentor_days: int = 7
    escalate_bureau_days: int = 30
    summary_weekday: int = 0
    tick: timedelta = timedelta(minutes=5)
    late_after: timedelta = timedelta(minutes=10)
    misfire_grace: timedelta = timedelta(hours=1)
    max_visit_minutes: int = 12 * 60
    default_digest_time: time = time(9, 0)
    help_urgent_ack: timedelta = timedelta(minutes=30)
    help_normal_ack_working_days: int = 1
    is_working_day: Callable[[date], bool] = monday_to_friday
    digests_on_days_off: bool = True
    help_check: timedelta = timedelta(minutes=1)

    def __post_init__(self) -> None:
        if not self.visit_leads or any(lead <= timedelta(0) for lead in self.visit_leads):
            raise ValueError("visit_leads must be positive durations")
        if self.help_urgent_ack <= timedelta(0) or self.help_normal_ack_working_days < 1:
            raise ValueError("help request acknowledgement times must be positive")
        object.__setattr__(self, "visit_leads", tuple(sorted(self.visit_leads, reverse=True)))
