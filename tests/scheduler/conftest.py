"""A small programme (one pairing, a manager, a mentor, a bureau admin) and a scheduler on a
controllable clock, for the scheduler's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import ManualClock
from scheduler.collecting import CollectingNotifier
from scheduler.service import ReminderService
from storage.enums import Role
from storage.models import Enterprise, Pairing, Person
from tests.storage.factories import make_pairing, make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@dataclass
class World:
    pairing: Pairing
    small_hand: Enterprise
    manager: Person
    mentor: Person
    bureau: Person


async def make_world(factory: async_sessionmaker[AsyncSession]) -> World:
    async with factory() as session, session.begin():
        pairing = await make_pairing(session)
        small_hand = await session.get(Enterprise, pairing.small_hand_id)
        assert small_hand is not None and small_hand.id is not None
        small_hand.address = "东港镇工业路8号"
        manager = await make_person(session, Role.manager, enterprise_id=small_hand.id, chat_id=101)
        mentor = await make_person(
            session, Role.mentor, enterprise_id=pairing.big_hand_id, chat_id=202
        )
        bureau = await make_person(session, Role.bureau, chat_id=303)
    return World(pairing, small_hand, manager, mentor, bureau)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(local(2025, 6, 2, 8, 0))


@pytest.fixture
def notifier() -> CollectingNotifier:
    return CollectingNotifier()


@pytest.fixture
async def world(sqlite_session_factory: async_sessionmaker[AsyncSession]) -> World:
    return await make_world(sqlite_session_factory)


@pytest.fixture
async def service(
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    notifier: CollectingNotifier,
    clock: ManualClock,
) -> AsyncIterator[ReminderService]:
    """A reminder service whose jobs the tests run themselves (APScheduler's loop not started)."""
    new = ReminderService(sqlite_session_factory, notifier, clock=clock)
    yield new
    await new.shutdown()
