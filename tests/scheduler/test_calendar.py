"""Compliance calendar: lead times from the rules, the KB entry named, each reminder once."""

from __future__ import annotations

from datetime import date

from scheduler.compliance import due_reminders, load_rules
from scheduler.daily import run_daily
from scheduler.notifier import EntryRef
from storage.enums import PermitType
from storage.models import Enterprise
from tests.scheduler.conftest import local


def test_every_rule_cites_its_basis_and_a_kb_entry() -> None:
    rules = {rule.id: rule for rule in load_rules()}
    assert set(rules) == {
        "permit_renewal",
        "registration_renewal",
        "emergency_plan_review",
        "hazardous_waste_plan",
    }
    assert "第十四条" in rules["permit_renewal"].basis["clause"]
    assert all(rule.entry_id and rule.basis["title"] for rule in rules.values())


def test_permit_renewal_deadline_is_60_days_before_expiry() -> None:
    found = due_reminders(
        today=date(2025, 6, 2),
        permit_type="key",
        dates={"permit_expiry": date(2025, 9, 1), "emergency_plan_filed_on": None},
    )
    [renewal] = [r for r in found if r.rule.id == "permit_renewal"]
    assert renewal.deadline == date(2025, 7, 3)
    assert renewal.stage == "60d"  # 31 days left: the 60-day lead has arrived, not the 30-day one


def test_registration_and_emergency_plan_and_hazardous_waste_plan() -> None:
    found = {
        r.rule.id: r
        for r in due_reminders(
            today=date(2025, 3, 20),
            permit_type="registration",
            dates={"permit_expiry": date(2025, 4, 5), "emergency_plan_filed_on": date(2022, 4, 1)},
        )
    }
    assert found["registration_renewal"].stage == "20d"
    assert found["emergency_plan_review"].deadline == date(2025, 4, 1)
    assert found["emergency_plan_review"].stage == "30d"
    assert found["hazardous_waste_plan"].deadline == date(2025, 3, 31)
    assert found["hazardous_waste_plan"].stage == "14d"
    assert "permit_renewal" not in found  # a registration-class unit holds no permit


def test_nothing_before_the_first_lead() -> None:
    assert not due_reminders(
        today=date(2025, 6, 2),
        permit_type="simplified",
        dates={"permit_expiry": date(2027, 1, 1), "emergency_plan_filed_on": None},
    )


async def test_manager_gets_each_calendar_reminder_once_with_the_kb_entry(
    sqlite_session_factory, world, service, clock, notifier
):
    async with sqlite_session_factory() as session, session.begin():
        hand = await session.get(Enterprise, world.small_hand.id)
        hand.permit_type = PermitType.key
        hand.permit_expiry = date(2025, 9, 1)
    clock.set(local(2025, 6, 2, 9, 30))
    await run_daily(service.runtime)
    [reminder] = [n for n in notifier.to(world.manager.id) if n.key == "visits.calendar"]
    assert reminder.values["entry"] == EntryRef("permit-validity-and-renewal")
    assert reminder.values["deadline"] == "2025-07-03"
    clock.set(local(2025, 6, 2, 15, 0))
    await run_daily(service.runtime)
    assert [n.key for n in notifier.to(world.manager.id)].count("visits.calendar") == 1
    clock.set(local(2025, 6, 3, 9, 30))  # 30 days left: the next lead arrives, once
    await run_daily(service.runtime)
    await run_daily(service.runtime)
    calendar = [n for n in notifier.to(world.manager.id) if n.key == "visits.calendar"]
    assert [n.values["days_left"] for n in calendar] == [31, 30]
