"""A help request becomes a proposed visit: "propose a visit" on the request, then a typed time.

The mentor types when they will come ("今天下午4点", "明天上午", "fri 2pm"; read by
`programme.when.parse_when`) or taps "soonest free slot": the first free slot of the mentor no
earlier than an hour from now, today included (the times the /visit picker offers, skipping
clashes). The visit is for the purpose "help request" in the pairing's phase, linked to the
request (which moves to ``visit_booked``). A text that is not a time gets the prompt again,
never the question path. The managers are asked to confirm or ask for another time; the
mentor can move it like any visit.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.conversations import conversation, draft_of, end_draft, start_draft
from bot.handlers.visit_booking import (
    DAYS_AHEAD,
    SLOTS,
    RenderedClash,
    announce,
    rendering_clashes,
)
from bot.handlers.visits import VisitView, arm
from bot.ui.replies import pressed_ids, respond
from catalog import text
from programme import help_requests as help
from programme import visits as booking
from programme.access import require_role
from programme.errors import NotAllowed, Refused, VisitClash
from programme.when import WhenKind, parse_when
from storage.enums import Phase, Role, VisitPurpose
from storage.repositories import pairings, visits

__all__ = ["build_handler", "propose_visit"]

AWAITING_WHEN = 1
_NOTICE = timedelta(hours=1)  # the soonest slot offered is at least this far ahead


def _candidates(context: BotContext) -> list[datetime]:
    """Weekday slots from an hour from now (today included), soonest first, aware local times."""
    tz, today = context.services.settings.tz, context.services.today()
    earliest = context.services.clock() + _NOTICE
    days = [today + timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    return [
        moment
        for day in days
        if day.weekday() < 5
        for slot in SLOTS
        if (moment := datetime.combine(day, slot, tzinfo=tz)) >= earliest
    ]


async def ask_when(update: Update, context: BotContext) -> int:
    """ "Propose a visit" on a request: check it, then ask when."""
    (request_id,) = await pressed_ids(update, callbacks.HELP_VISIT)
    member = context.member
    require_role(member, Role.mentor)
    async with context.services.unit_of_work() as session:
        view = await help.view_request(session=session, actor=member, request_id=request_id)
    if not view.is_open:
        await respond(update, context.bot, text(member.lang, "requests.ended", id=request_id))
        return ConversationHandler.END
    start_draft(context, request=request_id)
    soonest = callbacks.REQUEST_SOONEST.encode(request_id)
    buttons = [[(text(member.lang, "requests.soonest"), soonest)]]
    await respond(update, context.bot, text(member.lang, "requests.when_prompt"), buttons)
    return AWAITING_WHEN


async def book_typed(update: Update, context: BotContext) -> int:
    """A typed time: propose the visit then, or ask again."""
    message, member, draft = update.effective_message, context.member, draft_of(context)
    if message is None or draft is None:
        return ConversationHandler.END
    lang, tz = member.lang, context.services.settings.tz
    parsed = parse_when(message.text or "", now=context.services.clock().astimezone(tz))
    if parsed is None:
        await respond(update, context.bot, text(lang, "requests.when_unreadable"))
        return AWAITING_WHEN
    if parsed.is_past:
        await respond(update, context.bot, text(lang, "requests.when_past"))
        return AWAITING_WHEN
    if parsed.kind is WhenKind.DAY:
        html = text(lang, "requests.when_day_only", day=parsed.date.isoformat())
        await respond(update, context.bot, html)
        return AWAITING_WHEN
    request_id = int(draft["request"])
    starts = [parsed.starts_at] if parsed.starts_at is not None else _candidates(context)
    booked = await propose_visit(update, context, request_id, starts, "requests.visit_proposed")
    if booked:
        end_draft(context)
        return ConversationHandler.END
    return AWAITING_WHEN


async def book_soonest(update: Update, context: BotContext) -> int:
    """ "Soonest free slot": the first free slot from an hour from now."""
    (request_id,) = await pressed_ids(update, callbacks.REQUEST_SOONEST)
    require_role(context.member, Role.mentor)
    await propose_visit(update, context, request_id, _candidates(context), "visits.help_proposed")
    end_draft(context)
    return ConversationHandler.END


async def propose_visit(
    update: Update,
    context: BotContext,
    request_id: int,
    candidates: list[datetime],
    mine: str,
) -> bool:
    """Propose a visit for help request ``request_id`` at the first of ``candidates`` that does
    not clash; False (and the member is told why) when none could be booked."""
    member = context.member
    person_id = require_role(member, Role.mentor)
    now = context.services.clock()
    view: VisitView | None = None
    lang = member.lang
    try:
        async with context.services.unit_of_work() as session:
            request = (
                await help.view_request(session=session, actor=member, request_id=request_id)
            ).request
            pairing_id = request.pairing_id
            if pairing_id is None:
                current = await pairings.current_pairing_of(
                    session=session, small_hand_id=request.enterprise_id
                )
                if current is None or current.id is None:
                    raise Refused(member, f"help request {request_id} has no pairing")
                pairing_id = current.id
            pairing = await pairings.get_pairing(session=session, pairing_id=pairing_id)
            phase = pairing.phase if pairing.phase is not Phase.closed else Phase.middle
            for index, starts_at in enumerate(candidates):
                last = index == len(candidates) - 1
                try:
                    # Only the last candidate's clash is shown; a clash is refused before
                    # anything is written, so the next one can be tried in this unit of work.
                    with rendering_clashes(context, starts_at) if last else nullcontext():
                        visit = await booking.propose_visit(
                            session=session,
                            pairing_id=pairing_id,
                            mentor_id=person_id,
                            starts_at=starts_at,
                            now=now,
                            purpose=VisitPurpose.help,
                            phase=phase,
                            help_request_id=request_id,
                        )
                except VisitClash:
                    continue
                view = VisitView(
                    await visits.visit_context(session=session, visit_id=visit.id or 0)
                )
                break
    except RenderedClash as clash:
        await respond(update, context.bot, clash.html)
        return False
    except ValueError:
        await respond(update, context.bot, text(lang, "requests.when_past"))
        return False
    except NotAllowed:
        await respond(update, context.bot, text(lang, "requests.ended", id=request_id))
        return True
    if view is None:
        await respond(update, context.bot, text(lang, "visits.no_free_slot"))
        return False
    arm(context, view.visit)
    await announce(update, context, view, mine, "visits.to_manager_proposed")
    return True


def build_handler() -> ConversationHandler[Any]:
    """ "Propose a visit" on a request, then a typed time or "soonest free slot"."""
    soonest = CallbackQueryHandler(book_soonest, pattern=callbacks.REQUEST_SOONEST.pattern)
    return conversation(
        "help_visit",
        [CallbackQueryHandler(ask_when, pattern=callbacks.HELP_VISIT.pattern), soonest],
        {AWAITING_WHEN: [MessageHandler(filters.TEXT & ~filters.COMMAND, book_typed), soonest]},
    )
