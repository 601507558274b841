"""Bot fixtures: one programme (two small hands, a mentor, a bureau admin) and the running bot.

``world`` is the programme; ``bot`` runs the real application on a `RecordingRequest`, on
SQLite (``sqlite_session_factory`` from tests/conftest.py) with the real knowledge base.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, running, start_reminders
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from bot.updates import Sender
from knowledge import KnowledgeBase, Matcher, load_knowledge_base
from storage.enums import Language, Reachability, Role
from storage.models import Enterprise, Item
from storage.repositories import pairings
from tests.bot.harness import BotHarness
from tests.storage.factories import (
    make_big_hand,
    make_item,
    make_pairing,
    make_person,
    make_small_hand,
)

if TYPE_CHECKING:
    from tests.bot.scheduled import ScheduledBot

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def matcher(knowledge_base: KnowledgeBase) -> Matcher:
    return Matcher(knowledge_base)


@dataclass
class World:
    """Who is who in the test programme, as Telegram senders, plus the rows behind them."""

    small_a: Enterprise
    small_b: Enterprise
    big: Enterprise
    item_a: Item  # overdue
    item_a2: Item  # due later
    item_b: Item
    manager_a: Sender
    manager_b: Sender
    mentor: Sender
    bureau: Sender
    guest: Sender
    english_manager: Sender  # a second manager of small_a who reads English


async def _build_world(session: AsyncSession) -> World:
    big = await make_big_hand(session, name="大手集团")
    small_a = await make_small_hand(session, name="甲小手厂")
    small_b = await make_small_hand(session, name="乙小手厂")
    other_big = await make_big_hand(session, name="另一大手")
    pairing = await make_pairing(session, big_hand=big, small_hand=small_a)
    await make_pairing(session, big_hand=other_big, small_hand=small_b)

    async def person(
        role: Role, tg: int, name: str, enterprise: Enterprise | None, lang: Language
    ) -> Sender:
        await make_person(
            session,
            role=role,
            name=name,
            telegram_user_id=tg,
            chat_id=tg,
            enterprise_id=enterprise.id if enterprise else None,
            language=lang,
            reachability=Reachability.reachable,
        )
        return Sender(tg, name, "en" if lang is Language.en else "zh-hans")

    manager_a = await person(Role.manager, 101, "张经理", small_a, Language.zh)
    english_manager = await person(Role.manager, 103, "Mary", small_a, Language.en)
    manager_b = await person(Role.manager, 102, "李经理", small_b, Language.zh)
    mentor = await person(Role.mentor, 201, "王导师", big, Language.zh)
    bureau = await person(Role.bureau, 301, "局管理员", None, Language.zh)
    mentor_row = await _person_id(session, 201)
    assert pairing.id is not None
    await pairings.assign_mentor(session=session, pairing_id=pairing.id, person_id=mentor_row)
    item_a = await make_item(
        session, small_a, finding="危废暂存间未张贴标识", due_on=date(2026, 5, 1)
    )
    item_a2 = await make_item(session, small_a, finding="应急预案未备案", due_on=date(2026, 9, 1))
    item_b = await make_item(session, small_b, finding="乙厂噪声超标", due_on=date(2026, 7, 1))
    return World(
        small_a,
        small_b,
        big,
        item_a,
        item_a2,
        item_b,
        manager_a,
        manager_b,
        mentor,
        bureau,
        Sender(999, "路人", "zh-hans"),
        english_manager,
    )


async def _person_id(session: AsyncSession, tg: int) -> int:
    from storage.repositories import people

    found = await people.find_by_telegram_id(session=session, telegram_user_id=tg)
    assert found is not None and found.id is not None
    return found.id


@pytest.fixture
async def world(sqlite_session_factory: async_sessionmaker[AsyncSession]) -> World:
    async with sqlite_session_factory() as session, session.begin():
        return await _build_world(session)


@pytest.fixture
async def bot(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
) -> AsyncIterator[BotHarness]:
    settings = Settings(telegram_token=None, _env_file=None)  # type: ignore[call-arg]
    services = Services(
        settings,
        clock=lambda: NOW,
        session_factory=sqlite_session_factory,
        knowledge=knowledge_base,
        matcher=matcher,
        # Jobs are armed but APScheduler's loop does not run: a digest or escalation due "now"
        # by the fixed clock would otherwise land among the calls a test is looking at.
        start_reminders=False,
    )
    request = RecordingRequest()
    app = build_application(settings, services, request=request)
    async with running(app):
        await start_reminders(app, run_scheduler=False)
        request.clear()
        yield BotHarness(app, request)


@pytest.fixture
async def sbot(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
) -> AsyncIterator[ScheduledBot]:
    """The bot with its reminder service on a manual clock (see tests/bot/scheduled.py)."""
    from tests.bot.scheduled import FileRecordingRequest, scheduled_bot  # imports this module

    async with scheduled_bot(
        sqlite_session_factory, knowledge_base, matcher, FileRecordingRequest()
    ) as harness:
        yield harness
