"""The /broadcast audience picker: criteria, their choices as buttons, and a readable summary.

The audience under construction is kept as `Audience.to_json` (plain values, fit for
``user_data``). Buttons carry a criterion and a number: a round's or big hand's id, or the
1-based position in the list shown (towns, industries, roles, phases); 0 clears the criterion.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks
from bot.ui.html import escape
from bot.ui.replies import Buttons
from catalog import text
from storage.enums import Phase, Role
from storage.repositories.audience_options import AudienceOptions
from storage.repositories.broadcasts import Audience

__all__ = [
    "CRITERIA",
    "apply_choice",
    "choice_buttons",
    "menu_buttons",
    "summary",
    "toggle_overdue",
]

CRITERIA = ("role", "round", "town", "industry", "group", "phase")
ROLES = (Role.manager, Role.mentor, Role.bureau)
PHASES = tuple(Phase)
_MAX_CHOICES = 90  # Telegram shows up to 100 buttons; the rest: narrow by another criterion


def _choices(kind: str, options: AudienceOptions, lang: str) -> list[tuple[int, str]]:
    """(number, label) of every choice of a criterion."""
    if kind == "role":
        return [(n, text(lang, f"role.{r.value}")) for n, r in enumerate(ROLES, 1)]
    if kind == "phase":
        return [(n, text(lang, f"desk.phase.{p.value}")) for n, p in enumerate(PHASES, 1)]
    if kind == "round":
        return options.rounds
    if kind == "group":
        return options.big_hands
    if kind == "town":
        return list(enumerate(options.towns, 1))
    if kind == "industry":
        return list(enumerate(options.industries, 1))
    raise ValueError(f"unknown audience criterion {kind!r}")


def apply_choice(
    audience: dict[str, Any], kind: str, number: int, options: AudienceOptions
) -> dict[str, Any]:
    """The audience with criterion ``kind`` set to choice ``number`` (0: cleared).

    Raises:
        ValueError: for an unknown criterion or a number that is not among the choices
            (a stale or forged button).
    """
    key = {"group": "big_hand_id", "round": "round_id"}.get(kind, kind)
    changed = dict(audience)
    changed.pop("roles" if kind == "role" else key, None)
    if number == 0:
        return changed
    if kind == "role":
        changed["roles"] = [ROLES[number - 1].value] if 0 < number <= len(ROLES) else None
    elif kind == "phase":
        changed["phase"] = PHASES[number - 1].value if 0 < number <= len(PHASES) else None
    elif kind in ("round", "group"):
        ids = {i for i, _ in _choices(kind, options, "en")}
        changed[key] = number if number in ids else None
    elif kind in ("town", "industry"):
        values = options.towns if kind == "town" else options.industries
        changed[key] = values[number - 1] if 0 < number <= len(values) else None
    else:
        raise ValueError(f"unknown audience criterion {kind!r}")
    if changed.get("roles" if kind == "role" else key) is None:
        raise ValueError(f"no choice {number} for {kind}")
    return changed


def toggle_overdue(audience: dict[str, Any]) -> dict[str, Any]:
    """Switch "only small hands with overdue items" on or off."""
    changed = dict(audience)
    if changed.pop("overdue", False) is False:
        changed["overdue"] = True
    return changed


def summary(audience: Audience, options: AudienceOptions, lang: str) -> str:
    """The audience in words (HTML, escaped)."""
    parts = []
    if audience.roles:
        roles = "、".join(text(lang, f"role.{r.value}") for r in audience.roles)
        parts.append(f"{text(lang, 'broadcast.criterion.role')}: {roles}")
    names = {
        "round": dict(options.rounds).get(audience.round_id or 0, str(audience.round_id)),
        "group": dict(options.big_hands).get(audience.big_hand_id or 0, str(audience.big_hand_id)),
    }
    if audience.round_id is not None:
        parts.append(f"{text(lang, 'broadcast.criterion.round')}: {names['round']}")
    if audience.town is not None:
        parts.append(f"{text(lang, 'broadcast.criterion.town')}: {audience.town}")
    if audience.industry is not None:
        parts.append(f"{text(lang, 'broadcast.criterion.industry')}: {audience.industry}")
    if audience.big_hand_id is not None:
        parts.append(f"{text(lang, 'broadcast.criterion.group')}: {names['group']}")
    if audience.phase is not None:
        phase = text(lang, f"desk.phase.{audience.phase.value}")
        parts.append(f"{text(lang, 'broadcast.criterion.phase')}: {phase}")
    if audience.overdue:
        parts.append(text(lang, "broadcast.criterion.overdue"))
    return escape("; ".join(parts)) if parts else text(lang, "broadcast.everyone")


def menu_buttons(audience: dict[str, Any], lang: str) -> Buttons:
    """The criteria, two a row, the overdue switch, then Preview."""
    labels = [
        (text(lang, f"broadcast.criterion.{kind}"), callbacks.BROADCAST_FILTER.encode(kind))
        for kind in CRITERIA
    ]
    mark = "☑" if audience.get("overdue") else "☐"
    overdue = f"{mark} {text(lang, 'broadcast.criterion.overdue')}"
    return [
        *(labels[i : i + 2] for i in range(0, len(labels), 2)),
        [(overdue, callbacks.BROADCAST_FILTER.encode("overdue"))],
        [(text(lang, "broadcast.preview_button"), callbacks.BROADCAST_PREVIEW.encode())],
    ]


def choice_buttons(kind: str, options: AudienceOptions, lang: str) -> Buttons:
    """The choices of one criterion, two a row, after "Any"."""
    found = [
        (label, callbacks.BROADCAST_VALUE.encode(kind, number))
        for number, label in _choices(kind, options, lang)[:_MAX_CHOICES]
    ]
    rows: list[list[tuple[str, str]]] = [
        [(text(lang, "broadcast.any"), callbacks.BROADCAST_VALUE.encode(kind, 0))]
    ]
    rows.extend(found[i : i + 2] for i in range(0, len(found), 2))
    return rows
