"""/visit: a mentor proposes a visit with inline pickers; the other side confirms, moves or cancels.

The pickers are stateless: each button carries the choices made so far (small hand, day, time,
purpose, phase), so an old picker still works after a restart, and the last press books. The
days offered are today (while a slot an hour ahead is left) and the next working days
(`programme.visits.bookable_days`). While a day or time picker is shown, a typed date or time
("今天下午3点", "明天上午", "周五 14:00", "tomorrow 10am", "15:00"; `programme.when`) is read as
the answer: an exact time moves on as if its button was pressed, a day or a part of the day
offers that day's (or part's) slots, and anything else gets a prompt with examples, never the
question path. Other visits the same day at the enterprise or of the mentor are shown as a
warning before booking (propose anyway / another time). Moving and cancelling end by asking the
reason. Every press re-checks, against the database, that the member takes part in the visit
(`bot.handlers.visits.load_visit`); only the other side of whoever proposed a time confirms it.
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
from catalog import text
from programme import visits as booking
from programme.access import require_enterprise, require_role
from programme.errors import NotAllowed, Refused, VisitClash, VisitClosed
from programme.when import PART_OF_DAY_WINDOWS, WhenKind, parse_when
from programme.workdays import is_working_day
from storage.enums import Role
from storage.models import Visit
from storage.repositories import enterprises, pairings, visits

__all__ = [
    "HANDLERS",
    "SLOTS",
    "book_visit",
    "book_visit_anyway",
    "build_handler",
    "confirm_visit",
    "read_when",
    "start_booking",
]

AWAITING_REASON = 1
AWAITING_WHEN = 2
_DRAFT = "visit_draft"
DAYS_AHEAD = 14  # calendar days; the picker itself offers `booking.DAYS_AHEAD` working days
SLOTS: tuple[time, ...] = booking.SLOTS


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


def _day_value(day: date) -> int:
    return int(f"{day:%Y%m%d}")


def _start_value(moment: datetime) -> int:
    return int(f"{moment:%Y%m%d%H%M}")


def day_picker(context: BotContext, encode: Any) -> Buttons:
    """Today (while a slot is left) and the next working days, four a row, weekdays named."""
    lang = context.member.lang
    names = text(lang, "visits.weekdays").split(",")
    tz, now = context.services.settings.tz, context.services.clock()
    today = now.astimezone(tz).date()
    days = booking.bookable_days(now=now, tz=tz)
    buttons = [
        (
            text(lang, "visits.today") if d == today else f"{d:%m-%d} {names[d.weekday()]}",
            encode(_day_value(d)),
        )
        for d in days
    ]
    return _rows(buttons, 4)


def slot_buttons(context: BotContext, slots: list[datetime], encode: Any) -> Buttons:
    """One button per slot; the day is shown when the slots span several days."""
    tz = context.services.settings.tz
    several = len({s.astimezone(tz).date() for s in slots}) > 1
    label = "%m-%d %H:%M" if several else "%H:%M"
    buttons = [(s.astimezone(tz).strftime(label), encode(_start_value(s))) for s in slots]
    return _rows(buttons, 3 if several else 4)


def time_picker(context: BotContext, day: date, encode: Any) -> Buttons:
    """The day's slots still bookable (none on a non-working day, none within the hour)."""
    tz, now = context.services.settings.tz, context.services.clock()
    return slot_buttons(context, booking.day_slots(day, now=now, tz=tz), encode)


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


async def pick_day(update: Update, context: BotContext) -> int:
    """A small hand is chosen: which day? (or type a time)"""
    (hand_id,) = await pressed_ids(update, callbacks.VISIT_HAND)
    name = await _hand_name(context, hand_id)
    _remember(context, hand=hand_id)
    rows = day_picker(context, lambda day: callbacks.VISIT_DAY.encode(hand_id, day))
    html = text(context.member.lang, "visits.pick_day_typed", enterprise=name)
    await respond(update, context.bot, html, rows, edit=True)
    return AWAITING_WHEN


async def pick_time(update: Update, context: BotContext) -> int:
    """A day is chosen: which time? (or type one)"""
    hand_id, day_value = await pressed_ids(update, callbacks.VISIT_DAY)
    name = await _hand_name(context, hand_id)
    day = _day(context.member, day_value)
    _remember(context, hand=hand_id, day=day.isoformat())
    await _offer_day(update, context, name, day, _hand_time(hand_id), edit=True)
    return AWAITING_WHEN


def _hand_time(hand_id: int) -> Any:
    return lambda start: callbacks.VISIT_TIME.encode(hand_id, start)


