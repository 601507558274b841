"""A help request becomes a proposed visit in one tap ("propose a visit" on the request).

The visit is proposed at the first free slot of the mentor from the next working day (the times
the /visit picker offers, skipping clashes), for the purpose "help request" in the pairing's
phase, linked to the request (which moves to ``visit_proposed``). The managers are asked to
confirm or ask for another time; the mentor can move it like any visit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.context import BotContext
from bot.handlers.visit_booking import DAYS_AHEAD, SLOTS, announce
from bot.handlers.visits import VisitView, arm
from bot.ui.replies import respond
from bot.ui.texts import text
from programme import visits as booking
from programme.errors import Refused, VisitClash
from storage.enums import Phase, VisitPurpose
from storage.repositories import help_requests, pairings, visits

__all__ = ["propose_visit"]


def _candidates(context: BotContext) -> list[datetime]:
    """Weekday slots from tomorrow, soonest first, as aware local times."""
    tz, today = context.services.settings.tz, context.services.today()
    days = [today + timedelta(days=n) for n in range(1, DAYS_AHEAD + 1)]
    return [
        datetime.combine(day, slot, tzinfo=tz)
        for day in days
        if day.weekday() < 5
        for slot in SLOTS
    ]


async def propose_visit(update: Update, context: BotContext, request_id: int) -> None:
    """Propose a visit for help request ``request_id`` (permission already checked)."""
    member = context.member
    assert member.person_id is not None
    now = context.services.clock()
    view: VisitView | None = None
    async with context.services.unit_of_work() as session:
        request = await help_requests.get_help_request(session=session, request_id=request_id)
        pairing_id = request.pairing_id
        if pairing_id is None:
            pairing = await pairings.current_pairing_of(
                session=session, small_hand_id=request.enterprise_id
            )
            if pairing is None or pairing.id is None:
                raise Refused(member, f"help request {request_id} has no pairing")
            pairing_id = pairing.id
        pairing = await pairings.get_pairing(session=session, pairing_id=pairing_id)
        phase = pairing.phase if pairing.phase is not Phase.closed else Phase.middle
        for starts_at in _candidates(context):
            try:
                # A clash is refused before anything is written, so the next slot can be tried
                # in the same unit of work.
                visit = await booking.propose_visit(
                    session=session,
                    pairing_id=pairing_id,
                    mentor_id=member.person_id,
                    starts_at=starts_at,
                    now=now,
                    purpose=VisitPurpose.help,
                    phase=phase,
                    help_request_id=request_id,
                )
            except VisitClash:
                continue
            view = VisitView(await visits.visit_context(session=session, visit_id=visit.id or 0))
            break
    if view is None:
        await respond(update, context.bot, text(member.lang, "visits.no_free_slot"))
        return
    arm(context, view.visit)
    await announce(update, context, view, "visits.help_proposed", "visits.to_manager_proposed")
