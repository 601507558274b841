"""The terminal chat as a workbench: personas with inboxes, numbered buttons, saved files, and
the delivery rule (nothing is delivered in the background on a database that is not its own)."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col
from telegram import Bot, InputFile

from bot.settings import Settings
from bot.terminal.chat import Workbench, run_chat
from bot.terminal.demo import prepare_demo
from bot.terminal.recording import RecordingRequest
from bot.updates import Sender
from storage.db import create_engine, make_session_factory
from storage.demo import demo_person_ids
from storage.enums import DeliveryStatus
from storage.models import BroadcastDelivery, LedgerEntry
from storage.repositories import broadcasts


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database built once (a few seconds); each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    asyncio.run(prepare_demo(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


class ScriptedInput(io.StringIO):
    """Piped input whose lines may depend on what the chat printed so far."""

    def __init__(self, lines: list[str | Callable[[str], str]], screen: io.StringIO) -> None:
        super().__init__()
        self.lines: Iterator[str | Callable[[str], str]] = iter(lines)
        self.screen = screen

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = next(self.lines, None)
        if line is None:
            return ""
        return (line(self.screen.getvalue()) if callable(line) else line) + "\n"


def _button(label: str) -> Callable[[str], str]:
    """Type the number of the latest button called ``label`` on the screen."""

    def number(screen: str) -> str:
        found = re.findall(rf"\[(\d+\.\d+)\] {re.escape(label)}", screen)
        assert found, f"no button {label!r} on screen:\n{screen}"
        return str(found[-1])

    return number


async def _chat(
    url: str, role: str, lines: list[str | Callable[[str], str]], tmp_path: Path, *, demo: bool
) -> str:
    screen = io.StringIO()
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    await run_chat(
        settings,
        role,
        demo=demo,
        stdin=ScriptedInput(lines, screen),
        stdout=screen,
        out_dir=tmp_path / "out",
    )
    return screen.getvalue()


def _after(screen: str, marker: str) -> str:
    return screen.split(marker, 1)[1]


async def test_switching_persona_shows_what_was_sent_to_them_meanwhile(
    demo_url: str, tmp_path: Path
) -> None:
    screen = await _chat(
        demo_url,
        "manager",
        [
            "/helpme",
            "设备坏了需要指导",
            "/done",
            ":as mentor",
            _button("👌 收到"),
            ":as bureau",
            "/whoami",
            ":as manager",
        ],
        tmp_path,
        demo=True,
    )
    as_mentor = _after(screen, "now playing 王强")
    assert "请求帮助" in as_mentor.split("you>")[0], "the mentor's inbox holds the request"
    assert "设备坏了需要指导" in as_mentor.split("you>")[0]
    assert "已回复企业" in as_mentor, "a button of a message from the inbox works"
    as_bureau = _after(screen, "now playing 陈科长")
    assert "局" in as_bureau.split("now playing")[0]
    as_manager = _after(screen, "you> :as manager")
    assert "已收到您的求助" in as_manager, "the manager reads the mentor's answer on switching"


async def test_earlier_buttons_stay_usable_by_number(demo_url: str, tmp_path: Path) -> None:
    def first_item(screen: str) -> str:
        return str(re.findall(r"\[(\d+)\.1\] #", screen)[0]) + ".1"

    screen = await _chat(
        demo_url, "manager", ["/items", "/whoami", "/help", first_item], tmp_path, demo=True
    )
    assert "措施" in _after(screen, "you> " + first_item(screen)), "an old button still works"


async def test_chat_on_another_database_delivers_nothing_in_the_background(
    demo_url: str, tmp_path: Path
) -> None:
    engine = create_engine(demo_url)
    factory = make_session_factory(engine)
    async with factory() as session, session.begin():
        ids = await demo_person_ids(session)
        broadcast, count = await broadcasts.create_broadcast(
            session=session,
            text="停产检修通知",
            audience=broadcasts.Audience(),
            today=date.today(),
            created_by=ids.bureau,
        )
    ledger_before = await _count(factory, LedgerEntry)

    screen = await _chat(demo_url, "manager", ["/whoami"], tmp_path, demo=False)

    assert "小手企业负责人" in screen, "the person played still gets the bot's replies"
    async with factory() as session:
        statuses = set(
            (
                await session.execute(
                    select(col(BroadcastDelivery.status)).where(
                        col(BroadcastDelivery.broadcast_id) == broadcast.id
                    )
                )
            ).scalars()
        )
    assert count > 100 and statuses == {DeliveryStatus.pending}, "no delivery was recorded"
    assert await _count(factory, LedgerEntry) == ledger_before, "no reminder marked as sent"
    await engine.dispose()


async def _count(factory: async_sessionmaker[AsyncSession], model: type[SQLModel]) -> int:
    async with factory() as session:
        found = await session.scalar(select(func.count()).select_from(model))  # type: ignore[arg-type]
        return int(found or 0)


async def test_files_the_bot_sends_are_saved_and_their_path_printed(tmp_path: Path) -> None:
    printed: list[str] = []
    me = Sender(42, "me")
    bench = Workbench(me, printed.append, tmp_path / "out")
    bot = Bot("1:offline", request=RecordingRequest(on_call=bench.show))
    async with bot:
        await bot.send_document(42, InputFile(b"BEGIN:VCALENDAR\r\n", filename="visit.ics"))
        await bot.send_photo(43, InputFile(b"\x89PNG chart", filename="weekly.png"))
    shown = "".join(printed)
    saved = re.findall(r"\[document saved: (\S+)\]", shown)
    assert saved and (tmp_path / "out" / Path(saved[0]).name).read_bytes().startswith(b"BEGIN")
    assert "None" not in shown
    waiting = "".join(bench.take_inbox(43))
    photo = re.findall(r"\[photo saved: (\S+)\]", waiting)
    assert photo and Path(photo[0]).name.endswith("weekly.png"), "someone else's file waits too"
