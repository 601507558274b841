"""The terminal chat: the real bot in a terminal, no token and no network.

The application runs on a `RecordingRequest` whose ``on_call`` prints what the bot sends (HTML
rendered as plain text); what the user types becomes Telegram-shaped updates fed to
``process_update``. Buttons appear as numbered choices: typing the number presses the button.
Messages the bot sends to other people (a mentor notified of a submission, …) are printed too,
marked with who receives them. Works with piped input, so scripts and tests can drive it.

Terminal-only commands start with ":": ``:photo NAME`` sends a photo, ``:quit`` leaves.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from telegram import Update

from bot.app import BotApplication, build_application, running, start_reminders
from bot.notifier import TelegramNotifier, TerminalNotifier
from bot.services import Services
from bot.settings import Settings
from bot.terminal.recording import ApiCall, RecordingRequest
from bot.ui.html import to_plain_text
from bot.updates import Sender, UpdateFactory
from storage.demo.builder import demo_person_ids, ensure_demo_data
from storage.repositories import people

__all__ = ["GUEST_ID", "TerminalChat", "run_chat"]

GUEST_ID = 1_000_001  # a Telegram id no demo person has: the guest is a stranger to the bot

_SHOWN = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}


@dataclass
class TerminalChat:
    """Prints the bot's side of the conversation and remembers the buttons on offer."""

    me: Sender
    write: Callable[[str], Any]
    names: dict[int, str] = field(default_factory=dict)
    choices: list[tuple[str, int]] = field(default_factory=list)  # (callback data, message id)

    def show(self, call: ApiCall) -> None:
        """`RecordingRequest.on_call`: print one outgoing Bot API call if a person would see it."""
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            self.write(f"  ({call.params['text']})\n")
            return
        if call.method not in _SHOWN:
            return
        body = to_plain_text(call.text) if call.text else ""
        if call.method == "sendPhoto":
            body = f"[photo {call.params.get('photo')}] {body}".strip()
        elif call.method == "sendDocument":
            body = f"[document {call.params.get('document')}] {body}".strip()
        mine = call.chat_id == self.me.user_id
        prefix = "bot> " if mine else f"bot → {self.names.get(call.chat_id or 0, call.chat_id)}> "
        lines = body.splitlines() or [""]
        self.write(prefix + lines[0] + "\n" + "".join(f"     {line}\n" for line in lines[1:]))
        if not mine:
            return
        buttons = call.buttons
        if buttons:
            message_id = call.message_id or 0
            self.choices = [(data, message_id) for _, data in buttons]
            for number, (label, _) in enumerate(buttons, start=1):
                self.write(f"     [{number}] {label}\n")


async def _demo_sender(services: Services, role: str) -> tuple[Sender, dict[int, str]]:
    """The demo person playing ``role`` (after loading the demo if the database is empty)."""
    assert services.session_factory is not None
    await ensure_demo_data(services.session_factory, today=services.today())
    async with services.unit_of_work() as session:
        ids = await demo_person_ids(session)
        everyone = {
            p.chat_id: f"{p.name} ({p.role.value})"
            for pid in (ids.manager, ids.mentor, ids.bureau)
            for p in [await people.get_person(session=session, person_id=pid)]
            if p.chat_id is not None
        }
        if role == "guest":
            return Sender(GUEST_ID, "访客", "zh-hans"), everyone
        person = await people.get_person(session=session, person_id=getattr(ids, role))
    assert person.telegram_user_id is not None
    return Sender(person.telegram_user_id, person.name or role, person.language.value), everyone


async def run_chat(
    settings: Settings, role: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    """Chat with the bot in the terminal as the demo ``role`` (manager, mentor, bureau, guest)."""

    def write(line: str) -> None:
        stdout.write(line)
        stdout.flush()

    # Reminders start once the demo data is there and we know whom we play (see TerminalNotifier).
    services = Services(settings, start_reminders=False)
    terminal = TerminalChat(Sender(GUEST_ID), write)
    request = RecordingRequest(bot_username=settings.bot_username, on_call=terminal.show)
    app: BotApplication = build_application(settings, services, request=request)
    notifier = TerminalNotifier(TelegramNotifier(app.bot, services))
    services.notifier = notifier
    factory = UpdateFactory()
    interactive = stdin.isatty()
    async with running(app):
        terminal.me, terminal.names = await _demo_sender(services, role)
        notifier.chat_id = terminal.me.user_id
        await start_reminders(app)
        write(f"HandInHand terminal chat as {role} ({terminal.me.first_name}). ")
        write("Type a question or a /command; a number presses a button; :quit leaves.\n")
        while True:
            if interactive:
                write("you> ")
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            typed = line.strip()
            if not typed:
                continue
            if not interactive:
                write(f"you> {typed}\n")
            if typed == ":quit":
                break
            data = _update_for(typed, terminal, factory)
            await app.process_update(Update.de_json(data, app.bot))


def _update_for(typed: str, terminal: TerminalChat, factory: UpdateFactory) -> dict[str, Any]:
    if typed.isdigit() and 1 <= int(typed) <= len(terminal.choices):
        data, message_id = terminal.choices[int(typed) - 1]
        return factory.callback(terminal.me, data, message_id=message_id)
    if typed.startswith(":photo"):
        return factory.photo(terminal.me, typed.removeprefix(":photo").strip() or "terminal-photo")
    return factory.message(terminal.me, typed)
