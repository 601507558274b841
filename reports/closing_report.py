"""The closing report (结案报告) of one pairing as a PDF (fpdf2, the CJK font).

A closing report is made only for a pairing whose late phase is complete: the pairing is in the
late or closed phase, a monitoring-acceptance visit is done, a re-audit after the first audit
evaluated the effect, and no rectification item is still open. Anything less gets
`ClosingReportRefused` with the missing steps, or — asked for explicitly — a draft with "草稿"
across every page.

The sections follow the programme's phases: early (briefing, audit, diagnosis), middle (visits,
training), late (monitoring acceptance, evaluation); each shows its steps, the items found per
sub-category (3 categories, 14 sub-categories), their completion and the evidence behind them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from enum import StrEnum
from typing import Any, TypedDict

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from catalog import Lang, text
from reports.fonts import cjk_font
from reports.labels import format_date, label, percent
from reports.sanitise import strip_control
from storage.enums import (
    SUBCATEGORY_CATEGORY,
    Category,
    EnterpriseKind,
    ItemStatus,
    Phase,
    SubCategory,
    VisitPurpose,
    VisitStatus,
)
from storage.models import Item, Visit
from storage.repositories.report_data import ClosingFacts

__all__ = [
    "ClosingReportRefused",
    "Missing",
    "closing_report_pdf",
    "missing_late_steps",
    "report_number",
]

_CLOSED = (ItemStatus.verified, ItemStatus.waived)
_TRAINING = (VisitPurpose.training, VisitPurpose.drill)


class _NextLine(TypedDict):
    """fpdf2's keywords for "then start a new line" (replacing the deprecated ``ln=1``)."""

    new_x: XPos
    new_y: YPos


_LINE: _NextLine = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
_GREY = (110, 110, 110)


@dataclass(frozen=True, slots=True)
class Missing:
    """One step the late phase still lacks: a catalog key and its placeholders."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang) -> str:
        """The step in ``lang``; codes among the values become labels."""
        values = {
            k: label(lang, v) if isinstance(v, StrEnum) else v for k, v in self.values.items()
        }
        return text(lang, self.key, **values)


class ClosingReportRefused(Exception):
    """No (final) closing report can be made for this enterprise.

    Attributes:
        key: the catalog key of the reason (``report.refuse.*``).
        values: its placeholders.
        missing: for an unfinished pairing, the late-phase steps it lacks.
    """

    def __init__(self, key: str, missing: Sequence[Missing] = (), **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        self.missing = list(missing)

    def render(self, lang: Lang) -> str:
        """The reason, politely, in ``lang``."""
        missing = ("；" if lang == "zh" else "; ").join(m.render(lang) for m in self.missing)
        return text(lang, self.key, missing=missing, **self.values)


@dataclass
class _Steps:
    """What happened in each phase, read from the facts."""

    briefings: list[Visit]
    follow_ups: list[Visit]
    trainings: list[Visit]
    acceptances: list[Visit]
    open_items: list[Item]

    @classmethod
    def of(cls, facts: ClosingFacts) -> _Steps:
        done = [v for v in facts.visits if v.status is VisitStatus.done]
        return cls(
            briefings=[
                v
                for v in done
                if v.phase is Phase.early and v.purpose in (*_TRAINING, VisitPurpose.other)
            ],
            follow_ups=[
                v
                for v in done
                if v.phase is Phase.middle
                and v.purpose not in (*_TRAINING, VisitPurpose.acceptance)
            ],
            trainings=[v for v in done if v.phase is not Phase.early and v.purpose in _TRAINING],
            acceptances=[v for v in done if v.purpose is VisitPurpose.acceptance],
            open_items=[i for i in facts.items if i.status not in _CLOSED],
        )


def missing_late_steps(facts: ClosingFacts) -> list[Missing]:
    """The late-phase steps this pairing still lacks (empty: a closing report may be made)."""
    if facts.pairing is None:
        return []
    steps = _Steps.of(facts)
    missing: list[Missing] = []
    if facts.pairing.phase not in (Phase.late, Phase.closed):
        missing.append(Missing("report.missing.phase", {"phase": facts.pairing.phase}))
    if not steps.acceptances:
        missing.append(Missing("report.missing.acceptance"))
    if len(facts.audits) < 2:
        missing.append(Missing("report.missing.evaluation"))
    if steps.open_items:
        missing.append(Missing("report.missing.open_items", {"count": len(steps.open_items)}))
    return missing


def report_number(facts: ClosingFacts) -> str:
    """A stable number: the round's year and the pairing id (reissuing gives the same number)."""
    year = facts.round.year if facts.round else 0
    serial = facts.pairing.id if facts.pairing and facts.pairing.id else 0
    return f"JA{year}-{serial:04d}"


