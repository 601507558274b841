"""Help requests as a workflow: a manager asks, a mentor acknowledges, books a visit, and the
visit's outcome (or the mentor's closing words) ends it.

open → acknowledged → visit_booked → resolved (the linked visit's outcome was recorded)
                                   ↘ closed (with an outcome typed by a mentor or the bureau)

Who may see a request: the mentors of its small hand's big hand and the bureau
(`programme.access`); a manager sees only their own enterprise's. Every change is written to the
request's history with who did it and when. The first notice of a request claims the ledger keys
of the mentors it tells, so the escalation ladder (`scheduler.help_escalation`) never tells them
twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from programme.access import require_enterprise, require_role, visible_enterprises
from programme.actors import Actor
from programme.errors import NotAllowed, Refused
from programme.recipients import bureau_admins, managers_of, mentors_of
from programme.typed import check_text
from scheduler.help_escalation import mentor_key
from storage.enums import HelpEventKind, HelpStatus, Role
from storage.errors import NotFound
from storage.models import Enterprise, HelpRequest, HelpRequestEvent, Person, Visit
from storage.repositories import enterprises, help_requests, ledger, pairings, people

__all__ = [
    "MAX_OUTCOME",
    "Acknowledged",
    "Closed",
    "RequestView",
    "Submitted",
    "acknowledge",
    "close_request",
    "open_requests",
    "resolve_by_visit",
    "submit_request",
    "view_request",
    "visit_booked",
]

MAX_OUTCOME = 1000
MAX_TEXT = 20_000
_ENDED = (HelpStatus.resolved, HelpStatus.closed)


@dataclass(frozen=True, slots=True)
class Submitted:
    """A new request and who is told at once: its mentors, and the bureau when urgent or
    when it has no mentor to tell."""

    request: HelpRequest
    enterprise: Enterprise
    mentors: list[Person]
    bureau: list[Person]


async def submit_request(
    *,
    session: AsyncSession,
    actor: Actor,
    text: str,
    photo_file_ids: list[str],
    urgent: bool,
    now: datetime,
) -> Submitted:
    """A manager's /helpme: record it and claim the first notices.

    Raises:
        Refused: for anyone but a manager of an enterprise.
        NotAllowed: ``empty_text`` without a description, ``text_too_long`` past 20,000 characters.
    """
    person_id = require_role(actor, Role.manager)
    if actor.enterprise_id is None:
        raise Refused(actor, "manager without an enterprise")
    words = check_text(text, MAX_TEXT)
    pairing = await pairings.current_pairing_of(session=session, small_hand_id=actor.enterprise_id)
    request = await help_requests.create_help_request(
        session=session,
        person_id=person_id,
        enterprise_id=actor.enterprise_id,
        pairing_id=pairing.id if pairing else None,
        text=words,
        photo_file_ids=photo_file_ids,
        urgent=urgent,
        now=now,
    )
    assert request.id is not None
    enterprise = await enterprises.get_enterprise(
        session=session, enterprise_id=actor.enterprise_id
    )
    mentors = await mentors_of(session, actor.enterprise_id)
    bureau = await bureau_admins(session) if urgent or not mentors else []
    # The first notice is the ladder's first rung: claim it so escalation never repeats it.
    await ledger.claim_many(
        session=session,
        keys=[mentor_key(request.id, m.id) for m in mentors if m.id is not None],
        now=now,
    )
    return Submitted(request, enterprise, mentors, bureau)


async def _visible(session: AsyncSession, actor: Actor, request_id: int) -> HelpRequest:
    """The request, if a mentor or the bureau may act on it; forged ids are refused."""
    require_role(actor, Role.mentor, Role.bureau)
    try:
        request = await help_requests.get_help_request(session=session, request_id=request_id)
    except NotFound as exc:
        raise Refused(actor, f"help request {request_id}") from exc
    await require_enterprise(session, actor, request.enterprise_id)
    return request


async def open_requests(*, session: AsyncSession, actor: Actor) -> list[help_requests.HelpLine]:
    """/requests: the open requests this mentor (their big hand's small hands) or the bureau
    (all) may see, urgent first, then oldest first.

    Raises:
        Refused: for managers and guests.
    """
    require_role(actor, Role.mentor, Role.bureau)
    visible = await visible_enterprises(session, actor)
    return await help_requests.list_open(session=session, enterprise_ids=visible)


@dataclass(frozen=True, slots=True)
class RequestView:
    """One request opened from /requests: what was asked, by whom, where to call, what happened."""

    request: HelpRequest
    enterprise: Enterprise
    asker: Person
    phone: str
    history: list[tuple[HelpRequestEvent, str]]

    @property
    def is_open(self) -> bool:
        return self.request.status not in _ENDED


async def view_request(*, session: AsyncSession, actor: Actor, request_id: int) -> RequestView:
    """Open one request.

    Raises:
        Refused: if the actor may not see it (or it does not exist).
    """
    request = await _visible(session, actor, request_id)
    enterprise = await enterprises.get_enterprise(
        session=session, enterprise_id=request.enterprise_id
    )
    asker = await people.get_person(session=session, person_id=request.person_id)
    history = await help_requests.events_of(session=session, request_id=request_id)
    phone = asker.phone or enterprise.contact_phone
    return RequestView(request, enterprise, asker, phone, history)


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """The request after "acknowledge"; ``first`` is False when someone had already answered
    (the managers are then not told again)."""

    request: HelpRequest
    managers: list[Person]
    first: bool


async def acknowledge(
    *, session: AsyncSession, actor: Actor, request_id: int, now: datetime
) -> Acknowledged:
    """A mentor (or the bureau) has seen the request; the ladder stops climbing.

    Raises:
        Refused: if the actor may not see it.
        NotAllowed: ``help_ended`` when it was already resolved or closed.
    """
    request = await _visible(session, actor, request_id)
    if request.status in _ENDED:
        raise NotAllowed("help_ended", request.status.value)
    if request.status is not HelpStatus.open:
        return Acknowledged(request, [], first=False)
    request = await help_requests.change_status(
        session=session,
        request_id=request_id,
        to=HelpStatus.acknowledged,
        kind=HelpEventKind.acknowledged,
        actor_id=actor.person_id,
        now=now,
    )
    return Acknowledged(request, await managers_of(session, request.enterprise_id), first=True)


@dataclass(frozen=True, slots=True)
class Closed:
    """A request closed with an outcome, and the managers to tell."""

    request: HelpRequest
    managers: list[Person]


async def close_request(
    *, session: AsyncSession, actor: Actor, request_id: int, outcome: str, now: datetime
) -> Closed:
    """Close a request with what came of it (typed by a mentor or the bureau).

    Raises:
        Refused: if the actor may not see it.
        NotAllowed: ``empty_text`` / ``text_too_long`` for the outcome, ``help_ended`` when it
            was already resolved or closed.
    """
    request = await _visible(session, actor, request_id)
    words = check_text(outcome, MAX_OUTCOME)
    if request.status in _ENDED:
        raise NotAllowed("help_ended", request.status.value)
    request = await help_requests.change_status(
        session=session,
        request_id=request_id,
        to=HelpStatus.closed,
        kind=HelpEventKind.closed,
        actor_id=actor.person_id,
        now=now,
        note=words,
    )
    return Closed(request, await managers_of(session, request.enterprise_id))


async def visit_booked(
    *, session: AsyncSession, request_id: int, visit: Visit, actor_id: int, now: datetime
) -> HelpRequest:
    """A visit was proposed for the request (``Visit.help_request_id`` links them).

    Raises:
        NotAllowed: ``help_ended`` when the request was already resolved or closed.
    """
    request = await help_requests.get_help_request(session=session, request_id=request_id)
    if request.status in _ENDED:
        raise NotAllowed("help_ended", request.status.value)
    return await help_requests.change_status(
        session=session,
        request_id=request_id,
        to=HelpStatus.visit_booked,
        kind=HelpEventKind.visit_booked,
        actor_id=actor_id,
        now=now,
        visit_id=visit.id,
        note=visit.starts_at.isoformat(),
    )


async def resolve_by_visit(
    *, session: AsyncSession, visit: Visit, actor_id: int, now: datetime
) -> HelpRequest | None:
    """The outcome of a visit booked for a request was recorded: the request is resolved, with
    the visit's notes as its outcome. None when the visit answers no request (or it had ended)."""
    if visit.help_request_id is None:
        return None
    request = await help_requests.get_help_request(
        session=session, request_id=visit.help_request_id
    )
    if request.status in _ENDED:
        return None
    return await help_requests.change_status(
        session=session,
        request_id=visit.help_request_id,
        to=HelpStatus.resolved,
        kind=HelpEventKind.resolved,
        actor_id=actor_id,
        now=now,
        note=visit.notes,
        visit_id=visit.id,
    )
