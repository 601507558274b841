"""Telegram-shaped update JSON for a private chat, as the Bot API would deliver it.

The terminal chat turns what the user types into these updates, and tests build theirs with the
same factory, so both exercise exactly what Telegram sends (``Update.de_json`` on real JSON).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Sender", "UpdateFactory"]


@dataclass(frozen=True, slots=True)
class Sender:
    """A Telegram user writing to the bot in a private chat (chat id = user id)."""

    user_id: int
    first_name: str = "User"
    language_code: str | None = "zh-hans"

    def as_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class UpdateFactory:
    """Numbers updates and messages the way one Bot API server would."""

    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def message(self, sender: Sender, text: str) -> dict[str, Any]:
        """A text message (commands are text starting with "/", with a bot_command entity)."""
        message = self._message(sender)
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update(message=message)

    def photo(self, sender: Sender, file_id: str, caption: str | None = None) -> dict[str, Any]:
        """A photo message; Telegram sends several sizes, the last is the largest."""
        message = self._message(sender)
        message["photo"] = [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": f"{file_id}-us",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": f"{file_id}-u", "width": 1280, "height": 960},
        ]
        if caption:
            message["caption"] = caption
        return self._update(message=message)

    def document(self, sender: Sender, file_id: str, file_name: str) -> dict[str, Any]:
        """A document (file) message."""
        message = self._message(sender)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "file_name": file_name,
        }
        return self._update(message=message)

    def callback(
        self, sender: Sender, data: str, *, message_id: int = 1, message_text: str = ""
    ) -> dict[str, Any]:
        """A button press on a bot message ``message_id`` carrying ``data``."""
        update_id = next(self._update_ids)
        bot_message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": sender.user_id, "type": "private"},
            "from": {"id": 7_000_000_001, "is_bot": True, "first_name": "HandInHand"},
            "text": message_text or "…",
        }
        query = {
            "id": str(update_id * 1000 + sender.user_id % 1000),
            "from": sender.as_json(),
            "chat_instance": str(-sender.user_id),
            "message": bot_message,
            "data": data,
        }
        return {"update_id": update_id, "callback_query": query}

    def _message(self, sender: Sender) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": sender.user_id, "type": "private", "first_name": sender.first_name},
            "from": sender.as_json(),
        }

    def _update(self, **payload: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **payload}
