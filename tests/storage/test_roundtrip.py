"""Every table stores and returns every column unchanged, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

from storage.enums import (
    AcceptanceStatus,
    BroadcastStatus,
    ComplianceDateKind,
    DeliveryStatus,
    EiaStatus,
    EnterpriseKind,
    EvidenceKind,
    Feedback,
    HelpEventKind,
    HelpStatus,
    ItemStatus,
    Language,
    PermitType,
    Phase,
    QuestionOutcome,
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
    Broadcast,
    BroadcastDelivery,
    ComplianceDate,
    ConversationState,
    ConversationUserData,
    Enterprise,
    Evidence,
    ExtraPhrasing,
    HelpRequest,
    HelpRequestEvent,
    Invite,
    InviteAttempt,
    Item,
    ItemHistory,
    LedgerEntry,
    Pairing,
    PairingMentor,
    Person,
    QuestionLog,
    Round,
    Visit,
    metadata,
)
from tests.storage.factories import make_credit_code

# A non-UTC, non-Shanghai offset proves times are converted to UTC and back, not relabelled.
T = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
BIG_TG_ID = 7_123_456_789  # beyond 32 bits, like real Telegram ids


def _rows() -> list[SQLModel]:
    return [
        Enterprise(
            id=1,
            kind=EnterpriseKind.big,
            name="无锡大手集团",
            credit_code=make_credit_code(1),
            industry="化工",
            town="东港镇",
            address="锡港路1号",
            contact_name="王工",
            contact_phone="0510-1234567",
            permit_type=PermitType.key,
            permit_expiry=date(2027, 3, 1),
            emergency_plan_filed_on=date(2024, 5, 6),
            eia_status=EiaStatus.approved,
            acceptance_status=AcceptanceStatus.accepted,
            created_at=T,
        ),
        Enterprise(
            id=2,
            kind=EnterpriseKind.small,
            name="小手机械",
            credit_code=make_credit_code(2),
            permit_type=PermitType.registration,
            eia_status=EiaStatus.registered,
            acceptance_status=AcceptanceStatus.not_required,
            created_at=T,
        ),
        Round(
            id=1,
            year=2025,
            name="2025年度",
            is_current=True,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
        ),
        Pairing(id=1, round_id=1, big_hand_id=1, small_hand_id=2, phase=Phase.middle, created_at=T),
        Person(
            id=1,
            telegram_user_id=BIG_TG_ID,
            chat_id=BIG_TG_ID,
            name="李导师",
            language=Language.en,
            role=Role.mentor,
            enterprise_id=1,
            phone="139",
            reachability=Reachability.blocked,
            preferences={"digest": "08:30", "quiet": [22, 7]},
            created_at=T,
            updated_at=T,
        ),
        PairingMentor(pairing_id=1, person_id=1),
        Invite(
            id=1,
            code_hash="a" * 64,
            role=Role.manager,
            enterprise_id=2,
            name="张经理",
            created_by=1,
            created_at=T,
            expires_at=T + timedelta(days=7),
            redeemed_at=T,
            redeemed_by=1,
        ),
        InviteAttempt(id=1, telegram_user_id=BIG_TG_ID, attempted_at=T),
        ComplianceDate(
            id=1,
            enterprise_id=2,
            kind=ComplianceDateKind.pollutant_permit_change,
            due_on=date(2026, 2, 28),
            title="新增注塑线排污许可变更",
            note="技改投产前",
            created_at=T,
        ),
        Audit(
            id=1,
            enterprise_id=2,
            pairing_id=1,
            audited_on=date(2025, 3, 2),
            auditors="赵, 钱",
            procedures_score=30.5,
            system_score=35.0,
            pollution_score=40.25,
            total_score=105.75,
            notes="首次审核",
            created_at=T,
        ),
        AuditScore(
            audit_id=1, sub_category=SubCategory.monitoring_disclosure, score=7.5, max_score=10.0
        ),
        HelpRequest(
            id=1,
            person_id=1,
            enterprise_id=2,
            pairing_id=1,
            text="废气超标怎么办",
            photo_file_ids=["AgAD1", "AgAD2"],
            urgent=True,
            status=HelpStatus.visit_proposed,
            created_at=T,
            updated_at=T,
        ),
        Visit(
            id=1,
            pairing_id=1,
            mentor_id=1,
            starts_at=T,
            duration_minutes=90,
            purpose=VisitPurpose.training,
            phase=Phase.late,
            status=VisitStatus.cancelled,
            notes="带培训材料",
            cancel_reason="台风",
            help_request_id=1,
            created_at=T,
            updated_at=T,
        ),
        ConversationState(name="submit_item", key="[101, 101]", state="1", updated_at=T),
        ConversationUserData(
            user_id=9_000_000_001, data='{"draft": {"item_id": 1, "note": "已整改"}}', updated_at=T
        ),
        HelpRequestEvent(
            id=1,
            request_id=1,
            actor_id=1,
            kind=HelpEventKind.visit_booked,
            to_status=HelpStatus.visit_booked,
            visit_id=1,
            note="下午带专家到厂",
            created_at=T,
        ),
        Item(
            id=1,
            enterprise_id=2,
            audit_id=1,
            visit_id=1,
            sub_category=SubCategory.noise,
            finding="风机无隔声罩",
            measure="加装隔声罩",
            severity=Severity.high,
            due_on=date(2025, 9, 30),
            status=ItemStatus.returned,
            created_at=T,
            updated_at=T,
            closed_at=T,
        ),
        ItemHistory(
            id=1,
            item_id=1,
            actor_id=1,
            from_status=ItemStatus.submitted,
            to_status=ItemStatus.returned,
            comment="照片不清晰",
            created_at=T,
        ),
        Evidence(
            id=1,
            item_id=1,
            person_id=1,
            kind=EvidenceKind.document,
            telegram_file_id="BQACAgUAAxkBAAI",
            note="检测报告",
            created_at=T,
        ),
        QuestionLog(
            id=1,
            person_id=1,
            chat_id=-1001234567890,
            text="危废怎么贮存",
            lang="zh-Hant",
            matched_entry_id="hazardous_waste.storage",
            score=0.87,
            outcome=QuestionOutcome.suggest,
            feedback=Feedback.down,
            forwarded_to=1,
            answer_text="见HJ 2025",
            answered_by=1,
            created_at=T,
            answered_at=T,
        ),
        ExtraPhrasing(
            id=1,
            entry_id="hazardous_waste.storage",
            text="危废放哪里",
            source_question_id=1,
            created_by=1,
            created_at=T,
        ),
        Broadcast(
            id=1,
            created_by=1,
            text="<b>通知</b>",
            photo_file_id="p",
            document_file_id="d",
            audience={"role": "manager", "towns": ["东港镇"]},
            require_ack=True,
            status=BroadcastStatus.sending,
            scheduled_at=T,
            started_at=T,
            finished_at=T,
            created_at=T,
        ),
        BroadcastDelivery(
            id=1,
            broadcast_id=1,
            person_id=1,
            status=DeliveryStatus.blocked,
            attempts=3,
            last_error="Forbidden",
            message_id=BIG_TG_ID,
            claimed_at=T,
            sent_at=T,
            acknowledged_at=T,
            ack_reminded_at=T,
        ),
        LedgerEntry(id=1, key="visit:1:reminder:24h", claimed_at=T, sent_at=T),
    ]


def test_every_table_is_covered() -> None:
    assert {type(r).__tablename__ for r in _rows()} == set(metadata.tables)


async def test_every_table_round_trips(session_factory: async_sessionmaker[AsyncSession]) -> None:
    written = _rows()
    expected = [row.model_dump() for row in written]
    async with session_factory() as session, session.begin():
        for row in written:  # one flush per row keeps foreign keys satisfied in order
            session.add(row)
            await session.flush()

    async with session_factory() as session:
        for row, want in zip(written, expected, strict=True):
            model = type(row)
            key = tuple(getattr(row, c.name) for c in model.__table__.primary_key)  # type: ignore[attr-defined]
            got = await session.get(model, key if len(key) > 1 else key[0])
            assert got is not None, model.__tablename__
            assert got.model_dump() == want, model.__tablename__


async def test_times_come_back_aware_in_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, session.begin():
        session.add(LedgerEntry(key="k", claimed_at=T))
    async with session_factory() as session:
        entry = await session.get(LedgerEntry, 1)
    assert entry is not None
    assert entry.claimed_at.tzinfo is not None
    assert entry.claimed_at.utcoffset() == timedelta(0)
    assert entry.claimed_at == T.astimezone(UTC)


async def test_naive_times_are_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        session.add(LedgerEntry(key="k", claimed_at=datetime(2025, 1, 1, 8, 0)))
        with pytest.raises(Exception, match="timezone"):
            await session.flush()
