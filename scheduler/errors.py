"""The scheduler's exceptions.

    SchedulerError          base of everything the scheduler raises on purpose
    ├── VisitClash          a visit would overlap the mentor's other visits (``clashes``)
    └── VisitClosed         a visit that is done or cancelled cannot be changed

`bot/` maps them to polite replies (showing the clashing visits).
"""

from __future__ import annotations

from storage.models import Visit

__all__ = ["SchedulerError", "VisitClash", "VisitClosed"]


class SchedulerError(Exception):
    """Base class of scheduler errors."""


class VisitClash(SchedulerError):
    """The proposed time overlaps ``clashes`` (the mentor's proposed or confirmed visits)."""

    def __init__(self, clashes: list[Visit]) -> None:
        super().__init__(f"overlaps visit(s) {', '.join(str(v.id) for v in clashes)}")
        self.clashes = clashes


class VisitClosed(SchedulerError):
    """Visit ``visit_id`` is ``status`` (done or cancelled) and cannot be changed."""

    def __init__(self, visit_id: int, status: str) -> None:
        super().__init__(f"visit {visit_id} is {status}")
        self.visit_id = visit_id
        self.status = status
