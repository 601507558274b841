"""Compliance calendar for the dates the bureau imports: lead times per kind, each reminder once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge import load_knowledge_base
from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.compliance import date_reminder, load_date_rules
from scheduler.daily import run_daily
from scheduler.notifier import EntryRef, Label, Notice
from scheduler.service import ReminderService
from storage.enums import ComplianceDateKind
from storage.models import ComplianceDate
from tests.scheduler.conftest import World, local


def test_every_kind_of_imported_date_has_a_rule_with_a_basis_and_existing_entry() -> None:
    rules = load_date_rules()
    assert set(rules) == {k.value for k in ComplianceDateKind}
    kb = load_knowledge_base()
    for rule in rules.values():
        assert rule.basis["title"] and rule.basis["clause"]
        if rule.entry_id:  # "other" dates have no entry of their own
            kb.get(rule.entry_id)
    assert rules["eia_reapproval"].entry_id == "eia-major-change-reapproval"


def test_an_imported_date_is_reminded_at_its_kinds_leads_and_when_overdue() -> None:
    due = date(2026, 3, 31)

    def stage(today: date, kind: str = "monitoring_report") -> str | None:
        found = date_reminder(today=today, kind=kind, due_on=due)
        return found.stage if found else None

    assert stage(date(2026, 2, 28)) is None  # 31 days left: before the first lead
    assert stage(date(2026, 3, 1)) == "30d"
    assert stage(date(2026, 3, 24)) == "7d"
    assert stage(date(2026, 3, 31)) == "7d"  # the deadline day itself
    assert stage(date(2026, 4, 1)) == "overdue"
    assert stage(date(2026, 7, 1)) is None  # long past: the audit's business now
    assert stage(date(2026, 2, 1), "eia_reapproval") == "60d"  # a rule of its own
    assert stage(date(2026, 3, 1), "a_kind_added_later") == "30d"  # follows "other"


async def _add_date(factory: async_sessionmaker[AsyncSession], world: World, **fields: Any) -> None:
    async with factory() as session, session.begin():
        session.add(ComplianceDate(enterprise_id=world.small_hand.id, **fields))


async def test_manager_is_reminded_of_an_imported_date_once_at_each_lead_across_a_restart(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    world: World,
    service: ReminderService,
    clock: ManualClock,
    notifier: CollectingNotifier,
) -> None:
    await _add_date(
        sqlite_session_factory,
        world,
        kind=ComplianceDateKind.pollutant_permit_change,
        due_on=date(2025, 7, 2),
        title="新增注塑线排污许可变更",
        note="技改投产前",
    )

    def titled() -> list[Notice]:
        rule = Label  # an imported date's notice shows its own title after the rule's label
        return [
            n
            for n in notifier.to(world.manager.id)
            if isinstance(n.values.get("rule"), rule) and n.values["rule"].title
        ]

    def reminders() -> list[tuple[str, object]]:
        return [(n.key, n.values["days_left"]) for n in titled()]

    clock.set(local(2025, 6, 1, 9, 30))  # 31 days left: nothing yet
    await run_daily(service.runtime)
    assert reminders() == []
    clock.set(local(2025, 6, 2, 9, 30))  # 30 days left
    await run_daily(service.runtime)
    [notice] = titled()
    assert notice.values["rule"] == Label(
        "visits.rule", "pollutant_permit_change", title="新增注塑线排污许可变更（技改投产前）"
    )
    assert notice.values["entry"] == EntryRef("permit-change-application")
    assert "排污许可管理条例" in str(notice.values["basis"])

    clock.set(local(2025, 6, 2, 16, 0))  # later the same day, after a restart
    restarted = ReminderService(sqlite_session_factory, notifier, clock=clock)
    try:
        await run_daily(restarted.runtime)
        assert reminders() == [("visits.calendar", 30)]
        clock.set(local(2025, 6, 25, 9, 30))  # 7 days left: the next lead, once
        await run_daily(restarted.runtime)
        await run_daily(restarted.runtime)
        clock.set(local(2025, 7, 3, 9, 30))  # the day after: overdue, once
        await run_daily(restarted.runtime)
        await run_daily(service.runtime)
    finally:
        await restarted.shutdown()
    assert reminders() == [
        ("visits.calendar", 30),
        ("visits.calendar", 7),
        ("visits.calendar_overdue", -1),
    ]
