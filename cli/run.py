"""``handinhand run`` (the bot on Telegram or any Bot API server) and ``handinhand chat``."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.terminal.chat import run_chat
from bot.transports import run_bot
from cli import app

__all__ = ["chat_command", "run_command"]


class ChatRole(StrEnum):
    manager = "manager"
    mentor = "mentor"
    bureau = "bureau"
    guest = "guest"


def _settings(**overrides: object) -> Settings:
    """Settings from the environment, with the command line's options on top (validated)."""
    try:
        given = {k: v for k, v in overrides.items() if v is not None}
        return Settings(**given)  # type: ignore[arg-type]  # validated by pydantic, not mypy
    except ValidationError as exc:
        typer.echo(f"Invalid settings: {exc}", err=True)
        raise typer.Exit(2) from exc


def _logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every long-poll request at INFO; that drowns what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@app.command("run")
def run_command(
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Bot API base URL (self-hosted Bot API server, emulator); default from settings.",
        ),
    ] = None,
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url", help="Public HTTPS URL: run as a webhook instead of polling."
        ),
    ] = None,
    listen: Annotated[str, typer.Option(help="Webhook: address to listen on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Webhook: port to listen on.")] = 8443,
    token: Annotated[
        str | None, typer.Option(help="Telegram bot token (default HANDINHAND_TELEGRAM_TOKEN).")
    ] = None,
) -> None:
    """Run the bot: long polling, or a webhook (--webhook-url). No token: the terminal chat."""
    settings = _settings(
        bot_api_base_url=base_url, telegram_token=SecretStr(token) if token else None
    )
    _logging(settings)
    if settings.telegram_token is None:
        typer.echo(
            "No Telegram token configured (set HANDINHAND_TELEGRAM_TOKEN or pass --token).\n"
            "Starting the terminal chat instead, as the demo manager.",
            err=True,
        )
        asyncio.run(run_chat(settings, ChatRole.manager.value))
        return
    if webhook_url is not None and settings.webhook_secret is None:
        typer.echo("Webhook mode needs HANDINHAND_WEBHOOK_SECRET (the secret token).", err=True)
        raise typer.Exit(2)
    run_bot(settings, webhook_url=webhook_url, listen=listen, port=port)


@app.command("chat")
def chat_command(
    role: Annotated[
        ChatRole, typer.Option("--as", help="Which demo person to be.")
    ] = ChatRole.manager,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default HANDINHAND_DATABASE_URL).")
    ] = None,
) -> None:
    """Chat with the bot in this terminal on the demo data: no token, no network."""
    settings = _settings(database_url=db)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run_chat(settings, role.value))
    except KeyboardInterrupt:
        typer.echo("")
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot open the database {settings.database_url}: {exc}", err=True)
        raise typer.Exit(1) from exc
