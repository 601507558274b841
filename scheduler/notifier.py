"""How the scheduler reaches people: the `Notifier` protocol that `bot/` implements.

The scheduler never imports Telegram and never renders text. It hands the notifier a `Notice`: a
message-catalog key plus plain values; `bot/` renders it in the recipient's language (escaping the
values), attaches buttons, and sends it. The terminal chat prints it; tests collect it.

The payload says what each value is, so the renderer never guesses from a key's name: a coded
value is a `Label` (shown by its catalog label), a knowledge-base entry is an `EntryRef` (shown as
its short answer, with a button to open it), and a button names an `Action` on an object, which
`bot/` turns into its own callback format.

A send reports what happened as a `SendResult` instead of raising, so callers can mark a person
unreachable (`blocked`), honour flood control for the whole outbox (`retry_after`), back off on
network trouble (`failed` with ``retryable=True``), or keep from repeating a send whose request went
out but whose answer never came (`unknown`: it may well have arrived).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

__all__ = [
    "Action",
    "Attachment",
    "Button",
    "EntryRef",
    "Label",
    "Notice",
    "Notifier",
    "Recipient",
    "SendResult",
    "SendStatus",
]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a notice: the person's id, their Telegram chat and their language."""

    person_id: int
    chat_id: int | None
    lang: str = "zh"


@dataclass(frozen=True, slots=True)
class Label:
    """A coded value shown by its label in the catalog ``<catalog>.<code>``.

    ``title`` is free text (e.g. an imported date's own title) shown after the label.
    """

    catalog: str
    code: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class EntryRef:
    """A knowledge-base entry: shown as its short answer and legal basis, with an "open" button."""

    entry_id: str


class Action(StrEnum):
    """What a button on a notice does; ``bot/`` owns the callback format of each."""

    acknowledge_broadcast = "acknowledge_broadcast"  # ref: the broadcast id
    open_help_request = "open_help_request"  # ref: the help request id
    acknowledge_help_request = "acknowledge_help_request"  # ref: the help request id


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a catalog key for its label, and the action it asks for on ``ref``."""

    label_key: str
    action: Action
    ref: int
    label_values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file made on the fly (e.g. an .ics for a visit), sent as a document."""

    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Notice:
    """What to say: a catalog key and its placeholder values, plus optional media and buttons.

    ``values`` are plain (unescaped) values; the renderer escapes them. A bureau broadcast, whose
    text is written by a person, uses its own key with the text as a value.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    photo_file_id: str | None = None
    document_file_id: str | None = None
    attachment: Attachment | None = None


class SendStatus(StrEnum):
    sent = "sent"
    blocked = "blocked"  # the person blocked the bot or never pressed Start: do not retry
    retry_after = "retry_after"  # flood control: wait `retry_after` seconds, then try again
    failed = "failed"
    unknown = "unknown"  # sent, but no answer came in time: it may have arrived; do not resend


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    message_id: int | None = None
    retry_after: float | None = None
    retryable: bool = False
    error: str = ""


class Notifier(Protocol):
    """Delivers notices to people. Implemented by `bot/` (Telegram, terminal) and by tests."""

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        """Send one notice; never raises for delivery problems, reports them instead."""
        ...
