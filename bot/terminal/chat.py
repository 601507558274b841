"""The terminal chat: the real bot in a terminal, no token and no network — a workbench.

The application runs on a `RecordingRequest` whose ``on_call`` hands every Bot API call to the
`Workbench`; what the user types becomes Telegram-shaped updates fed to ``process_update``.

- **Personas.** ``:as manager|mentor|bureau|guest|<person id>`` switches whom you play inside one
  session. What the bot sends to someone else goes to that person's inbox, shown when you switch
  to them (a one-line note says when one of the personas got something).
- **Buttons** are numbered globally: message 3's second button is ``3.2``, usable as long as
  that message is in the chat of the person you play; a bare number presses a button of the
  latest message with buttons.
- **Files** the bot sends (charts, .ics, PDFs) are saved under the output folder (default
  ``./handinhand-out/``), and their path is printed.
- Interactive use goes through prompt_toolkit with ``patch_stdout``: notices printed while you
  type appear above the prompt, never over it. Piped input works too (scripts and tests).

Delivery rule (what keeps this safe): on its own demo database (``demo=True``) the reminder
scheduler and the broadcast outbox run, and every notice goes into the recipient's inbox here.
On any other database they do not run at all, so nothing is ever claimed or marked as delivered
to a real person; only the person being played sees the bot's replies.

Terminal-only commands start with ":": ``:as WHO``, ``:photo NAME`` sends a photo, ``:help``,
``:quit`` leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from telegram import Update

from bot.app import BotApplication, build_application, running
from bot.services import Services
from bot.settings import Settings
from bot.terminal import OUT_DIR
from bot.terminal.demo import GUEST_ID, prepare_demo
from bot.terminal.recording import ApiCall, RecordingRequest
from bot.ui.html import to_plain_text
from bot.updates import Sender, UpdateFactory
from storage.db import create_engine
from storage.demo.builder import demo_person_ids
from storage.errors import NotFound
from storage.migrate import check_schema
from storage.repositories import people

__all__ = ["GUEST_ID", "Workbench", "run_chat"]

ROLES = ("manager", "mentor", "bureau", "guest")
_SHOWN = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument"}
_INBOX_LIMIT = 50  # messages kept per person not being played (the oldest are dropped)
_BUTTON = re.compile(r"(?:(\d+)\.)?(\d+)")
_HELP = (
    "Type a question or a /command. Buttons: type their number (3.1, or just 1 for the latest).\n"
    ":as manager|mentor|bureau|guest|<person id> switches whom you play; "
    ":photo NAME sends a photo; :quit leaves.\n"
)


@dataclass
class Persona:
    """Someone the terminal can play: the Telegram sender and a label for the screen."""

    sender: Sender
    label: str


@dataclass
class Workbench:
    """Shows the bot's messages to the person being played and keeps everyone else's.

    Attributes:
        me: the person being played.
        write: prints text (above the prompt in interactive use).
        out_dir: where files the bot sends are saved.
        names: labels of the people known to this session, by chat id (they get a note).
        inboxes: rendered messages waiting for each person not being played, by chat id.
        buttons: every button on offer, by its number ("3.1"): (callback data, message id, chat).
    """

    me: Sender
    write: Callable[[str], Any]
    out_dir: Path
    names: dict[int, str] = field(default_factory=dict)
    inboxes: dict[int, deque[str]] = field(default_factory=dict)
    buttons: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    _numbers: dict[tuple[int, int], int] = field(default_factory=dict)  # (chat, message) -> n
    _latest: dict[int, int] = field(default_factory=dict)  # chat -> newest number with buttons
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _files: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def show(self, call: ApiCall) -> None:
        """`RecordingRequest.on_call`: print a call meant for the person played, keep the rest."""
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self.write(f"  ({call.params['text']})\n")
            return
        if call.method not in _SHOWN or call.chat_id is None:
            return
        block = self._render(call)
        if call.chat_id == self.me.user_id:
            self.write(block)
            return
        inbox = self.inboxes.setdefault(call.chat_id, deque(maxlen=_INBOX_LIMIT))
        inbox.append(block)
        if call.chat_id in self.names:
            self.write(f"  (→ {self.names[call.chat_id]}: a message waits in their inbox)\n")

    def take_inbox(self, chat_id: int) -> list[str]:
        """What was sent to ``chat_id`` while someone else was played, oldest first (emptied)."""
        return list(self.inboxes.pop(chat_id, ()))

    def press(self, typed: str) -> tuple[str, int] | str | None:
        """The button ``typed`` names: (callback data, message id), an explanation, or None.

        None means ``typed`` is not a button number at all (it is sent as text).
        """
        match = _BUTTON.fullmatch(typed)
        if match is None:
            return None
        number, choice = match.groups()
        if number is None:
            latest = self._latest.get(self.me.user_id)
            if latest is None:
                return None  # a plain number with no buttons on offer: it is text
            number = str(latest)
        found = self.buttons.get(f"{number}.{choice}")
        if found is None:
            # "7" with no seventh button is text (a quantity, a reply); "9.1" is a typo.
            return None if match.group(1) is None else f"No button {number}.{choice}."
        data, message_id, chat_id = found
        if chat_id != self.me.user_id:
            owner = self.names.get(chat_id, str(chat_id))
            return f"Button {number}.{choice} is in {owner}'s chat: switch with :as first."
        return data, message_id

    def _render(self, call: ApiCall) -> str:
        chat_id = call.chat_id or 0
        lines = (to_plain_text(call.text) if call.text else "").splitlines()
        if call.method in {"sendPhoto", "sendDocument"}:
            kind = "photo" if call.method == "sendPhoto" else "document"
            saved = [self._save(name, data) for name, data in call.files.values()]
            if saved:
                lines = [f"[{kind} saved: {path}]" for path in saved] + lines
            else:
                lines = [f"[{kind} {call.params.get(kind)}]", *lines]
        if call.method == "editMessageReplyMarkup":
            lines = ["(buttons changed)"]
        elif call.method == "editMessageText":
            lines = ["(edited) " + (lines[0] if lines else ""), *lines[1:]]
        lines = lines or [""]
        text = "bot> " + lines[0] + "\n" + "".join(f"     {line}\n" for line in lines[1:])
        buttons = call.buttons
        key = (chat_id, call.message_id or 0)
        if not buttons:
            return text
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = next(self._counter)
        for choice, (label, data) in enumerate(buttons, start=1):
            self.buttons[f"{number}.{choice}"] = (data, call.message_id or 0, chat_id)
            text += f"     [{number}.{choice}] {label}\n"
        self._latest[chat_id] = number
        return text

    def _save(self, name: str, data: bytes) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.\-]+", "_", Path(name).name) or "file"
        path = self.out_dir / f"{next(self._files):03d}-{safe}"
        path.write_bytes(data)
        return path


async def _persona(services: Services, who: str) -> Persona:
    """The person ``who`` names: a demo role, or a person id (who must have a Telegram id).

    Raises:
        LookupError: no such person, or one the terminal cannot play; the message says why.
    """
    if who == "guest":
        return Persona(Sender(GUEST_ID, "访客", "zh-hans"), "guest (访客)")
    async with services.unit_of_work() as session:
        if who in ROLES:
            person_id = getattr(await demo_person_ids(session), who)
        elif who.isdigit():
            person_id = int(who)
        else:
            raise LookupError(f"Unknown persona {who!r}: use {', '.join(ROLES)} or a person id.")
        try:
            person = await people.get_person(session=session, person_id=person_id)
        except NotFound as exc:
            raise LookupError(f"There is no person {person_id}.") from exc
    if person.telegram_user_id is None:
        raise LookupError(f"Person {person_id} ({person.name}) has no Telegram account to play.")
    label = f"{person.name or who} ({person.role.value}, #{person.id})"
    sender = Sender(person.telegram_user_id, person.name or who, person.language.value)
    return Persona(sender, label)


class _Console:
    """Reads lines: prompt_toolkit in a terminal (prints stay above the prompt), else stdin."""

    def __init__(self, stdin: TextIO, stdout: TextIO | None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty() and stdout is None
        self._session: Any = None

    def write(self, text: str) -> None:
        # Looked up at each call: prompt_toolkit's patch_stdout swaps sys.stdout while prompting.
        out = self.stdout or sys.stdout
        out.write(text)
        out.flush()

    def keep_prompt(self) -> contextlib.AbstractContextManager[object]:
        """While active, whatever is printed goes above the prompt, which is drawn again."""
        if not self.interactive:
            return contextlib.nullcontext()
        from prompt_toolkit.patch_stdout import patch_stdout

        return patch_stdout(raw=True)

    async def read(self, prompt: str) -> str | None:
        """One line, or None at the end of input (Ctrl-D, Ctrl-C, end of the pipe)."""
        if not self.interactive:
            line = await asyncio.to_thread(self.stdin.readline)
            return line if line else None
        from prompt_toolkit import PromptSession

        if self._session is None:
            self._session = PromptSession()
        try:
            return str(await self._session.prompt_async(prompt))
        except (EOFError, KeyboardInterrupt):
            return None


async def run_chat(
    settings: Settings,
    role: str,
    *,
    demo: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO | None = None,
    out_dir: Path = Path(OUT_DIR),
) -> None:
    """Chat with the bot in the terminal as ``role`` (a demo role or a person id).

    Args:
        settings: ``database_url`` is the database to use.
        role: manager, mentor, bureau, guest, or a person id.
        demo: the database is the chat's own demo database (built here if empty): the reminder
            scheduler and the outbox run, and their notices land in the inboxes. False: any
            other database, used as it is (its schema must be current), with no background
            delivery at all.
        stdin: where typed lines come from (a terminal: prompt_toolkit reads it).
        stdout: where to print; None prints to the terminal (above the prompt).
        out_dir: where files the bot sends are saved.

    Raises:
        LookupError: ``role`` names nobody the terminal can play.
        storage.migrate.SchemaOutdated: ``demo`` is False and the database is not current.
    """
    console = _Console(stdin, stdout)
    if demo:
        await prepare_demo(settings.database_url)
        services = Services(settings)
    else:
        services = Services(settings, upgrade_database=False, start_reminders=False)
        services.start_desk = False
        await _check_schema(settings.database_url)
    bench = Workbench(Sender(GUEST_ID), console.write, out_dir)
    request = RecordingRequest(bot_username=settings.bot_username, on_call=bench.show)
    app: BotApplication = build_application(settings, services, request=request)
    factory = UpdateFactory()
    with console.keep_prompt():
        await _converse(app, services, bench, console, factory, role, demo=demo)


async def _converse(
    app: BotApplication,
    services: Services,
    bench: Workbench,
    console: _Console,
    factory: UpdateFactory,
    role: str,
    *,
    demo: bool,
) -> None:
    settings = services.settings
    async with running(app):
        for known in ("manager", "mentor", "bureau"):
            try:
                persona = await _persona(services, known)
            except LookupError:
                continue
            bench.names[persona.sender.user_id] = persona.label
        me = await _persona(services, role)
        bench.me = me.sender
        bench.names[me.sender.user_id] = me.label
        where = "demo database" if demo else f"database {settings.database_url} (no deliveries)"
        console.write(f"HandInHand terminal chat on the {where}, as {me.label}.\n" + _HELP)
        label = role
        while True:
            line = await console.read(f"{label}> ")
            if line is None:
                break
            typed = line.strip()
            if not typed:
                continue
            if not console.interactive:
                console.write(f"you> {typed}\n")
            if typed == ":quit":
                break
            if typed == ":help":
                console.write(_HELP)
                continue
            if typed.startswith(":as"):
                who = typed.removeprefix(":as").strip()
                try:
                    me = await _persona(services, who)
                except LookupError as exc:
                    console.write(f"  ({exc})\n")
                    continue
                bench.me, label = me.sender, who
                bench.names[me.sender.user_id] = me.label
                waiting = bench.take_inbox(me.sender.user_id)
                console.write(f"── now playing {me.label}: {len(waiting)} new message(s) ──\n")
                for block in waiting:
                    console.write(block)
                continue
            pressed = bench.press(typed)
            if isinstance(pressed, str):
                console.write(f"  ({pressed})\n")
                continue
            if pressed is not None:
                data = factory.callback(bench.me, pressed[0], message_id=pressed[1])
            elif typed.startswith(":photo"):
                name = typed.removeprefix(":photo").strip() or "terminal-photo"
                data = factory.photo(bench.me, name)
            else:
                data = factory.message(bench.me, typed)
            await app.process_update(Update.de_json(data, app.bot))


async def _check_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        await check_schema(engine)
    finally:
        await engine.dispose()
