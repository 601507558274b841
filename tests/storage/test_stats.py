"""Every figure of /stats against values computed by hand on a small programme."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import ItemStatus, Phase, SubCategory
from storage.repositories.stats import Completion, programme_figures, weekly_closed
from tests.storage.stats_fixtures import NOW, TODAY, make_stats_programme


async def test_every_figure_matches_the_hand_computed_value(session: AsyncSession) -> None:
    await make_stats_programme(session)
    f = await programme_figures(session=session, today=TODAY, now=NOW)
    assert (f.big_hands, f.small_hands, f.round_name) == (2, 3, "2025年度")
    assert f.pairings_by_phase == {Phase.early: 1, Phase.middle: 1, Phase.late: 0, Phase.closed: 1}
    assert f.audits == 2
    assert f.items_by_status == {
        ItemStatus.open: 1,
        ItemStatus.in_progress: 1,
        ItemStatus.submitted: 1,
        ItemStatus.verified: 3,
        ItemStatus.returned: 0,
        ItemStatus.waived: 1,
    }
    assert f.completion == Completion(4, 7)
    assert round(f.completion.rate, 4) == 0.5714
    assert f.by_big_hand == {"甲大手有限公司": Completion(2, 4), "乙大手有限公司": Completion(2, 3)}
    assert f.by_sub_category == {
        SubCategory.air: Completion(2, 3),
        SubCategory.wastewater: Completion(0, 2),
        SubCategory.noise: Completion(2, 2),
    }
    assert f.overdue == 2
    assert (f.visits_done, f.visits_planned) == (1, 1)
    assert (f.help_open, f.help_total) == (2, 3)
    assert f.unanswered == [("危废怎么贮存", 3), ("噪声标准", 1)]


async def test_an_empty_programme_has_zero_figures(session: AsyncSession) -> None:
    f = await programme_figures(session=session, today=TODAY, now=NOW)
    assert (f.big_hands, f.audits, f.overdue, f.unanswered) == (0, 0, 0, [])
    assert f.completion.rate == 1.0 and f.by_big_hand == {}


async def test_closed_items_are_counted_in_their_week(session: AsyncSession) -> None:
    await make_stats_programme(session)
    weeks = await weekly_closed(session=session, today=TODAY, weeks=3)
    assert weeks == [(date(2025, 5, 19), 0), (date(2025, 5, 26), 4), (date(2025, 6, 2), 0)]
