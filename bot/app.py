"""The composition root: every handler of the bot, registered in order.

Group -3 holds the gate's policy on where the bot talks (private chats; see `bot.gate`), group -2
the gate itself (who is this?), group -1 the notice for a dialogue too old to continue after a
restart. Group 0 holds the features: conversations first (they only claim updates of people in
the middle of one), then commands and buttons, then plain text as a question, then the refusals
for whatever nobody handled. Group 1 writes what the update changed in dialogues and drafts to
the database (`bot.persistence`), so a restart continues them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, BaseHandler, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.busy import SayingRequest, retry_when_busy
from bot.context import BotContext, context_types
from bot.conversations import TIMEOUT, save_now, share_latest, tell_expired
from bot.desk import start_desk, stop_desk
from bot.gate import admit, load_member
from bot.handlers import (
    answers,
    ask,
    broadcast,
    curation,
    errors,
    help,
    item_creation,
    item_review,
    item_submission,
    items,
    mentees,
    onboarding,
    refusals,
    requests,
    stats,
    topics,
    visit_booking,
    visit_hook,
    visit_outcomes,
    visits,
)
from bot.notifier import TelegramNotifier
from bot.persistence import DatabasePersistence
from bot.services import Services
from bot.settings import Settings
from bot.ui.menus import set_default_menus
from bot.wire import CONNECT_TIMEOUT, READ_TIMEOUT, FloodControl
from programme import workdays
from scheduler.clock import CallableClock
from scheduler.config import ReminderConfig
from scheduler.service import ReminderService

__all__ = ["OFFLINE_TOKEN", "build_application", "running", "start_reminders"]

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]

# PTB needs a token-shaped string even when no request leaves the process.
OFFLINE_TOKEN = "1:offline"


def build_application(
    settings: Settings, services: Services, *, request: BaseRequest | None = None
) -> BotApplication:
    """Build the bot.

    Args:
        settings: the process settings (token, Bot API base URL).
        services: opened in ``post_init``, closed in ``post_shutdown``.
        request: a custom Bot API transport (the recording request of the tests and the terminal
            chat); None talks HTTP to ``settings.bot_api_base_url``, rate-limited.
    """
    # Any bot type: the rate limiter below turns ExtBot[None] into ExtBot[int] (its RLARGS).
    builder: ApplicationBuilder[Any, BotContext, Any, Any, Any, Any] = (
        Application.builder().context_types(context_types)
    )
    builder = builder.post_init(_post_init).post_shutdown(_post_shutdown)
    builder = builder.persistence(DatabasePersistence(services, TIMEOUT))
    if request is not None:
        token = (
            settings.telegram_token.get_secret_value() if settings.telegram_token else OFFLINE_TOKEN
        )
        builder = builder.token(token).request(SayingRequest(request)).get_updates_request(request)
    else:
        if settings.telegram_token is None:
            raise ValueError("no Telegram token configured (HANDINHAND_TELEGRAM_TOKEN)")
        builder = builder.token(settings.telegram_token.get_secret_value())
        builder = builder.base_url(settings.bot_api_base_url).rate_limiter(FloodControl())
        wire = HTTPXRequest(
            connection_pool_size=256, read_timeout=READ_TIMEOUT, connect_timeout=CONNECT_TIMEOUT
        )
        builder = builder.request(SayingRequest(wire))
    application: BotApplication = builder.build()
    application.bot_data.services = services

    application.add_handler(TypeHandler(Update, admit), group=-3)
    application.add_handler(TypeHandler(Update, load_member), group=-2)
    application.add_handler(TypeHandler(Update, tell_expired), group=-1)
    handlers: list[BaseHandler[Any, Any, Any]] = [
        answers.build_handler(),
        broadcast.build_handler(),
        curation.build_handler(),
        item_submission.build_handler(),
        item_review.build_handler(),
        item_creation.build_handler(),
        help.build_handler(),
        requests.build_handler(),
        visit_hook.build_handler(),
        visit_booking.build_handler(),
        visit_outcomes.build_handler(),
        *onboarding.HANDLERS,
        *topics.HANDLERS,
        *items.HANDLERS,
        *item_review.HANDLERS,
        *mentees.HANDLERS,
        *help.HANDLERS,
        *requests.HANDLERS,
        *visit_booking.HANDLERS,
        *visits.HANDLERS,
        *broadcast.HANDLERS,
        *stats.HANDLERS,
        *curation.HANDLERS,
        *ask.HANDLERS,
        ask.QUESTION_HANDLER,
        *refusals.HANDLERS,
    ]
    share_latest(handlers)  # a person is in one conversation at a time: the latest
    retry_when_busy(handlers)  # a busy SQLite is waited out while nothing has been said yet
    application.add_handlers(handlers)
    application.add_handler(TypeHandler(Update, save_now), group=1)
    application.add_error_handler(errors.report_error)
    return application


async def _post_init(application: BotApplication) -> None:
    services = application.bot_data.services
    assert services is not None
    await services.open()
    await start_desk(application)
    await set_default_menus(application.bot)
    if services.start_reminders:
        await start_reminders(application)


def reminder_config(settings: Settings) -> ReminderConfig:
    """The scheduler's timing, from the operator's settings."""
    return ReminderConfig(
        timezone=settings.tz,
        visit_leads=settings.visit_reminder_leads,
        digest_horizon_days=settings.digest_horizon_days,
        escalate_mentor_days=settings.escalate_mentor_days,
        escalate_bureau_days=settings.escalate_bureau_days,
        help_urgent_ack=timedelta(minutes=settings.help_urgent_ack_minutes),
        help_normal_ack_working_days=settings.help_normal_ack_working_days,
        is_working_day=workdays.is_working_day,
        digests_on_days_off=settings.digests_on_days_off,
    )


async def start_reminders(application: BotApplication, *, run_scheduler: bool = True) -> None:
    """Build the reminder scheduler on the opened services and start it (re-armed from rows).

    ``run_scheduler=False`` arms the jobs without starting APScheduler's loop (tests run the jobs
    themselves on a controllable clock).
    """
    services = application.bot_data.services
    assert services is not None and services.session_factory is not None
    notifier = services.notifier or TelegramNotifier(application.bot, services)
    services.reminders = ReminderService(
        services.session_factory,
        notifier,
        reminder_config(services.settings),
        clock=CallableClock(services.clock),
    )
    await services.reminders.start(run_scheduler=run_scheduler)


async def _post_shutdown(application: BotApplication) -> None:
    services = application.bot_data.services
    if services is not None:
        await stop_desk(application)
        if services.reminders is not None:
            await services.reminders.shutdown()
            services.reminders = None
        await services.close()


@asynccontextmanager
async def running(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Run the application without an updater: for feeding updates by `process_update`.

    This is what ``run_polling`` does around its loop, minus the polling: initialise, post_init,
    start (the job queue, so conversations time out), and the reverse on the way out.
    """
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
