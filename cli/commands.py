"""The table of contents of the CLI: each command, the modules that register it, and its line.

A module is imported only when one of its commands runs (see `cli.LazyGroup`); the summary is
what the top-level ``--help`` shows without importing it (a test keeps it equal to the command's
own help).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COMMANDS", "Entry"]


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a top-level command lives, and its one-line help."""

    modules: tuple[str, ...]
    summary: str


COMMANDS: dict[str, Entry] = {
    "run": Entry(
        ("cli.run",), "Run the bot: long polling, or a webhook (--webhook-url). Needs a token."
    ),
    "chat": Entry(
        ("cli.run",), "Chat with the bot in this terminal on demo data: no token, no network."
    ),
    "demo": Entry(
        ("cli.demo",),
        "Load the demo programme (24 big hands, 390 small hands, ~6,000 items) into an empty db.",
    ),
    "ask": Entry(("cli.kb",), "Ask the knowledge base a question and print the outcome."),
    "kb": Entry(("cli.kb", "cli.curation"), "Check and evaluate the knowledge base."),
    "enterprises": Entry(("cli.enterprises",), "Find enterprises (and their ids) by name."),
    "invite": Entry(("cli.invite",), "Invites: single-use onboarding codes."),
    "import": Entry(
        ("cli.imports",),
        "Import the bureau's spreadsheets (CSV or XLSX, Chinese or English headers).",
    ),
    "broadcast": Entry(("cli.broadcast",), "Send a bureau announcement; see, resume or stop one."),
    "report": Entry(
        ("cli.report",),
        "Print the programme's figures, or write charts, a spreadsheet or a closing report.",
    ),
    "pairing": Entry(("cli.pairings",), "Pairings of big and small hands."),
    "db": Entry(("cli.db",), "Database maintenance: migrations and backups."),
}
