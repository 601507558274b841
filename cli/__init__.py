"""The ``handinhand`` command line: one Typer app, one sub-module per command group.

Exit codes scripts can rely on: 0 success, 1 the command ran but found problems (bad import rows,
lint errors, an evaluation below target), 2 the command was used wrongly (Typer's usage errors and
our own `UsageError`).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="handinhand",
    help="HandInHand (手拉手): the 大手拉小手 programme's assistant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each command group registers itself on `app` when its module is imported.
# Keep this list in one place: it is the table of contents of the CLI.
from cli import commands as _commands  # noqa: E402,F401


def main() -> None:
    """Console-script entry point."""
    app()
