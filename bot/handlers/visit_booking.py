"""/visit: a mentor proposes a visit with inline pickers; either side confirms, moves or cancels.

The pickers are stateless: each button carries the choices made so far (small hand, day, time,
purpose, phase), so an old picker still works after a restart, and the last press books. Moving
and cancelling end in a short conversation that asks for the reason. Every press re-checks,
against the database, that the member takes part in the visit (`bot.handlers.visits.load_visit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotContext, Member
from bot.conversations import conversation
from bot.gate import for_roles
from bot.handlers.errors import refusal_text
from bot.handlers.visits import (
    PHASES,
    PURPOSES,
    VisitView,
    arm,
    load_visit,
    local_time,
    render_card,
    tell,
    visit_buttons,
)
from bot.ui.html import escape
from bot.ui.replies import Buttons, pressed_ids, respond
from bot.ui.texts import text
from programme import visits as booking
from programme.access import require_enterprise, require_role
from programme.errors import NotAllowed, Refused, VisitClash, VisitClosed
from storage.enums import Role
from storage.repositories import enterprises, pairings, visits

__all__ = [
    "HANDLERS",
    "SLOTS",
    "book_visit",
    "build_handler",
    "confirm_visit",
    "start_booking",
]

AWAITING_REASON = 1
_DRAFT = "visit_draft"
DAYS_AHEAD = 14
SLOTS: tuple[time, ...] = tuple(
    time(hour, minute)
    for hour, minute in (
        *((8, 30), (9, 0), (9, 30), (10, 0), (10, 30)),
        *((13, 30), (14, 0), (14, 30), (15, 0), (15, 30), (16, 0)),
    )
)


def _rows(buttons: list[tuple[str, str]], width: int) -> Buttons:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _day(member: Member, value: int) -> date:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError as exc:
        raise Refused(member, f"malformed day {value}") from exc


def _start(context: BotContext, member: Member, value: int) -> datetime:
    """A picker's local wall-clock start (yyyymmddhhmm) as an aware datetime."""
    try:
        naive = datetime.strptime(str(value), "%Y%m%d%H%M")
    except ValueError as exc:
        raise Refused(member, f"malformed start {value}") from exc
    return naive.replace(tzinfo=context.services.settings.tz)


def day_picker(context: BotContext, encode: Any) -> Buttons:
    """The next two weeks from tomorrow, four days a row, weekdays named."""
    lang = context.member.lang
    names = text(lang, "visits.weekdays").split(",")
    today = context.services.today()
    days = [today + timedelta(days=n) for n in range(1, DAYS_AHEAD + 1)]
    buttons = [(f"{d:%m-%d} {names[d.weekday()]}", encode(int(f"{d:%Y%m%d}"))) for d in days]
    return _rows(buttons, 4)


def time_picker(day: date, encode: Any) -> Buttons:
    buttons = [(f"{slot:%H:%M}", encode(int(f"{day:%Y%m%d}{slot:%H%M}"))) for slot in SLOTS]
    return _rows(buttons, 4)


async def start_booking(update: Update, context: BotContext) -> None:
    """/visit: which small hand?"""
    member = context.member
    person_id = require_role(member, Role.mentor)
    async with context.services.unit_of_work() as session:
        hands = await pairings.small_hands_of_mentor(session=session, person_id=person_id)
    if not hands:
        await respond(update, context.bot, text(member.lang, "visits.no_hands"))
        return
    rows = [[(hand.name, callbacks.VISIT_HAND.encode(hand.id or 0))] for hand in hands]
    await respond(update, context.bot, text(member.lang, "visits.pick_hand"), rows)


async def _hand_name(context: BotContext, hand_id: int) -> str:
    member = context.member
    require_role(member, Role.mentor)
    async with context.services.unit_of_work() as session:
        await require_enterprise(session, member, hand_id)
        hand = await enterprises.get_enterprise(session=session, enterprise_id=hand_id)
    return escape(hand.name)


