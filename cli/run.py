"""``handinhand run`` (the bot on Telegram or any Bot API server) and ``handinhand chat``.

``run`` needs a token: without one it stops (exit 2) instead of doing anything to the configured
database. ``chat`` is the terminal workbench on its own demo database (``--database`` points it
elsewhere, where it delivers nothing in the background; see `bot.terminal.chat`).

Heavy imports (Telegram, SQLAlchemy, the bot) happen inside the commands, so ``--help`` is quick.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.terminal import DEMO_DATABASE_URL, OUT_DIR
from cli import app

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["chat_command", "run_command"]

NO_TOKEN = (
    "No Telegram token configured: set HANDINHAND_TELEGRAM_TOKEN or pass --token.\n"
    "To try the bot without Telegram, run `handinhand chat` (the terminal chat on its own "
    "demo database)."
)


def _settings(**overrides: object) -> Settings:
    """Settings from the environment, with the command line's options on top (validated)."""
    from pydantic import ValidationError

    from bot.settings import Settings

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
    # httpx logs every long-poll request at INFO, APScheduler every job it arms ("Adding job
    # tentatively", hundreds at start-up); that drowns what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _chat_logging(out_dir: Path, level: str) -> Path:
    """Send every log record (and Python warnings) to ``out_dir/chat.log``, none to the screen."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "chat.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)
    return path


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
    """Run the bot: long polling, or a webhook (--webhook-url). Needs a token."""
    from pydantic import SecretStr

    settings = _settings(
        bot_api_base_url=base_url, telegram_token=SecretStr(token) if token else None
    )
    if settings.telegram_token is None:
        typer.echo(NO_TOKEN, err=True)
        raise typer.Exit(2)
    if webhook_url is not None and settings.webhook_secret is None:
        typer.echo("Webhook mode needs HANDINHAND_WEBHOOK_SECRET (the secret token).", err=True)
        raise typer.Exit(2)
    _logging(settings)
    from bot.transports import run_bot

    run_bot(settings, webhook_url=webhook_url, listen=listen, port=port)


@app.command("chat")
def chat_command(
    who: Annotated[
        str,
        typer.Option(
            "--as",
            metavar="ROLE|ID",
            help="Whom to play: manager, mentor, bureau, guest, or a person id. "
            "Inside the chat, `:as …` switches.",
        ),
    ] = "manager",
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "--db",
            help=f"Use this database instead of the chat's own demo database ({DEMO_DATABASE_URL})."
            " There nothing is delivered in the background: no reminders, no broadcasts.",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the files the bot sends, and chat.log.")
    ] = Path(OUT_DIR),
) -> None:
    """Chat with the bot in this terminal on demo data: no token, no network."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.terminal.chat import ROLES, run_chat
    from storage.migrate import SchemaOutdated

    if who not in ROLES and not who.isdigit():
        raise typer.BadParameter(f"use one of {', '.join(ROLES)} or a person id", param_hint="--as")
    settings = _settings(database_url=database or DEMO_DATABASE_URL)
    _chat_logging(out, settings.log_level)
    try:
        asyncio.run(run_chat(settings, who, demo=database is None, out_dir=out))
    except KeyboardInterrupt:
        typer.echo("")
    except LookupError as exc:
        typer.echo(str(exc).strip("'\""), err=True)
        raise typer.Exit(1) from exc
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot open the database {settings.database_url}: {exc}", err=True)
        raise typer.Exit(1) from exc
