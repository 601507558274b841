"""The bot's CLI: ``chat`` driven by piped input, ``run`` without a token, ``invite create``."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.models import Invite
from tests.bot.conftest import World

HANDINHAND = Path(sys.executable).with_name("handinhand")


def _run(
    args: list[str], db_url: str, cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDINHAND_DATABASE_URL": db_url}
    env.pop("HANDINHAND_TELEGRAM_TOKEN", None)
    return subprocess.run(
        [str(HANDINHAND), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def _url(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the chat builds its own demo database once (it takes a few seconds)."""
    return tmp_path_factory.mktemp("chat")


def test_chat_as_manager_works_with_piped_input(demo_dir: Path, tmp_path: Path) -> None:
    configured = tmp_path / "configured.db"
    result = _run(
        ["chat", "--as", "manager"],
        f"sqlite:///{configured}",
        demo_dir,
        "你好\n/items\n1\n/whoami\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you> /items" in out
    assert "整改完成率" in out
    assert re.search(r"\[\d+\.1\] #", out), "buttons are numbered choices"
    assert "措施" in out, "typing 1 pressed the first item's button"
    assert "小手企业负责人" in out
    assert "<b>" not in out, "HTML is rendered as plain text"
    assert (demo_dir / "handinhand-demo.db").exists(), "the chat uses its own demo database"
    assert not configured.exists(), "the configured database is left alone"


def test_chat_logs_go_to_a_file_not_the_screen(demo_dir: Path) -> None:
    result = _run(["chat", "--as", "bureau"], "sqlite:///unused.db", demo_dir, "/whoami\n")
    assert result.returncode == 0, result.stderr
    assert " INFO " not in result.stdout + result.stderr
    assert "Adding job" not in result.stdout + result.stderr
    log = (demo_dir / "handinhand-out" / "chat.log").read_text(encoding="utf-8")
    assert "INFO" in log


def test_chat_as_mentor_and_guest(demo_dir: Path, tmp_path: Path) -> None:
    mentor = _run(["chat", "--as", "mentor"], "sqlite:///unused.db", demo_dir, "/mine\n")
    assert "您帮扶的小手企业" in mentor.stdout, mentor.stderr
    guest = _run(["chat", "--as", "guest"], "sqlite:///unused.db", demo_dir, "/items\n")
    assert "需要先绑定" in guest.stdout, guest.stderr


def test_chat_on_an_unmigrated_database_says_to_upgrade(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    result = _run(["chat", "--database", f"sqlite:///{empty}"], "sqlite:///x.db", tmp_path)
    assert result.returncode == 1
    assert "handinhand db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_run_without_a_token_exits_2_and_touches_no_database(tmp_path: Path) -> None:
    configured = tmp_path / "configured.db"
    result = _run(["run"], f"sqlite:///{configured}", tmp_path, "/whoami\n")
    assert result.returncode == 2
    assert "HANDINHAND_TELEGRAM_TOKEN" in result.stderr and "handinhand chat" in result.stderr
    assert result.stdout == "", "no terminal chat, no manager played"
    assert not configured.exists(), "the configured database is not even opened"


def test_demo_reset_rebuilds_the_demo_database(tmp_path: Path) -> None:
    first = _run(["demo"], "sqlite:///configured.db", tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "handinhand-demo.db").exists() and not (tmp_path / "configured.db").exists()
    again = _run(["demo"], "sqlite:///configured.db", tmp_path)
    assert again.returncode == 1 and "--reset" in again.stderr
    reset = _run(["demo", "--reset"], "sqlite:///configured.db", tmp_path)
    assert reset.returncode == 0, reset.stderr
    assert "Demo programme loaded" in reset.stdout


def test_demo_reset_refuses_a_database_with_real_accounts(
    world: World, sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    url = _url(sqlite_engine)
    result = _run(["demo", "--reset", "--database", url], url, tmp_path)
    assert result.returncode == 1
    assert "not a demo database" in result.stderr


def test_cli_demo_seed_matches_the_demo_builder() -> None:
    from cli.demo import DEFAULT_SEED
    from storage.demo import DEFAULT_SEED as BUILDER_SEED

    assert DEFAULT_SEED == BUILDER_SEED


def test_invite_create_prints_code_and_deep_link(
    world: World,
    sqlite_engine: AsyncEngine,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    result = _run(
        ["invite", "create", "--role", "manager", "--enterprise", str(world.small_a.id)],
        _url(sqlite_engine),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    name, code, link = result.stdout.strip().split("\t")
    assert (
        name == "甲小手厂" and link.endswith(f"?start={code}") and link.startswith("https://t.me/")
    )


def test_invite_create_in_bulk_from_csv_is_all_or_nothing(
    world: World,
    sqlite_engine: AsyncEngine,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.csv"
    with good.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["enterprise_id"])
        writer.writerows([[world.small_a.id], [world.small_b.id]])
    result = _run(
        ["invite", "create", "--role", "manager", "--csv", str(good)], _url(sqlite_engine), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(f"enterprise_id\n{world.small_a.id}\n{world.big.id}\n99999\n", encoding="utf-8")
    result = _run(
        ["invite", "create", "--role", "manager", "--csv", str(bad)], _url(sqlite_engine), tmp_path
    )
    assert result.returncode == 1
    assert (
        "line 3" in result.stderr
        and "big hand" in result.stderr
        and "line 4: no such enterprise" in result.stderr
    )
    assert "Traceback" not in result.stderr


async def test_invite_codes_are_stored_hashed(
    world: World,
    sqlite_engine: AsyncEngine,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    result = _run(["invite", "create", "--role", "bureau"], _url(sqlite_engine), tmp_path)
    code = result.stdout.strip().split("\t")[1]
    async with sqlite_session_factory() as session:
        stored = list((await session.execute(select(Invite.code_hash))).scalars())
    assert stored and code not in stored


@pytest.mark.parametrize(
    "args",
    [
        ["invite", "create", "--role", "manager"],
        ["invite", "create", "--role", "bureau", "--enterprise", "1"],
        ["invite", "create", "--role", "boss"],
    ],
)
def test_invite_usage_errors_exit_2(
    sqlite_engine: AsyncEngine, tmp_path: Path, args: list[str]
) -> None:
    result = _run(args, _url(sqlite_engine), tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_webhook_mode_needs_the_secret_token(sqlite_engine: AsyncEngine, tmp_path: Path) -> None:
    env_url = _url(sqlite_engine)
    env = {**os.environ, "HANDINHAND_DATABASE_URL": env_url, "HANDINHAND_TELEGRAM_TOKEN": "1:x"}
    env.pop("HANDINHAND_WEBHOOK_SECRET", None)
    result = subprocess.run(
        [str(HANDINHAND), "run", "--webhook-url", "https://bot.example.org/hook"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "HANDINHAND_WEBHOOK_SECRET" in result.stderr
