"""What the matcher answers: an :class:`Outcome` with its :class:`Suggestion` list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knowledge.entry import Entry
from knowledge.language import Lang

__all__ = ["Outcome", "Status", "Suggestion"]

Status = Literal["answered", "suggest", "unanswered", "smalltalk"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A "did you mean" choice: the entry and its title in the asker's language."""

    entry_id: str
    question: str
    score: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one question.

    ``answered``: ``entry``, ``answer`` and ``citation`` are set (in the asker's language).
    ``suggest``: up to three ``suggestions``; ``entry`` is the best candidate, not an answer.
    ``unanswered``: nothing confident enough, or a request the bot refuses.
    ``smalltalk``: a greeting, thanks or "who are you"; no entry, nothing to answer from the KB.
    ``score`` is the best candidate's score, 0–100.
    ``trouble``: the question reports trouble (a leak, an exceedance, a breakdown): what to do
    now comes first and help is one tap away. ``first_steps`` are then the emergency first-steps
    entries most relevant to it, most relevant first, to be shown before anything else (without
    the answered entry when that is itself a first-steps entry); the ``answer`` has its penalties
    last.
    """

    status: Status
    lang: Lang
    entry: Entry | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    answer: str | None = None
    citation: str | None = None
    first_steps: tuple[Entry, ...] = ()
    trouble: bool = False
