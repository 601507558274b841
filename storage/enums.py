"""The closed vocabularies of the programme, stored as their lower-case string values.

Every enum is a ``StrEnum`` whose member names equal their values, so a value read from a
spreadsheet, a callback payload or the database maps back with ``Enum(value)``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "SUBCATEGORY_CATEGORY",
    "SUBCATEGORY_ZH",
    "AcceptanceStatus",
    "BroadcastStatus",
    "Category",
    "ComplianceDateKind",
    "DeliveryStatus",
    "EiaStatus",
    "EnterpriseKind",
    "EvidenceKind",
    "Feedback",
    "HelpEventKind",
    "HelpStatus",
    "ItemStatus",
    "Language",
    "PermitType",
    "Phase",
    "QuestionOutcome",
    "Reachability",
    "Role",
    "Severity",
    "SubCategory",
    "VisitPurpose",
    "VisitStatus",
]


class EnterpriseKind(StrEnum):
    """A big hand (大手, mentor company) or a small hand (小手, mentee)."""

    big = "big"
    small = "small"


class PermitType(StrEnum):
    """Which discharge-permit regime an enterprise falls under (排污许可分类管理)."""

    key = "key"  # 重点管理 — permit
    simplified = "simplified"  # 简化管理 — permit
    registration = "registration"  # 登记管理 — 排污登记, no permit
    none = "none"  # not yet determined or not covered


class ComplianceDateKind(StrEnum):
    """What a compliance date the bureau imports is about (a calendar rule per kind)."""

    eia_reapproval = "eia_reapproval"  # 环评重新报批/重新审核
    monitoring_report = "monitoring_report"  # 自行监测、执行报告
    pollutant_permit_change = "pollutant_permit_change"  # 排污许可变更
    other = "other"


class EiaStatus(StrEnum):
    """State of the environmental impact assessment (环评)."""

    approved = "approved"  # 报告书/报告表 批复
    registered = "registered"  # 登记表 备案
    missing = "missing"
    exempt = "exempt"


class AcceptanceStatus(StrEnum):
    """State of the completion environmental acceptance (竣工环保验收)."""

    accepted = "accepted"
    pending = "pending"
    not_required = "not_required"


class Phase(StrEnum):
    """Phase of a pairing: 前期 / 中期 / 后期 / 结案."""

    early = "early"
    middle = "middle"
    late = "late"
    closed = "closed"


class Role(StrEnum):
    """What a person may do: manage one small hand, mentor for a big hand, or run the bureau."""

    manager = "manager"
    mentor = "mentor"
    bureau = "bureau"


class Language(StrEnum):
    zh = "zh"
    en = "en"


class Reachability(StrEnum):
    """Whether the bot can message a person; unreachable people are skipped, never retried."""

    reachable = "reachable"
    blocked = "blocked"
    never_started = "never_started"


class Category(StrEnum):
    """The audit's 3 categories."""

    procedures = "procedures"
    system = "system"
    pollution = "pollution"


class SubCategory(StrEnum):
    """The audit's 14 sub-categories.

    A copy of the ids in ``knowledge.taxonomy`` — storage imports nothing of ours, and a test
    keeps the two lists equal.
    """

    eia = "eia"
    acceptance = "acceptance"
    permit = "permit"
    emergency_plan = "emergency_plan"
    mgmt_rules = "mgmt_rules"
    staffing = "staffing"
    records = "records"
    training = "training"
    monitoring_disclosure = "monitoring_disclosure"
    wastewater = "wastewater"
    air = "air"
    solid_waste = "solid_waste"
    hazardous_waste = "hazardous_waste"
    noise = "noise"


SUBCATEGORY_CATEGORY: dict[SubCategory, Category] = {
    **dict.fromkeys(
        (SubCategory.eia, SubCategory.acceptance, SubCategory.permit, SubCategory.emergency_plan),
        Category.procedures,
    ),
    **dict.fromkeys(
        (
            SubCategory.mgmt_rules,
            SubCategory.staffing,
            SubCategory.records,
            SubCategory.training,
            SubCategory.monitoring_disclosure,
        ),
        Category.system,
    ),
    **dict.fromkeys(
        (
            SubCategory.wastewater,
            SubCategory.air,
            SubCategory.solid_waste,
            SubCategory.hazardous_waste,
            SubCategory.noise,
        ),
        Category.pollution,
    ),
}


SUBCATEGORY_ZH: dict[SubCategory, str] = {
    SubCategory.eia: "环境影响评价",
    SubCategory.acceptance: "竣工环境保护验收",
    SubCategory.permit: "排污许可 / 排污登记",
    SubCategory.emergency_plan: "突发环境事件应急预案",
    SubCategory.mgmt_rules: "环保管理制度与责任",
    SubCategory.staffing: "环保机构与人员",
    SubCategory.records: "环保台账与档案",
    SubCategory.training: "环保培训",
    SubCategory.monitoring_disclosure: "自行监测与信息公开",
    SubCategory.wastewater: "废水",
    SubCategory.air: "废气（含VOCs）",
    SubCategory.solid_waste: "一般工业固体废物",
    SubCategory.hazardous_waste: "危险废物",
    SubCategory.noise: "噪声",
}


class Severity(StrEnum):
    """How serious a finding is: 一般 / 较重 / 严重."""

    low = "low"
    medium = "medium"
    high = "high"


class ItemStatus(StrEnum):
    """Life cycle of a rectification item; see ``storage.repositories.items`` for the moves."""

    open = "open"
    in_progress = "in_progress"
    submitted = "submitted"
    verified = "verified"
    returned = "returned"
    waived = "waived"


# What "open" means for an item, defined once: verified and waived items are closed, every other
# status is still open (the SQL form is `storage.repositories.items.is_open`).
ITEM_CLOSED: frozenset[ItemStatus] = frozenset({ItemStatus.verified, ItemStatus.waived})
ITEM_OPEN: frozenset[ItemStatus] = frozenset(ItemStatus) - ITEM_CLOSED


class EvidenceKind(StrEnum):
    photo = "photo"
    document = "document"
    note = "note"


class VisitStatus(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    done = "done"
    cancelled = "cancelled"


class VisitPurpose(StrEnum):
    audit = "audit"
    follow_up = "follow_up"
    training = "training"
    acceptance = "acceptance"
    drill = "drill"
    help = "help"
    other = "other"


class HelpStatus(StrEnum):
    """open → acknowledged → visit_booked → resolved (by the visit's outcome) or closed.

    ``visit_proposed`` is what rows written before the workflow said for ``visit_booked``.
    """

    open = "open"
    acknowledged = "acknowledged"
    visit_proposed = "visit_proposed"
    visit_booked = "visit_booked"
    resolved = "resolved"
    closed = "closed"


class HelpEventKind(StrEnum):
    """What happened to a help request (``help_request_events``)."""

    created = "created"
    acknowledged = "acknowledged"
    visit_booked = "visit_booked"
    resolved = "resolved"
    closed = "closed"
    escalated = "escalated"


class QuestionOutcome(StrEnum):
    answered = "answered"
    suggest = "suggest"
    unanswered = "unanswered"


class Feedback(StrEnum):
    up = "up"
    down = "down"
    none = "none"


class BroadcastStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    sending = "sending"
    done = "done"
    cancelled = "cancelled"


class DeliveryStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    blocked = "blocked"
    unknown = "unknown"  # the send timed out after the request went out: it may have arrived
