"""The programme's founding scene, through the real handlers: a manager's wastewater unit fails;
the mentor comes with the experts the same afternoon (issue 12, "Done when").

The reminder scheduler runs inside the application on a manual clock (see tests/bot/test_visits.py);
it is Monday 1 June 2026, 10:00 in Shanghai.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.enums import HelpEventKind, HelpStatus, VisitPurpose, VisitStatus
from storage.models import HelpRequest, HelpRequestEvent, Item, Visit
from tests.bot.conftest import World
from tests.bot.emulator import BotApiEmulator, Sent
from tests.bot.harness import button, texts
from tests.bot.scheduled import ScheduledBot
from tests.bot.test_end_to_end import bot_process, emulator  # noqa: F401  (fixtures)
from tests.scheduler.conftest import local


async def _request(factory: async_sessionmaker[AsyncSession]) -> HelpRequest:
    async with factory() as session:
        (request,) = (await session.execute(select(HelpRequest))).scalars()
        return request


async def test_manager_in_trouble_gets_the_mentor_on_site_the_same_afternoon(
    sbot: ScheduledBot, world: World, sqlite_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    manager, mentor, bureau = world.manager_a, world.mentor, world.bureau

    # 1. The manager sends /helpme with an urgent text and a photo.
    await sbot.send(manager, "/helpme")
    await sbot.send(manager, "污水处理设施坏了，出水超标发黑")
    await sbot.photo(manager, "PHOTO-WASTEWATER")
    calls = await sbot.send(manager, "/done")
    assert texts(calls, manager.user_id).startswith("🚨"), "first steps for an emergency"

    # 2. The mentor is told at once, with the photo, and acknowledges.
    to_mentor = [c for c in calls if c.chat_id == mentor.user_id]
    assert [c.method for c in to_mentor] == ["sendPhoto", "sendMessage"]
    assert "紧急" in to_mentor[-1].text and "出水超标发黑" in to_mentor[-1].text
    request = await _request(sqlite_session_factory)
    assert request.urgent and request.photo_file_ids == ["PHOTO-WASTEWATER"]
    calls = await sbot.press(mentor, button(calls, f"ha:{request.id}", mentor.user_id))
    assert "已收到您的求助" in texts(calls, manager.user_id)
    assert (await _request(sqlite_session_factory)).status is HelpStatus.acknowledged

    # 3. The mentor finds it in /requests, with its age, and opens it.
    sbot.clock.advance(timedelta(minutes=20))
    calls = await sbot.send(mentor, "/requests")
    listing = texts(calls, mentor.user_id)
    assert f"#{request.id} <b>甲小手厂</b> · 20 分钟前 · 已回复" in listing
    calls = await sbot.press(mentor, button(calls, f"rq:{request.id}", mentor.user_id))
    assert [c.params.get("photo") for c in calls if c.method == "sendPhoto"] == ["PHOTO-WASTEWATER"]
    card = texts(calls, mentor.user_id)
    assert "出水超标发黑" in card and "张经理" in card and "王导师已回复" in card

    # 4. The mentor books this afternoon by typing "今天下午4点".
    calls = await sbot.press(mentor, button(calls, f"hv:{request.id}", mentor.user_id))
    assert "什么时候上门" in texts(calls, mentor.user_id)
    calls = await sbot.send(mentor, "下午找时间吧")
    assert "没看懂这个时间" in texts(calls, mentor.user_id), "not a time: asked again"
    calls = await sbot.send(mentor, "今天下午4点")
    assert "已按求助安排走访" in texts(calls, mentor.user_id)
    assert "2026-06-01 16:00" in texts(calls, manager.user_id)

    # 5. The manager confirms.
    calls = await sbot.press(manager, button(calls, "vc:", manager.user_id))
    assert "已确认走访" in texts(calls, mentor.user_id)

    # 6. The visit is linked to the request, and both sides get the reminders.
    async with sqlite_session_factory() as session:
        (visit,) = (await session.execute(select(Visit))).scalars()
    assert visit.help_request_id == request.id and visit.purpose is VisitPurpose.help
    assert visit.status is VisitStatus.confirmed
    assert visit.starts_at.astimezone(UTC) == local(2026, 6, 1, 16, 0).astimezone(UTC)
    assert (await _request(sqlite_session_factory)).status is HelpStatus.visit_booked
    assert visit.id is not None
    calls = await sbot.run_due(visit.id)
    # Booked this afternoon: the 24-hour reminder was never due (the proposal told both sides),
    # so nothing is "caught up" as a late reminder.
    assert "走访提醒" not in texts(calls)
    sbot.clock.set(local(2026, 6, 1, 15, 0))
    calls = await sbot.run_due(visit.id)  # one hour before
    assert "走访提醒" in texts(calls, mentor.user_id)
    assert "走访提醒" in texts(calls, manager.user_id)

    # 7. After the visit the mentor records the outcome with one new item.
    sbot.clock.set(local(2026, 6, 1, 18, 0))
    calls = await sbot.send(mentor, "/visits")
    calls = await sbot.press(mentor, button(calls, f"vr:{visit.id}"))
    await sbot.send(mentor, "更换了曝气泵，出水恢复正常")
    calls = await sbot.send(mentor, "沉淀池污泥外溢，需定期清掏")
    await sbot.press(mentor, button(calls, "vfs:"))
    calls = await sbot.send(mentor, "/done")
    assert "新发现 1 项" in texts(calls, mentor.user_id)
    assert f"求助 #{request.id} 随走访结果一并办结" in texts(calls, mentor.user_id)
    assert "更换了曝气泵" in texts(calls, manager.user_id)

    # 8. The request is resolved, and the bureau's /requests no longer lists it.
    resolved = await _request(sqlite_session_factory)
    assert resolved.status is HelpStatus.resolved
    assert resolved.outcome == "更换了曝气泵，出水恢复正常"
    async with sqlite_session_factory() as session:
        found = (await session.execute(select(Item).where(Item.visit_id == visit.id))).scalars()
        assert [i.finding for i in found] == ["沉淀池污泥外溢，需定期清掏"]
        kinds = (
            await session.execute(
                select(HelpRequestEvent.kind).order_by(HelpRequestEvent.id)  # type: ignore[arg-type]
            )
        ).scalars()
        assert list(kinds) == [
            HelpEventKind.created,
            HelpEventKind.acknowledged,
            HelpEventKind.visit_booked,
            HelpEventKind.resolved,
        ]
    calls = await sbot.send(bureau, "/requests")
    assert "目前没有待处理的求助" in texts(calls, bureau.user_id)
    calls = await sbot.send(bureau, "/stats")
    assert "求助：未处理 0，共 1" in texts(calls, bureau.user_id)


# --- the same scene over HTTP: the bot as a separate process against the Bot API emulator ------


def _next(server: BotApiEmulator, seen: int, chat_id: int, contains: str) -> Sent:
    """The first message to ``chat_id`` containing ``contains`` among those after ``seen``."""
    deadline = time.monotonic() + 60.0
    with server._cond:
        while True:
            for sent in server.sent[seen:]:
                if sent.chat_id == chat_id and contains in sent.text:
                    return sent
            left = deadline - time.monotonic()
            if left <= 0:
                later = [s.text[:60] for s in server.sent[seen:] if s.chat_id == chat_id]
                raise TimeoutError(f"no message to {chat_id} with {contains!r}; saw {later}")
            server._cond.wait(left)


async def _wait(server: BotApiEmulator, seen: int, chat_id: int, contains: str) -> Sent:
    return await asyncio.to_thread(_next, server, seen, chat_id, contains)


def _data(sent: Sent, prefix: str) -> str:
    return next(data for _, data in sent.buttons if data.startswith(prefix))


async def test_the_founding_scene_over_http(
    world: World,
    bot_process: subprocess.Popen[bytes],  # noqa: F811
    emulator: BotApiEmulator,  # noqa: F811
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    manager, mentor, bureau = (
        world.manager_a.user_id,
        world.mentor.user_id,
        world.bureau.user_id,
    )
    # The bot runs on the wall clock: "this afternoon" while there is time left today (the
    # visit less than 24 h ahead either way, so its first reminder goes out at once).
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    typed, day = (
        ("今天下午4点", now.date())
        if now.hour < 15
        else ("明天上午10点", now.date() + timedelta(1))
    )
    hour = 16 if now.hour < 15 else 10

    # 1. /helpme with an urgent text and a photo.
    emulator.user_sends(manager, "/helpme")
    await _wait(emulator, 0, manager, "请描述")
    emulator.user_sends(manager, "污水处理设施坏了，出水超标发黑")
    await _wait(emulator, 0, manager, "已收到（照片 0 张）")
    emulator.user_sends_photo(manager, "PHOTO-HTTP")
    await _wait(emulator, 0, manager, "已收到（照片 1 张）")
    emulator.user_sends(manager, "/done")

    # 2. The mentor is told at once and acknowledges.
    told = await _wait(emulator, 0, mentor, "出水超标发黑")
    assert "紧急" in told.text
    assert any(s.method == "sendPhoto" and s.chat_id == mentor for s in emulator.sent)
    request = await _request(sqlite_session_factory)
    emulator.user_presses(mentor, told, f"ha:{request.id}")
    await _wait(emulator, 0, manager, "已收到您的求助")

    # 3. /requests, named exactly so, lists it; it opens.
    seen = len(emulator.sent)
    emulator.user_sends(mentor, "/requests")
    listing = await _wait(emulator, seen, mentor, "待处理求助 1 条")
    emulator.user_presses(mentor, listing, f"rq:{request.id}")
    card = await _wait(emulator, seen, mentor, f"求助 #{request.id}</b>")

    # 4. The visit, by a typed time.
    emulator.user_presses(mentor, card, f"hv:{request.id}")
    await _wait(emulator, seen, mentor, "什么时候上门")
    emulator.user_sends(mentor, typed)
    asked = await _wait(emulator, seen, manager, "请确认时间")
    assert f"{day.isoformat()} {hour:02d}:00" in asked.text

    # 5. The manager confirms.
    emulator.user_presses(manager, asked, _data(asked, "vc:"))
    await _wait(emulator, seen, mentor, "已确认走访")

    # 6. Linked. (The reminder an hour before is played on a manual clock in the test above:
    #    this bot process runs on real time, and the 24-hour one was never due.)
    async with sqlite_session_factory() as session:
        (visit,) = (await session.execute(select(Visit))).scalars()
    assert visit.help_request_id == request.id and visit.status is VisitStatus.confirmed

    # 7. The visit has begun (its row is moved to five minutes ago: the test cannot wait for the
    #    afternoon); the mentor records the outcome with one new item.
    async with sqlite_session_factory() as session, session.begin():
        row = await session.get(Visit, visit.id)
        assert row is not None
        row.starts_at = datetime.now(UTC) - timedelta(minutes=5)
    seen = len(emulator.sent)
    emulator.user_sends(mentor, "/visits")
    listed = await _wait(emulator, seen, mentor, "甲小手厂")
    emulator.user_presses(mentor, listed, f"vr:{visit.id}")
    await _wait(emulator, seen, mentor, "请简要记录")
    emulator.user_sends(mentor, "更换了曝气泵，出水恢复正常")
    await _wait(emulator, seen, mentor, "有新发现的问题吗")
    emulator.user_sends(mentor, "沉淀池污泥外溢，需定期清掏")
    pick = await _wait(emulator, seen, mentor, "属于哪一类")
    emulator.user_presses(mentor, pick, _data(pick, "vfs:"))
    await _wait(emulator, seen, mentor, "已记录 1 条新问题")
    emulator.user_sends(mentor, "/done")
    await _wait(emulator, seen, mentor, f"求助 #{request.id} 随走访结果一并办结")

    # 8. Resolved; the bureau's /requests no longer lists it.
    assert (await _request(sqlite_session_factory)).status is HelpStatus.resolved
    emulator.user_sends(bureau, "/requests")
    await _wait(emulator, seen, bureau, "目前没有待处理的求助")
    assert bot_process.poll() is None, (tmp_path / "bot.log").read_text()
