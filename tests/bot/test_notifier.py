"""The Telegram notifier: what the Bot API answers becomes a `SendResult`; notices are rendered in
the recipient's language with values escaped; the terminal shows only the played person's."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.request import RequestData

from bot.notifier import TelegramNotifier
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import RecordingRequest
from knowledge import KnowledgeBase, Matcher
from scheduler.daily import run_daily
from scheduler.notifier import Attachment, EntryRef, Label, Notice, Recipient, SendStatus
from storage.enums import Reachability
from storage.repositories import people
from tests.bot.conftest import World
from tests.bot.harness import texts
from tests.bot.scheduled import scheduled_bot


class FailingRequest(RecordingRequest):
    """Answers sends to some chats with a Bot API error: (HTTP status, description, parameters)."""

    def __init__(self, failures: dict[int, tuple[int, str, dict[str, Any] | None]]) -> None:
        super().__init__()
        self.failures = failures

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        chat = (request_data.parameters if request_data else {}).get("chat_id")
        if chat is not None and int(chat) in self.failures:
            status, description, parameters = self.failures[int(chat)]
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *args, **kw)


async def _notifier(
    request: RecordingRequest, knowledge: KnowledgeBase | None = None
) -> TelegramNotifier:
    bot = Bot("1:offline", request=request, get_updates_request=request)
    await bot.initialize()
    settings = Settings(telegram_token=None, _env_file=None)  # type: ignore[call-arg]
    return TelegramNotifier(bot, Services(settings, knowledge=knowledge))  # type: ignore[arg-type]


DIGEST = Notice("visits.digest", {"overdue": 1, "due_soon": 0, "days": 7, "items": "• x"})


@pytest.mark.parametrize(
    ("failure", "status", "retryable"),
    [
        ((403, "Forbidden: bot was blocked by the user", None), SendStatus.blocked, False),
        ((400, "Bad Request: chat not found", None), SendStatus.blocked, False),
        (
            (429, "Too Many Requests: retry after 7", {"retry_after": 7}),
            SendStatus.retry_after,
            False,
        ),
        ((502, "Bad Gateway", None), SendStatus.failed, True),
        ((400, "Bad Request: message is too long", None), SendStatus.failed, False),
    ],
)
async def test_bot_api_errors_become_send_results(
    failure: tuple[int, str, dict[str, Any] | None],
    status: SendStatus,
    retryable: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PTB 22 warns on every RetryAfter unless the process opts in to timedelta delays.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    notifier = await _notifier(FailingRequest({5: failure}))
    result = await notifier.send(Recipient(1, 5, "zh"), DIGEST)
    assert result.status is status
    assert result.retryable is retryable
    if status is SendStatus.retry_after:
        assert result.retry_after == 7


async def test_a_person_without_a_chat_is_blocked_without_a_call() -> None:
    request = RecordingRequest()
    notifier = await _notifier(request)
    result = await notifier.send(Recipient(1, None, "zh"), DIGEST)
    assert result.status is SendStatus.blocked
    assert request.sent() == []


async def test_notices_are_rendered_in_the_recipients_language_with_values_escaped() -> None:
    request = RecordingRequest()
    notifier = await _notifier(request)
    notice = Notice(
        "visits.reminder",
        {
            "enterprise": "甲厂 <b>",
            "address": "工业路 & 8号",
            "when": "2026-06-03 14:30",
            "purpose": Label("visits.purpose", "audit"),
            "phase": Label("visits.phase", "early"),
            "mentor": "王",
            "items": "• a < b",
        },
        attachment=Attachment("visit-1.ics", b"BEGIN:VCALENDAR"),
    )
    zh = await notifier.send(Recipient(1, 11, "zh"), notice)
    await notifier.send(Recipient(2, 12, "en"), notice)
    assert zh.status is SendStatus.sent and zh.message_id is not None
    assert "甲厂 &lt;b&gt;" in texts(request.calls, 11) and "现场审核" in texts(request.calls, 11)
    assert "工业路 &amp; 8号" in texts(request.calls, 11)
    assert "on-site audit" in texts(request.calls, 12) and "early phase" in texts(request.calls, 12)
    assert [c.method for c in request.calls if c.chat_id == 12] == ["sendMessage", "sendDocument"]


async def test_a_calendar_notice_carries_its_knowledge_base_entry(
    knowledge_base: KnowledgeBase,
) -> None:
    request = RecordingRequest()
    notifier = await _notifier(request, knowledge_base)
    entry = knowledge_base.get("permit-validity-and-renewal")
    values = {
        "enterprise": "甲厂",
        "rule": Label("visits.rule", "permit_renewal"),
        "deadline": "2026-08-01",
        "days_left": 60,
        "entry": EntryRef(entry.id),
        "basis": "《排污许可管理条例》第十四条",
    }
    await notifier.send(Recipient(1, 11, "en"), Notice("visits.calendar", values))
    sent = texts(request.calls, 11)
    assert "discharge permit renewal application" in sent and "60 days left" in sent
    assert entry.answer_for("en").partition("\n")[0].split()[0] in sent
    (call,) = request.sent(11)
    assert call.buttons[0][1].startswith("te:"), "a button opens the whole entry"


async def test_a_blocked_manager_is_marked_and_skipped_from_then_on(
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    knowledge_base: KnowledgeBase,
    matcher: Matcher,
) -> None:
    request = FailingRequest({101: (403, "Forbidden: bot was blocked by the user", None)})
    async with scheduled_bot(sqlite_session_factory, knowledge_base, matcher, request) as sbot:
        report = await run_daily(sbot.reminders.runtime)  # Monday 10:00: item_a is overdue
        assert report.delivery.blocked == [await _person_id(sqlite_session_factory, 101)]
        assert "Rectification digest" in texts(request.calls, 103), "the other manager still hears"
        async with sqlite_session_factory() as session:
            found = await people.find_by_telegram_id(session=session, telegram_user_id=101)
            assert found is not None and found.reachability is Reachability.blocked
        request.clear()
        sbot.clock.advance(timedelta(days=1))
        report = await run_daily(sbot.reminders.runtime)
        assert report.unreachable == [found.id]
        assert request.sent(101) == [], "never retried in a loop"


async def _person_id(factory: async_sessionmaker[AsyncSession], telegram_id: int) -> int:
    async with factory() as session:
        found = await people.find_by_telegram_id(session=session, telegram_user_id=telegram_id)
    assert found is not None and found.id is not None
    return found.id
