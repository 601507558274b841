"""What the matcher answers: an :class:`Outcome` with its :class:`Suggestion` list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knowledge.entry import Entry
from knowledge.language import Lang

__all__ = ["Outcome", "Status", "Suggestion"]

Status = Literal["answered", "suggest", "unanswered"]


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
    ``score`` is the best candidate's score, 0–100.
    """

    status: Status
    lang: Lang
    entry: Entry | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    answer: str | None = None
    citation: str | None = None
