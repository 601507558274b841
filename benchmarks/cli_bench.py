"""How fast the CLI answers: ``--help`` of every command and subcommand, and ``invite create``
(goal: ``--help`` ≤ 0.5 s; ``invite create`` no longer migrates, so it costs one start-up plus one
transaction).

    python benchmarks/cli_bench.py [--runs N]

Each figure is the median wall time of N runs of the installed ``handinhand`` (a new process each
time, as an operator would type it). ``invite create`` runs on a migrated scratch SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer
from typer.core import TyperGroup

from cli import app
from cli.commands import COMMANDS
from storage.db import create_engine
from storage.migrate import upgrade

HANDINHAND = Path(sys.executable).with_name("handinhand")


def _median(args: list[str], runs: int, env: dict[str, str]) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(HANDINHAND), *args], capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - started)
        code = done.returncode
    return statistics.median(times), code


def _help_cases() -> list[list[str]]:
    """``--help`` of the top level, of every command, and of every subcommand of a group."""
    for entry in COMMANDS.values():
        for module in entry.modules:
            importlib.import_module(module)
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    cases = [["--help"]]
    for name in COMMANDS:
        cases.append([name, "--help"])
        command = root.commands.get(name)
        if isinstance(command, TyperGroup):
            cases += [[name, sub, "--help"] for sub in command.commands]
    return cases


async def _migrated(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(_migrated(url))
        env = {**os.environ, "HANDINHAND_DATABASE_URL": url}
        cases = [*_help_cases(), ["invite", "create", "--role", "bureau"]]
        print(f"median of {runs} runs, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        slowest = 0.0
        for args in cases:
            seconds, code = _median(args, runs, env)
            if args[-1] == "--help":
                slowest = max(slowest, seconds)
            flag = "" if code == 0 else f"  (exit {code})"
            print(f"  handinhand {' '.join(args):<36} {seconds:6.2f} s{flag}")
        verdict = "met" if slowest <= 0.5 else "NOT met"
        print(f"slowest --help: {slowest:.2f} s (goal ≤ 0.5 s: {verdict})")


if __name__ == "__main__":
    main()
