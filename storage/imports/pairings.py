"""Importing pairings (结对名单): year, big hand, small hand; keyed by round and small hand.

An optional mentor column (导师) names the pairing's mentors by phone or name — several separated
by 、 ; or / — each a mentor of the pairing's big hand who has been invited already. A re-import
adds mentors it names and removes none (``handinhand pairing mentors`` does that).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import EnterpriseKind, Phase, Role
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
    text_cell,
    year_cell,
)
from storage.models import Pairing, PairingMentor, Person, Round

__all__ = ["COLUMNS", "apply"]

_YEAR = Column("year", "年度", year_cell, aliases=("轮次", "round"))
_BIG = Column(
    "big_hand_credit_code", "大手统一社会信用代码", credit_code_cell, aliases=("大手信用代码",)
)
_SMALL = Column(
    "small_hand_credit_code", "小手统一社会信用代码", credit_code_cell, aliases=("小手信用代码",)
)
_MENTOR = Column(
    "mentor",
    "导师",
    text_cell,
    required=False,
    aliases=("帮扶导师", "导师姓名", "导师手机", "导师电话", "mentors"),
)
COLUMNS = (
    _YEAR,
    _BIG,
    _SMALL,
    Column("phase", "阶段", enum_cell(Phase, PHASE_ZH), required=False, aliases=("帮扶阶段",)),
    _MENTOR,
)
_PHONE = re.compile(r"[\d\s+\-()（）]+")
_SEPARATORS = re.compile(r"[、;；/／,，\n]+")


def _digits(phone: str) -> str:
    """A phone number as digits, without a +86 prefix: ``138 0000 0000`` → ``13800000000``."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


async def _resolve_mentors(
    session: AsyncSession,
    rows: list[ParsedRow],
    big_of: dict[int, int],
    errors: list[RowError],
) -> dict[int, list[int]]:
    """Map each row naming mentors to their person ids; each name that fails becomes an error.

    ``big_of`` maps a row number to its big hand's id.
    """
    wanted = {
        r.row: [m.strip() for m in _SEPARATORS.split(r.values["mentor"]) if m.strip()]
        for r in rows
        if r.values.get("mentor")
    }
    if not wanted:
        return {}
    people = list((await session.execute(select(Person))).scalars())
    by_name: dict[str, list[Person]] = {}
    by_phone: dict[str, list[Person]] = {}
    for person in people:
        by_name.setdefault(person.name.strip(), []).append(person)
        if person.phone and len(_digits(person.phone)) >= 7:
            by_phone.setdefault(_digits(person.phone), []).append(person)
    resolved: dict[int, list[int]] = {}
    for number, mentors in wanted.items():
        big_id = big_of[number]
        ids: list[int] = []
        for mentor in mentors:
            digits = _digits(mentor)
            is_phone = len(digits) >= 7 and _PHONE.fullmatch(mentor) is not None
            found = by_phone.get(digits, []) if is_phone else by_name.get(mentor, [])
            ours = [p for p in found if p.enterprise_id == big_id and p.role is Role.mentor]
            if len(ours) == 1 and ours[0].id is not None:
                ids.append(ours[0].id)
            elif len(ours) > 1:
                errors.append(
                    _MENTOR.error(
                        number,
                        f"该大手有 {len(ours)} 位导师叫“{mentor}”，请改填手机号",
                        f"{len(ours)} mentors of this big hand are called {mentor!r}; "
                        "use the phone number",
                    )
                )
            elif found:
                errors.append(
                    _MENTOR.error(
                        number,
                        f"“{mentor}”不是该大手的导师",
                        f"{mentor!r} is not a mentor of this big hand",
                    )
                )
            else:
                errors.append(
                    _MENTOR.error(
                        number,
                        f"未找到“{mentor}”（请先邀请该导师）",
                        f"no person {mentor!r} (invite the mentor first)",
                    )
                )
        resolved[number] = ids
    return resolved


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
    big_of = {
        r.row: known[r.values[_BIG.key]][0]
        for r in rows
        if known.get(r.values[_BIG.key], (0, None))[1] is EnterpriseKind.big
    }
    mentors_of_row = await _resolve_mentors(
        session, [r for r in rows if r.row in big_of], big_of, errors
    )
    if errors:
        return Counts()

    years = sorted({r.values["year"] for r in rows})
    rounds = {
        r.year: r
        for r in (await session.execute(select(Round).where(col(Round.year).in_(years)))).scalars()
    }
    has_current = (
        await session.execute(select(col(Round.id)).where(col(Round.is_current).is_(True)))
    ).first() is not None
    for year in years:
        if year not in rounds:
            # With no round in progress, the newest imported round becomes the current one.
            current = not has_current and year == years[-1]
            rounds[year] = Round(year=year, name=f"{year}年度", is_current=current)
            session.add(rounds[year])
    await session.flush()

    round_id_of: dict[int, int] = {}
    for year in years:
        stored_id = rounds[year].id
        assert stored_id is not None  # flushed above
        round_id_of[year] = stored_id
    round_ids = list(round_id_of.values())
    existing = {
        (p.round_id, p.small_hand_id): p
        for p in await scalars_in(session, select(Pairing), Pairing.round_id, round_ids)
    }
    linked = {
        (m.pairing_id, m.person_id)
        for m in await scalars_in(
            session,
            select(PairingMentor),
            PairingMentor.pairing_id,
            [p.id for p in existing.values()],
        )
    }
    counts = Counts()
    pairing_of_row: dict[int, Pairing] = {}
    for row in rows:
        round_id = round_id_of[row.values["year"]]
        big_id = known[row.values[_BIG.key]][0]
        small_id = known[row.values[_SMALL.key]][0]
        phase = row.values["phase"]
        pairing = existing.get((round_id, small_id))
        if pairing is None:
            pairing = Pairing(
                round_id=round_id,
                big_hand_id=big_id,
                small_hand_id=small_id,
                phase=phase or Phase.early,
            )
            session.add(pairing)
            counts.created += 1
        elif (
            pairing.big_hand_id != big_id
            or (phase is not None and pairing.phase is not phase)
            or any((pairing.id, m) not in linked for m in mentors_of_row.get(row.row, []))
        ):
            pairing.big_hand_id = big_id
            pairing.phase = phase or pairing.phase
            counts.updated += 1
        else:
            counts.unchanged += 1
        pairing_of_row[row.row] = pairing
    await session.flush()
    for number, mentor_ids in mentors_of_row.items():
        pairing_id = pairing_of_row[number].id
        assert pairing_id is not None  # flushed above
        for person_id in mentor_ids:
            if (pairing_id, person_id) not in linked:
                linked.add((pairing_id, person_id))
                session.add(PairingMentor(pairing_id=pairing_id, person_id=person_id))
    await session.flush()
    return counts