async def pick_day(update: Update, context: BotContext) -> None:
    (hand_id,) = await pressed_ids(update, callbacks.VISIT_HAND)
    name = await _hand_name(context, hand_id)
    rows = day_picker(context, lambda day: callbacks.VISIT_DAY.encode(hand_id, day))
    html = text(context.member.lang, "visits.pick_day", enterprise=name)
    await respond(update, context.bot, html, rows, edit=True)


async def pick_time(update: Update, context: BotContext) -> None:
    hand_id, day_value = await pressed_ids(update, callbacks.VISIT_DAY)
    name = await _hand_name(context, hand_id)
    day = _day(context.member, day_value)
    rows = time_picker(day, lambda start: callbacks.VISIT_TIME.encode(hand_id, start))
    html = text(context.member.lang, "visits.pick_time", enterprise=name, day=day.isoformat())
    await respond(update, context.bot, html, rows, edit=True)


async def pick_purpose(update: Update, context: BotContext) -> None:
    hand_id, start = await pressed_ids(update, callbacks.VISIT_TIME)
    lang, name = context.member.lang, await _hand_name(context, hand_id)
    when = local_time(context, _start(context, context.member, start))
    buttons = [
        (text(lang, f"visits.purpose.{p.value}"), callbacks.VISIT_PURPOSE.encode(hand_id, start, i))
        for i, p in enumerate(PURPOSES)
    ]
    html = text(lang, "visits.pick_purpose", enterprise=name, when=when)
    await respond(update, context.bot, html, _rows(buttons, 2), edit=True)


async def pick_phase(update: Update, context: BotContext) -> None:
    hand_id, start, purpose = await pressed_ids(update, callbacks.VISIT_PURPOSE)
    lang, name = context.member.lang, await _hand_name(context, hand_id)
    if purpose >= len(PURPOSES):
        raise Refused(context.member, f"purpose {purpose}")
    when = local_time(context, _start(context, context.member, start))
    buttons = [
        (
            text(lang, f"visits.phase.{p.value}"),
            callbacks.VISIT_BOOK.encode(hand_id, start, purpose, i),
        )
        for i, p in enumerate(PHASES)
    ]
    label = text(lang, f"visits.purpose.{PURPOSES[purpose].value}")
    html = text(lang, "visits.pick_phase", enterprise=name, when=when, purpose=label)
    await respond(update, context.bot, html, [buttons], edit=True)


class RenderedClash(Exception):
    """A `VisitClash` already rendered for the member (as ``html``)."""

    def __init__(self, html: str) -> None:
        super().__init__(html)
        self.html = html


@contextmanager
def rendering_clashes(context: BotContext, starts_at: datetime) -> Iterator[None]:
    """Turn a `VisitClash` into a `RenderedClash` inside the unit of work: the rollback that
    follows expires the clashing visits, so they are rendered while still loaded."""
    try:
        yield
    except VisitClash as clash:
        lang = context.member.lang
        lines = [
            text(
                lang,
                "visits.clash_line",
                id=v.id,
                when=local_time(context, v.starts_at),
                ends=local_time(context, v.starts_at + timedelta(minutes=v.duration_minutes))[-5:],
                status=text(lang, f"visits.status.{v.status.value}"),
            )
            for v in clash.clashes
        ]
        when = local_time(context, starts_at)
        html = text(lang, "visits.clash", when=when, clashes="\n".join(lines))
        raise RenderedClash(html) from clash


async def book_visit(update: Update, context: BotContext) -> None:
    """The last picker press: propose the visit; the small hand's managers are asked to confirm."""
    hand_id, start, purpose, phase = await pressed_ids(update, callbacks.VISIT_BOOK)
    member = context.member
    person_id = require_role(member, Role.mentor)
    if purpose >= len(PURPOSES) or phase >= len(PHASES):
        raise Refused(member, f"purpose {purpose} / phase {phase}")
    starts_at = _start(context, member, start)
    now = context.services.clock()
    try:
        async with context.services.unit_of_work() as session:
            await require_enterprise(session, member, hand_id)
            pairing = await pairings.current_pairing_of(session=session, small_hand_id=hand_id)
            if pairing is None or pairing.id is None:
                raise Refused(member, f"no current pairing for {hand_id}")
            with rendering_clashes(context, starts_at):
                visit = await booking.propose_visit(
                    session=session,
                    pairing_id=pairing.id,
                    mentor_id=person_id,
                    starts_at=starts_at,
                    now=now,
                    purpose=PURPOSES[purpose],
                    phase=PHASES[phase],
                )
            view = VisitView(await visits.visit_context(session=session, visit_id=visit.id or 0))
    except RenderedClash as clash:
        day = starts_at.date()
        retry = time_picker(day, lambda value: callbacks.VISIT_TIME.encode(hand_id, value))
        await respond(update, context.bot, clash.html, retry)
        return
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return
    arm(context, view.visit)
    await announce(update, context, view, "visits.proposed", "visits.to_manager_proposed")


