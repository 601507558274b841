"""The escalation ladder of help requests nobody has acknowledged.

A request is ``open`` until someone acknowledges it (or books a visit, or closes it). While it is
open it climbs one step each time its acknowledgement time passes — 30 minutes for an urgent
request, one working day for a normal one (`ReminderConfig.help_urgent_ack`,
``help_normal_ack_working_days``):

1. after one interval, every mentor of the pairing's big hand who has not been told yet;
2. after a second interval, the bureau admins, saying nobody has answered.

Every notice is claimed in the ledger first: ``help:<request>:p<person>`` for telling a mentor
(the same key the first notice of /helpme claimed, so whoever was told then is not told again)
and ``help:<request>:escalated:p<person>`` for the bureau's step. A restart, a second process or
a tick that runs twice sends nothing twice; a step that fell due while the bot was down goes out
at the next tick. Each step that sent something is written to the request's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from scheduler.delivery import DeliveryReport, Outgoing, deliver
from scheduler.notifier import Action, Button, Notice
from scheduler.runtime import Runtime, lookup
from storage.enums import HelpEventKind, HelpStatus, Role
from storage.models import Person
from storage.repositories import help_requests, ledger, people

__all__ = [
    "add_working_days",
    "bureau_key",
    "help_escalation_job",
    "ladder",
    "mentor_key",
    "run_help_escalation",
]

log = logging.getLogger(__name__)


def mentor_key(request_id: int, person_id: int) -> str:
    """The ledger key of telling mentor ``person_id`` about a request (first notice or step 1)."""
    return f"help:{request_id}:p{person_id}"


def bureau_key(request_id: int, person_id: int) -> str:
    """The ledger key of the bureau's escalation step for one admin."""
    return f"help:{request_id}:escalated:p{person_id}"


def add_working_days(
    moment: datetime, days: int, is_working_day: Callable[[date], bool]
) -> datetime:
    """The same local time ``days`` working days after ``moment`` (its own zone)."""
    result, counted = moment, 0
    while counted < days:
        result += timedelta(days=1)
        if is_working_day(result.date()):
            counted += 1
    return result


def ladder(created_at: datetime, urgent: bool, runtime: Runtime) -> tuple[datetime, datetime]:
    """When a request created at ``created_at`` reaches step 1 and step 2 if nobody answers."""
    cfg = runtime.config
    if urgent:
        return created_at + cfg.help_urgent_ack, created_at + 2 * cfg.help_urgent_ack
    local = created_at.astimezone(cfg.timezone)
    days = cfg.help_normal_ack_working_days
    first = add_working_days(local, days, cfg.is_working_day)
    return first, add_working_days(first, days, cfg.is_working_day)


async def help_escalation_job(runtime_key: str) -> None:
    """APScheduler entry point."""
    report = await run_help_escalation(lookup(runtime_key))
    if report.sent:
        log.info("help escalation sent %d notices", len(report.sent))


def _notice(key: str, row: help_requests.Unacknowledged, now: datetime) -> Notice:
    request = row.request
    assert request.id is not None
    minutes = int((now - request.created_at).total_seconds() // 60)
    return Notice(
        key,
        {
            "id": request.id,
            "enterprise": row.enterprise,
            "text": request.text,
            "hours": round(minutes / 60, 1),
            "minutes": minutes,
        },
        buttons=(
            Button("requests.open_button", Action.open_help_request, request.id),
            Button("help.acknowledge", Action.acknowledge_help_request, request.id),
        ),
        photo_file_id=request.photo_file_ids[0] if request.photo_file_ids else None,
    )


async def run_help_escalation(runtime: Runtime) -> DeliveryReport:
    """One look at the ladder: send every step that is due and not yet claimed."""
    now = runtime.clock.now()
    batch: list[Outgoing] = []
    key_request: dict[str, tuple[int, int]] = {}  # ledger key -> (request id, step)
    async with runtime.session_factory() as session:
        waiting = await help_requests.unacknowledged(session=session)
        bureau: list[Person] | None = None
        mentors_of: dict[int, list[Person]] = {}
        for row in waiting:
            request = row.request
            assert request.id is not None
            first, second = ladder(request.created_at, request.urgent, runtime)
            if now >= first and row.big_hand_id is not None:
                if row.big_hand_id not in mentors_of:
                    mentors_of[row.big_hand_id] = await people.list_people(
                        session=session, role=Role.mentor, enterprise_id=row.big_hand_id
                    )
                notice = _notice("requests.escalated_mentor", row, now)
                for mentor in mentors_of[row.big_hand_id]:
                    assert mentor.id is not None
                    key = mentor_key(request.id, mentor.id)
                    batch.append(Outgoing(key, mentor, notice))
                    key_request[key] = (request.id, 1)
            if now >= second:
                if bureau is None:
                    bureau = await people.list_people(session=session, role=Role.bureau)
                notice = _notice("requests.escalated_bureau", row, now)
                for admin in bureau:
                    assert admin.id is not None
                    key = bureau_key(request.id, admin.id)
                    batch.append(Outgoing(key, admin, notice))
                    key_request[key] = (request.id, 2)
        taken = await ledger.claimed_among(session=session, keys=[o.key for o in batch])
    fresh = [out for out in batch if out.key not in taken]
    report = await deliver(fresh, runtime)
    told: dict[tuple[int, int], int] = {}
    for key in report.sent:
        told[key_request[key]] = told.get(key_request[key], 0) + 1
    if told:
        async with runtime.session_factory() as session, session.begin():
            for (request_id, step), count in sorted(told.items()):
                await help_requests.add_event(
                    session=session,
                    request_id=request_id,
                    actor_id=None,
                    kind=HelpEventKind.escalated,
                    to_status=HelpStatus.open,
                    now=runtime.clock.now(),
                    note=f"step {step}: {count}",
                )
    return report
