"""``handinhand broadcast``: a bureau announcement from the command line.

    handinhand broadcast [--base-url URL] --text TEXT [--photo FILE | --document FILE]
                         [audience options] [--ack] [--at "2026-06-01 09:00"] [--yes]
    handinhand broadcast status ID
    handinhand broadcast resume ID [--resend-unknown] [--base-url URL]
    handinhand broadcast cancel ID

Sending previews the exact recipient count and the estimated duration, asks for confirmation
(unless ``--yes``), then delivers through the same outbox and Telegram notifier as the bot, with a
live progress bar of sent / failed / pending and a report at the end. With ``--at`` it only
schedules: the running bot (``handinhand run``) delivers at that time. Photos and documents are
uploaded once to the admin chat (``HANDINHAND_ADMIN_CHAT_ID``) to get the file id every
recipient's message reuses.

If the sending process dies (killed, a lost SSH session), the broadcast stays ``sending`` with
nobody sending it: ``status`` says it is orphaned once the dead sender's lease (20 s) has lapsed,
and ``resume`` sends the rest from here (the running bot would too). Deliveries whose outcome is
unknown (sent, no answer in time) are not re-sent unless ``resume --resend-unknown`` asks for it:
some of those people would get the message twice.

Exit codes: 0 delivered (or scheduled, or declined), 1 some deliveries failed or nobody matched,
2 usage errors (no token, unreadable file, bad time, no admin chat for media).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cli import app
from storage.enums import BroadcastStatus, Phase, Role

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Coroutine

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from telegram.ext import ExtBot

    from bot.settings import Settings
    from programme import broadcasts as service
    from scheduler.outbox import OutboxConfig
    from storage.repositories import broadcasts as repo

T = TypeVar("T")

__all__ = ["broadcast_app", "format_progress", "open_bot"]

broadcast_app = typer.Typer(help="Send a bureau announcement; see, resume or stop one.")
app.add_typer(broadcast_app, name="broadcast")

BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="Bot API base URL (self-hosted Bot API server, emulator); default from settings.",
    ),
]


def _settings(base_url: str | None = None) -> Settings:
    """Settings from the environment, with ``--base-url`` on top (validated)."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings() if base_url is None else Settings(bot_api_base_url=base_url)
    except ValidationError as exc:
        raise _usage(f"Invalid settings: {exc}") from exc


def format_progress(broadcast_id: int, p: repo.Progress) -> str:
    """One broadcast's delivery report as plain text."""
    lines = [
        f"Broadcast #{broadcast_id}: {p.status.value}",
        f"  sent {p.sent} · failed {p.failed} · unreachable {p.blocked} · "
        f"pending {p.pending + p.sending} (of {p.total}) · acknowledged {p.acknowledged}",
    ]
    if p.unknown:
        lines.append(
            f"  outcome unknown {p.unknown}: sent, but no answer came; most have arrived. "
            f"`handinhand broadcast resume {broadcast_id} --resend-unknown` sends them again."
        )
    lines += [f"  {n} × {error}" for error, n in sorted(p.by_error.items())]
    return "\n".join(lines)


@asynccontextmanager
async def open_bot(settings: Settings, *, pool: int = 16) -> AsyncIterator[ExtBot[None]]:
    """A PTB bot on ``settings.bot_api_base_url`` with room for ``pool`` concurrent sends.

    The outbox keeps at most ``broadcast_max_sending`` sends on the wire; the rest of the pool
    is room for the status and upload calls.

    Raises:
        ValueError: if no token is configured.
    """
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot import wire

    if settings.telegram_token is None:
        raise ValueError("no Telegram token configured (HANDINHAND_TELEGRAM_TOKEN)")
    request = HTTPXRequest(
        connection_pool_size=pool,
        pool_timeout=30.0,
        read_timeout=wire.READ_TIMEOUT,
        connect_timeout=wire.CONNECT_TIMEOUT,
    )
    bot: ExtBot[None] = ExtBot(
        settings.telegram_token.get_secret_value(),
        base_url=settings.bot_api_base_url,
        request=request,
    )
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    from storage.db import create_engine, make_session_factory

    engine = create_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class _Request:
    draft: service.Draft
    photo: Path | None
    document: Path | None
    confirmed: bool


