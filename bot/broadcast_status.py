"""The status message of a broadcast: posted in its creator's chat, edited in place as it goes.

A broadcast sent at once gets its status message from the /broadcast dialogue; a scheduled one
gets it when the outbox starts it. `StatusBoard` follows each until it finishes, at most one
edit every ``interval`` seconds (Telegram allows about one edit a second per chat). Followers live
in memory, so at start-up `StatusBoard.resume` posts a fresh status message for every broadcast
still scheduled or sending: a restart does not leave an admin without one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot import callbacks
from bot.ui.html import escape
from bot.ui.replies import Buttons, keyboard
from catalog import text
from scheduler.broadcasts import watch
from storage.enums import BroadcastStatus
from storage.repositories import broadcasts as repo

__all__ = ["StatusBoard", "render_status"]

log = logging.getLogger(__name__)


def render_status(broadcast_id: int, p: repo.Progress, lang: str, *, ack: bool) -> str:
    """The status message / delivery report of a broadcast."""
    errors = ""
    if p.by_error:
        listed = "; ".join(f"{escape(e[:80])} ×{n}" for e, n in sorted(p.by_error.items()))
        errors = text(lang, "broadcast.errors", errors=listed)
    return text(
        lang,
        "broadcast.status",
        id=broadcast_id,
        state=text(lang, f"broadcast.state.{p.status.value}"),
        sent=p.sent,
        failed=p.failed,
        blocked=p.blocked,
        pending=p.pending + p.sending,
        total=p.total,
        acks=text(lang, "broadcast.acks", acknowledged=p.acknowledged) if ack else "",
        errors=errors,
    )


def status_buttons(broadcast_id: int, p: repo.Progress, lang: str, *, ack: bool) -> Buttons:
    """Stop while it runs; the acknowledgement report once it has finished."""
    if not p.finished:
        return [[(text(lang, "broadcast.stop"), callbacks.BROADCAST_STOP.encode(broadcast_id))]]
    if ack:
        label = text(lang, "broadcast.report_button")
        return [[(label, callbacks.BROADCAST_REPORT.encode(broadcast_id))]]
    return []


def _started(p: repo.Progress) -> bool:
    """Whether there is anything to show: not still scheduled, nor stopped before it began (the
    Stop reply already said so)."""
    untouched = p.sent + p.failed + p.blocked == 0
    return p.status is not BroadcastStatus.scheduled and not (
        p.status is BroadcastStatus.cancelled and untouched
    )


class StatusBoard:
    """Follows broadcasts for their creators: one background task per broadcast.

    Args:
        bot: sends and edits the status messages.
        session_factory: reads the delivery counts.
        interval: seconds between reads (and so between edits).
    """

    def __init__(
        self,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        interval: float,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.interval = interval
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def follow(
        self,
        broadcast_id: int,
        chat_id: int,
        lang: str,
        *,
        ack: bool,
        message_id: int | None = None,
        shown: repo.Progress | None = None,
    ) -> None:
        """Keep the status of ``broadcast_id`` up to date in ``chat_id``.

        ``message_id`` is the status message to edit, now showing ``shown``; without one, a
        status message is posted once the broadcast is sending (a scheduled one, when its time
        comes).
        """
        if broadcast_id in self._tasks:
            return
        task = asyncio.create_task(
            self._follow(broadcast_id, chat_id, lang, ack, message_id, shown),
            name=f"broadcast-status-{broadcast_id}",
        )
        self._tasks[broadcast_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(broadcast_id, None))

    async def resume(self) -> int:
        """Follow every unfinished broadcast again (after a restart); returns how many."""
        async with self.session_factory() as session:
            watched = await repo.unfinished_with_creator(session=session)
        for w in watched:
            self.follow(w.broadcast_id, w.chat_id, w.lang, ack=w.require_ack)
        return len(watched)

    async def close(self) -> None:
        """Stop following (the broadcasts go on; the next start resumes their status)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _follow(
        self,
        broadcast_id: int,
        chat_id: int,
        lang: str,
        ack: bool,
        message_id: int | None,
        shown: repo.Progress | None,
    ) -> None:
        async def show(p: repo.Progress) -> None:
            nonlocal message_id
            if message_id is not None:
                await self._edit(chat_id, message_id, broadcast_id, p, lang, ack)
            elif _started(p):  # a scheduled broadcast's time has come: post its status
                message = await self.bot.send_message(
                    chat_id,
                    render_status(broadcast_id, p, lang, ack=ack),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(status_buttons(broadcast_id, p, lang, ack=ack)),
                )
                message_id = message.message_id

        try:
            await watch(
                self.session_factory, broadcast_id, show, interval=self.interval, shown=shown
            )
        except TelegramError as exc:  # the status is a courtesy; the delivery goes on without it
            log.warning("status of broadcast %s no longer updated: %s", broadcast_id, exc)

    async def _edit(
        self,
        chat_id: int,
        message_id: int,
        broadcast_id: int,
        p: repo.Progress,
        lang: str,
        ack: bool,
    ) -> None:
        with contextlib.suppress(BadRequest):  # "message is not modified", or deleted by the admin
            await self.bot.edit_message_text(
                render_status(broadcast_id, p, lang, ack=ack),
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(status_buttons(broadcast_id, p, lang, ack=ack)),
            )
