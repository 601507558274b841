"""Start and stop the bureau desk's background work with the bot (``post_init`` /
``post_shutdown``): the extra phrasings are taught to the matcher, and the broadcast outbox and
acknowledgement reminders run (`scheduler.desk.DeskWorker`)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.ext import Application

from bot.notifier import TelegramNotifier
from bot.phrasings import load_extra_phrasings
from scheduler.clock import CallableClock
from scheduler.desk import DeskWorker
from scheduler.outbox import OutboxConfig

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["start_desk", "stop_desk"]


def _services(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services = application.bot_data.services
    assert services is not None and services.session_factory is not None
    return services


async def start_desk(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After `Services.open`: teach the stored phrasings, start the outbox and reminders."""
    services = _services(application)
    assert services.session_factory is not None
    await load_extra_phrasings(services.session_factory, services.ask)
    settings = services.settings
    services.desk = DeskWorker(
        services.session_factory,
        services.notifier or TelegramNotifier(application.bot, services),
        config=OutboxConfig(
            rate=settings.broadcast_rate, idle_interval=settings.broadcast_poll_seconds
        ),
        reminder_delay=timedelta(hours=settings.broadcast_ack_reminder_hours),
        clock=CallableClock(services.clock),
    )
    services.desk.start()


async def stop_desk(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Before the engine closes: finish the sends on the wire, give the rest back."""
    services = application.bot_data.services
    if services is not None and services.desk is not None:
        await services.desk.stop()
        services.desk = None
