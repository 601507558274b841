"""The bot under test: the real application on a recording Bot API, fed Telegram-shaped JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.app import BotApplication
from bot.terminal.recording import ApiCall, RecordingRequest
from bot.updates import Sender, UpdateFactory


@dataclass
class BotHarness:
    """Sends updates through ``app.process_update`` and shows what the bot sent back."""

    app: BotApplication
    request: RecordingRequest
    updates: UpdateFactory = field(default_factory=UpdateFactory)

    async def _process(self, data: dict[str, Any]) -> list[ApiCall]:
        start = len(self.request.calls)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return self.request.calls[start:]

    async def send(self, sender: Sender, text: str) -> list[ApiCall]:
        """A text message (or command); returns the Bot API calls it caused."""
        return await self._process(self.updates.message(sender, text))

    async def photo(
        self, sender: Sender, file_id: str, caption: str | None = None
    ) -> list[ApiCall]:
        return await self._process(self.updates.photo(sender, file_id, caption))

    async def document(
        self, sender: Sender, file_id: str, name: str = "report.pdf"
    ) -> list[ApiCall]:
        return await self._process(self.updates.document(sender, file_id, name))

    async def press(self, sender: Sender, data: str) -> list[ApiCall]:
        """A button press carrying ``data`` (real or forged)."""
        return await self._process(self.updates.callback(sender, data))


def texts(calls: list[ApiCall], chat_id: int | None = None) -> str:
    """Everything sent or edited (to one chat), joined: what the person would read."""
    return "\n---\n".join(
        call.text
        for call in calls
        if call.method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}
        and (chat_id is None or call.chat_id == chat_id)
    )


def buttons(calls: list[ApiCall], chat_id: int | None = None) -> list[tuple[str, str]]:
    """Every inline button offered (to one chat), in order."""
    return [b for call in calls if chat_id is None or call.chat_id == chat_id for b in call.buttons]


def button(calls: list[ApiCall], prefix: str, chat_id: int | None = None) -> str:
    """The callback data of the first button whose data starts with ``prefix``."""
    for _, data in buttons(calls, chat_id):
        if data.startswith(prefix):
            return data
    raise AssertionError(f"no button {prefix!r} in {buttons(calls, chat_id)}")


def alerts(calls: list[ApiCall]) -> list[str]:
    """Texts shown as answers to button presses (answerCallbackQuery with text)."""
    return [
        str(c.params.get("text"))
        for c in calls
        if c.method == "answerCallbackQuery" and c.params.get("text")
    ]
