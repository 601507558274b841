"""Running the bot for real: long polling or a webhook, against any Bot API server."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.services import Services
from bot.settings import Settings

__all__ = ["run_bot"]

log = logging.getLogger(__name__)


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8443,
) -> None:
    """Run until interrupted. Blocks; PTB owns the event loop and the signal handling.

    Args:
        settings: needs ``telegram_token``; ``bot_api_base_url`` picks the server.
        webhook_url: run as a webhook at this public URL (with ``settings.webhook_secret``);
            None polls.
        listen: webhook listen address.
        port: webhook listen port.
    """
    application = build_application(settings, Services(settings))
    if webhook_url is None:
        log.info("polling %s", settings.bot_api_base_url)
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
        return
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    log.info("webhook at %s (listening on %s:%d)", webhook_url, listen, port)
    application.run_webhook(
        listen=listen,
        port=port,
        webhook_url=webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