class _Document(FPDF):
    """A4 pages with the report number and "第 X 页 共 Y 页" in the footer, and the draft mark."""

    def __init__(self, *, lang: Lang, number: str, heading: str, draft: bool) -> None:
        super().__init__(format="A4")
        self.lang = lang
        self.number = number
        self.heading = heading
        self.draft = draft
        font = str(cjk_font())
        self.add_font("cjk", fname=font)
        self.add_font("cjk", style="B", fname=font)  # the font has no bold face
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=20)

    def normalize_text(self, text: str) -> str:
        # People's text may hold control characters that no font can draw.
        return super().normalize_text(strip_control(text).replace("\t", " "))

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("cjk", size=8)
            self.set_text_color(*_GREY)
            self.cell(0, 5, self.heading, align=Align.R, **_LINE)
            self.set_text_color(0, 0, 0)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("cjk", size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, self.number, align=Align.L)
        self.set_x(self.l_margin)
        page = text(self.lang, "report.page", page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(0, 5, page, align=Align.C)
        self.set_text_color(0, 0, 0)
        if self.draft:
            self._watermark()

    def _watermark(self) -> None:
        # Drawn last on each page, translucent, so it crosses tables without hiding them.
        mark = text(self.lang, "report.draft")
        size = 120 if self.lang == "zh" else 90
        x, y = self.w / 2, self.h / 2
        with self.local_context(fill_opacity=0.2, text_color=(200, 30, 30)):
            self.set_font("cjk", size=size)
            width = self.get_string_width(mark)
            with self.rotation(45, x, y):
                self.text(x - width / 2, y + size * 0.35 / 2, mark)


def _heading(pdf: _Document, title: str) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 9, title, **_LINE)
    pdf.set_font("cjk", size=9.5)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _dates(lang: Lang, visits: Iterable[Visit], tz: tzinfo) -> str:
    return "、".join(format_date(lang, v.starts_at.astimezone(tz).date()) for v in visits)


