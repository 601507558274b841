"""The bureau's figures (/stats, ``handinhand report``): a fixed number of grouped queries.

However large the programme, `programme_figures` runs ten queries; nothing is counted row by row
in Python except the weekly trend of closed items, read as one column.

Big-hand groups and completion per group are taken over one round (the current one unless
another is given): a small hand paired in several rounds would otherwise count twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import (
    ITEM_CLOSED,
    EnterpriseKind,
    ItemStatus,
    Phase,
    QuestionOutcome,
    SubCategory,
    VisitStatus,
)
from storage.models import (
    Audit,
    Enterprise,
    HelpRequest,
    Item,
    Pairing,
    QuestionLog,
    Round,
    Visit,
    utcnow,
)
from storage.repositories import help_requests
from storage.repositories import items as item_rules

__all__ = [
    "Completion",
    "Figures",
    "programme_figures",
    "weekly_closed",
]

_CLOSED = ITEM_CLOSED


@dataclass(frozen=True, slots=True)
class Completion:
    """Closed (verified or waived) items out of all items."""

    closed: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        """0.0–1.0; 1.0 when there are no items (nothing left to do)."""
        return self.closed / self.total if self.total else 1.0


@dataclass
class Figures:
    """Everything /stats shows, as plain values."""

    big_hands: int = 0
    small_hands: int = 0
    round_name: str = ""
    pairings_by_phase: dict[Phase, int] = field(default_factory=dict)
    audits: int = 0
    items_by_status: dict[ItemStatus, int] = field(default_factory=dict)
    completion: Completion = field(default_factory=Completion)
    by_big_hand: dict[str, Completion] = field(default_factory=dict)
    by_sub_category: dict[SubCategory, Completion] = field(default_factory=dict)
    overdue: int = 0
    visits_done: int = 0
    visits_planned: int = 0
    help_open: int = 0
    help_total: int = 0
    unanswered: list[tuple[str, int]] = field(default_factory=list)


def _completion_columns() -> tuple[ColumnElement[Any], ColumnElement[int]]:
    closed = func.sum(case((item_rules.is_closed(), 1), else_=0))
    return closed, func.count(col(Item.id))


async def _round(session: AsyncSession, round_id: int | None) -> Round | None:
    if round_id is not None:
        return await session.get(Round, round_id)
    result = await session.execute(
        select(Round).where(col(Round.is_current).is_(True)).order_by(col(Round.year).desc())
    )
    return result.scalars().first()


async def programme_figures(
    *,
    session: AsyncSession,
    today: date,
    now: datetime | None = None,
    round_id: int | None = None,
    top_questions: int = 20,
) -> Figures:
    """Compute the bureau's figures.

    Args:
        session: a read-only unit of work.
        today: the local date that decides "overdue".
        now: the current UTC time ("planned" visits are those still ahead).
        round_id: the round for pairings and big-hand groups; the current round if None.
        top_questions: how many of the most-asked unanswered questions to list.
    """
    now = now or utcnow()
    figures = Figures()
    kinds = await session.execute(
        select(col(Enterprise.kind), func.count()).group_by(col(Enterprise.kind))
    )
    for kind, n in kinds.all():
        if kind == EnterpriseKind.big:
            figures.big_hands = n
        else:
            figures.small_hands = n

    programme_round = await _round(session, round_id)
    in_round: list[ColumnElement[bool]] = (
        [] if programme_round is None else [col(Pairing.round_id) == programme_round.id]
    )
    figures.round_name = programme_round.name if programme_round else ""
    phases = await session.execute(
        select(col(Pairing.phase), func.count()).where(*in_round).group_by(col(Pairing.phase))
    )
    found_phases = {Phase(p): n for p, n in phases.all()}
    figures.pairings_by_phase = {p: found_phases.get(p, 0) for p in Phase}

    figures.audits = int((await session.execute(select(func.count(col(Audit.id))))).scalar_one())

    overdue = func.sum(case((item_rules.is_open() & (col(Item.due_on) < today), 1), else_=0))
    statuses = await session.execute(
        select(col(Item.status), func.count(), overdue).group_by(col(Item.status))
    )
    by_status: Counter[ItemStatus] = Counter()
    for status, n, late in statuses.all():
        by_status[ItemStatus(status)] = n
        figures.overdue += int(late or 0)
    figures.items_by_status = {s: by_status[s] for s in ItemStatus}
    total = sum(by_status.values())
    figures.completion = Completion(sum(by_status[s] for s in _CLOSED), total)

    closed, count = _completion_columns()
    groups = await session.execute(
        select(col(Enterprise.name), closed, count)
        .select_from(Pairing)
        .join(Enterprise, col(Enterprise.id) == col(Pairing.big_hand_id))
        .join(Item, col(Item.enterprise_id) == col(Pairing.small_hand_id))
        .where(*in_round)
        .group_by(col(Enterprise.id), col(Enterprise.name))
        .order_by(col(Enterprise.name))
    )
    figures.by_big_hand = {name: Completion(int(c or 0), n) for name, c, n in groups.all()}

    subs = await session.execute(
        select(col(Item.sub_category), closed, count).group_by(col(Item.sub_category))
    )
    found_subs = {SubCategory(s): Completion(int(c or 0), n) for s, c, n in subs.all()}
    figures.by_sub_category = {s: found_subs[s] for s in SubCategory if s in found_subs}

    visits = await session.execute(
        select(
            func.sum(case((col(Visit.status) == VisitStatus.done, 1), else_=0)),
            func.sum(
                case(
                    (
                        col(Visit.status).in_((VisitStatus.proposed, VisitStatus.confirmed))
                        & (col(Visit.starts_at) >= now),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
    )
    done, planned = visits.one()
    figures.visits_done, figures.visits_planned = int(done or 0), int(planned or 0)

    helps = await session.execute(
        select(
            func.count(col(HelpRequest.id)),
            func.sum(case((col(HelpRequest.status).in_(help_requests.OPEN), 1), else_=0)),
        )
    )
    help_total, help_open = helps.one()
    figures.help_total, figures.help_open = int(help_total or 0), int(help_open or 0)

    asked = func.count(col(QuestionLog.id))
    questions = await session.execute(
        select(col(QuestionLog.text), asked)
        .where(col(QuestionLog.outcome) == QuestionOutcome.unanswered)
        .group_by(col(QuestionLog.text))
        .order_by(asked.desc(), col(QuestionLog.text))
        .limit(top_questions)
    )
    figures.unanswered = [(text, n) for text, n in questions.all()]
    return figures


async def weekly_closed(
    *, session: AsyncSession, today: date, weeks: int = 12
) -> list[tuple[date, int]]:
    """Items closed per week (weeks starting Monday) for the last ``weeks`` weeks, oldest first."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    closed_at = await session.execute(
        select(col(Item.closed_at)).where(
            col(Item.closed_at).is_not(None),
            col(Item.closed_at) >= start,
        )
    )
    counts: Counter[date] = Counter()
    for (moment,) in closed_at.all():
        assert moment is not None  # the query leaves out NULL
        day = moment.date()
        counts[day - timedelta(days=day.weekday())] += 1
    return [(first + timedelta(weeks=w), counts[first + timedelta(weeks=w)]) for w in range(weeks)]
