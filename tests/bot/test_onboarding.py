"""Onboarding by invite code, language, settings, whoami, menus — in Chinese and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, running
from bot.handlers import preferences
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from bot.updates import Sender
from knowledge import KnowledgeBase, Matcher
from storage.enums import Language, Role
from storage.repositories import invites, people
from tests.bot.conftest import NOW, World
from tests.bot.harness import BotHarness, button, texts


async def _invite(
    factory: async_sessionmaker[AsyncSession], role: Role, enterprise_id: int | None
) -> str:
    async with factory() as session, session.begin():
        _, code = await invites.create_invite(
            session=session, role=role, enterprise_id=enterprise_id, now=NOW - timedelta(hours=1)
        )
    return code


async def _person(factory: async_sessionmaker[AsyncSession], tg: int):  # type: ignore[no-untyped-def]
    async with factory() as session:
        return await people.find_by_telegram_id(session=session, telegram_user_id=tg)


@pytest.mark.parametrize(("lang", "expected"), [("zh-hans", "邀请码"), ("en", "invite code")])
async def test_start_without_code_explains_how_to_get_one(
    bot: BotHarness, lang: str, expected: str
) -> None:
    calls = await bot.send(Sender(500, "新人", lang), "/start")
    assert expected in texts(calls)


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh-hans", "环保负责人"), ("en", "the manager of")]
)
async def test_invite_code_binds_the_account_as_manager(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
    expected: str,
) -> None:
    code = await _invite(sqlite_session_factory, Role.manager, world.small_a.id)
    newcomer = Sender(600, "赵<厂长>", lang)
    calls = await bot.send(newcomer, f"/start {code}")
    assert expected in texts(calls)
    assert "赵&lt;厂长&gt;" in texts(calls), "the name is echoed escaped"
    assert "甲小手厂" in texts(calls)
    assert any(c.method == "setMyCommands" and c.params["scope"]["type"] == "chat" for c in calls)
    person = await _person(sqlite_session_factory, 600)
    assert (
        person is not None
        and person.role is Role.manager
        and person.enterprise_id == world.small_a.id
    )
    assert person.language is (Language.en if lang == "en" else Language.zh)
    # The code is single-use.
    again = await bot.send(Sender(601, "Other", lang), f"/start {code}")
    assert ("not valid" if lang == "en" else "无效") in texts(again)
    assert await _person(sqlite_session_factory, 601) is None


async def test_five_wrong_codes_lock_the_account_out(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    stranger = Sender(700, "Mallory", "en")
    for attempt in range(5):
        calls = await bot.send(stranger, f"/start wrong{attempt}")
        assert "not valid" in texts(calls)
    good = await _invite(sqlite_session_factory, Role.manager, world.small_a.id)
    calls = await bot.send(stranger, f"/start {good}")
    assert "Too many wrong invite codes" in texts(calls)
    assert await _person(sqlite_session_factory, 700) is None


@pytest.mark.parametrize(("sender", "expected"), [("manager_a", "张经理"), ("guest", "尚未绑定")])
async def test_whoami_shows_role_and_enterprise(
    bot: BotHarness, world: World, sender: str, expected: str
) -> None:
    calls = await bot.send(getattr(world, sender), "/whoami")
    assert expected in texts(calls)
    if sender == "manager_a":
        assert "甲小手厂" in texts(calls) and "小手企业负责人" in texts(calls)


async def test_english_reader_gets_english_whoami(bot: BotHarness, world: World) -> None:
    calls = await bot.send(world.english_manager, "/whoami")
    assert "Role: small-hand manager" in texts(calls)


async def test_language_switch_is_stored_and_used(
    bot: BotHarness, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    calls = await bot.send(world.manager_a, "/language")
    calls = await bot.press(world.manager_a, button(calls, "lg:en"))
    assert "Language set to English" in texts(calls)
    person = await _person(sqlite_session_factory, world.manager_a.user_id)
    assert person is not None and person.language is Language.en
    assert "Role:" in texts(await bot.send(world.manager_a, "/whoami"))


async def test_a_guest_may_choose_a_language_too(bot: BotHarness, world: World) -> None:
    calls = await bot.press(world.guest, "lg:en")
    assert "Language set to English" in texts(calls)
    assert "invite code" in texts(await bot.send(world.guest, "/start"))


@pytest.mark.parametrize(
    ("sender", "label"), [("manager_a", "整改项每日提醒"), ("english_manager", "Daily item digest")]
)
async def test_settings_toggle_is_stored_on_the_person(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    sender: str,
    label: str,
) -> None:
    who = getattr(world, sender)
    calls = await bot.send(who, "/settings")
    assert label in " ".join(lbl for c in calls for lbl, _ in c.buttons)
    await bot.press(who, button(calls, "st:digest"))
    calls = await bot.press(who, button(calls, "st:digest_time"))
    person = await _person(sqlite_session_factory, who.user_id)
    assert person is not None
    assert person.preferences["digest"] is False
    times = preferences.CHOICES["digest_time"]
    default = preferences.DEFAULTS["digest_time"]
    assert person.preferences["digest_time"] == times[(times.index(default) + 1) % len(times)]
    assert any(c.method == "editMessageText" for c in calls)


async def test_settings_need_an_onboarded_account(bot: BotHarness, world: World) -> None:
    assert "需要先绑定" in texts(await bot.send(world.guest, "/settings"))


async def test_startup_survives_a_server_that_rejects_set_my_commands(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    services = Services(
        settings, session_factory=sqlite_session_factory, knowledge=knowledge_base, matcher=matcher
    )
    request = RecordingRequest(rejected_methods={"setMyCommands"})
    app = build_application(settings, services, request=request)
    async with running(app):
        harness = BotHarness(app, request)
        calls = await harness.send(world.manager_a, "/whoami")
        assert "张经理" in texts(calls)
    assert "setMyCommands" in request.methods()
    assert "could not set the command menus" in caplog.text
