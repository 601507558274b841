"""Making people's text safe to print: no control characters in a PDF or a spreadsheet cell.

Findings, notes and help requests are typed or imported by people; a stray control character
(a bell, a NUL, a form feed pasted from another program) has no glyph in any font and is illegal
in XLSX. This is the last line of defence at the writers, whatever got stored.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["strip_control"]


def strip_control(value: str) -> str:
    """``value`` without the control characters XLSX forbids (tabs and newlines are kept)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)
