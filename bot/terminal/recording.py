"""A Bot API that never leaves the process: records every call and answers it locally.

`RecordingRequest` is a :class:`telegram.request.BaseRequest`, PTB's own extension point, so the
real application runs unchanged on top of it. Tests assert on `RecordingRequest.calls`; the
terminal chat passes ``on_call`` to print what the bot sends.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

__all__ = ["BOT_USER_ID", "ApiCall", "RecordingRequest"]

BOT_USER_ID = 7_000_000_001

# Methods that send something new and answer with the Message they created.
_SENDING = {"sendMessage", "sendPhoto", "sendDocument"}
_EDITING = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call: the method name and its parameters as they would go over the wire."""

    method: str
    params: dict[str, Any]
    message_id: int | None = None  # of the message sent or edited, as the answer reports it
    # Uploaded files (an .ics, a chart, a PDF) by part name: (file name, content).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The inline buttons as (label, callback data or url), row by row."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        return [
            (button["text"], button.get("callback_data") or button.get("url") or "")
            for row in rows
            for button in row
        ]


class RecordingRequest(BaseRequest):
    """Answers Bot API calls in-process.

    Args:
        bot_username: what ``getMe`` reports.
        rejected_methods: methods answered with a 400 error, to rehearse a Bot API server that
            does not support them (e.g. ``setMyCommands``).
        on_call: called with every recorded call (the terminal chat prints from here).
    """

    def __init__(
        self,
        *,
        bot_username: str = "HandInHandBot",
        rejected_methods: Collection[str] = (),
        on_call: Callable[[ApiCall], None] | None = None,
    ) -> None:
        self.calls: list[ApiCall] = []
        self.bot_username = bot_username
        self.rejected_methods = frozenset(rejected_methods)
        self.on_call = on_call
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def clear(self) -> None:
        """Forget the calls recorded so far (tests call this between steps)."""
        self.calls.clear()

    def sent(self, chat_id: int | None = None) -> list[ApiCall]:
        """Messages sent or edited, optionally only those for one chat."""
        return [
            call
            for call in self.calls
            if call.method in _SENDING | _EDITING and (chat_id is None or call.chat_id == chat_id)
        ]

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call and answer it the way the Bot API would."""
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = _uploads(request_data) if request_data else {}
        if api_method in self.rejected_methods:
            self._record(ApiCall(api_method, params, files=files))
            error = {"ok": False, "error_code": 400, "description": "Bad Request: not supported"}
            return 400, json.dumps(error).encode()
        result = self._result(api_method, params)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        self._record(ApiCall(api_method, params, message_id, files))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_USER_ID,
                "is_bot": True,
                "first_name": "HandInHand",
                "username": self.bot_username,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in {"getUpdates", "getMyCommands"}:
            return []
        if method == "sendMediaGroup":  # one message per item of the album
            media = params.get("media") or []
            if isinstance(media, str):
                media = json.loads(media)
            return [self._message(ApiCall("sendPhoto", {**params, "media": m})) for m in media]
        if method in _SENDING or (method in _EDITING and "inline_message_id" not in params):
            return self._message(ApiCall(method, params))
        return True

    def _message(self, call: ApiCall) -> dict[str, Any]:
        chat_id = call.chat_id or 0
        message_id = call.params.get("message_id") or next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": int(message_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_USER_ID, "is_bot": True, "first_name": "HandInHand"},
        }
        if call.method in {"sendPhoto", "sendDocument"}:
            message["caption"] = call.text
        else:
            message["text"] = call.text
        return message


def _uploads(request_data: RequestData) -> dict[str, tuple[str, bytes]]:
    """The files a request uploads, read into memory (a handle is read from its start)."""
    uploads: dict[str, tuple[str, bytes]] = {}
    for name, part in request_data.multipart_data.items():
        filename, content = part[0], part[1]
        data = content if isinstance(content, bytes) else content.read()
        uploads[name] = (filename or name, data)
    return uploads