async def announce(
    update: Update, context: BotContext, view: VisitView, mine: str, theirs: str, **values: object
) -> None:
    """Show the member the visit's card under ``mine``; tell the other side under ``theirs``."""
    member, now = context.member, context.services.clock()
    html = text(member.lang, mine, card=render_card(context, view, member.lang), **values)
    buttons = visit_buttons(view, member.lang, as_mentor=view.is_mentor(member), now=now)
    await respond(update, context.bot, html, buttons, edit=update.callback_query is not None)
    await tell(
        context.bot, context, view, view.others(member), theirs, name=escape(member.name), **values
    )


async def _closed(update: Update, context: BotContext, error: VisitClosed) -> None:
    lang = context.member.lang
    status = text(lang, f"visits.status.{error.status}")
    await respond(
        update, context.bot, text(lang, "visits.closed", id=error.visit_id, status=status)
    )


async def confirm_visit(update: Update, context: BotContext) -> None:
    """ "Confirm": a manager (or, after a manager moved it, the mentor) agrees to the time."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_CONFIRM)
    member = context.member
    try:
        async with context.services.unit_of_work() as session:
            await load_visit(session, member, visit_id)
            await booking.confirm_visit(
                session=session, visit_id=visit_id, now=context.services.clock()
            )
            view = VisitView(await visits.visit_context(session=session, visit_id=visit_id))
    except VisitClosed as closed:
        await _closed(update, context, closed)
        return
    arm(context, view.visit)
    await announce(update, context, view, "visits.confirmed", "visits.confirmed_to_other")


async def _active_view(update: Update, context: BotContext, visit_id: int) -> VisitView | None:
    async with context.services.unit_of_work() as session:
        view = await load_visit(session, context.member, visit_id)
    if view.visit.status not in visits.ACTIVE:
        await _closed(update, context, VisitClosed(visit_id, view.visit.status.value))
        return None
    return view


async def pick_new_day(update: Update, context: BotContext) -> None:
    """ "Reschedule" / "another time": pick the new day."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_MOVE)
    view = await _active_view(update, context, visit_id)
    if view is None:
        return
    lang = context.member.lang
    rows = day_picker(context, lambda day: callbacks.VISIT_MOVE_DAY.encode(visit_id, day))
    html = text(lang, "visits.pick_day", enterprise=escape(view.ctx.small_hand.name))
    await respond(update, context.bot, html, rows)


async def pick_new_time(update: Update, context: BotContext) -> None:
    visit_id, day_value = await pressed_ids(update, callbacks.VISIT_MOVE_DAY)
    view = await _active_view(update, context, visit_id)
    if view is None:
        return
    day = _day(context.member, day_value)
    rows = time_picker(day, lambda start: callbacks.VISIT_MOVE_TIME.encode(visit_id, start))
    name = escape(view.ctx.small_hand.name)
    html = text(context.member.lang, "visits.pick_time", enterprise=name, day=day.isoformat())
    await respond(update, context.bot, html, rows, edit=True)


