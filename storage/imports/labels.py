"""Chinese labels of the enums as the bureau writes them in spreadsheets.

A label may list synonyms separated by ``/``; the first is the one shown in messages.
"""

from __future__ import annotations

from storage.enums import (
    SUBCATEGORY_ZH,
    AcceptanceStatus,
    ComplianceDateKind,
    EiaStatus,
    EnterpriseKind,
    PermitType,
    Phase,
    Severity,
)

__all__ = [
    "ACCEPTANCE_ZH",
    "COMPLIANCE_DATE_ZH",
    "EIA_ZH",
    "KIND_ZH",
    "PERMIT_ZH",
    "PHASE_ZH",
    "SEVERITY_ZH",
    "SUBCATEGORY_LABELS",
]

KIND_ZH = {EnterpriseKind.big: "大手/大手企业", EnterpriseKind.small: "小手/小手企业"}
PERMIT_ZH = {
    PermitType.key: "重点管理/重点",
    PermitType.simplified: "简化管理/简化",
    PermitType.registration: "登记管理/排污登记/登记",
    PermitType.none: "无/未确定",
}
EIA_ZH = {
    EiaStatus.approved: "已批复/批复",
    EiaStatus.registered: "已备案/登记表备案",
    EiaStatus.missing: "未办理/无",
    EiaStatus.exempt: "豁免/无需办理",
}
ACCEPTANCE_ZH = {
    AcceptanceStatus.accepted: "已验收",
    AcceptanceStatus.pending: "未验收/待验收",
    AcceptanceStatus.not_required: "无需验收",
}
COMPLIANCE_DATE_ZH = {
    ComplianceDateKind.eia_reapproval: "环评重新报批/环评重新审核/重新报批",
    ComplianceDateKind.monitoring_report: "监测报告/自行监测/执行报告/自行监测报告",
    ComplianceDateKind.pollutant_permit_change: "排污许可变更/许可变更/排污许可证变更",
    ComplianceDateKind.other: "其他",
}
PHASE_ZH = {Phase.early: "前期", Phase.middle: "中期", Phase.late: "后期", Phase.closed: "结案"}
SEVERITY_ZH = {Severity.low: "一般/轻微", Severity.medium: "较重/中等", Severity.high: "严重/重大"}
# The taxonomy names contain " / " and full-width brackets; accept the halves and the short forms.
SUBCATEGORY_LABELS = {s: name.replace(" / ", "/") for s, name in SUBCATEGORY_ZH.items()}
