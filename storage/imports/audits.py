"""Importing audits (现场审核得分): one row per audit with the 14 sub-category scores.

Keyed by small hand + audit date. Score columns are headed by the sub-category's Chinese name
(环境影响评价 …) or id (``eia`` …); each score is 0–10.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import SubCategory
from storage.imports.duplicates import DuplicateCheck
from storage.imports.labels import SUBCATEGORY_LABELS
from storage.imports.references import rows_in, scalars_in, small_hands_by_code
from storage.imports.report import Counts
from storage.imports.rows import (
    Column,
    ParsedRow,
    RowError,
    credit_code_cell,
    date_cell,
    number_cell,
    text_cell,
)
from storage.models import Audit, AuditScore, Pairing, Round
from storage.repositories.audits import apply_scores

__all__ = ["COLUMNS", "MAX_SCORE", "apply"]

MAX_SCORE = 10.0
_CODE = Column("credit_code", "统一社会信用代码", credit_code_cell, aliases=("信用代码",))
_DATE = Column("audited_on", "审核日期", date_cell, aliases=("日期",))
_SCORES = tuple(
    Column(
        s.value,
        SUBCATEGORY_LABELS[s],
        number_cell(0, MAX_SCORE),
        required=False,
        aliases=tuple(SUBCATEGORY_LABELS[s].split("/")),
    )
    for s in SubCategory
)
COLUMNS = (
    _CODE,
    _DATE,
    Column("auditors", "审核人员", text_cell, required=False, aliases=("审核专家",)),
    Column("notes", "备注", text_cell, required=False),
    *_SCORES,
)


async def apply(session: AsyncSession, rows: list[ParsedRow], errors: list[RowError]) -> Counts:
    """Validate ``rows`` against the database; write them only if ``errors`` stays empty."""
    known = await small_hands_by_code(session, rows, _CODE, errors)
    duplicates = DuplicateCheck(_DATE)
    for row in rows:
        key = (row.values["credit_code"], row.values["audited_on"])
        if (error := duplicates.check(key, row.row)) is not None:
            errors.append(error)
    if errors:
        return Counts()

    ids = sorted({known[r.values["credit_code"]] for r in rows})
    audits = {
        (a.enterprise_id, a.audited_on): a
        for a in await scalars_in(session, select(Audit), Audit.enterprise_id, ids)
    }
    stored: dict[int, dict[SubCategory, float]] = {}
    if audits:
        audit_ids = [a.id for a in audits.values()]
        for score in await scalars_in(session, select(AuditScore), AuditScore.audit_id, audit_ids):
            stored.setdefault(score.audit_id, {})[SubCategory(score.sub_category)] = score.score
    current_pairings = (
        select(col(Pairing.small_hand_id), col(Pairing.id))
        .join(Round, col(Round.id) == Pairing.round_id)
        .where(col(Round.is_current).is_(True))
    )
    pairing_of = {
        small_hand_id: pairing_id
        for small_hand_id, pairing_id in await rows_in(
            session, current_pairings, Pairing.small_hand_id, ids
        )
    }

    counts = Counts()
    for row in rows:
        v = row.values
        enterprise_id = known[v["credit_code"]]
        scores = {s: v[s.value] for s in SubCategory if v[s.value] is not None}
        auditors, notes = v["auditors"] or "", v["notes"] or ""
        audit = audits.get((enterprise_id, v["audited_on"]))
        if audit is None:
            audit = Audit(
                enterprise_id=enterprise_id,
                audited_on=v["audited_on"],
                auditors=auditors,
                notes=notes,
                pairing_id=pairing_of.get(enterprise_id),
            )
            session.add(audit)
            await session.flush()
            counts.created += 1
        elif stored.get(audit.id or 0, {}) == scores and (audit.auditors, audit.notes) == (
            auditors,
            notes,
        ):
            counts.unchanged += 1
            continue
        else:
            audit.auditors, audit.notes = auditors, notes
            await session.execute(delete(AuditScore).where(AuditScore.audit_id == audit.id))
            counts.updated += 1
        session.add_all(apply_scores(audit, scores))
    await session.flush()
    return counts