class _Writer:
    """Writes the sections of one report in order."""

    def __init__(
        self, facts: ClosingFacts, *, lang: Lang, tz: tzinfo, issued: date, draft: bool
    ) -> None:
        self.facts = facts
        self.lang = lang
        self.tz = tz
        self.issued = issued
        self.steps = _Steps.of(facts)
        self.phase_of = {i.id: facts.item_phase(i) for i in facts.items}
        number = report_number(facts)
        heading = f"{text(lang, 'report.title')} · {facts.enterprise.name} · {number}"
        self.pdf = _Document(lang=lang, number=number, heading=heading, draft=draft)

    def t(self, key: str, **values: Any) -> str:
        return text(self.lang, key, **values)

    def day(self, value: date) -> str:
        return format_date(self.lang, value)

    def write(self) -> bytes:
        self.pdf.add_page()
        self.title()
        self.info()
        self.summary()
        self.early()
        self.middle()
        self.late()
        self.sign_off()
        self.visits()
        self.item_list()
        return bytes(self.pdf.output())

    # --- the first page ---------------------------------------------------------------------

    def title(self) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=18)
        pdf.cell(0, 12, self.t("report.title"), align=Align.C, **_LINE)
        pdf.set_font("cjk", size=10)
        pdf.cell(0, 6, self.t("report.number", number=report_number(self.facts)), align=Align.C)
        pdf.ln(6)
        pdf.cell(0, 6, self.t("report.issued", date=self.day(self.issued)), align=Align.C)
        pdf.ln(8)
        if self.pdf.draft:
            pdf.set_text_color(200, 30, 30)
            pdf.multi_cell(0, 6, self.t("report.draft_note"), **_LINE)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)

    def info(self) -> None:
        f = self.facts
        assert f.pairing is not None
        e = f.enterprise
        none = self.t("report.none")
        rows = [
            ("report.info.small_hand", e.name),
            ("report.info.credit_code", e.credit_code),
            ("report.info.town", e.town or none),
            ("report.info.industry", e.industry or none),
            ("report.info.big_hand", f.big_hand.name if f.big_hand else none),
            ("report.info.mentors", "、".join(f.mentors) or none),
            ("report.info.managers", "、".join(f.managers) or e.contact_name or none),
            ("report.info.round", f.round.name if f.round else none),
            ("report.info.phase", label(self.lang, f.pairing.phase)),
        ]
        self.pdf.set_font("cjk", size=10)
        with self.pdf.table(
            col_widths=(45, 129),
            first_row_as_headings=False,
            line_height=7,
            text_align=(Align.L, Align.L),
        ) as table:
            for key, value in rows:
                table.row((self.t(key), value))

    def summary(self) -> None:
        f = self.facts
        _heading(self.pdf, self.t("report.summary.title"))
        closed = sum(i.status in _CLOSED for i in f.items)
        done = sum(v.status is VisitStatus.done for v in f.visits)
        first = f.audits[0].total_score if f.audits else None
        latest = f.audits[-1].total_score if len(f.audits) > 1 else None
        lines = [
            self.t(
                "report.summary.items",
                total=len(f.items),
                closed=closed,
                rate=percent(closed, len(f.items)),
            ),
            self.t("report.summary.scores", first=_score(first), latest=_score(latest)),
            self.t("report.summary.visits", visits=done, evidence=sum(f.evidence.values())),
        ]
        self.pdf.set_font("cjk", size=10)
        for line in lines:
            self.pdf.multi_cell(0, 6.5, line, **_LINE)

    # --- the phases ---------------------------------------------------------------------------

    def step_table(self, steps: Sequence[tuple[str, bool, str]]) -> None:
        with self.pdf.table(
            col_widths=(34, 22, 118),
            line_height=6.5,
            text_align=(Align.L, Align.C, Align.L),
            headings_style=FontFace(fill_color=(235, 240, 235)),
        ) as table:
            table.row(
                (
                    self.t("report.steps.step"),
                    self.t("report.steps.state"),
                    self.t("report.steps.detail"),
                )
            )
            for key, done, detail in steps:
                state = self.t("report.steps.done" if done else "report.steps.missing")
                table.row((self.t(key), state, detail or "—"))

    def phase_items(self, phase: Phase) -> list[Item]:
        return [i for i in self.facts.items if self.phase_of[i.id] is phase]

    def totals(self, items: Sequence[Item]) -> None:
        """The phase's findings in one line, written above its table so the two stay together."""
        self.pdf.ln(1.5)
        if not items:
            self.pdf.cell(0, 6, self.t("report.phase.none_found"), **_LINE)
            return
        closed = sum(i.status in _CLOSED for i in items)
        evidence = sum(self.facts.evidence.get(i.id or 0, 0) for i in items)
        self.pdf.multi_cell(
            0,
            6,
            self.t(
                "report.phase.totals",
                total=len(items),
                closed=closed,
                rate=percent(closed, len(items)),
                evidence=evidence,
            ),
            **_LINE,
        )

    def sub_category_table(
        self, items: Sequence[Item], *, scores: Sequence[dict[SubCategory, float]], all_subs: bool
    ) -> None:
        """Items found per sub-category, grouped by the 3 categories, with score columns."""
        found: dict[SubCategory, list[Item]] = {}
        for item in items:
            found.setdefault(item.sub_category, []).append(item)
        subs = [s for s in SubCategory if all_subs or s in found]
        if not subs:
            return
        score_heads = ["report.table.first_score", "report.table.latest_score"][: len(scores)]
        heads = [
            "report.table.category",
            "report.table.sub_category",
            *score_heads,
            "report.table.found",
            "report.table.closed",
            "report.table.rate",
            "report.table.evidence",
        ]
        widths = (26, 52, *([18] * len(scores)), 17, 17, 17, 17)
        scale = 174 / sum(widths)
        self.pdf.ln(1.5)
        self.pdf.set_font("cjk", size=9)
        with self.pdf.table(
            col_widths=tuple(w * scale for w in widths),
            line_height=5.8,
            text_align=(Align.L, Align.L, *([Align.R] * (len(heads) - 2))),
            headings_style=FontFace(fill_color=(235, 240, 235)),
        ) as table:
            table.row([self.t(h) for h in heads])
            for category in Category:
                members = [s for s in subs if SUBCATEGORY_CATEGORY[s] is category]
                for n, sub in enumerate(members):
                    row = table.row()
                    if n == 0:
                        row.cell(label(self.lang, category), rowspan=len(members))
                    row.cell(label(self.lang, sub))
                    for audit_scores in scores:
                        row.cell(_score(audit_scores.get(sub)))
                    of_sub = found.get(sub, [])
                    closed = sum(i.status in _CLOSED for i in of_sub)
                    evidence = sum(self.facts.evidence.get(i.id or 0, 0) for i in of_sub)
                    row.cell(str(len(of_sub)))
                    row.cell(str(closed))
                    row.cell(percent(closed, len(of_sub)))
                    row.cell(str(evidence))
            closed = sum(i.status in _CLOSED for i in items)
            total_row = table.row()
            total_row.cell(self.t("report.table.total"), colspan=2)
            for audit_scores in scores:
                total_row.cell(_score(sum(audit_scores.values()) if audit_scores else None))
            total_row.cell(str(len(items)))
            total_row.cell(str(closed))
            total_row.cell(percent(closed, len(items)))
            total_row.cell(str(sum(self.facts.evidence.get(i.id or 0, 0) for i in items)))
        self.pdf.set_font("cjk", size=9.5)

    def early(self) -> None:
        f, s = self.facts, self.steps
        _heading(self.pdf, self.t("report.phase.early"))
        first = f.audits[0] if f.audits else None
        items = self.phase_items(Phase.early)
        audit = (
            self.t(
                "report.detail.audit",
                date=self.day(first.audited_on),
                score=_score(first.total_score),
                auditors=first.auditors or self.t("report.none"),
            )
            if first
            else ""
        )
        self.step_table(
            [
                (
                    "report.step.briefing",
                    bool(s.briefings),
                    self.times(s.briefings),
                ),
                ("report.step.audit", first is not None, audit),
                (
                    "report.step.diagnosis",
                    bool(items),
                    self.t(
                        "report.detail.diagnosis",
                        found=len(items),
                        measures=sum(bool(i.measure.strip()) for i in items),
                    )
                    if items
                    else "",
                ),
            ]
        )
        first_scores = f.scores.get(first.id or 0, {}) if first else {}
        self.totals(items)
        self.sub_category_table(items, scores=[first_scores], all_subs=True)

    def times(self, visits: Sequence[Visit]) -> str:
        if not visits:
            return ""
        return self.t(
            "report.detail.times", count=len(visits), dates=_dates(self.lang, visits, self.tz)
        )

    def middle(self) -> None:
        s = self.steps
        _heading(self.pdf, self.t("report.phase.middle"))
        self.step_table(
            [
                ("report.step.visits", bool(s.follow_ups), self.times(s.follow_ups)),
                ("report.step.training", bool(s.trainings), self.times(s.trainings)),
            ]
        )
        items = self.phase_items(Phase.middle)
        self.totals(items)
        self.sub_category_table(items, scores=[], all_subs=False)

    def late(self) -> None:
        f, s = self.facts, self.steps
        _heading(self.pdf, self.t("report.phase.late"))
        first = f.audits[0] if f.audits else None
        latest = f.audits[-1] if len(f.audits) > 1 else None
        closed = sum(i.status in _CLOSED for i in f.items)
        evaluation = (
            self.t(
                "report.detail.evaluation",
                date=self.day(latest.audited_on),
                first=_score(first.total_score if first else None),
                latest=_score(latest.total_score),
                closed=closed,
                total=len(f.items),
            )
            if latest
            else ""
        )
        self.step_table(
            [
                ("report.step.acceptance", bool(s.acceptances), self.times(s.acceptances)),
                ("report.step.evaluation", latest is not None, evaluation),
            ]
        )
        first_scores = f.scores.get(first.id or 0, {}) if first else {}
        latest_scores = f.scores.get(latest.id or 0, {}) if latest else {}
        self.totals(self.phase_items(Phase.late))
        self.sub_category_table(
            self.phase_items(Phase.late), scores=[first_scores, latest_scores], all_subs=True
        )

    # --- sign-off and annexes -------------------------------------------------------------------

    def sign_off(self) -> None:
        pdf, f = self.pdf, self.facts
        if pdf.will_page_break(95):
            pdf.add_page()
        _heading(pdf, self.t("report.sign.title"))
        pdf.set_font("cjk", size=10)
        # A draft must not claim what the pairing has not done.
        statement = "report.draft_note" if pdf.draft else "report.sign.statement"
        pdf.multi_cell(0, 6, self.t(statement), **_LINE)
        pdf.ln(3)
        parties = [
            self.t("report.sign.mentor", company=f.big_hand.name if f.big_hand else ""),
            self.t("report.sign.manager", company=f.enterprise.name),
            self.t("report.sign.bureau"),
        ]
        gap, top = 4.0, pdf.get_y()
        width = (pdf.epw - 2 * gap) / 3
        height = 62.0
        for n, party in enumerate(parties):
            x = pdf.l_margin + n * (width + gap)
            pdf.rect(x, top, width, height)
            pdf.set_xy(x + 2, top + 2)
            pdf.set_font("cjk", size=9)
            pdf.multi_cell(width - 4, 5, party, align=Align.L)
            pdf.set_xy(x + 2, top + 20)
            pdf.cell(width - 4, 6, self.t("report.sign.signature"))
            pdf.set_draw_color(150, 150, 150)
            pdf.line(x + 4, top + 32, x + width - 4, top + 32)
            # The seal: a dashed circle where the stamp goes.
            with pdf.local_context(dash_pattern={"dash": 1, "gap": 1}):
                pdf.circle(x + width / 2, top + 43, 9)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_xy(x, top + 40)
            pdf.set_text_color(*_GREY)
            pdf.cell(width, 6, self.t("report.sign.seal"), align=Align.C)
            pdf.set_text_color(0, 0, 0)
            pdf.set_xy(x + 2, top + height - 8)
            pdf.cell(width - 4, 6, self.t("report.sign.date"))
        pdf.set_xy(pdf.l_margin, top + height + 4)

    def visits(self) -> None:
        pdf = self.pdf
        _heading(pdf, self.t("report.visits.title"))
        if not self.facts.visits:
            pdf.cell(0, 6, self.t("report.none"), **_LINE)
            return
        pdf.set_font("cjk", size=9)
        with pdf.table(
            col_widths=(26, 26, 20, 22, 80),
            line_height=5.8,
            headings_style=FontFace(fill_color=(235, 240, 235)),
        ) as table:
            table.row(
                [
                    self.t(f"report.visits.{k}")
                    for k in ("date", "purpose", "phase", "status", "notes")
                ]
            )
            for v in self.facts.visits:
                table.row(
                    (
                        self.day(v.starts_at.astimezone(self.tz).date()),
                        label(self.lang, v.purpose),
                        label(self.lang, v.phase),
                        label(self.lang, v.status),
                        v.notes or v.cancel_reason or "",
                    )
                )

    def item_list(self) -> None:
        pdf = self.pdf
        _heading(pdf, self.t("report.items.title"))
        if not self.facts.items:
            pdf.cell(0, 6, self.t("report.none"), **_LINE)
            return
        pdf.set_font("cjk", size=8.5)
        with pdf.table(
            col_widths=(8, 38, 60, 12, 20, 16, 20),
            line_height=5.2,
            headings_style=FontFace(fill_color=(235, 240, 235)),
        ) as table:
            table.row(
                [
                    "#",
                    self.t("report.table.sub_category"),
                    self.t("report.items.finding"),
                    self.t("report.items.severity"),
                    self.t("report.items.due"),
                    self.t("report.items.status"),
                    self.t("report.items.closed_on"),
                ]
            )
            for n, item in enumerate(self.facts.items, start=1):
                table.row(
                    (
                        str(n),
                        label(self.lang, item.sub_category),
                        item.finding,
                        label(self.lang, item.severity),
                        item.due_on.isoformat() if item.due_on else "—",
                        label(self.lang, item.status),
                        item.closed_at.astimezone(self.tz).date().isoformat()
                        if item.closed_at
                        else "—",
                    )
                )


