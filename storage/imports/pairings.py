"""Importing pairings (结对名单): year, big hand, small hand; keyed by round and small hand."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EnterpriseKind, Phase
from storage.imports.duplicates import DuplicateCheck
from storage.imports.labels import PHASE_ZH
from storage.imports.references import enterprises_by_code, scalars_in
from storage.imports.report import Counts
from storage.imports.rows import (
    Column,
    ParsedRow,
    RowError,
    credit_code_cell,
    enum_cell,
    year_cell,
)
from storage.models import Pairing, Round

__all__ = ["COLUMNS", "apply"]

_YEAR = Column("year", "年度", year_cell, aliases=("轮次", "round"))
_BIG = Column(
    "big_hand_credit_code", "大手统一社会信用代码", credit_code_cell, aliases=("大手信用代码",)
)
_SMALL = Column(
    "small_hand_credit_code", "小手统一社会信用代码", credit_code_cell, aliases=("小手信用代码",)
)
COLUMNS = (
    _YEAR,
    _BIG,
    _SMALL,
    Column("phase", "阶段", enum_cell(Phase, PHASE_ZH), required=False, aliases=("帮扶阶段",)),
)

_NOT_FOUND = ("未找到该企业（请先导入企业名录）", "no such enterprise (import enterprises first)")


async def apply(session: AsyncSession, rows: list[ParsedRow], errors: list[RowError]) -> Counts:
    """Validate ``rows`` against the database; write them only if ``errors`` stays empty."""
    known = await enterprises_by_code(
        session, [r.values[c.key] for r in rows for c in (_BIG, _SMALL)]
    )
    duplicates = DuplicateCheck(_SMALL)
    for row in rows:
        for column, kind in ((_BIG, EnterpriseKind.big), (_SMALL, EnterpriseKind.small)):
            found = known.get(row.values[column.key])
            if found is None:
                errors.append(column.error(row.row, *_NOT_FOUND))
            elif found[1] is not kind:
                zh = "大手" if kind is EnterpriseKind.big else "小手"
                errors.append(column.error(row.row, f"该企业不是{zh}", f"not a {kind.value} hand"))
        key = (row.values["year"], row.values[_SMALL.key])
        if (error := duplicates.check(key, row.row)) is not None:
            errors.append(error)
    if errors:
        return Counts()

    years = sorted({r.values["year"] for r in rows})
    rounds = {
        r.year: r
        for r in (await session.execute(select(Round).where(Round.year.in_(years)))).scalars()  # type: ignore[attr-defined]
    }
    has_current = (
        await session.execute(select(Round.id).where(Round.is_current.is_(True)))  # type: ignore[attr-defined]
    ).first() is not None
    for year in years:
        if year not in rounds:
            # With no round in progress, the newest imported round becomes the current one.
            current = not has_current and year == years[-1]
            rounds[year] = Round(year=year, name=f"{year}年度", is_current=current)
            session.add(rounds[year])
    await session.flush()

    round_ids = [rounds[y].id for y in years]
    existing = {
        (p.round_id, p.small_hand_id): p
        for p in await scalars_in(session, select(Pairing), Pairing.round_id, round_ids)
    }
    counts = Counts()
    for row in rows:
        round_id = rounds[row.values["year"]].id
        big_id = known[row.values[_BIG.key]][0]
        small_id = known[row.values[_SMALL.key]][0]
        phase = row.values["phase"]
        found = existing.get((round_id, small_id))
        if found is None:
            session.add(
                Pairing(
                    round_id=round_id,  # type: ignore[arg-type]
                    big_hand_id=big_id,
                    small_hand_id=small_id,
                    phase=phase or Phase.early,
                )
            )
            counts.created += 1
        elif found.big_hand_id != big_id or (phase is not None and found.phase is not phase):
            found.big_hand_id = big_id
            found.phase = phase or found.phase
            counts.updated += 1
        else:
            counts.unchanged += 1
    await session.flush()
    return counts
