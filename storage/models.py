"""The programme's tables (SQLModel).

Conventions: every timestamp is a timezone-aware UTC ``datetime`` (``DateTime(timezone=True)``;
naive values are refused on write), calendar dates (deadlines, expiry dates) are plain ``date``;
enums are stored as their string values in VARCHAR columns (no native database enum types, so a
new member needs no type migration); Telegram ids are 64-bit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

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
from storage.text import CleanString

__all__ = [
    "Audit",
    "AuditScore",
    "Broadcast",
    "BroadcastDelivery",
    "ComplianceDate",
    "ConversationState",
    "ConversationUserData",
    "Enterprise",
    "Evidence",
    "ExtraPhrasing",
    "HelpRequest",
    "HelpRequestEvent",
    "Invite",
    "InviteAttempt",
    "Item",
    "ItemHistory",
    "LedgerEntry",
    "Pairing",
    "PairingMentor",
    "Person",
    "QuestionLog",
    "Round",
    "Visit",
    "metadata",
    "utcnow",
]

# Stable constraint names, so that Alembic's batch mode on SQLite can find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = SQLModel.metadata


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _enum(enum_cls: type[Enum]) -> sa.Enum:
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def _utc(**kwargs: Any) -> Any:
    """A UTC timestamp column."""
    return Field(sa_type=UTCDateTime(), **kwargs)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime())


_TG_ID = sa.BigInteger()


# --- enterprises, rounds, pairings ------------------------------------------------------------


class Enterprise(SQLModel, table=True):
    """A big hand or small hand, keyed naturally by its unified social credit code."""

    __tablename__ = "enterprises"

    id: int | None = Field(default=None, primary_key=True)
    kind: EnterpriseKind = Field(sa_type=_enum(EnterpriseKind), index=True)
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=18, unique=True)
    industry: str = Field(default="", max_length=100)
    town: str = Field(default="", max_length=100, index=True)
    address: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=50)
    permit_type: PermitType = Field(default=PermitType.none, sa_type=_enum(PermitType))
    permit_expiry: date | None = None
    emergency_plan_filed_on: date | None = None
    eia_status: EiaStatus = Field(default=EiaStatus.missing, sa_type=_enum(EiaStatus))
    acceptance_status: AcceptanceStatus = Field(
        default=AcceptanceStatus.pending, sa_type=_enum(AcceptanceStatus)
    )
    created_at: datetime = _created()


class ComplianceDate(SQLModel, table=True):
    """A compliance deadline the bureau imports for an enterprise (beyond its own date columns)."""

    __tablename__ = "compliance_dates"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "kind", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id")
    kind: ComplianceDateKind = Field(sa_type=_enum(ComplianceDateKind))
    due_on: date = Field(index=True)
    title: str = Field(max_length=200)
    note: str = ""
    created_at: datetime = _created()


class Round(SQLModel, table=True):
    """A programme year; exactly one round is current at a time."""

    __tablename__ = "rounds"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    name: str = Field(max_length=100)
    is_current: bool = Field(default=False, index=True)
    starts_on: date | None = None
    ends_on: date | None = None


class Pairing(SQLModel, table=True):
    """One big hand mentoring one small hand in one round; a small hand has one pairing a round."""

    __tablename__ = "pairings"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "small_hand_id"),
        sa.Index("ix_pairings_round_big_hand", "round_id", "big_hand_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id")
    big_hand_id: int = Field(foreign_key="enterprises.id")
    small_hand_id: int = Field(foreign_key="enterprises.id", index=True)
    phase: Phase = Field(default=Phase.early, sa_type=_enum(Phase))
    created_at: datetime = _created()


class PairingMentor(SQLModel, table=True):
    """A mentor (a person of the big hand) assigned to a pairing."""

    __tablename__ = "pairing_mentors"

    pairing_id: int = Field(foreign_key="pairings.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="people.id", primary_key=True, index=True)


# --- people and invites -----------------------------------------------------------------------


class Person(SQLModel, table=True):
    """Someone the bot talks to, with one role; managers and mentors belong to an enterprise."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int | None = Field(default=None, sa_type=_TG_ID, unique=True)
    chat_id: int | None = Field(default=None, sa_type=_TG_ID)
    name: str = Field(default="", max_length=100)
    language: Language = Field(default=Language.zh, sa_type=_enum(Language))
    role: Role = Field(sa_type=_enum(Role), index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id", index=True)
    phone: str = Field(default="", max_length=50)
    reachability: Reachability = Field(
        default=Reachability.never_started, sa_type=_enum(Reachability)
    )
    # Notification preferences (digest time, quiet hours, opted-out reminders); a free-form
    # mapping owned by the scheduler so that adding a preference needs no migration.
    preferences: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON())
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Invite(SQLModel, table=True):
    """A single-use onboarding code; only its hash is stored."""

    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: Role = Field(sa_type=_enum(Role))
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id")
    name: str = Field(default="", max_length=100)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = _created()
    expires_at: datetime = _utc()
    redeemed_at: datetime | None = _utc(default=None)
    redeemed_by: int | None = Field(default=None, foreign_key="people.id")


