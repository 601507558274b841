"""/stats: the bureau sees the figures of the test programme and three charts; others do not."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.updates import Sender
from catalog import text
from storage.enums import Language, QuestionOutcome, Reachability, Role
from storage.repositories import questions
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, texts
from tests.storage.factories import make_person


async def _unanswered(factory: async_sessionmaker[AsyncSession], *asked: str) -> None:
    async with factory() as session, session.begin():
        for question in asked:
            await questions.log_question(
                session=session, chat_id=101, text=question, outcome=QuestionOutcome.unanswered
            )


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_stats_shows_the_hand_computed_figures_and_three_charts(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    admin = world.bureau
    if lang == "en":
        async with sqlite_session_factory() as session, session.begin():
            await make_person(
                session,
                Role.bureau,
                telegram_user_id=302,
                chat_id=302,
                language=Language.en,
                reachability=Reachability.reachable,
            )
        admin = Sender(302, "Ann", "en")
    await _unanswered(sqlite_session_factory, "井盖颜色", "井盖颜色", "<b>奇怪</b>")
    calls = await bot.send(admin, "/stats")
    header = "项目数据" if lang == "zh" else "Programme figures"
    (figures,) = [c.text for c in calls if c.method == "sendMessage" and header in c.text]
    # The world: 2 big hands, 2 small hands, 2 early pairings, 3 open items of which one overdue.
    expected = (
        ["大手 2 家，小手 2 家", "前期 2", "待整改 3", "<b>0.0%</b>（0/3）", "逾期整改项：1"]
        if lang == "zh"
        else ["2 big hands, 2 small hands", "early 2", "open 3", "<b>0.0%</b> (0/3)", "items: 1"]
    )
    for fragment in expected:
        assert fragment in figures, fragment
    assert "• 大手集团: 0.0% (0/2)" in figures and "• 另一大手: 0.0% (0/1)" in figures
    assert "2× 井盖颜色" in figures and "1× &lt;b&gt;奇怪&lt;/b&gt;" in figures
    photos = [c for c in calls if c.method == "sendPhoto"]
    assert [c.text for c in photos] == [
        text(lang, f"stats.chart.{name}") for name in ("groups", "subs", "weekly")
    ]


async def test_stats_is_for_the_bureau_only(bot: BotHarness, world: World) -> None:
    calls = await bot.send(world.manager_a, "/stats")
    assert text("zh", "role.bureau") in texts(calls)
    assert "sendPhoto" not in [c.method for c in calls]