async def _offer_day(
    update: Update, context: BotContext, name: str, day: date, encode: Any, *, edit: bool
) -> None:
    lang = context.member.lang
    rows = time_picker(context, day, encode)
    if rows:
        html = text(lang, "visits.pick_time_typed", enterprise=name, day=day.isoformat())
    else:
        html = text(lang, "visits.no_slots_day", day=day.isoformat())
    await respond(update, context.bot, html, rows, edit=edit)


async def offer_purposes(update: Update, context: BotContext, hand_id: int, start: int) -> None:
    """The time is chosen (pressed or typed): what is the visit for?"""
    lang, name = context.member.lang, await _hand_name(context, hand_id)
    when = local_time(context, _start(context, context.member, start))
    buttons = [
        (text(lang, f"visits.purpose.{p.value}"), callbacks.VISIT_PURPOSE.encode(hand_id, start, i))
        for i, p in enumerate(PURPOSES)
    ]
    html = text(lang, "visits.pick_purpose", enterprise=name, when=when)
    await respond(
        update, context.bot, html, _rows(buttons, 2), edit=update.callback_query is not None
    )


async def pick_purpose(update: Update, context: BotContext) -> int:
    hand_id, start = await pressed_ids(update, callbacks.VISIT_TIME)
    _forget(context)
    await offer_purposes(update, context, hand_id, start)
    return ConversationHandler.END


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


def _remember(context: BotContext, **draft: object) -> None:
    if context.user_data is not None:
        context.user_data[_DRAFT] = dict(draft)


def _forget(context: BotContext) -> dict[str, Any] | None:
    draft: dict[str, Any] | None = (context.user_data or {}).pop(_DRAFT, None)
    return draft


async def read_when(update: Update, context: BotContext) -> int:
    """A typed date or time while a picker waits: an exact time moves on, a day or a part of
    the day offers its slots, anything else is asked again (never a question to the bureau)."""
    message, member = update.effective_message, context.member
    draft = (context.user_data or {}).get(_DRAFT)
    if message is None or draft is None:
        return ConversationHandler.END
    lang, tz, now = member.lang, context.services.settings.tz, context.services.clock()
    parsed = parse_when(message.text or "", now=now.astimezone(tz))
    if parsed is None:
        await respond(update, context.bot, text(lang, "visits.when_unreadable"))
        return AWAITING_WHEN
    if parsed.is_past:
        await respond(update, context.bot, text(lang, "visits.when_past"))
        return AWAITING_WHEN
    moving = "visit" in draft
    if moving:
        visit_id = int(draft["visit"])
        view = await _active_view(update, context, visit_id)
        if view is None:
            _forget(context)
            return ConversationHandler.END
        name = escape(view.ctx.small_hand.name)

        def encode(start: int) -> str:
            return callbacks.VISIT_MOVE_TIME.encode(visit_id, start)
    else:
        hand_id = int(draft["hand"])
        name = await _hand_name(context, hand_id)
        encode = _hand_time(hand_id)
    day = parsed.date
    if not parsed.date_explicit and draft.get("day"):
        day = date.fromisoformat(str(draft["day"]))  # "15:00" after picking a day: that day
    if parsed.kind is WhenKind.AT and parsed.time is not None:
        starts_at = datetime.combine(day, parsed.time, tzinfo=tz)
        if starts_at <= now:
            await respond(update, context.bot, text(lang, "visits.when_past"))
            return AWAITING_WHEN
        if moving:
            return await _ask_move_reason(update, context, visit_id, starts_at)
        _forget(context)
        await offer_purposes(update, context, hand_id, _start_value(starts_at))
        return ConversationHandler.END
    if parsed.kind is WhenKind.ASAP:
        slots = booking.earliest_slots(now, tz=tz)
        label = text(lang, "visits.when_soonest")
    elif parsed.kind is WhenKind.PART_OF_DAY and parsed.part_of_day is not None:
        window = PART_OF_DAY_WINDOWS[parsed.part_of_day]
        slots = booking.day_slots(day, now=now, tz=tz, between=(window.start, window.end))
        label = f"{day.isoformat()} {message.text or ''}".strip()
    else:
        slots = booking.day_slots(day, now=now, tz=tz)
        label = day.isoformat()
    if not slots:
        key = "visits.no_slots_day" if is_working_day(day) else "visits.when_not_working_day"
        await respond(update, context.bot, text(lang, key, day=day.isoformat()))
        return AWAITING_WHEN
    html = text(lang, "visits.when_slots", enterprise=name, label=escape(label))
    await respond(update, context.bot, html, slot_buttons(context, slots, encode))
    return AWAITING_WHEN


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


