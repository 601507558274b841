"""The error handler: a failure is logged, the user hears politely, the bot keeps going."""

from __future__ import annotations

import logging

import pytest

from bot.services import Services
from knowledge import Matcher, Outcome
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, texts


class BrokenMatcher(Matcher):
    def ask(self, text: str) -> Outcome:
        if "boom" in text:
            raise RuntimeError("matcher exploded")
        return super().ask(text)


@pytest.mark.parametrize(
    ("sender", "expected"),
    [("manager_a", "处理时出错了"), ("english_manager", "something went wrong")],
)
async def test_an_unexpected_error_is_logged_reported_and_survived(
    bot: BotHarness, world: World, caplog: pytest.LogCaptureFixture, sender: str, expected: str
) -> None:
    services: Services = bot.app.bot_data.services  # type: ignore[assignment]
    services.matcher = BrokenMatcher(services.kb)
    services.settings.admin_chat_id = -100123
    who = getattr(world, sender)
    with caplog.at_level(logging.ERROR):
        calls = await bot.send(who, "boom")
    assert expected in texts(calls, who.user_id)
    assert "RuntimeError: matcher exploded" in texts(calls, -100123)
    assert "matcher exploded" in caplog.text
    # The application carries on with the next update.
    assert "小手企业负责人" in texts(await bot.send(world.manager_a, "/whoami"))
