"""A busy SQLite (an import writing meanwhile) is waited out, not shown as an error."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from catalog import text
from knowledge import Entry, KnowledgeBase, Matcher
from storage.repositories import questions
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, texts


@pytest.fixture(scope="module")
def answerable(knowledge_base: KnowledgeBase, matcher: Matcher) -> Entry:
    for entry in knowledge_base.entries:
        if matcher.ask(entry.questions["zh"][0]).status == "answered":
            return entry
    raise AssertionError("no entry answers its own first question")


def _busy_once(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Make ``questions.<name>`` find the database locked the first time it is called."""
    real = getattr(questions, name)
    calls: list[int] = []

    async def locked_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT …", {}, Exception("database is locked"))
        return await real(*args, **kwargs)

    monkeypatch.setattr(questions, name, locked_once)
    return calls


async def test_a_question_that_finds_the_database_locked_is_answered_all_the_same(
    bot: BotHarness, world: World, answerable: Entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _busy_once(monkeypatch, "log_question")
    sent = await bot.send(world.manager_a, answerable.questions["zh"][0])
    assert len(calls) == 2, "the handler ran again"
    assert text("zh", "error.failed") not in texts(sent)
    assert "依据" in texts(sent)


async def test_a_button_that_finds_the_database_locked_is_answered_once_and_works(
    bot: BotHarness, world: World, answerable: Entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = await bot.send(world.manager_a, answerable.questions["zh"][0])
    calls = _busy_once(monkeypatch, "record_feedback")
    pressed = await bot.press(world.manager_a, button(asked, "fb:").rsplit(":", 1)[0] + ":1")
    assert len(calls) == 2
    assert [c.method for c in pressed].count("answerCallbackQuery") == 1
    assert text("zh", "error.failed") not in texts(pressed)
