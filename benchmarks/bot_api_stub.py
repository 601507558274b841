"""A minimal Bot API server for broadcast benchmarks: answers fast, counts, optionally enforces
Telegram's limits (then answers 429 with ``retry_after`` like Telegram does).

    python benchmarks/bot_api_stub.py PORT_FILE [--limits] [--fault KIND] [--max-seconds 600]

Listens on 127.0.0.1 only, on a free port written to PORT_FILE; stops itself after
``--max-seconds``. ``GET /stats`` answers ``{"messages": n, "answers_429": n, "first": t,
"last": t, "faults": n, "by_chat": {chat: [text, ...]}}`` (monotonic seconds of the first and
last accepted sendMessage; every message delivered, per chat). Runs in its own process so the
bot side's measurements are not shared with the server's CPU.

Faults (``--fault``), counted over sendMessage calls:

    429   every 4th call is refused with 429, retry_after 1 (not delivered)
    500   every 4th call is refused with 500 Internal Server Error (not delivered)
    hang  from the 20th call on, for 12 s, every call is delivered and its answer held back
          until the 12 s are over (a Bot API that delivers, then stalls)
    drop  every 3rd call: the connection is closed without an answer (not delivered)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl

OVERALL_PER_SECOND = 30  # Telegram: about 30 messages a second to different chats
PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second to the same chat
FAULTS = ("none", "429", "500", "hang", "drop")
STALL_AFTER = 20
STALL_SECONDS = 12.0


class Dropped(Exception):
    """The fault ``drop``: close the connection without answering."""


class Stub:
    def __init__(self, limits: bool, fault: str = "none") -> None:
        self.limits = limits
        self.fault = fault
        self.calls = 0
        self.faults = 0
        self.stall_until: float | None = None
        self.by_chat: dict[str, list[str]] = {}
        self.messages = 0
        self.answers_429 = 0
        self.first: float | None = None
        self.last: float | None = None
        self._recent: deque[float] = deque()
        self._chat_last: dict[str, float] = {}
        self._message_ids = 0

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, object]]:
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {"id": 1, "is_bot": True, "first_name": "Stub", "username": "StubBot"},
            }
        if method not in {"sendMessage", "sendPhoto", "sendDocument"}:
            return 200, {"ok": True, "result": True}
        now = time.monotonic()
        chat = params.get("chat_id", "0")
        if method == "sendMessage":
            self.calls += 1
            refused = self._refused()
            if refused is not None:
                self.faults += 1
                return refused
        if self.limits and self._limited(now, chat):
            self.answers_429 += 1
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        self._recent.append(now)
        self._chat_last[chat] = now
        self.messages += 1
        self.first = self.first if self.first is not None else now
        self.last = now
        self._message_ids += 1
        if method == "sendMessage":
            self.by_chat.setdefault(chat, []).append(params.get("text", ""))
        message = {
            "message_id": self._message_ids,
            "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private"},
            "text": params.get("text", ""),
        }
        return 200, {"ok": True, "result": message}

    def _refused(self) -> tuple[int, dict[str, object]] | None:
        """The fault for this sendMessage call, if it is refused (not delivered)."""
        if self.fault == "429" and self.calls % 4 == 0:
            body = {"error_code": 429, "description": "Too Many Requests: retry after 1"}
            return 429, {"ok": False, **body, "parameters": {"retry_after": 1}}
        if self.fault == "500" and self.calls % 4 == 0:
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if self.fault == "drop" and self.calls % 3 == 0:
            raise Dropped
        return None

    def held_for(self, method: str) -> float:
        """How long to hold back the answer to a call just delivered (the fault ``hang``)."""
        if self.fault != "hang" or method != "sendMessage":
            return 0.0
        now = time.monotonic()
        if self.stall_until is None and self.calls >= STALL_AFTER:
            self.stall_until = now + STALL_SECONDS
        if self.stall_until is not None and now < self.stall_until:
            self.faults += 1
            return self.stall_until - now
        return 0.0

    def _limited(self, now: float, chat: str) -> bool:
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        too_fast_for_chat = now - self._chat_last.get(chat, -1e9) < PER_CHAT_INTERVAL
        return len(self._recent) >= OVERALL_PER_SECOND or too_fast_for_chat

    async def serve_client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                verb, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status: int
                payload: dict[str, object]
                if verb == "GET" and path == "/stats":
                    status, payload = (
                        200,
                        {
                            "messages": self.messages,
                            "answers_429": self.answers_429,
                            "first": self.first,
                            "last": self.last,
                            "faults": self.faults,
                            "by_chat": self.by_chat,
                        },
                    )
                else:
                    params: dict[str, str] = {}
                    kind = headers.get("content-type", "")
                    if kind.startswith("application/x-www-form-urlencoded"):
                        params = dict(parse_qsl(body.decode()))
                    elif kind.startswith("application/json") and body:
                        params = {k: str(v) for k, v in json.loads(body).items()}
                    method = path.rsplit("/", 1)[-1]
                    status, payload = self.answer(method, params)
                    held = self.held_for(method) if status == 200 else 0.0
                    if held:
                        await asyncio.sleep(held)
                data = json.dumps(payload).encode()
                reason = {200: "OK", 429: "Too Many Requests"}.get(status, "Internal Server Error")
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, Dropped):
            pass
        finally:
            writer.close()


async def main(port_file: Path, limits: bool, max_seconds: float, fault: str = "none") -> None:
    stub = Stub(limits, fault)
    server = await asyncio.start_server(stub.serve_client, "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    await asyncio.to_thread(port_file.write_text, str(port))
    async with server:
        await asyncio.sleep(max_seconds)  # bounded: never outlives a forgotten benchmark


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file", type=Path)
    parser.add_argument("--limits", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--fault", choices=FAULTS, default="none")
    args = parser.parse_args()
    asyncio.run(main(args.port_file, args.limits, args.max_seconds, args.fault))
