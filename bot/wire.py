"""The bot's HTTP link to the Bot API: timeouts that fit its latency, and bounded 429 retries.

Timeouts. PTB's default read timeout is 5 s, but a Bot API under load answers ``sendMessage``
in several seconds now and then, having already delivered the message. A send that times out
there is re-sent and arrives twice. `READ_TIMEOUT` waits long enough for a slow answer and
still notices a server that has stopped answering. A send that times out all the same has an
unknown outcome: `bot.notifier.TelegramNotifier` reports it as ``unknown``. It is not retried
as a failure would be (see `scheduler.outbox`).

Flood control. A 429 answer (``RetryAfter``) to an interactive reply is retried after the wait
Telegram asks for, at most `MAX_RETRIES` times and only while that wait is at most `MAX_WAIT`
seconds. The retry goes in the log. The person sees nothing until the answer comes. A longer
wait is passed on to the caller: an outbox pauses on it, and a reply fails like any other error.

Server errors. A 5xx answer, or a connection refused or dropped before any answer, was not acted
on (see `answer_lost`): it is retried at most `MAX_FAILURE_RETRIES` times, after about `BACKOFF`,
then twice as long each time (jittered ±50 %, so that retries do not fall into step with other
traffic; about 7.5 s in all), and logged. A read timeout is not retried: that request
may have been delivered.
"""

from __future__ import annotations

import asyncio
import logging
import random
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

__all__ = [
    "BACKOFF",
    "CONNECT_TIMEOUT",
    "MAX_FAILURE_RETRIES",
    "MAX_RETRIES",
    "MAX_WAIT",
    "READ_TIMEOUT",
    "FloodControl",
    "answer_lost",
    "retry_after_seconds",
]

log = logging.getLogger(__name__)

READ_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
MAX_RETRIES = 2
MAX_WAIT = 20.0
BACKOFF = 0.5
MAX_FAILURE_RETRIES = 4

_Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 deprecates reading it as an int)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def answer_lost(error: TelegramError) -> bool:
    """Whether a failed call's outcome is unknown: its request went out whole and no answer came
    within the read timeout, so the server may well have done what was asked.

    A connection refused or dropped before any answer counts as not done (the usual cause is a
    kept-alive connection the server had just closed), and so does a pool timeout (the request
    never left).
    """
    return isinstance(error.__cause__, httpx.ReadTimeout)


def _not_acted_on(error: TelegramError) -> bool:
    """A server error or a connection lost before any answer (PTB raises a bare NetworkError for
    these; its subclasses are answers: BadRequest, Forbidden, TimedOut ...)."""
    return type(error) is NetworkError and not answer_lost(error)


class _WaitTooLong(Exception):
    """Carries a `RetryAfter` past PTB's retry loop (its wait exceeds the bound)."""

    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class FloodControl(AIORateLimiter):
    """PTB's `AIORateLimiter` (throttling, a global pause on 429) with bounded retries.

    Args:
        max_retries: retries of one call after a 429.
        max_wait: the longest ``retry_after`` that is waited out; a longer one is raised.
        failure_retries: retries of one call after a server error or a lost connection.
        backoff: the wait before the first retry after a server error (doubled for the next).
    """

    def __init__(
        self,
        *,
        max_retries: int = MAX_RETRIES,
        max_wait: float = MAX_WAIT,
        failure_retries: int = MAX_FAILURE_RETRIES,
        backoff: float = BACKOFF,
    ) -> None:
        super().__init__(max_retries=max_retries)
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.failure_retries = failure_retries
        self.backoff = backoff
        self.retries = 0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Result:
        """Throttle and send one call; wait out a short 429 and try again (bounded)."""

        async def bounded(*call_args: Any, **call_kwargs: Any) -> _Result:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                if seconds > self.max_wait:
                    log.warning("Bot API flood control on %s: %.0f s, too long", endpoint, seconds)
                    raise _WaitTooLong(exc) from exc
                self.retries += 1
                log.warning("Bot API flood control on %s: retrying after %.1f s", endpoint, seconds)
                raise

        for attempt in range(self.failure_retries + 1):
            try:
                return await super().process_request(
                    bounded, args, kwargs, endpoint, data, rate_limit_args
                )
            except _WaitTooLong as too_long:
                raise too_long.error from None
            except NetworkError as exc:
                if attempt == self.failure_retries or not _not_acted_on(exc):
                    raise
                delay = self.backoff * 2**attempt * random.uniform(0.5, 1.5)
                self.retries += 1
                log.warning("Bot API %s failed (%s): retrying after %.1f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises
