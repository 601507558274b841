"""A small Bot API server for end-to-end tests: speaks the real Bot API JSON over HTTP.

The bot process polls it like Telegram (``getUpdates`` with a long-poll ``timeout``) and sends
to it; the test plays the users (`user_sends`, `user_presses`) and waits for what the bot sent
(`wait_for`). It runs in a thread (stdlib ``ThreadingHTTPServer``), independent of any event loop.
Faithful where PTB cares: ``getMe`` has ``is_bot``, dates are in seconds, callback queries carry
``chat_instance``, ``getUpdates`` honours ``offset`` and ``timeout``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

BOT_ID = 7_000_000_002


@dataclass
class Sent:
    """One message the bot sent (or edited)."""

    method: str
    chat_id: int
    message_id: int
    text: str
    buttons: list[tuple[str, str]]


@dataclass
class BotApiEmulator:
    """The server state; `start` serves it on a free local port."""

    username: str = "EmulatedBot"
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    # --- serving -----------------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL to give the bot (``…/bot``)."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._answer()

            def do_GET(self) -> None:
                self._answer()

            def _answer(self) -> None:
                url = urlparse(self.path)
                match = re.match(r"^/bot[^/]+/(\w+)$", url.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params: dict[str, Any] = dict(parse_qsl(url.query))
                if body:
                    if self.headers.get("Content-Type", "").startswith("application/json"):
                        params.update(json.loads(body))
                    else:
                        params.update(parse_qsl(body))
                status, payload = (
                    404,
                    {"ok": False, "error_code": 404, "description": "Not Found"},
                )
                if match:
                    status, payload = emulator.handle(match.group(1), params)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- the Bot API -------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API method."""
        self.calls.append(method)
        if method == "getMe":
            user = {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Emulated",
                "username": self.username,
            }
            return 200, {"ok": True, "result": user}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method in {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}:
            return 200, {"ok": True, "result": self._record(method, params)}
        return 200, {"ok": True, "result": True}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            # Updates below the offset are confirmed: Telegram forgets them.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates[: int(params.get("limit") or 100)])

    def _record(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = int(params.get("message_id") or next(self._message_ids))
        text = str(params.get("text") or params.get("caption") or "")
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else {}
        buttons = [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]
        with self._cond:
            self.sent.append(Sent(method, chat_id, message_id, text, buttons))
            self._cond.notify_all()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Emulated"},
        }
        message["caption" if method in {"sendPhoto", "sendDocument"} else "text"] = text
        return message

    # --- the test's side -----------------------------------------------------------------------

    def _push(self, payload: dict[str, Any]) -> None:
        with self._cond:
            self._updates.append({"update_id": next(self._update_ids), **payload})
            self._cond.notify_all()

    @staticmethod
    def _user(user_id: int, language: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"U{user_id}",
            "language_code": language,
        }

    def user_sends(self, user_id: int, text: str, language: str = "zh-hans") -> None:
        """A user types ``text`` in their private chat with the bot."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        self._push({"message": message})

    def user_sends_photo(self, user_id: int, file_id: str, language: str = "zh-hans") -> None:
        """A user sends a photo (already on Telegram's servers as ``file_id``)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
            "photo": [
                {"file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960}
            ],
        }
        self._push({"message": message})

    def user_presses(self, user_id: int, sent: Sent, data: str, language: str = "zh-hans") -> None:
        """A user presses the button with ``data`` under the bot's message ``sent``."""
        query = {
            "id": f"q{next(self._update_ids)}",
            "from": self._user(user_id, language),
            "chat_instance": f"ci{user_id}",
            "data": data,
            "message": {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Emulated"},
                "text": sent.text,
            },
        }
        self._push({"callback_query": query})

    def wait_for(self, chat_id: int, contains: str, timeout: float = 30.0) -> Sent:
        """The first message to ``chat_id`` containing ``contains`` (waiting for it to come)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for sent in self.sent:
                    if sent.chat_id == chat_id and contains in sent.text:
                        return sent
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [s.text[:60] for s in self.sent if s.chat_id == chat_id]
                    raise TimeoutError(
                        f"no message to {chat_id} containing {contains!r}; saw {seen}"
                    )
                self._cond.wait(left)