async def _upload(
    bot: ExtBot[None], chat_id: int, photo: Path | None, doc: Path | None
) -> tuple[str | None, str | None]:
    """Send the media once to the admin chat; their file ids go into every delivery."""
    import asyncio

    from telegram import InputFile

    photo_id: str | None = None
    document_id: str | None = None
    if photo is not None:
        content = await asyncio.to_thread(photo.read_bytes)
        sent = await bot.send_photo(chat_id, InputFile(content, filename=photo.name))
        photo_id = sent.photo[-1].file_id
    if doc is not None:
        content = await asyncio.to_thread(doc.read_bytes)
        sent = await bot.send_document(chat_id, InputFile(content, filename=doc.name))
        document_id = sent.document.file_id if sent.document else None
    return photo_id, document_id


async def _deliver(
    factory: async_sessionmaker[AsyncSession], bot: ExtBot[None], settings: Settings, bid: int
) -> repo.Progress:
    """Run the outbox here until this broadcast is done, drawing the progress bar."""
    import asyncio

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.desk import outbox_config
    from bot.notifier import TelegramNotifier
    from scheduler.broadcasts import watch
    from scheduler.outbox import Outbox

    outbox = Outbox(factory, TelegramNotifier(bot), config=outbox_config(settings))
    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run(stop))
    columns = (
        TextColumn("[bold]#{task.fields[id]}"),
        BarColumn(),
        TextColumn("sent {task.fields[sent]} · failed {task.fields[failed]} · "),
        TextColumn("pending {task.fields[pending]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task("send", total=None, id=bid, sent=0, failed=0, pending="?")

        async def show(p: repo.Progress) -> None:
            done = p.sent + p.failed + p.blocked + p.unknown
            bar.update(
                task,
                total=p.total,
                completed=done,
                sent=p.sent,
                failed=p.failed + p.blocked,
                pending=p.pending + p.sending,
            )

        try:
            final = await watch(factory, bid, show, interval=0.5)
        finally:
            # Also on Ctrl-C: sends on the wire are recorded, held rows are given back at once.
            stop.set()
            await worker
    return final


async def _send(settings: Settings, request: _Request) -> int:
    from bot.handlers.send_time import EXAMPLE_FORMAT
    from programme import broadcasts as service

    async with _database(settings) as factory:
        tz = settings.tz
        today = datetime.now(tz).date()
        found = await service.preview(
            factory, request.draft.audience, today=today, rate=settings.broadcast_rate
        )
        typer.echo(f"Recipients: {found.recipients}; estimated time: about {found.seconds} s")
        if found.recipients == 0:
            typer.echo("Nobody matches this audience; nothing sent.", err=True)
            return 1
        if not request.confirmed and not typer.confirm("Send it?", default=False):
            typer.echo("Not sent.")
            return 0
        async with open_bot(settings) as bot:
            draft = request.draft
            if request.photo or request.document:
                assert settings.admin_chat_id is not None
                photo_id, document_id = await _upload(
                    bot, settings.admin_chat_id, request.photo, request.document
                )
                draft = service.Draft(
                    draft.text,
                    draft.audience,
                    photo_id,
                    document_id,
                    draft.require_ack,
                    draft.scheduled_at,
                )
            broadcast, count = await service.confirm(factory, draft, today=today)
            assert broadcast.id is not None
            if draft.scheduled_at is not None:
                when = draft.scheduled_at.astimezone(tz).strftime(EXAMPLE_FORMAT)
                typer.echo(
                    f"Broadcast #{broadcast.id} to {count} people scheduled for {when}; "
                    "the running bot sends it."
                )
                return 0
            final = await _deliver(factory, bot, settings, broadcast.id)
    typer.echo(format_progress(broadcast.id, final))
    return 1 if final.failed else 0


def _usage(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _readable(path: Path | None) -> Path | None:
    if path is not None and not path.is_file():
        raise _usage(f"Cannot read {path}")
    return path


@broadcast_app.callback(invoke_without_command=True)
def broadcast(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Option("--text", help="The announcement.")] = None,
    photo: Annotated[Path | None, typer.Option(help="A photo to send with it.")] = None,
    document: Annotated[Path | None, typer.Option(help="A document to send with it.")] = None,
    role: Annotated[list[Role] | None, typer.Option(help="Only these roles (repeatable).")] = None,
    round_id: Annotated[int | None, typer.Option("--round", help="Round id.")] = None,
    town: Annotated[str | None, typer.Option(help="Town/street of the enterprise.")] = None,
    industry: Annotated[str | None, typer.Option(help="Industry of the enterprise.")] = None,
    group: Annotated[int | None, typer.Option(help="Big-hand group: the big hand's id.")] = None,
    phase: Annotated[Phase | None, typer.Option(help="Pairing phase.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only small hands with overdue items.")
    ] = False,
    ack: Annotated[bool, typer.Option("--ack", help="Ask recipients to acknowledge.")] = False,
    at: Annotated[
        str | None, typer.Option(help='Schedule instead of sending now: "YYYY-MM-DD HH:MM".')
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    base_url: BaseUrl = None,
) -> None:
    """Send an announcement (see `status` and `cancel` for one already sent)."""
    if ctx.invoked_subcommand is not None:
        return
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError
    from telegram.error import TelegramError

    from bot.handlers.send_time import parse_send_time
    from programme import broadcasts as service
    from storage.models import utcnow
    from storage.repositories import broadcasts as repo

    if not text:
        raise _usage(
            "Give the announcement with --text (or use `status ID` / `resume ID` / `cancel ID`)."
        )
    settings = _settings(base_url)
    if settings.telegram_token is None:
        raise _usage("No Telegram token configured (set HANDINHAND_TELEGRAM_TOKEN).")
    if (photo or document) and settings.admin_chat_id is None:
        raise _usage("Photos and documents are uploaded via HANDINHAND_ADMIN_CHAT_ID; set it.")
    scheduled_at = None
    if at is not None:
        scheduled_at = parse_send_time(at, settings.tz, utcnow())
        if scheduled_at is None:
            raise _usage(f'Cannot use --at {at!r}: give a future time like "2026-06-01 09:00".')
    audience = repo.Audience(
        roles=tuple(role or ()),
        round_id=round_id,
        town=town,
        industry=industry,
        big_hand_id=group,
        phase=phase,
        overdue=overdue,
    )
    draft = service.Draft(text, audience, require_ack=ack, scheduled_at=scheduled_at)
    request = _Request(draft, _readable(photo), _readable(document), yes)
    try:
        code = asyncio.run(_send(settings, request))
    except (SQLAlchemyError, OSError, TelegramError) as exc:
        typer.echo(f"Cannot send the broadcast: {exc}", err=True)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


@dataclass(frozen=True, slots=True)
class _Status:
    progress: repo.Progress
    orphaned: bool


async def _status(settings: Settings, broadcast_id: int) -> _Status:
    from bot.desk import outbox_config
    from scheduler.outbox import orphaned
    from storage.models import utcnow
    from storage.repositories import broadcasts as repo

    lease = outbox_config(settings).lease
    async with _database(settings) as factory, factory() as session:
        found = await repo.progress(session=session, broadcast_id=broadcast_id)
        alone = await orphaned(session, broadcast_id, lease=lease, now=utcnow())
    return _Status(found, alone)


async def _cancel(settings: Settings, broadcast_id: int) -> bool:
    from programme import broadcasts as service

    async with _database(settings) as factory:
        return await service.cancel(factory, broadcast_id)


def _on_broadcast(work: Coroutine[Any, Any, T], broadcast_id: int, doing: str) -> T:
    """Run one database step on a broadcast; an unknown id or a database error exits 1."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from storage.errors import NotFound

    try:
        return asyncio.run(work)
    except NotFound as exc:
        typer.echo(f"No such broadcast: {broadcast_id}", err=True)
        raise typer.Exit(1) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"Cannot {doing} the database: {exc}", err=True)
        raise typer.Exit(1) from exc


@broadcast_app.command("status")
def status(broadcast_id: Annotated[int, typer.Argument(help="The broadcast's id.")]) -> None:
    """Show a broadcast's delivery report."""
    from bot.desk import outbox_config

    found = _on_broadcast(_status(_settings(), broadcast_id), broadcast_id, "read")
    typer.echo(format_progress(broadcast_id, found.progress))
    if found.orphaned:
        typer.echo(
            f"  orphaned: nobody is sending it (no sender alive for "
            f"{outbox_config(_settings()).lease.seconds} s or more). "
            f"Continue with `handinhand broadcast resume {broadcast_id}`."
        )


async def _resume(settings: Settings, broadcast_id: int, resend_unknown: bool) -> int:
    from bot.desk import outbox_config
    from scheduler.outbox import orphaned
    from storage.models import utcnow
    from storage.repositories import broadcasts as repo

    config: OutboxConfig = outbox_config(settings)
    async with _database(settings) as factory:
        async with factory() as session, session.begin():
            requeued = 0
            if resend_unknown:
                requeued = await repo.requeue_unknown(session=session, broadcast_id=broadcast_id)
            found = await repo.progress(session=session, broadcast_id=broadcast_id)
            busy = not await orphaned(session, broadcast_id, lease=config.lease, now=utcnow())
        if requeued:
            typer.echo(f"{requeued} deliveries of unknown outcome will be sent again.")
        if found.status is BroadcastStatus.scheduled:
            typer.echo(
                f"Broadcast #{broadcast_id} is scheduled; the running bot sends it at its time.",
                err=True,
            )
            return 1
        if found.status is not BroadcastStatus.sending or found.finished:
            typer.echo(format_progress(broadcast_id, found))
            typer.echo(f"Broadcast #{broadcast_id} has nothing left to send.", err=True)
            return 1
        if busy:
            typer.echo("Another sender is alive; sending alongside it (nobody gets it twice).")
        else:
            typer.echo(
                f"Resuming: {found.pending + found.sending} left; rows a stopped sender held "
                f"are free at most {config.lease.seconds} s after it stopped."
            )
        async with open_bot(settings) as bot:
            final = await _deliver(factory, bot, settings, broadcast_id)
    typer.echo(format_progress(broadcast_id, final))
    return 1 if final.failed else 0


@broadcast_app.command("resume")
def resume(
    broadcast_id: Annotated[int, typer.Argument(help="The broadcast's id.")],
    resend_unknown: Annotated[
        bool,
        typer.Option(
            "--resend-unknown",
            help="Also send again what went out without an answer (some may get it twice).",
        ),
    ] = False,
    base_url: BaseUrl = None,
) -> None:
    """Send the rest of a broadcast whose sender stopped (see `status`)."""
    from telegram.error import TelegramError

    settings = _settings(base_url)
    if settings.telegram_token is None:
        raise _usage("No Telegram token configured (set HANDINHAND_TELEGRAM_TOKEN).")
    try:
        code = _on_broadcast(_resume(settings, broadcast_id, resend_unknown), broadcast_id, "use")
    except TelegramError as exc:
        typer.echo(f"Cannot send the broadcast: {exc}", err=True)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


@broadcast_app.command("cancel")
def cancel(broadcast_id: Annotated[int, typer.Argument(help="The broadcast's id.")]) -> None:
    """Stop a scheduled or sending broadcast; what is not yet sent stays unsent."""
    stopped = _on_broadcast(_cancel(_settings(), broadcast_id), broadcast_id, "change")
    if not stopped:
        typer.echo(f"Broadcast #{broadcast_id} had already finished.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Broadcast #{broadcast_id} cancelled.")
