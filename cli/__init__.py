"""The ``handinhand`` command line: one Typer app, one sub-module per command group.

Exit codes scripts can rely on: 0 success, 1 the command ran but found problems (bad import rows,
lint errors, an evaluation below target), 2 the command was used wrongly (Typer's usage errors and
our own `UsageError`).

Command modules are imported only when their command runs (`LazyGroup`), and they import the
heavy libraries (Telegram, SQLAlchemy, matplotlib, …) inside their functions: ``--help`` answers
at once. `cli.commands.COMMANDS` is the table of contents.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["LazyGroup", "app", "main"]


class LazyGroup(TyperGroup):
    """A group that imports a command's module the first time that command is asked for.

    The top-level help lists every command from `cli.commands.COMMANDS` (name and one line)
    without importing any of them.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False

    # ``ctx`` is Any: typer bundles its own click, whose Context is not public API.
    def list_commands(self, ctx: Any) -> list[str]:
        from cli.commands import COMMANDS

        return list(dict.fromkeys([*COMMANDS, *super().list_commands(ctx)]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from cli.commands import COMMANDS

        entry = COMMANDS.get(cmd_name)
        known = super().get_command(ctx, cmd_name)
        if entry is None:
            return known
        missing = [module for module in entry.modules if module not in sys.modules]
        if not missing and known is not None:
            return known
        if self._listing:
            return known or TyperCommand(name=cmd_name, short_help=entry.summary, callback=None)
        for module in missing:
            importlib.import_module(module)  # registers its commands on `app`
        built = typer.main.get_command(app)
        command = built.commands.get(cmd_name) if isinstance(built, TyperGroup) else None
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="handinhand",
    help="HandInHand (手拉手): the 大手拉小手 programme's assistant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    """The group itself does nothing; it makes Typer build a group before any module loads."""


def main() -> None:
    """Console-script entry point."""
    app()
