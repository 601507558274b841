"""A realistic, deterministic demo programme (``handinhand demo``, the terminal chat, benchmarks).

24 big hands mentor 390 small hands in Wuxi's Xishan district during one current round; every
small hand has had one audit with 14 scores, which produced about 6,000 rectification items of
which about 80% are closed (some enterprises at 100%), each with its history. Mentors, managers
and one bureau admin have placeholder Telegram ids (≥ 10^12, never a real account) so the
terminal chat can act as them. Same seed and same ``today`` → the same programme.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col

from storage.credit_code import ALPHABET, check_character
from storage.demo.findings import FINDINGS
from storage.enums import (
    AcceptanceStatus,
    EiaStatus,
    EnterpriseKind,
    HelpStatus,
    ItemStatus,
    Language,
    PermitType,
    Phase,
    Reachability,
    Role,
    Severity,
    SubCategory,
    VisitPurpose,
    VisitStatus,
)
from storage.models import (
    Audit,
    AuditScore,
    Enterprise,
    HelpRequest,
    Item,
    ItemHistory,
    Pairing,
    PairingMentor,
    Person,
    Round,
    Visit,
)
from storage.repositories.audits import apply_totals

__all__ = [
    "BIG_HANDS",
    "DEFAULT_SEED",
    "SMALL_HANDS",
    "TELEGRAM_ID_BASE",
    "DemoPeople",
    "demo_person_ids",
    "ensure_demo_data",
    "load_demo",
]

DEFAULT_SEED = 2025
BIG_HANDS = 24
SMALL_HANDS = 390
MANAGERS = 40
TELEGRAM_ID_BASE = 1_000_000_000_000
_SHANGHAI = timedelta(hours=8)  # demo times are set in local office hours, stored in UTC

TOWNS = (
    "东港镇",
    "锡北镇",
    "鹅湖镇",
    "羊尖镇",
    "东亭街道",
    "安镇街道",
    "厚桥街道",
    "东北塘街道",
    "云林街道",
)
VILLAGES = (
    "新巷村",
    "山河村",
    "泾新村",
    "寨门村",
    "青虹村",
    "荡口村",
    "宛山村",
    "查桥社区",
    "严家桥村",
    "丹山社区",
)
INDUSTRIES = (
    "金属制品业",
    "通用设备制造业",
    "橡胶和塑料制品业",
    "纺织业",
    "化学原料和化学制品制造业",
    "电气机械和器材制造业",
    "汽车制造业",
    "计算机、通信和其他电子设备制造业",
    "印刷业",
    "家具制造业",
    "非金属矿物制品业",
)
_BIG_STEMS = (
    "锡东",
    "东港",
    "鹅湖",
    "羊尖",
    "锡北",
    "厚桥",
    "安镇",
    "东亭",
    "云林",
    "太湖",
    "蠡湖",
    "惠泽",
    "锡澄",
    "九里",
    "宛山",
    "泾皋",
)
_BIG_TRADES = (
    "新材料",
    "化工",
    "电子",
    "精工",
    "印染",
    "汽车部件",
    "特钢",
    "电气",
    "环保科技",
    "医药",
)
_SMALL_STEMS = (
    "恒达",
    "宏远",
    "锦程",
    "金鑫",
    "华益",
    "瑞丰",
    "永盛",
    "鑫源",
    "明辉",
    "诚信",
    "佳禾",
    "顺发",
    "天润",
    "博远",
    "振华",
    "嘉诚",
    "德盛",
    "新宇",
    "凯达",
    "荣昌",
    "福星",
    "海润",
    "广源",
    "益民",
)
_SMALL_TRADES = {
    "金属制品业": "五金制品",
    "通用设备制造业": "机械设备",
    "橡胶和塑料制品业": "塑料制品",
    "纺织业": "纺织",
    "化学原料和化学制品制造业": "化工材料",
    "电气机械和器材制造业": "电器",
    "汽车制造业": "汽车配件",
    "计算机、通信和其他电子设备制造业": "电子科技",
    "印刷业": "印务",
    "家具制造业": "家具",
    "非金属矿物制品业": "建材",
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林钱顾华"
_GIVEN = (
    "伟",
    "芳",
    "军",
    "敏",
    "静",
    "磊",
    "强",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "建国",
    "晓东",
    "海燕",
    "志强",
    "丽华",
    "文博",
)
_HELP_TEXTS = (
    ("活性炭多久换一次？我们的台账不知道怎么记", False),
    ("危废暂存间的标识要怎么贴，能不能来现场看一下", False),
    ("排污登记信息要变更，流程不太清楚", False),
    ("应急预案快到三年了，修订需要找第三方吗", False),
    ("车间有少量油漆泄漏，已经用吸附棉围堵，下一步怎么处理？", True),
    ("废水排放口在线监测显示COD超标，请尽快指导", True),
    ("自行监测方案不会编，能否提供模板", False),
    ("环评批复的产能和现在不一致，需要重新报批吗", False),
)


@dataclass(frozen=True, slots=True)
class DemoPeople:
    """One person of each role in the demo, for ``handinhand chat --as …``."""

    manager: int
    mentor: int
    bureau: int


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        first17 = "91320205" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) office time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - _SHANGHAI


async def _insert(
    session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]]
) -> list[int]:
    """Bulk-insert rows with ids assigned here, returning the ids in order.

    One executemany per table, without RETURNING: through aiosqlite every returned row costs a
    thread hop, which made the demo take many seconds. The ids continue from the table's maximum
    (the demo is loaded in one transaction into an otherwise idle database);
    :func:`_advance_sequences` then moves PostgreSQL's id sequences past them.
    """
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel, not in its stubs
    start = (await session.scalar(select(func.max(table.c.id)))) or 0
    for n, row in enumerate(rows, start=start + 1):
        row["id"] = n
    await session.execute(insert(table), rows)
    return [row["id"] for row in rows]


async def _advance_sequences(session: AsyncSession) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (Enterprise, Round, Person, Pairing, Audit, Item, ItemHistory, HelpRequest, Visit):
        name = model.__tablename__
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


_PATHS = {
    ItemStatus.open: (),
    ItemStatus.in_progress: (ItemStatus.in_progress,),
    ItemStatus.submitted: (ItemStatus.in_progress, ItemStatus.submitted),
    ItemStatus.returned: (ItemStatus.in_progress, ItemStatus.submitted, ItemStatus.returned),
    ItemStatus.verified: (ItemStatus.in_progress, ItemStatus.submitted, ItemStatus.verified),
    ItemStatus.waived: (ItemStatus.waived,),
}


async def load_demo(
    session: AsyncSession, *, seed: int = DEFAULT_SEED, today: date | None = None
) -> None:
    """Write the demo programme into ``session`` (the caller commits).

    Args:
        session: the unit of work; the database should be empty.
        seed: the random seed; the same seed and ``today`` give the same programme.
        today: the date the programme is built around (overdue items, upcoming visits);
            defaults to today's UTC date.
    """
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    codes: set[str] = set()

    # Enterprises.
    big_names = rng.sample([f"无锡{s}{t}" for s in _BIG_STEMS for t in _BIG_TRADES], BIG_HANDS)
    small_names: set[str] = set()
    enterprises: list[dict[str, Any]] = []
    for n in range(BIG_HANDS + SMALL_HANDS):
        big = n < BIG_HANDS
        industry = rng.choice(INDUSTRIES)
        town = rng.choice(TOWNS)
        if big:
            name = big_names[n] + rng.choice(("集团有限公司", "股份有限公司"))
        else:
            while (
                name := f"无锡市{rng.choice(_SMALL_STEMS)}{rng.choice(_SMALL_STEMS)}"
                f"{_SMALL_TRADES[industry]}有限公司"
            ) in small_names:
                pass
            small_names.add(name)
        permit = (
            rng.choice((PermitType.key, PermitType.simplified))
            if big
            else rng.choices(list(PermitType), weights=(1, 4, 12, 1))[0]
        )
        enterprises.append(
            {
                "kind": EnterpriseKind.big if big else EnterpriseKind.small,
                "name": name,
                "credit_code": _credit_code(rng, codes),
                "industry": industry,
                "town": town,
                "address": f"无锡市锡山区{town}{rng.choice(VILLAGES)}{rng.randint(1, 199)}号",
                "contact_name": _name(rng),
                "contact_phone": f"139{rng.randint(10_000_000, 99_999_999)}",
                "permit_type": permit,
                "permit_expiry": (
                    today + timedelta(days=rng.randint(-30, 1500))
                    if permit in (PermitType.key, PermitType.simplified)
                    else None
                ),
                "emergency_plan_filed_on": (
                    today - timedelta(days=rng.randint(30, 1300))
                    if big or rng.random() < 0.6
                    else None
                ),
                "eia_status": EiaStatus.approved
                if big
                else rng.choices(list(EiaStatus), weights=(6, 3, 1, 1))[0],
                "acceptance_status": AcceptanceStatus.accepted
                if big
                else rng.choices(list(AcceptanceStatus), weights=(6, 2, 2))[0],
                "created_at": _at(today - timedelta(days=400), 9),
            }
        )
    enterprise_ids = await _insert(session, Enterprise, enterprises)
    big_ids, small_ids = enterprise_ids[:BIG_HANDS], enterprise_ids[BIG_HANDS:]

    # The round, mentors and pairings.
    round_id = (
        await _insert(
            session,
            Round,
            [
                {
                    "year": today.year,
                    "name": f"{today.year}年度大手拉小手",
                    "is_current": True,
                    "starts_on": date(today.year, 1, 1),
                    "ends_on": date(today.year, 12, 31),
                }
            ],
        )
    )[0]
    people: list[dict[str, Any]] = []

    def person(role: Role, enterprise_id: int | None, name: str) -> dict[str, Any]:
        row: dict[str, Any] = {
            "role": role,
            "enterprise_id": enterprise_id,
            "name": name,
            "telegram_user_id": TELEGRAM_ID_BASE + len(people) + 1,
            "chat_id": TELEGRAM_ID_BASE + len(people) + 1,
            "language": Language.zh,
            "reachability": Reachability.reachable,
            "preferences": {},
        }
        people.append(row)
        return row

    person(Role.bureau, None, "陈科长（生态环境局）")
    mentors_of: dict[int, list[int]] = {}
    for big_id in big_ids:
        for _ in range(rng.randint(2, 3)):
            person(Role.mentor, big_id, _name(rng))
    manager_of = {
        small_ids[i]: person(Role.manager, small_ids[i], _name(rng)) for i in range(MANAGERS)
    }
    person_ids = await _insert(session, Person, people)
    for row, pid in zip(people, person_ids, strict=True):
        row["id"] = pid
        if row["role"] is Role.mentor:
            mentors_of.setdefault(row["enterprise_id"], []).append(pid)

    # Every big hand gets 16 or 17 small hands.
    groups = [big_ids[i % BIG_HANDS] for i in range(SMALL_HANDS)]
    rng.shuffle(groups)
    phases = rng.choices(list(Phase), weights=(15, 50, 25, 10), k=SMALL_HANDS)
    phases[0] = Phase.middle  # the chat's demo manager is mid-programme
    pairing_rows: list[dict[str, Any]] = [
        {
            "round_id": round_id,
            "big_hand_id": big,
            "small_hand_id": small,
            "phase": phase,
            "created_at": _at(date(today.year, 1, 1), 9),
        }
        for big, small, phase in zip(groups, small_ids, phases, strict=True)
    ]
    pairing_ids = await _insert(session, Pairing, pairing_rows)
    assigned = {
        pid: rng.choice(mentors_of[row["big_hand_id"]])
        for pid, row in zip(pairing_ids, pairing_rows, strict=True)
    }
    await session.execute(
        insert(PairingMentor), [{"pairing_id": p, "person_id": m} for p, m in assigned.items()]
    )

    # Audits, one per small hand, with scores.
    audit_objs: list[Audit] = []
    score_rows: list[dict[str, Any]] = []
    audit_days = [today - timedelta(days=rng.randint(30, 300)) for _ in small_ids]
    for small, pid, day in zip(small_ids, pairing_ids, audit_days, strict=True):
        audit = Audit(
            enterprise_id=small,
            pairing_id=pid,
            audited_on=day,
            auditors=f"{_name(rng)}、{_name(rng)}",
            notes="",
            created_at=_at(day, 17),
        )
        scores = {s: float(rng.randint(3, 10)) for s in SubCategory}
        apply_totals(audit, scores)
        # max_score is left to the column's default, as an AuditScore row would have it.
        score_rows.extend({"sub_category": sub, "score": score} for sub, score in scores.items())
        audit_objs.append(audit)
    audit_ids = await _insert(session, Audit, [a.model_dump(exclude={"id"}) for a in audit_objs])
    for n, row in enumerate(score_rows):
        row["audit_id"] = audit_ids[n // len(SubCategory)]
    # The table, not the entity: a Core executemany, no ORM bulk insert.
    table = AuditScore.__table__  # type: ignore[attr-defined]  # set by SQLModel, not in its stubs
    await session.execute(insert(table), score_rows)

    # Rectification items with their histories.
    combos = [(s, f) for s, pairs in FINDINGS.items() for f in pairs]
    item_rows: list[dict[str, Any]] = []
    paths: list[tuple[datetime, list[tuple[ItemStatus, datetime, int | None]]]] = []
    for n, (small, audit_id, day) in enumerate(zip(small_ids, audit_ids, audit_days, strict=True)):
        count = rng.randint(11, 20)
        # 15% of small hands have closed everything; the rest are around three quarters done.
        rate = 1.0 if rng.random() < 0.15 else min(1.0, max(0.3, rng.gauss(0.76, 0.12)))
        closed = round(rate * count) if n else count // 3  # the demo manager has work to do
        manager = manager_of.get(small, {}).get("id")
        mentor = assigned[pairing_ids[n]]
        for k, (sub, (finding, measure)) in enumerate(rng.sample(combos, count)):
            due = day + timedelta(days=rng.choice((60, 90, 120, 150, 180)))
            if k < closed:
                status = ItemStatus.waived if rng.random() < 0.03 else ItemStatus.verified
            else:
                status = rng.choices(
                    (
                        ItemStatus.open,
                        ItemStatus.in_progress,
                        ItemStatus.submitted,
                        ItemStatus.returned,
                    ),
                    weights=(45, 30, 15, 10),
                )[0]
            created = _at(day, 17)
            steps: list[tuple[ItemStatus, datetime, int | None]] = []
            moment = created
            for to in _PATHS[status]:
                moment = min(
                    moment + timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 6)),
                    _at(today, 9),
                )
                actor = (
                    mentor
                    if to in (ItemStatus.verified, ItemStatus.returned, ItemStatus.waived)
                    else manager
                )
                steps.append((to, moment, actor))
            item_rows.append(
                {
                    "enterprise_id": small,
                    "audit_id": audit_id,
                    "sub_category": sub,
                    "finding": finding,
                    "measure": measure,
                    "severity": rng.choices(list(Severity), weights=(5, 3, 2))[0],
                    "due_on": due,
                    "status": status,
                    "created_at": created,
                    "updated_at": moment,
                    "closed_at": moment
                    if status in (ItemStatus.verified, ItemStatus.waived)
                    else None,
                }
            )
            paths.append((created, steps))
    item_ids = await _insert(session, Item, item_rows)
    history: list[dict[str, Any]] = []
    comments = {
        ItemStatus.submitted: "已整改，附照片",
        ItemStatus.returned: "佐证材料不全，请补充",
        ItemStatus.verified: "现场核实已完成",
        ItemStatus.waived: "生产线已停用，不再整改",
    }
    for item_id, (created, steps) in zip(item_ids, paths, strict=True):
        history.append(
            {
                "item_id": item_id,
                "actor_id": None,
                "from_status": None,
                "to_status": ItemStatus.open,
                "comment": "审核发现",
                "created_at": created,
            }
        )
        previous = ItemStatus.open
        for to, moment, actor in steps:
            history.append(
                {
                    "item_id": item_id,
                    "actor_id": actor,
                    "from_status": previous,
                    "to_status": to,
                    "comment": comments.get(to, ""),
                    "created_at": moment,
                }
            )
            previous = to
    await _insert(session, ItemHistory, history)

    # Help requests from managers, then visits past and upcoming.
    help_rows: list[dict[str, Any]] = []
    for n, (small, row) in enumerate(list(manager_of.items())[:30]):
        text, urgent = _HELP_TEXTS[n % len(_HELP_TEXTS)]
        asked = _at(today - timedelta(days=rng.randint(0, 40)), rng.randint(8, 17))
        help_rows.append(
            {
                "person_id": row["id"],
                "enterprise_id": small,
                "pairing_id": pairing_ids[small_ids.index(small)],
                "text": text,
                "photo_file_ids": [],
                "urgent": urgent,
                "status": rng.choice(list(HelpStatus)) if n else HelpStatus.open,
                "created_at": asked,
                "updated_at": asked,
            }
        )
    await _insert(session, HelpRequest, help_rows)

    visits: list[dict[str, Any]] = []
    for n, (pid, phase, day) in enumerate(zip(pairing_ids, phases, audit_days, strict=True)):
        mentor = assigned[pid]
        visits.append(
            {
                "pairing_id": pid,
                "mentor_id": mentor,
                "starts_at": _at(day, 9),
                "duration_minutes": 240,
                "purpose": VisitPurpose.audit,
                "phase": Phase.early,
                "status": VisitStatus.done,
                "notes": "现场审核",
            }
        )
        for _ in range(rng.randint(0, 2) if phase is not Phase.early else 0):
            past = day + timedelta(days=rng.randint(20, 50))
            if past < today:
                visits.append(
                    {
                        "pairing_id": pid,
                        "mentor_id": mentor,
                        "starts_at": _at(past, rng.choice((9, 14))),
                        "duration_minutes": 120,
                        "purpose": VisitPurpose.follow_up,
                        "phase": Phase.middle,
                        "status": VisitStatus.done,
                        "notes": "跟踪检查整改进度",
                    }
                )
        if phase is not Phase.closed and (n == 0 or rng.random() < 0.35):
            ahead = today + timedelta(days=1 if n == 0 else rng.randint(1, 30))
            visits.append(
                {
                    "pairing_id": pid,
                    "mentor_id": mentor,
                    "starts_at": _at(ahead, rng.choice((9, 10, 14, 15)), rng.choice((0, 30))),
                    "duration_minutes": 120,
                    "purpose": rng.choice(
                        (VisitPurpose.follow_up, VisitPurpose.training, VisitPurpose.acceptance)
                    ),
                    "phase": phase,
                    "status": rng.choice((VisitStatus.proposed, VisitStatus.confirmed)),
                    "notes": "",
                }
            )
    for row in visits:
        row.setdefault("created_at", row["starts_at"] - timedelta(days=7))
        row["updated_at"] = row["created_at"]
    await _insert(session, Visit, visits)
    await _advance_sequences(session)


async def ensure_demo_data(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> bool:
    """Load the demo programme if (and only if) the database has no enterprises yet.

    Returns:
        ``True`` if the demo was loaded, ``False`` if the database already had data.
    """
    async with session_factory() as session, session.begin():
        if await session.scalar(select(func.count()).select_from(Enterprise)):
            return False
        await load_demo(session, seed=seed, today=today)
    return True


async def demo_person_ids(session: AsyncSession) -> DemoPeople:
    """The demo's first manager, a mentor of that manager's small hand, and the bureau admin.

    Raises:
        LookupError: if the database holds no demo people.
    """

    async def first(*where: Any) -> int | None:
        return await session.scalar(
            select(col(Person.id)).where(*where).order_by(col(Person.id)).limit(1)
        )

    manager = await first(col(Person.role) == Role.manager)
    bureau = await first(col(Person.role) == Role.bureau)
    mentor = None
    if manager is not None:
        mentor = await session.scalar(
            select(col(PairingMentor.person_id))
            .join(Pairing, col(Pairing.id) == PairingMentor.pairing_id)
            .join(Round, col(Round.id) == Pairing.round_id)
            .join(Person, col(Person.enterprise_id) == Pairing.small_hand_id)
            .where(col(Person.id) == manager, col(Round.is_current).is_(True))
            .limit(1)
        )
    if manager is None or mentor is None or bureau is None:
        raise LookupError("no demo people in this database; run `handinhand demo` first")
    return DemoPeople(manager=manager, mentor=mentor, bureau=bureau)
