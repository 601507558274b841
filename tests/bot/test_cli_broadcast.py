"""``handinhand broadcast`` against a Bot API emulator over HTTP, and ``kb export-phrasings``."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cli import app
from programme.broadcasts import Draft, confirm
from storage.enums import DeliveryStatus, QuestionOutcome, Role
from storage.models import utcnow
from storage.repositories import broadcasts as repo
from storage.repositories import curation, questions
from tests.bot.conftest import World
from tests.bot.emulator import BotApiEmulator

runner = CliRunner()


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    server = BotApiEmulator()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, sqlite_engine: AsyncEngine, world: World, tmp_path: Path
) -> None:
    """The CLI's settings: the test database, fast pacing, no token unless a test sets one."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", sqlite_engine.url.render_as_string(False))
    monkeypatch.setenv("HANDINHAND_BROADCAST_RATE", "1000")
    monkeypatch.delenv("HANDINHAND_TELEGRAM_TOKEN", raising=False)


def _with_token(monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator) -> None:
    assert emulator._server is not None
    port = emulator._server.server_address[1]
    monkeypatch.setenv("HANDINHAND_TELEGRAM_TOKEN", "123:emulated")
    monkeypatch.setenv("HANDINHAND_BOT_API_BASE_URL", f"http://127.0.0.1:{port}/bot")


@pytest.mark.usefixtures("cli_env")
def test_broadcast_previews_sends_once_and_reports(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator
) -> None:
    _with_token(monkeypatch, emulator)
    result = runner.invoke(app, ["broadcast", "--text", "停水通知", "--role", "manager", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Recipients: 3" in result.output
    assert "Broadcast #1: done" in result.output and "sent 3 · failed 0" in result.output
    delivered = Counter(s.chat_id for s in emulator.sent if "停水通知" in s.text)
    assert delivered == {101: 1, 102: 1, 103: 1}

    status = runner.invoke(app, ["broadcast", "status", "1"])
    assert status.exit_code == 0 and "sent 3" in status.output
    late = runner.invoke(app, ["broadcast", "cancel", "1"])
    assert late.exit_code == 1 and "already finished" in late.output


class SlowEmulator(BotApiEmulator):
    """Delivers, then answers one chat's sendMessage only after `SLOW_ANSWER` seconds (as a Bot
    API under load does): longer than PTB's default read timeout of 5 s."""

    slow_chat = 102

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = super().handle(method, params)
        if method == "sendMessage" and int(params.get("chat_id", 0)) == self.slow_chat:
            time.sleep(SLOW_ANSWER)
        return answer


SLOW_ANSWER = 6.0


@pytest.mark.usefixtures("cli_env")
def test_a_slow_answer_from_the_bot_api_is_waited_for_not_sent_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = SlowEmulator()
    slow.start()
    try:
        _with_token(monkeypatch, slow)
        result = runner.invoke(
            app, ["broadcast", "--text", "停水通知", "--role", "manager", "--yes"]
        )
    finally:
        slow.stop()
    assert result.exit_code == 0, result.output
    delivered = Counter(s.chat_id for s in slow.sent if "停水通知" in s.text)
    assert delivered == {101: 1, 102: 1, 103: 1}
    assert "sent 3 · failed 0" in result.output


@pytest.fixture
async def orphan(sqlite_session_factory: async_sessionmaker[AsyncSession], world: World) -> int:
    """A broadcast to the three managers whose sender was killed a minute ago, right after it
    claimed every row (nothing sent, nothing recorded)."""
    draft = Draft("停水通知", repo.Audience(roles=(Role.manager,)))
    broadcast, _ = await confirm(sqlite_session_factory, draft, today=date(2026, 6, 1))
    assert broadcast.id is not None
    async with sqlite_session_factory() as session, session.begin():
        claimed = await repo.claim(
            session=session,
            limit=100,
            lease=timedelta(minutes=2),
            now=utcnow() - timedelta(minutes=1),
        )
    assert len(claimed) == 3
    return broadcast.id


@pytest.mark.usefixtures("cli_env")
def test_a_killed_broadcast_shows_as_orphaned_and_resumes_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator, orphan: int
) -> None:
    status = runner.invoke(app, ["broadcast", "status", str(orphan)])
    assert status.exit_code == 0, status.output
    assert "orphaned" in status.output and f"broadcast resume {orphan}" in status.output

    _with_token(monkeypatch, emulator)
    resumed = runner.invoke(app, ["broadcast", "resume", str(orphan)])
    assert resumed.exit_code == 0, resumed.output
    assert f"Broadcast #{orphan}: done" in resumed.output
    delivered = Counter(s.chat_id for s in emulator.sent if "停水通知" in s.text)
    assert delivered == {101: 1, 102: 1, 103: 1}
    again = runner.invoke(app, ["broadcast", "status", str(orphan)])
    assert "orphaned" not in again.output and "sent 3" in again.output


@pytest.mark.usefixtures("cli_env")
async def test_deliveries_of_unknown_outcome_are_resent_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
    emulator: BotApiEmulator,
    orphan: int,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_session_factory() as session, session.begin():
        rows = await repo.recipients(session=session, broadcast_id=orphan)
        unknown, sent = DeliveryStatus.unknown, DeliveryStatus.sent
        outcomes = [
            repo.Outcome(d.id or 0, unknown if p.chat_id == 102 else sent, 1) for p, d in rows
        ]
        await repo.record(session=session, outcomes=outcomes)
        await repo.finish_completed(session=session)
    _with_token(monkeypatch, emulator)

    status = await asyncio.to_thread(runner.invoke, app, ["broadcast", "status", str(orphan)])
    assert "outcome unknown 1" in status.output
    plain = await asyncio.to_thread(runner.invoke, app, ["broadcast", "resume", str(orphan)])
    assert plain.exit_code == 1 and "nothing left to send" in plain.output
    assert not emulator.sent

    args = ["broadcast", "resume", str(orphan), "--resend-unknown"]
    resent = await asyncio.to_thread(runner.invoke, app, args)
    assert resent.exit_code == 0, resent.output
    assert [s.chat_id for s in emulator.sent if "停水通知" in s.text] == [102]


@pytest.mark.usefixtures("cli_env")
def test_broadcast_takes_the_bot_api_base_url_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator
) -> None:
    _with_token(monkeypatch, emulator)
    base_url = os.environ.pop("HANDINHAND_BOT_API_BASE_URL")
    monkeypatch.delenv("HANDINHAND_BOT_API_BASE_URL", raising=False)
    args = ["broadcast", "--base-url", base_url, "--text", "停水通知", "--role", "manager", "--yes"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len([s for s in emulator.sent if "停水通知" in s.text]) == 3


@pytest.mark.usefixtures("cli_env")
def test_declining_the_confirmation_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator
) -> None:
    _with_token(monkeypatch, emulator)
    result = runner.invoke(app, ["broadcast", "--text", "不发", "--phase", "early"], input="n\n")
    assert result.exit_code == 0, result.output
    assert "Not sent." in result.output
    assert not [s for s in emulator.sent if "不发" in s.text]


