"""How fast the CLI answers: ``--help`` of every command, and ``invite create`` (goal: ``--help``
≤ 0.5 s; ``invite create`` no longer migrates, so it costs one start-up plus one transaction).

    python benchmarks/cli_bench.py [--runs N]

Each figure is the median wall time of N runs of the installed ``handinhand`` (a new process each
time, as an operator would type it). ``invite create`` runs on a migrated scratch SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        cases = [["--help"], *[[name, "--help"] for name in COMMANDS]]
        cases += [["invite", "create", "--help"], ["invite", "create", "--role", "bureau"]]
        print(f"median of {runs} runs, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        for args in cases:
            seconds, code = _median(args, runs, env)
            flag = "" if code == 0 else f"  (exit {code})"
            print(f"  handinhand {' '.join(args):<36} {seconds:6.2f} s{flag}")


if __name__ == "__main__":
    main()
