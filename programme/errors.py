"""The programme's refusals: what a use-case says when the rules do not allow a request.

    ProgrammeError          base of every deliberate refusal of a use-case
    ├── Refused             the actor may not see or act on this (forged buttons, wrong role)
    ├── NotAllowed          the request breaks a rule of the programme (``reason`` names which)
    ├── VisitClash          a visit would overlap the mentor's other visits (``clashes``)
    └── VisitClosed         a visit that is done or cancelled cannot be changed

``bot/`` turns each into a polite reply in one place (``bot.handlers.errors``); anything else
that escapes a use-case is a bug and is reported as such, never shown as a rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from programme.actors import Actor
    from storage.models import Visit

__all__ = ["NotAllowed", "ProgrammeError", "Refused", "VisitClash", "VisitClosed"]


class ProgrammeError(Exception):
    """Base class of the programme's refusals."""


class Refused(ProgrammeError):
    """The actor may not do this; ``what`` says what was asked, for the log."""

    def __init__(self, actor: Actor | None, what: str) -> None:
        who = actor.describe() if actor is not None else "unknown sender"
        super().__init__(f"{who} refused: {what}")
        self.actor = actor
        self.what = what


class NotAllowed(ProgrammeError):
    """The request breaks a rule; ``reason`` is a stable key the fronts map to a message.

    Keys in use: ``visit_in_past``, ``visit_length``, ``empty_text``, ``text_too_long``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class VisitClash(ProgrammeError):
    """The proposed time overlaps ``clashes`` (the mentor's proposed or confirmed visits)."""

    def __init__(self, clashes: list[Visit]) -> None:
        super().__init__(f"overlaps visit(s) {', '.join(str(v.id) for v in clashes)}")
        self.clashes = clashes


class VisitClosed(ProgrammeError):
    """Visit ``visit_id`` is ``status`` (done or cancelled) and cannot be changed."""

    def __init__(self, visit_id: int, status: str) -> None:
        super().__init__(f"visit {visit_id} is {status}")
        self.visit_id = visit_id
        self.status = status
