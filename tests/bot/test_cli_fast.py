"""A CLI that answers at once: light ``--help``, no migrations outside ``db upgrade``/``demo``/
``run``, ``enterprises find``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from cli import app
from cli.commands import COMMANDS
from storage.db import create_engine
from storage.imports import ImportKind
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.bot.conftest import World

HEAVY = (
    "matplotlib",
    "openpyxl",
    "fpdf",
    "telegram",
    "httpx",
    "sqlalchemy",
    "alembic",
    "pydantic",
    "jieba",
    "bm25s",
    "opencc",
)

_PROBE = """
import json, sys
from cli import main
sys.argv = ["handinhand", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def _help(args: list[str]) -> tuple[str, list[str]]:
    """The help screen of ``args + ["--help"]`` and which heavy libraries it imported."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), json.dumps([*args, "--help"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout, json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["chat"],
        ["demo"],
        ["ask"],
        ["kb"],
        ["kb", "lint"],
        ["kb", "eval"],
        ["kb", "export-phrasings"],
        ["enterprises", "find"],
        ["invite", "create"],
        ["import"],
        ["import", "all"],
        *(["import", kind] for kind in ImportKind),
        ["broadcast"],
        *(["broadcast", sub] for sub in ("status", "resume", "cancel")),
        ["report"],
        ["pairing"],
        ["pairing", "mentors"],
        ["db"],
    ],
    ids=lambda args: " ".join(args) or "handinhand",
)
def test_help_imports_no_heavy_library_and_lists_no_bool_help(args: list[str]) -> None:
    screen, imported = _help(args)
    assert "Usage" in screen
    assert imported == [], f"`{' '.join(args)} --help` imported {imported}"
    assert "<bool>" not in screen, "--help is a flag, not '--help <bool>'"


def test_the_listed_summaries_are_the_commands_own_help() -> None:
    runner = CliRunner()
    for name, entry in COMMANDS.items():
        result = runner.invoke(app, [name, "--help"], terminal_width=400)
        assert result.exit_code == 0, (name, result.output)
        assert entry.summary.rstrip(".") in " ".join(result.output.split()), name


def _previous_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    down = script.get_revision(head_revision()).down_revision
    assert isinstance(down, str)
    return down


async def _migrate_to(url: str, revision: str) -> None:
    engine = create_engine(url)
    await upgrade(engine, revision)
    await engine.dispose()


async def _revision_and_tables(url: str) -> tuple[str | None, list[str]]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    revision = await current_revision(engine)
    await engine.dispose()
    return revision, tables


def test_invite_create_on_an_old_schema_refuses_and_does_not_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    asyncio.run(_migrate_to(url, _previous_revision()))
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", url)

    result = CliRunner().invoke(app, ["invite", "create", "--role", "bureau"])

    assert result.exit_code == 1
    assert "handinhand db upgrade" in result.output and "No invites were created" in result.output
    revision, _ = asyncio.run(_revision_and_tables(url))
    assert revision == _previous_revision(), "nothing was migrated"


def test_invite_create_on_an_empty_database_creates_no_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["invite", "create", "--role", "bureau"])
    assert result.exit_code == 1 and "handinhand db upgrade" in result.output
    assert asyncio.run(_revision_and_tables(url)) == (None, [])


def test_enterprises_find_searches_name_code_town_and_industry(
    world: World, sqlite_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "HANDINHAND_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False)
    )
    runner = CliRunner()
    by_name = runner.invoke(app, ["enterprises", "find", "小手厂"])
    assert by_name.exit_code == 0, by_name.output
    rows = [line.split("\t") for line in by_name.output.strip().splitlines()]
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (str(world.small_a.id), "甲小手厂", "小手"),
        (str(world.small_b.id), "乙小手厂", "小手"),
    }
    code = runner.invoke(app, ["enterprises", "find", world.big.credit_code[-8:]])
    assert code.output.startswith(f"{world.big.id}\t大手集团\t大手")
    town = runner.invoke(app, ["enterprises", "find", world.small_a.town or "-"])
    assert "甲小手厂" in town.output
    nothing = runner.invoke(app, ["enterprises", "find", "不存在的公司"])
    assert nothing.exit_code == 1 and "No enterprise matches" in nothing.output


def test_each_import_command_imports_its_own_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    examples = Path(__file__).parents[2] / "examples"
    runner = CliRunner()
    for kind in ImportKind:  # dependency order: pairings need the enterprises first
        result = runner.invoke(app, ["import", kind.value, str(examples / f"{kind.value}.csv")])
        assert result.exit_code == 0, (kind, result.output)
        assert result.output.startswith(f"{kind.value}: "), result.output
        assert "were created" in result.output
    wrong = runner.invoke(app, ["import", "pairings", str(examples / "enterprises.csv")])
    assert wrong.exit_code == 1, "an enterprises file is not a pairings file"