def _same_day_warning(
    context: BotContext, starts_at: datetime, others: list[Visit], names: dict[int, tuple[str, str]]
) -> str:
    """The warning listing ``others`` (visits that day); ``names``: visit id -> (hand, mentor)."""
    lang = context.member.lang
    lines = [
        text(
            lang,
            "visits.same_day_line",
            id=v.id,
            when=local_time(context, v.starts_at),
            enterprise=escape(names[v.id or 0][0]),
            mentor=escape(names[v.id or 0][1]),
            status=text(lang, f"visits.status.{v.status.value}"),
        )
        for v in others
    ]
    return text(
        lang, "visits.same_day", when=local_time(context, starts_at), visits="\n".join(lines)
    )


async def book_visit(update: Update, context: BotContext) -> int:
    """The last picker press: warn of other visits that day, else propose the visit; the
    small hand's managers are asked to confirm."""
    return await _book(update, context, callbacks.VISIT_BOOK, warn=True)


async def book_visit_anyway(update: Update, context: BotContext) -> int:
    """ "Propose anyway" under the same-day warning (true overlaps are still refused)."""
    return await _book(update, context, callbacks.VISIT_BOOK_ANYWAY, warn=False)


async def _book(
    update: Update, context: BotContext, fmt: callbacks.CallbackFormat, *, warn: bool
) -> int:
    hand_id, start, purpose, phase = await pressed_ids(update, fmt)
    member = context.member
    person_id = require_role(member, Role.mentor)
    if purpose >= len(PURPOSES) or phase >= len(PHASES):
        raise Refused(member, f"purpose {purpose} / phase {phase}")
    _forget(context)
    starts_at = _start(context, member, start)
    now, tz = context.services.clock(), context.services.settings.tz
    warning: str | None = None
    try:
        async with context.services.unit_of_work() as session:
            await require_enterprise(session, member, hand_id)
            pairing = await pairings.current_pairing_of(session=session, small_hand_id=hand_id)
            if pairing is None or pairing.id is None:
                raise Refused(member, f"no current pairing for {hand_id}")
            if warn and starts_at > now:
                with rendering_clashes(context, starts_at):
                    await booking.refuse_overlap(
                        session=session, mentor_id=person_id, starts_at=starts_at
                    )
            others = (
                await booking.same_day_visits(
                    session=session,
                    small_hand_id=hand_id,
                    mentor_id=person_id,
                    starts_at=starts_at,
                    tz=tz,
                )
                if warn and starts_at > now
                else []
            )
            if others:
                names = {}
                for other in others:
                    ctx = await visits.visit_context(session=session, visit_id=other.id or 0)
                    names[other.id or 0] = (ctx.small_hand.name, ctx.mentor.name)
                warning = _same_day_warning(context, starts_at, others, names)
            else:
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
                view = VisitView(
                    await visits.visit_context(session=session, visit_id=visit.id or 0)
                )
    except RenderedClash as clash:
        retry = time_picker(context, starts_at.astimezone(tz).date(), _hand_time(hand_id))
        await respond(update, context.bot, clash.html, retry)
        return ConversationHandler.END
    except NotAllowed as refusal:
        await respond(update, context.bot, refusal_text(member.lang, refusal))
        return ConversationHandler.END
    if warning is not None:
        lang = member.lang
        buttons = [
            [
                (
                    text(lang, "visits.book_anyway"),
                    callbacks.VISIT_BOOK_ANYWAY.encode(hand_id, start, purpose, phase),
                ),
                (
                    text(lang, "visits.pick_another"),
                    callbacks.VISIT_DAY.encode(hand_id, _day_value(starts_at.astimezone(tz))),
                ),
            ]
        ]
        await respond(update, context.bot, warning, buttons, edit=True)
        return ConversationHandler.END
    arm(context, view.visit)
    await announce(update, context, view, "visits.proposed", "visits.to_manager_proposed")
    return ConversationHandler.END


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
    """ "Confirm": the other side agrees to the time (a manager to the mentor's proposal, the
    mentor to a manager's new time); one's own proposal is refused."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_CONFIRM)
    member = context.member
    try:
        async with context.services.unit_of_work() as session:
            await load_visit(session, member, visit_id)
            await booking.confirm_visit(
                session=session, visit_id=visit_id, actor=member, now=context.services.clock()
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


async def pick_new_day(update: Update, context: BotContext) -> int:
    """ "Reschedule" / "another time": pick the new day (or type the new time)."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_MOVE)
    view = await _active_view(update, context, visit_id)
    if view is None:
        return ConversationHandler.END
    _remember(context, visit=visit_id)
    lang = context.member.lang
    rows = day_picker(context, lambda day: callbacks.VISIT_MOVE_DAY.encode(visit_id, day))
    html = text(lang, "visits.pick_day_typed", enterprise=escape(view.ctx.small_hand.name))
    await respond(update, context.bot, html, rows)
    return AWAITING_WHEN


