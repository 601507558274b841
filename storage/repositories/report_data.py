"""Read-only queries behind the printed reports: one pairing's closing report, the bureau's XLSX.

Both return plain rows and lookup maps; deciding what a report may say (is the late phase
complete?) and how it looks is the reports' business, not storage's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import Phase, Role, SubCategory
from storage.models import (
    Audit,
    AuditScore,
    Enterprise,
    Evidence,
    HelpRequest,
    Item,
    Pairing,
    PairingMentor,
    Person,
    Round,
    Visit,
)
from storage.repositories.lookup import get_or_raise

__all__ = ["ClosingFacts", "ExportData", "closing_facts", "export_data"]


@dataclass
class ClosingFacts:
    """Everything a closing report (结案报告) of one small hand's latest pairing shows.

    ``pairing`` (and with it ``round`` and ``big_hand``) is None when the enterprise is a big
    hand or a small hand that was never paired.
    """

    enterprise: Enterprise
    pairing: Pairing | None = None
    round: Round | None = None
    big_hand: Enterprise | None = None
    mentors: list[str] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)  # oldest first
    scores: dict[int, dict[SubCategory, float]] = field(default_factory=dict)  # by audit id
    items: list[Item] = field(default_factory=list)
    evidence: dict[int, int] = field(default_factory=dict)  # item id → pieces of evidence
    visits: list[Visit] = field(default_factory=list)  # oldest first

    def item_phase(self, item: Item) -> Phase:
        """The phase in which an item was found: the first audit is early (diagnosis), a later
        audit late (evaluation), a visit its own phase, anything else the middle phase."""
        if item.audit_id is not None:
            first = self.audits[0].id if self.audits else None
            return Phase.early if item.audit_id == first else Phase.late
        if item.visit_id is not None:
            phases = {v.id: v.phase for v in self.visits}
            found = phases.get(item.visit_id, Phase.middle)
            return Phase.late if found is Phase.closed else found
        return Phase.middle


async def _scores(
    session: AsyncSession, audit_ids: Sequence[int]
) -> dict[int, dict[SubCategory, float]]:
    scores: dict[int, dict[SubCategory, float]] = {}
    if audit_ids:
        rows = await session.execute(
            select(AuditScore).where(col(AuditScore.audit_id).in_(audit_ids))
        )
        for score in rows.scalars():
            scores.setdefault(score.audit_id, {})[SubCategory(score.sub_category)] = score.score
    return scores


async def closing_facts(*, session: AsyncSession, enterprise_id: int) -> ClosingFacts:
    """Gather the latest pairing of a small hand with its audits, items, evidence and visits.

    Raises:
        NotFound: if there is no such enterprise.
    """
    enterprise = await get_or_raise(session, Enterprise, enterprise_id)
    facts = ClosingFacts(enterprise=enterprise)
    pairing = await session.scalar(
        select(Pairing)
        .where(col(Pairing.small_hand_id) == enterprise_id)
        .order_by(col(Pairing.id).desc())
        .limit(1)
    )
    if pairing is None:
        return facts
    facts.pairing = pairing
    facts.round = await session.get(Round, pairing.round_id)
    facts.big_hand = await session.get(Enterprise, pairing.big_hand_id)
    mentors = await session.scalars(
        select(col(Person.name))
        .join(PairingMentor, col(PairingMentor.person_id) == col(Person.id))
        .where(col(PairingMentor.pairing_id) == pairing.id)
        .order_by(col(Person.id))
    )
    facts.mentors = list(mentors)
    managers = await session.scalars(
        select(col(Person.name))
        .where(col(Person.enterprise_id) == enterprise_id, col(Person.role) == Role.manager)
        .order_by(col(Person.id))
    )
    facts.managers = list(managers)
    audits = await session.scalars(
        select(Audit)
        .where(
            col(Audit.enterprise_id) == enterprise_id,
            or_(col(Audit.pairing_id) == pairing.id, col(Audit.pairing_id).is_(None)),
        )
        .order_by(col(Audit.audited_on), col(Audit.id))
    )
    facts.audits = list(audits)
    audit_ids = [a.id for a in facts.audits if a.id is not None]
    facts.scores = await _scores(session, audit_ids)
    visits = await session.scalars(
        select(Visit)
        .where(col(Visit.pairing_id) == pairing.id)
        .order_by(col(Visit.starts_at), col(Visit.id))
    )
    facts.visits = list(visits)
    visit_ids = [v.id for v in facts.visits if v.id is not None]
    items = await session.scalars(
        select(Item)
        .where(
            col(Item.enterprise_id) == enterprise_id,
            or_(
                col(Item.audit_id).in_(audit_ids),
                col(Item.visit_id).in_(visit_ids),
                col(Item.audit_id).is_(None) & col(Item.visit_id).is_(None),
            ),
        )
        .order_by(col(Item.id))
    )
    facts.items = list(items)
    item_ids = [i.id for i in facts.items if i.id is not None]
    if item_ids:
        counted = await session.execute(
            select(col(Evidence.item_id), func.count())
            .where(col(Evidence.item_id).in_(item_ids))
            .group_by(col(Evidence.item_id))
        )
        facts.evidence = {item_id: n for item_id, n in counted.all()}
    return facts


@dataclass
class ExportData:
    """The rows of the bureau's spreadsheet and the names that go beside their ids."""

    enterprises: list[Enterprise]
    rounds: dict[int, Round]
    pairings: list[Pairing]
    mentors: dict[int, list[str]]  # pairing id → mentor names
    audits: list[Audit]
    scores: dict[int, dict[SubCategory, float]]  # audit id → scores
    items: list[Item]
    evidence: Counter[int]  # item id → pieces of evidence
    visits: list[Visit]
    help_requests: list[HelpRequest]
    people: dict[int, str]  # person id → name
    _names: dict[int | None, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._names = {e.id: e.name for e in self.enterprises}

    def name_of(self, enterprise_id: int | None) -> str:
        """The company name of an enterprise id ("" if unknown)."""
        return self._names.get(enterprise_id, "")


async def export_data(*, session: AsyncSession) -> ExportData:
    """Everything the XLSX export lists, one query per table."""
    mentors: dict[int, list[str]] = {}
    assigned = await session.execute(
        select(col(PairingMentor.pairing_id), col(Person.name))
        .join(Person, col(Person.id) == col(PairingMentor.person_id))
        .order_by(col(PairingMentor.pairing_id), col(Person.id))
    )
    for pairing_id, name in assigned.all():
        mentors.setdefault(pairing_id, []).append(name)
    audits = list(await session.scalars(select(Audit).order_by(col(Audit.id))))
    evidence = await session.execute(
        select(col(Evidence.item_id), func.count()).group_by(col(Evidence.item_id))
    )
    people = await session.execute(select(col(Person.id), col(Person.name)))
    rounds = await session.scalars(select(Round))
    return ExportData(
        enterprises=list(await session.scalars(select(Enterprise).order_by(col(Enterprise.id)))),
        rounds={r.id: r for r in rounds if r.id is not None},
        pairings=list(await session.scalars(select(Pairing).order_by(col(Pairing.id)))),
        mentors=mentors,
        audits=audits,
        scores=await _scores(session, [a.id for a in audits if a.id is not None]),
        items=list(await session.scalars(select(Item).order_by(col(Item.id)))),
        evidence=Counter({item_id: n for item_id, n in evidence.all()}),
        visits=list(await session.scalars(select(Visit).order_by(col(Visit.id)))),
        help_requests=list(
            await session.scalars(select(HelpRequest).order_by(col(HelpRequest.id)))
        ),
        people={pid: name for pid, name in people.all() if pid is not None},
    )
