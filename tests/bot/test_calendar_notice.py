"""A compliance-calendar notice about a date the bureau imported names its kind and its title."""

from __future__ import annotations

import pytest

from bot.notifier import render_notice
from knowledge import KnowledgeBase
from scheduler.notifier import EntryRef, Label, Notice


def _values(kind: str, entry_id: str) -> dict[str, object]:
    return {
        "enterprise": "甲厂",
        "rule": Label("visits.rule", kind, title="新增注塑线排污许可变更"),
        "deadline": "2026-02-28",
        "days_left": 30,
        "entry": EntryRef(entry_id) if entry_id else "",
        "basis": "《排污许可管理条例》第十四条第三款",
    }


@pytest.mark.parametrize(
    ("lang", "label"),
    [("zh", "「排污许可变更：新增注塑线排污许可变更」"), ("en", '"discharge permit change: 新增')],
)
def test_an_imported_date_shows_its_kind_and_title_with_the_entry(
    knowledge_base: KnowledgeBase, lang: str, label: str
) -> None:
    notice = Notice(
        "visits.calendar", _values("pollutant_permit_change", "permit-change-application")
    )
    rendered = render_notice(notice, lang, knowledge_base)
    assert label in rendered
    entry = knowledge_base.get("permit-change-application")
    short = entry.answer_for("en" if lang == "en" else "zh").partition("\n")[0]
    assert short.split()[0] in rendered


def test_an_other_date_has_no_entry_to_show(knowledge_base: KnowledgeBase) -> None:
    notice = Notice("visits.calendar_overdue", _values("other", ""))
    rendered = render_notice(notice, "zh", knowledge_base)
    assert "「合规事项：新增注塑线排污许可变更」已于 2026-02-28 到期" in rendered
    assert "—" not in rendered