async def pick_new_time(update: Update, context: BotContext) -> int:
    visit_id, day_value = await pressed_ids(update, callbacks.VISIT_MOVE_DAY)
    view = await _active_view(update, context, visit_id)
    if view is None:
        return ConversationHandler.END
    day = _day(context.member, day_value)
    _remember(context, visit=visit_id, day=day.isoformat())
    name = escape(view.ctx.small_hand.name)
    encode = lambda start: callbacks.VISIT_MOVE_TIME.encode(visit_id, start)  # noqa: E731
    await _offer_day(update, context, name, day, encode, edit=True)
    return AWAITING_WHEN


async def ask_move_reason(update: Update, context: BotContext) -> int:
    """The new time is chosen: ask why."""
    visit_id, start = await pressed_ids(update, callbacks.VISIT_MOVE_TIME)
    if await _active_view(update, context, visit_id) is None:
        return ConversationHandler.END
    return await _ask_move_reason(update, context, visit_id, _start(context, context.member, start))


async def _ask_move_reason(
    update: Update, context: BotContext, visit_id: int, starts_at: datetime
) -> int:
    _remember(context, visit=visit_id, move_to=starts_at.isoformat())
    html = text(context.member.lang, "visits.ask_reason_move", when=local_time(context, starts_at))
    await respond(update, context.bot, html)
    return AWAITING_REASON


async def ask_cancel_reason(update: Update, context: BotContext) -> int:
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_CANCEL)
    if await _active_view(update, context, visit_id) is None:
        return ConversationHandler.END
    if context.user_data is not None:
        context.user_data[_DRAFT] = {"visit": visit_id}
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
    move_to = datetime.fromisoformat(draft["move_to"]) if draft.get("move_to") else None
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
                        actor_id=member.person_id or 0,
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


def _typed_time() -> MessageHandler[Any, Any]:
    return MessageHandler(filters.TEXT & ~filters.COMMAND, read_when)


def build_handler() -> ConversationHandler[Any]:
    """Booking and changing a visit: while a day or time picker is shown, a typed time is the
    answer; moving and cancelling end with the reason."""
    return conversation(
        "visit_booking",
        [
            CallbackQueryHandler(pick_day, pattern=callbacks.VISIT_HAND.pattern),
            CallbackQueryHandler(pick_time, pattern=callbacks.VISIT_DAY.pattern),
            CallbackQueryHandler(pick_new_day, pattern=callbacks.VISIT_MOVE.pattern),
            CallbackQueryHandler(pick_new_time, pattern=callbacks.VISIT_MOVE_DAY.pattern),
            CallbackQueryHandler(ask_move_reason, pattern=callbacks.VISIT_MOVE_TIME.pattern),
            CallbackQueryHandler(ask_cancel_reason, pattern=callbacks.VISIT_CANCEL.pattern),
        ],
        {
            AWAITING_WHEN: [
                _typed_time(),
                # The next presses leave the dialogue: what is typed next is not a time.
                CallbackQueryHandler(pick_purpose, pattern=callbacks.VISIT_TIME.pattern),
                CallbackQueryHandler(book_visit, pattern=callbacks.VISIT_BOOK.pattern),
                CallbackQueryHandler(
                    book_visit_anyway, pattern=callbacks.VISIT_BOOK_ANYWAY.pattern
                ),
            ],
            AWAITING_REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, apply_change)],
        },
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("visit", start_booking, filters=for_roles(Role.mentor)),
    CallbackQueryHandler(pick_purpose, pattern=callbacks.VISIT_TIME.pattern),
    CallbackQueryHandler(pick_phase, pattern=callbacks.VISIT_PURPOSE.pattern),
    CallbackQueryHandler(book_visit, pattern=callbacks.VISIT_BOOK.pattern),
    CallbackQueryHandler(book_visit_anyway, pattern=callbacks.VISIT_BOOK_ANYWAY.pattern),
    CallbackQueryHandler(confirm_visit, pattern=callbacks.VISIT_CONFIRM.pattern),
]
