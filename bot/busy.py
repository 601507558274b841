"""A busy SQLite database is waited out, not shown to the person as an error.

SQLite has one writer. While a CLI import writes, a handler's unit of work can fail with
"database is locked" — at once, when its read snapshot went stale (see `storage.db`). The cure is
to run the unit of work again, and for a handler the unit is the whole callback: parse, use-case,
reply. Running it again is safe only while the bot has not said anything yet for this update, so
the Bot API transport notes what goes out (`SayingRequest`) and `retry_when_busy` runs a callback
again (a bounded number of times, with backoff) only if nothing did. The answer to a button press
(the spinner) is not "saying": it is sent once, and a repeated answer on a retry is skipped.
PostgreSQL, the store for several writing processes, never needs this and never triggers it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Iterable
from contextvars import ContextVar
from typing import Any

from telegram.ext import BaseHandler, ConversationHandler
from telegram.request import BaseRequest, RequestData

from storage.db import BUSY_ATTEMPTS, is_busy

__all__ = ["SayingRequest", "retry_when_busy"]

log = logging.getLogger(__name__)

# Per update (a handler callback runs in one task): whether a message went out, whether the
# button press was answered. Set by the transport, read and reset by the retrying wrapper.
_said: ContextVar[bool] = ContextVar("handinhand_said", default=False)
_answered: ContextVar[bool] = ContextVar("handinhand_answered", default=False)
_again: ContextVar[bool] = ContextVar("handinhand_again", default=False)  # a retry is running
_SILENT = frozenset({"getMe", "getUpdates", "getFile", "setMyCommands", "deleteWebhook"})
_ANSWERED_ALREADY = (200, b'{"ok":true,"result":true}')

Callback = Callable[[Any, Any], Coroutine[Any, Any, Any]]


class SayingRequest(BaseRequest):
    """Passes every Bot API call to ``inner``, noting for the current update what went out."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

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
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "answerCallbackQuery":
            if _again.get() and _answered.get():  # a retry answers the press again: once is enough
                return _ANSWERED_ALREADY
            _answered.set(True)
        elif endpoint not in _SILENT:
            _said.set(True)
        return await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )


def _retrying(callback: Callback, attempts: int) -> Callback:
    async def run(update: Any, context: Any) -> Any:
        delay = 0.05
        _answered.set(False)
        try:
            for attempt in range(1, attempts + 1):
                _said.set(False)
                _again.set(attempt > 1)
                try:
                    return await callback(update, context)
                except Exception as exc:
                    if not is_busy(exc) or _said.get() or attempt == attempts:
                        raise
                    log.warning("database busy in %s (attempt %d); again", callback, attempt)
                await asyncio.sleep(delay * (1 + random.random()))
                delay *= 2
            raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
        finally:
            # Updates may run one after another in one task: nothing carries over to the next.
            _answered.set(False)
            _said.set(False)
            _again.set(False)

    run.__name__ = getattr(callback, "__name__", "callback")
    run.__qualname__ = getattr(callback, "__qualname__", run.__name__)
    return run


def retry_when_busy(
    handlers: Iterable[BaseHandler[Any, Any, Any]], *, attempts: int = BUSY_ATTEMPTS
) -> None:
    """Make every callback among ``handlers`` (conversations' steps included) retry when busy."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [
                *handler.entry_points,
                *(h for steps in handler.states.values() for h in steps),
                *handler.fallbacks,
            ]
            retry_when_busy(inner, attempts=attempts)
        else:
            handler.callback = _retrying(handler.callback, attempts)
