"""On-site audits with their 14 sub-category scores and 3 category totals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import SUBCATEGORY_CATEGORY, Category, SubCategory
from storage.errors import Conflict
from storage.models import Audit, AuditScore
from storage.repositories.lookup import get_or_raise

__all__ = ["apply_scores", "apply_totals", "create_audit", "get_audit", "latest_audit", "scores_of"]


def apply_totals(audit: Audit, scores: Mapping[SubCategory, float]) -> None:
    """Set the audit's category totals and overall total from sub-category scores."""
    totals = dict.fromkeys(Category, 0.0)
    for sub, score in scores.items():
        totals[SUBCATEGORY_CATEGORY[sub]] += score
    audit.procedures_score = totals[Category.procedures]
    audit.system_score = totals[Category.system]
    audit.pollution_score = totals[Category.pollution]
    audit.total_score = sum(totals.values())


def apply_scores(audit: Audit, scores: Mapping[SubCategory, float]) -> list[AuditScore]:
    """Set the audit's totals (:func:`apply_totals`); return the score rows of a stored audit."""
    assert audit.id is not None, "flush the audit before scoring it"
    apply_totals(audit, scores)
    return [AuditScore(audit_id=audit.id, sub_category=s, score=v) for s, v in scores.items()]


async def create_audit(
    *,
    session: AsyncSession,
    enterprise_id: int,
    audited_on: date,
    scores: Mapping[SubCategory, float],
    auditors: str = "",
    pairing_id: int | None = None,
    notes: str = "",
) -> Audit:
    """Record an audit; category totals and the overall total are computed from ``scores``.

    Raises:
        Conflict: if the enterprise already has an audit on that date.
    """
    taken = await session.execute(
        select(col(Audit.id)).where(
            col(Audit.enterprise_id) == enterprise_id, col(Audit.audited_on) == audited_on
        )
    )
    if taken.first():
        raise Conflict("audits", (enterprise_id, audited_on))
    audit = Audit(
        enterprise_id=enterprise_id,
        audited_on=audited_on,
        auditors=auditors,
        pairing_id=pairing_id,
        notes=notes,
    )
    session.add(audit)
    await session.flush()
    session.add_all(apply_scores(audit, scores))
    await session.flush()
    return audit


async def get_audit(*, session: AsyncSession, audit_id: int) -> Audit:
    """Return an audit by id.

    Raises:
        NotFound: if there is none.
    """
    return await get_or_raise(session, Audit, audit_id)


async def scores_of(*, session: AsyncSession, audit_id: int) -> dict[SubCategory, float]:
    """The sub-category scores of an audit, in taxonomy order."""
    rows = await session.execute(
        select(col(AuditScore.sub_category), col(AuditScore.score)).where(
            col(AuditScore.audit_id) == audit_id
        )
    )
    found = {SubCategory(sub): score for sub, score in rows.all()}
    return {sub: found[sub] for sub in SubCategory if sub in found}


async def latest_audit(*, session: AsyncSession, enterprise_id: int) -> Audit | None:
    """The enterprise's most recent audit, if any."""
    result = await session.execute(
        select(Audit)
        .where(col(Audit.enterprise_id) == enterprise_id)
        .order_by(col(Audit.audited_on).desc())
        .limit(1)
    )
    return result.scalar_one_or_none()
