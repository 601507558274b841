"""/visits: upcoming visits with their buttons and an .ics file each; what the visit handlers share.

Booking, confirming, moving and cancelling live in `bot.handlers.visit_booking`, the after-visit
dialogue in `bot.handlers.visit_outcomes`, the help request's one-tap visit in
`bot.handlers.visit_hook`. All of them load a visit through `load_visit`, which checks the member
may act on it (callback data is untrusted), and re-arm its reminders through `arm` after the
unit of work has committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ExtBot

from bot import callbacks
from bot.context import BotContext, Member
from bot.gate import for_roles
from bot.ui.html import escape
from bot.ui.replies import Buttons, pressed_ids, respond, send
from catalog import language_of, text
from programme import visits as booking
from programme.access import require_role
from programme.errors import Refused
from scheduler.ics import visit_ics
from storage.enums import Phase, Role, VisitPurpose, VisitStatus
from storage.models import Person, Visit
from storage.repositories import pairings, visits
from storage.repositories.people import is_reachable

__all__ = [
    "HANDLERS",
    "PHASES",
    "PURPOSES",
    "arm",
    "load_visit",
    "render_card",
    "send_ics",
    "show_visits",
    "tell",
    "visit_buttons",
]

# Indexes into these travel in callback data: append only, never reorder.
PURPOSES: tuple[VisitPurpose, ...] = tuple(VisitPurpose)
PHASES: tuple[Phase, ...] = (Phase.early, Phase.middle, Phase.late)

_LIST_LIMIT = 15
_RECORDABLE_FOR = timedelta(days=30)  # a visit's outcome can be recorded this long after it


def local_time(context: BotContext, moment: datetime) -> str:
    """A UTC moment as local wall-clock text (the programme's time zone)."""
    return moment.astimezone(context.services.settings.tz).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class VisitView:
    """A visit with the people around it, as the handlers need it."""

    ctx: visits.VisitContext

    @property
    def visit(self) -> Visit:
        return self.ctx.visit

    @property
    def visit_id(self) -> int:
        assert self.ctx.visit.id is not None
        return self.ctx.visit.id

    def is_mentor(self, member: Member) -> bool:
        return member.person_id == self.ctx.visit.mentor_id

    def others(self, member: Member) -> list[Person]:
        """Who hears about what ``member`` did: the other side, reachable people only."""
        people = list(self.ctx.managers) if self.is_mentor(member) else [self.ctx.mentor]
        return [p for p in people if is_reachable(p) and p.id != member.person_id]


async def load_visit(session: AsyncSession, member: Member, visit_id: int) -> VisitView:
    """The visit, if the member takes part in it: its mentor, or a manager of its small hand.

    Raises:
        NotFound: no such visit (a stale button).
        Refused: anyone else (a forged button).
    """
    ctx = await visits.visit_context(session=session, visit_id=visit_id)
    view = VisitView(ctx)
    if member.role is Role.mentor and view.is_mentor(member):
        return view
    if member.role is Role.manager and member.enterprise_id == ctx.small_hand.id:
        return view
    raise Refused(member, f"visit {visit_id}")


def render_card(context: BotContext, view: VisitView, lang: str) -> str:
    """A visit's card: who, where, when, why, and its status."""
    visit, hand = view.visit, view.ctx.small_hand
    return text(
        lang,
        "visits.card",
        id=visit.id,
        status=text(lang, f"visits.status.{visit.status.value}"),
        enterprise=escape(hand.name),
        when=local_time(context, visit.starts_at),
        address=escape(hand.address or "—"),
        purpose=text(lang, f"visits.purpose.{visit.purpose.value}"),
        phase=text(lang, f"visits.phase.{visit.phase.value}"),
        mentor=escape(view.ctx.mentor.name),
    )


def visit_buttons(
    view: VisitView, lang: str, *, as_mentor: bool, now: datetime, may_confirm: bool = False
) -> Buttons:
    """What one side can do with a visit now; ``may_confirm`` for the side asked to agree."""
    visit_id, visit = view.visit_id, view.visit
    if visit.status not in visits.ACTIVE:
        return []
    first = [(text(lang, "visits.ics"), callbacks.VISIT_ICS.encode(visit_id))]
    if visit.starts_at <= now:
        if as_mentor:
            first.append((text(lang, "visits.record"), callbacks.VISIT_OUTCOME.encode(visit_id)))
        return [first]
    if may_confirm and visit.status is VisitStatus.proposed:
        first.insert(0, (text(lang, "visits.confirm"), callbacks.VISIT_CONFIRM.encode(visit_id)))
    move = "visits.move" if as_mentor else "visits.another_time"
    return [
        first,
        [
            (text(lang, move), callbacks.VISIT_MOVE.encode(visit_id)),
            (text(lang, "visits.cancel"), callbacks.VISIT_CANCEL.encode(visit_id)),
        ],
    ]


def arm(context: BotContext, visit: Visit) -> None:
    """Re-arm a visit's reminders after a committed change (moved, cancelled, done, ...)."""
    service = context.services.reminders
    if service is not None and visit.id is not None:
        service.arm_visit(visit.id, visit.starts_at, visit.status)


async def tell(
    bot: ExtBot[None],
    context: BotContext,
    view: VisitView,
    people: Iterable[Person],
    key: str,
    **values: object,
) -> None:
    """Send catalog text ``key`` with the visit's card to each person, in their language, with
    the buttons of their side (values already escaped)."""
    now = context.services.clock()
    for person in people:
        if person.chat_id is None:
            continue
        lang = language_of(person.language.value)
        html = text(lang, key, card=render_card(context, view, lang), **values)
        as_mentor = person.id == view.visit.mentor_id
        # Only the other side of whoever proposed the time is asked to agree to it.
        confirms = booking.may_confirm(view.visit, person.id)
        buttons = visit_buttons(view, lang, as_mentor=as_mentor, now=now, may_confirm=confirms)
        await send(bot, person.chat_id, html, buttons)


async def _listed(session: AsyncSession, member: Member, now: datetime) -> list[Visit]:
    since = now - _RECORDABLE_FOR
    if member.role is Role.mentor:
        assert member.person_id is not None
        return await visits.list_visits(
            session=session, mentor_id=member.person_id, statuses=visits.ACTIVE, since=since
        )
    if member.enterprise_id is None:
        raise Refused(member, "manager without an enterprise")
    pairing = await pairings.current_pairing_of(session=session, small_hand_id=member.enterprise_id)
    if pairing is None or pairing.id is None:
        return []
    found = await visits.list_visits(
        session=session, pairing_id=pairing.id, statuses=visits.ACTIVE, since=now
    )
    return found


async def show_visits(update: Update, context: BotContext) -> None:
    """/visits: the member's coming visits (and, for mentors, those awaiting an outcome)."""
    member = context.member
    require_role(member, Role.mentor, Role.manager)
    lang, now = member.lang, context.services.clock()
    async with context.services.unit_of_work() as session:
        found = (await _listed(session, member, now))[:_LIST_LIMIT]
        views = [
            VisitView(await visits.visit_context(session=session, visit_id=v.id or 0))
            for v in found
        ]
    if not views:
        await respond(update, context.bot, text(lang, "visits.list_none"))
        return
    await respond(update, context.bot, text(lang, "visits.list_header", count=len(views)))
    as_mentor = member.role is Role.mentor
    for view in views:
        confirms = booking.may_confirm(view.visit, member.person_id)
        buttons = visit_buttons(view, lang, as_mentor=as_mentor, now=now, may_confirm=confirms)
        await respond(update, context.bot, render_card(context, view, lang), buttons)


async def send_ics(update: Update, context: BotContext) -> None:
    """The .ics button: the visit as a calendar file, in UTC with a stable UID."""
    (visit_id,) = await pressed_ids(update, callbacks.VISIT_ICS)
    member = context.member
    async with context.services.unit_of_work() as session:
        view = await load_visit(session, member, visit_id)
    lang, visit = member.lang, view.visit
    purpose = text(lang, f"visits.purpose.{visit.purpose.value}")
    content = visit_ics(
        visit_id=visit_id,
        starts_at=visit.starts_at,
        duration_minutes=visit.duration_minutes,
        summary=text(
            lang, "visits.ics_summary", enterprise=view.ctx.small_hand.name, purpose=purpose
        ),
        location=view.ctx.small_hand.address or view.ctx.small_hand.name,
        description=text(
            lang,
            "visits.ics_description",
            mentor=view.ctx.mentor.name,
            phase=text(lang, f"visits.phase.{visit.phase.value}"),
        ),
        stamp=context.services.clock(),
    )
    await context.bot.send_document(
        member.chat_id,
        InputFile(content, filename=f"visit-{visit_id}.ics"),
        caption=text(lang, "visits.ics_caption", id=visit_id),
    )


HANDLERS: list[BaseHandler[Any, Any, Any]] = [
    CommandHandler("visits", show_visits, filters=for_roles(Role.mentor, Role.manager)),
    CallbackQueryHandler(send_ics, pattern=callbacks.VISIT_ICS.pattern),
]