async def ask_move_reason(update: Update, context: BotContext) -> int:
    """The new time is chosen: ask why (the conversation's entry point)."""
    visit_id, start = await pressed_ids(update, callbacks.VISIT_MOVE_TIME)
    if await _active_view(update, context, visit_id) is None:
        return ConversationHandler.END
    starts_at = _start(context, context.member, start)
    if context.user_data is not None:
        context.user_data[_DRAFT] = {"visit": visit_id, "move_to": starts_at.isoformat()}
    html = text(context.member.lang, "visits.ask_reason_move", when=local_time(context, starts_at))
    await respond(update, context.bot, html)
    return AWAITING_REASON


async def ask_cancel_reason(update: Update, context: BotContext) -> int:
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_CANCEL)
    if await _active_view(update, context, visit_id) is None:
        return ConversationHandler.END
    if context.user_data is not None:
        context.user_data[_DRAFT] = {"visit": visit_id, "move_to": None}
    await respond(update, context.bot, text(context.member.lang, "visits.ask_reason_cancel"))
    return AWAITING_REASON


async def apply_change(update: Update, context: BotContext) -> int:
    """The reason: move or cancel the visit, re-arm its reminders, tell the other side."""
    message, member = update.effective_message, context.member
    draft = (context.user_data or {}).pop(_DRAFT, None)
    if message is None or not message.text or draft is None:
        return ConversationHandler.END
    reason, visit_id, now = (
        message.text.strip()[:500],
        int(draft["visit"]),
        context.services.clock(),
    )
    move_to = datetime.fromisoformat(draft["move_to"]) if draft["move_to"] else None
    try:
        async with context.services.unit_of_work() as session:
            await load_visit(session, member, visit_id)
            if move_to is not None:
                with rendering_clashes(context, move_to):
                    await booking.reschedule_visit(
                        session=session,
                        visit_id=visit_id,
                        starts_at=move_to,
                        reason=reason,
                        now=now,
                    )
            else:
                await booking.cancel_visit(
                    session=session, visit_id=visit_id, reason=reason, now=now
                )
            view = VisitView(await visits.visit_context(session=session, visit_id=visit_id))
    except RenderedClash as clash:
        retry = day_picker(context, lambda day: callbacks.VISIT_MOVE_DAY.encode(visit_id, day))
        await respond(update, context.bot, clash.html, retry)
        return ConversationHandler.END
    except VisitClosed as closed:
        await _closed(update, context, closed)
        return ConversationHandler.END
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return ConversationHandler.END
    arm(context, view.visit)
    if move_to is not None:
        await announce(
            update, context, view, "visits.moved", "visits.moved_to_other", reason=escape(reason)
        )
    else:
        await respond(update, context.bot, text(member.lang, "visits.cancelled", id=visit_id))
        await tell(
            context.bot,
            context,
            view,
            view.others(member),
            "visits.cancelled_to_other",
            name=escape(member.name),
            reason=escape(reason),
        )
    return ConversationHandler.END


def build_handler() -> ConversationHandler[Any]:
    """Moving or cancelling a visit: the new time or the cancel button, then the reason."""
    return conversation(
        "visit_change",
        [
            CallbackQueryHandler(ask_move_reason, pattern=callbacks.VISIT_MOVE_TIME.pattern),
            CallbackQueryHandler(ask_cancel_reason, pattern=callbacks.VISIT_CANCEL.pattern),
        ],
        {AWAITING_REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, apply_change)]},
    )


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("visit", start_booking, filters=for_roles(Role.mentor)),
    CallbackQueryHandler(pick_day, pattern=callbacks.VISIT_HAND.pattern),
    CallbackQueryHandler(pick_time, pattern=callbacks.VISIT_DAY.pattern),
    CallbackQueryHandler(pick_purpose, pattern=callbacks.VISIT_TIME.pattern),
    CallbackQueryHandler(pick_phase, pattern=callbacks.VISIT_PURPOSE.pattern),
    CallbackQueryHandler(book_visit, pattern=callbacks.VISIT_BOOK.pattern),
    CallbackQueryHandler(confirm_visit, pattern=callbacks.VISIT_CONFIRM.pattern),
    CallbackQueryHandler(pick_new_day, pattern=callbacks.VISIT_MOVE.pattern),
    CallbackQueryHandler(pick_new_time, pattern=callbacks.VISIT_MOVE_DAY.pattern),
]
