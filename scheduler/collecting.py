"""A `Notifier` that keeps what it is given: for tests, benchmarks and dry runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.notifier import Notice, Recipient, SendResult, SendStatus

__all__ = ["CollectingNotifier"]


@dataclass
class CollectingNotifier:
    """Records every notice; ``outcome`` decides what each send reports (default: sent).

    Attributes:
        sent: (recipient, notice) pairs, in order, including those reported as not delivered.
        outcome: maps a recipient and notice to the `SendResult` to report.
    """

    sent: list[tuple[Recipient, Notice]] = field(default_factory=list)
    outcome: Callable[[Recipient, Notice], SendResult] | None = None

    async def send(self, recipient: Recipient, notice: Notice) -> SendResult:
        self.sent.append((recipient, notice))
        if self.outcome is not None:
            return self.outcome(recipient, notice)
        return SendResult(SendStatus.sent, message_id=len(self.sent))

    def keys(self, person_id: int | None = None) -> list[str]:
        """The catalog keys of the notices sent, optionally to one person only."""
        return [n.key for r, n in self.sent if person_id is None or r.person_id == person_id]

    def to(self, person_id: int) -> list[Notice]:
        """The notices one person was sent."""
        return [n for r, n in self.sent if r.person_id == person_id]

    def clear(self) -> None:
        self.sent.clear()
