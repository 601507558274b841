"""Who acts: the plain value every use-case takes instead of a Telegram user."""

from __future__ import annotations

from dataclasses import dataclass

from storage.enums import Role

__all__ = ["Actor"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A person of the programme as the use-cases see them.

    ``person_id`` and ``role`` are None for someone who has not onboarded (a guest).
    """

    person_id: int | None = None
    role: Role | None = None
    enterprise_id: int | None = None

    @property
    def is_guest(self) -> bool:
        return self.person_id is None

    def describe(self) -> str:
        """For logs: who this is."""
        if self.person_id is None:
            return "a guest"
        role = self.role.value if self.role is not None else "?"
        return f"person {self.person_id} ({role})"
