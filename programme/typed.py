"""Text a person typed for the programme (a finding, a comment, an answer, a broadcast): one check.

Blank is refused, and so is text past a limit, measured as Telegram measures a message (UTF-16
code units) so that a limit set to fit one message holds for emoji too.
"""

from __future__ import annotations

from programme.errors import NotAllowed

__all__ = ["check_text", "telegram_length"]


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji beyond the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str, limit: int) -> str:
    """``text`` trimmed, if it may be kept.

    Raises:
        NotAllowed: ``empty_text`` when blank, ``text_too_long`` past ``limit``.
    """
    trimmed = text.strip()
    if not trimmed:
        raise NotAllowed("empty_text")
    length = telegram_length(trimmed)
    if length > limit:
        raise NotAllowed("text_too_long", f"{length} > {limit}")
    return trimmed