def closing_report_pdf(
    facts: ClosingFacts, *, issued: date, tz: tzinfo, lang: Lang = "zh", draft: bool = False
) -> bytes:
    """Render the closing report of the enterprise's latest pairing.

    Args:
        facts: from `storage.repositories.report_data.closing_facts`.
        issued: the issue date printed on the report (the local date).
        tz: the time zone in which visit dates are shown.
        lang: "zh" (default) or "en" for every label and heading.
        draft: make a draft (marked "草稿" on every page) of a pairing whose late phase is not
            complete, instead of refusing.

    Raises:
        ClosingReportRefused: the enterprise is a big hand or was never paired, or the late
            phase is incomplete and ``draft`` is false.
        reports.fonts.MissingCjkFont: if no Chinese font is available.
    """
    name = facts.enterprise.name
    if facts.enterprise.kind is EnterpriseKind.big:
        raise ClosingReportRefused("report.refuse.big_hand", name=name)
    if facts.pairing is None:
        raise ClosingReportRefused("report.refuse.unpaired", name=name)
    missing = missing_late_steps(facts)
    if missing and not draft:
        raise ClosingReportRefused("report.refuse.incomplete", missing, name=name)
    writer = _Writer(facts, lang=lang, tz=tz, issued=issued, draft=bool(missing) and draft)
    return writer.write()
