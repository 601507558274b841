"""Text as it may be stored: no control characters, no lone surrogates.

Text arrives from Telegram messages, spreadsheets and typed CLI arguments. Some of it carries
characters that break things far from where they came in: PostgreSQL refuses U+0000 in any text
column (the whole unit of work fails), XML 1.0 — and so every XLSX export — refuses the other C0
controls, and a lone surrogate (``\\ud800``, possible in JSON) cannot be encoded as UTF-8 at all.

:func:`clean_text` is the one place that decides what survives. It runs at two edges:

- where a spreadsheet's cells are read (:mod:`storage.imports.table`), so that the importer
  compares and de-duplicates the text as it will be stored, and a re-import stays "unchanged";
- on every bound value of every string column (:class:`CleanString`, which
  :mod:`storage.models` puts on all of them), so that nothing that reaches the database —
  through the ORM, a Core ``insert()``/``update()``, or a bulk import — can hold such a
  character, whoever wrote the code that sent it.

A column type is the one mechanism that sees every write: a ``before_flush`` event or an
attribute event misses Core statements (the item import inserts thousands of rows through
``insert()``), and cleaning in each caller is the "many places" this module replaces. Cleaning is
idempotent, so text cleaned at an import edge passes the column unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import String, TypeDecorator

__all__ = ["CleanString", "clean_text"]

# C0 controls except tab and line feed, DEL, and the C1 controls: they carry no meaning in a
# finding, a name or a message, and U+0000–U+001F (but \t \n \r) are illegal in XML.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without control characters; line breaks become ``\\n``.

    Tabs and line feeds are kept, ``\\r\\n`` and a lone ``\\r`` become ``\\n``, every other C0
    control, DEL and C1 control is removed, and a lone surrogate becomes U+FFFD (�).
    Idempotent: ``clean_text(clean_text(t)) == clean_text(t)``.
    """
    if text.isprintable():  # the common case: nothing to do (\t and \n are not printable)
        return text
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    return _SURROGATES.sub("\ufffd", text)


class CleanString(TypeDecorator[str]):
    """A string column whose every written value passes through :func:`clean_text`.

    The database type is a VARCHAR of the given length (what SQLModel's ``AutoString`` gives on
    SQLite and PostgreSQL), so migrations and the schema are unchanged.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return clean_text(value) if isinstance(value, str) else value