@pytest.mark.usefixtures("cli_env")
def test_a_scheduled_broadcast_waits_and_can_be_cancelled(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator
) -> None:
    _with_token(monkeypatch, emulator)
    at = "2999-01-01 09:00"
    result = runner.invoke(app, ["broadcast", "--text", "年会", "--at", at, "--yes"])
    assert result.exit_code == 0, result.output
    assert "scheduled for 2999-01-01 09:00" in result.output
    assert not [s for s in emulator.sent if "年会" in s.text]
    assert runner.invoke(app, ["broadcast", "cancel", "1"]).exit_code == 0
    assert "cancelled" in runner.invoke(app, ["broadcast", "status", "1"]).output


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["broadcast", "--text", "x"], "No Telegram token"),
        (["broadcast"], "--text"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output


@pytest.mark.usefixtures("cli_env")
def test_bad_times_and_missing_files_are_usage_errors(
    monkeypatch: pytest.MonkeyPatch, emulator: BotApiEmulator
) -> None:
    _with_token(monkeypatch, emulator)
    past = runner.invoke(app, ["broadcast", "--text", "x", "--at", "2000-01-01 09:00"])
    assert past.exit_code == 2 and "future time" in past.output
    monkeypatch.setenv("HANDINHAND_ADMIN_CHAT_ID", "301")
    missing = runner.invoke(app, ["broadcast", "--text", "x", "--photo", "nope.jpg"])
    assert missing.exit_code == 2 and "Cannot read nope.jpg" in missing.output


@pytest.fixture
async def linked(sqlite_session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Two questions linked to one entry, one to another."""
    async with sqlite_session_factory() as session, session.begin():
        for text, entry in [("井盖刷什么颜色", "e-2"), ("雨水井标志", "e-1"), ("井盖颜色", "e-2")]:
            question_id = await questions.log_question(
                session=session, chat_id=101, text=text, outcome=QuestionOutcome.suggest
            )
            await curation.link_question(session=session, question_id=question_id, entry_id=entry)


@pytest.mark.usefixtures("cli_env", "linked")
def test_export_phrasings_writes_reviewable_yaml_grouped_by_entry(tmp_path: Path) -> None:
    out = tmp_path / "phrasings.yaml"
    result = runner.invoke(app, ["kb", "export-phrasings", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 phrasings of 2 entries" in result.output
    exported = yaml.safe_load(out.read_text("utf-8"))
    assert [(e["entry"], [p["text"] for p in e["phrasings"]]) for e in exported] == [
        ("e-1", ["雨水井标志"]),
        ("e-2", ["井盖刷什么颜色", "井盖颜色"]),
    ]
    assert exported[0]["phrasings"][0]["question_id"] == 2
