"""How the scheduler reaches people: the `Notifier` protocol that `bot/` implements.

The scheduler never imports Telegram and never renders text. It hands the notifier a `Notice`: a
message-catalog key plus plain values; `bot/` renders it in the recipient's language (escaping the
values), attaches buttons, and sends it. The terminal chat prints it; tests collect it.

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

__all__ = ["Attachment", "Button", "Notice", "Notifier", "Recipient", "SendResult", "SendStatus"]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a notice: the person's id, their Telegram chat and their language."""

    person_id: int
    chat_id: int | None
    lang: str = "zh"


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a catalog key for its label and the callback data it sends."""

    label_key: str
    callback_data: str
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
