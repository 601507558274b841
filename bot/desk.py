"""Start and stop the bureau desk's background work with the bot (``post_init`` /
``post_shutdown``): the extra phrasings are taught to the matcher, and the broadcast outbox and
acknowledgement reminders run (`scheduler.desk.DeskWorker`), and the status messages of unfinished
broadcasts are followed again (`bot.broadcast_status.StatusBoard`)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.ext import Application

from bot.broadcast_status import StatusBoard
from bot.handlers.phrasings import load_extra_phrasings
from bot.notifier import TelegramNotifier
from scheduler.clock import CallableClock
from scheduler.desk import DeskWorker
from scheduler.outbox import OutboxConfig

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings

__all__ = ["outbox_config", "start_desk", "stop_desk"]

log = logging.getLogger(__name__)


def outbox_config(settings: Settings) -> OutboxConfig:
    """The outbox's pacing from the operator's settings (the bot's and the CLI's)."""
    return OutboxConfig(
        rate=settings.broadcast_rate,
        max_sending=settings.broadcast_max_sending,
        idle_interval=settings.broadcast_poll_seconds,
    )


def _services(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services: Services | None = application.bot_data.services
    assert services is not None and services.session_factory is not None
    return services


async def start_desk(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After `Services.open`: teach the stored phrasings, start the outbox and reminders."""
    services = _services(application)
    assert services.session_factory is not None
    await load_extra_phrasings(services.session_factory, services.ask)
    if not services.start_desk:
        return
    settings = services.settings
    services.desk = DeskWorker(
        services.session_factory,
        services.notifier or TelegramNotifier(application.bot, services),
        config=outbox_config(settings),
        reminder_delay=timedelta(hours=settings.broadcast_ack_reminder_hours),
        clock=CallableClock(services.clock),
    )
    services.desk.start()
    services.status_board = StatusBoard(
        application.bot, services.session_factory, interval=settings.broadcast_status_seconds
    )
    resumed = await services.status_board.resume()
    if resumed:
        log.info("following %d unfinished broadcasts again", resumed)


async def stop_desk(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Before the engine closes: finish the sends on the wire, give the rest back."""
    services = application.bot_data.services
    if services is None:
        return
    if services.status_board is not None:
        await services.status_board.close()
        services.status_board = None
    if services.desk is not None:
        await services.desk.stop()
        services.desk = None