class InviteAttempt(SQLModel, table=True):
    """A failed redemption; enough of them in an hour lock the Telegram account out."""

    __tablename__ = "invite_attempts"
    __table_args__ = (sa.Index("ix_invite_attempts_user_time", "telegram_user_id", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=_TG_ID)
    attempted_at: datetime = _created()


# --- audits and rectification items -----------------------------------------------------------


class Audit(SQLModel, table=True):
    """An on-site audit (现场审核) of a small hand, with the category totals."""

    __tablename__ = "audits"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "audited_on"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id")
    pairing_id: int | None = Field(default=None, foreign_key="pairings.id", index=True)
    audited_on: date
    auditors: str = Field(default="", max_length=300)
    procedures_score: float = 0.0
    system_score: float = 0.0
    pollution_score: float = 0.0
    total_score: float = 0.0
    notes: str = ""
    created_at: datetime = _created()


class AuditScore(SQLModel, table=True):
    """The score of one of the 14 sub-categories in one audit."""

    __tablename__ = "audit_scores"

    audit_id: int = Field(foreign_key="audits.id", primary_key=True, ondelete="CASCADE")
    sub_category: SubCategory = Field(sa_type=_enum(SubCategory), primary_key=True)
    score: float
    max_score: float = 10.0


class Item(SQLModel, table=True):
    """A rectification item (整改项): from an audit finding or a visit."""

    __tablename__ = "items"
    __table_args__ = (
        sa.UniqueConstraint("audit_id", "sub_category", "finding"),
        sa.Index("ix_items_enterprise_status_due", "enterprise_id", "status", "due_on"),
        sa.Index("ix_items_status_due", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id")
    audit_id: int | None = Field(default=None, foreign_key="audits.id")
    visit_id: int | None = Field(default=None, foreign_key="visits.id", index=True)
    sub_category: SubCategory = Field(sa_type=_enum(SubCategory))
    finding: str
    measure: str = ""
    severity: Severity = Field(default=Severity.medium, sa_type=_enum(Severity))
    due_on: date | None = None
    status: ItemStatus = Field(default=ItemStatus.open, sa_type=_enum(ItemStatus))
    created_at: datetime = _created()
    updated_at: datetime = _created()
    closed_at: datetime | None = _utc(default=None)


class ItemHistory(SQLModel, table=True):
    """Append-only log of an item's status changes: who, from, to, why, when."""

    __tablename__ = "item_history"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="items.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="people.id")
    from_status: ItemStatus | None = Field(default=None, sa_type=_enum(ItemStatus))
    to_status: ItemStatus = Field(sa_type=_enum(ItemStatus))
    comment: str = ""
    created_at: datetime = _created()


class Evidence(SQLModel, table=True):
    """A photo, document (Telegram file id) or note attached to an item."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="items.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="people.id")
    kind: EvidenceKind = Field(sa_type=_enum(EvidenceKind))
    telegram_file_id: str | None = Field(default=None, max_length=200)
    note: str = ""
    created_at: datetime = _created()


# --- visits and help requests -----------------------------------------------------------------


class Visit(SQLModel, table=True):
    """A mentor's visit to a small hand."""

    __tablename__ = "visits"
    __table_args__ = (sa.Index("ix_visits_status_starts", "status", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairings.id", index=True)
    mentor_id: int = Field(foreign_key="people.id", index=True)
    starts_at: datetime = _utc()
    duration_minutes: int = 120
    purpose: VisitPurpose = Field(default=VisitPurpose.follow_up, sa_type=_enum(VisitPurpose))
    phase: Phase = Field(default=Phase.middle, sa_type=_enum(Phase))
    status: VisitStatus = Field(default=VisitStatus.proposed, sa_type=_enum(VisitStatus))
    notes: str = ""
    cancel_reason: str = ""
    help_request_id: int | None = Field(default=None, foreign_key="help_requests.id")
    # Who proposed the current time (the booking mentor, or whoever moved it last): only the
    # other side may confirm it. None on rows older than migration 0007: the mentor proposed.
    proposed_by_id: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class HelpRequest(SQLModel, table=True):
    """A manager's call for help to their mentor (/helpme)."""

    __tablename__ = "help_requests"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", index=True)
    pairing_id: int | None = Field(default=None, foreign_key="pairings.id")
    text: str
    photo_file_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON())
    urgent: bool = False
    status: HelpStatus = Field(default=HelpStatus.open, sa_type=_enum(HelpStatus), index=True)
    # What came of it: the mentor's closing words, or the notes of the visit that resolved it.
    outcome: str = ""
    created_at: datetime = _created()
    updated_at: datetime = _created()
    acknowledged_at: datetime | None = _utc(default=None)
    closed_at: datetime | None = _utc(default=None)


class HelpRequestEvent(SQLModel, table=True):
    """Append-only history of a help request: who did what (``kind``), when, and a note."""

    __tablename__ = "help_request_events"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_requests.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="people.id")
    kind: HelpEventKind = Field(sa_type=_enum(HelpEventKind))
    to_status: HelpStatus = Field(sa_type=_enum(HelpStatus))
    visit_id: int | None = Field(default=None, foreign_key="visits.id")
    note: str = ""
    created_at: datetime = _created()


# --- questions, broadcasts, ledger ------------------------------------------------------------


class QuestionLog(SQLModel, table=True):
    """Every question asked, how the matcher answered it, and what the asker thought of it."""

    __tablename__ = "question_log"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    chat_id: int = Field(sa_type=_TG_ID)
    text: str
    lang: str = Field(default="zh", max_length=16)
    matched_entry_id: str | None = Field(default=None, max_length=100)
    score: float | None = None
    outcome: QuestionOutcome = Field(sa_type=_enum(QuestionOutcome), index=True)
    feedback: Feedback = Field(default=Feedback.none, sa_type=_enum(Feedback))
    forwarded_to: int | None = Field(default=None, foreign_key="people.id")
    # When the asker pressed "ask a person": what the per-account limit counts.
    forwarded_at: datetime | None = _utc(default=None)
    answer_text: str | None = None
    answered_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = _created()
    answered_at: datetime | None = _utc(default=None)
    # Set when the bureau has reviewed the human answer (a curation draft or a mentor's reply):
    # answers with ``answer_text`` and no ``reviewed_at`` form the review queue.
    reviewed_at: datetime | None = _utc(default=None)


class ExtraPhrasing(SQLModel, table=True):
    """A real question linked by the bureau to a knowledge-base entry (curation from traffic)."""

    __tablename__ = "extra_phrasings"
    __table_args__ = (sa.UniqueConstraint("entry_id", "text"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(max_length=100, index=True)
    text: str = Field(max_length=500)
    source_question_id: int | None = Field(default=None, foreign_key="question_log.id")
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = _created()


class Broadcast(SQLModel, table=True):
    """An announcement from the bureau; ``audience`` records the filter it was sent to."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    text: str
    photo_file_id: str | None = Field(default=None, max_length=200)
    document_file_id: str | None = Field(default=None, max_length=200)
    audience: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON())
    require_ack: bool = False
    status: BroadcastStatus = Field(default=BroadcastStatus.draft, sa_type=_enum(BroadcastStatus))
    scheduled_at: datetime | None = _utc(default=None)
    started_at: datetime | None = _utc(default=None)
    finished_at: datetime | None = _utc(default=None)
    created_at: datetime = _created()


class BroadcastDelivery(SQLModel, table=True):
    """One recipient of one broadcast (the outbox row)."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("broadcast_id", "person_id"),
        sa.Index("ix_broadcast_deliveries_broadcast_status", "broadcast_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcasts.id")
    person_id: int = Field(foreign_key="people.id")
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=_enum(DeliveryStatus))
    attempts: int = 0
    last_error: str = ""
    message_id: int | None = Field(default=None, sa_type=_TG_ID)
    claimed_at: datetime | None = _utc(default=None)
    sent_at: datetime | None = _utc(default=None)
    acknowledged_at: datetime | None = _utc(default=None)
    ack_reminded_at: datetime | None = _utc(default=None)


class LedgerEntry(SQLModel, table=True):
    """A notification claimed before sending; the unique key makes every send at-most-once."""

    __tablename__ = "notification_ledger"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    claimed_at: datetime = _created()
    sent_at: datetime | None = _utc(default=None)


# --- dialogues in progress ----------------------------------------------------------------------


class ConversationState(SQLModel, table=True):
    """Where one person is in one of the bot's dialogues, so that a restart continues it.

    Written by the bot's persistence (``bot.persistence``) after every update; ``key`` and
    ``state`` are JSON (a conversation key is ``[chat_id, user_id]``, a state a small int).
    """

    __tablename__ = "conversation_states"

    name: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=64)
    state: str = Field(max_length=200)
    updated_at: datetime = _created()


class ConversationUserData(SQLModel, table=True):
    """A person's dialogue drafts (PTB's ``user_data``, as JSON), kept with the states."""

    __tablename__ = "conversation_user_data"

    user_id: int = Field(sa_type=_TG_ID, primary_key=True)
    data: str
    updated_at: datetime = _created()


def _clean_every_string_column() -> None:
    """Give every plain string column the :class:`~storage.text.CleanString` type.

    Done here, over the whole metadata, rather than field by field, so that a column added later
    gets it too (tests/storage/test_text.py checks that none is missed). Enum columns stay as they
    are: their values are the program's own.
    """
    for table in metadata.tables.values():
        for column in table.columns:
            kind = column.type
            if isinstance(kind, AutoString) or (
                isinstance(kind, sa.String) and not isinstance(kind, sa.Enum)
            ):
                column.type = CleanString(length=getattr(kind, "length", None))


_clean_every_string_column()
