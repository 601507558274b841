"""A CSV in an encoding other than UTF-8 or GB18030 is refused, never stored as mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from typer.testing import CliRunner

from cli import app
from storage.imports import ImportKind, UnreadableFile, import_file
from storage.models import Enterprise
from tests.storage.factories import make_credit_code

BIG, SMALL = make_credit_code(9301), make_credit_code(9302)
# The same list as a Taiwanese or Hong Kong office would type it (Big5 has no simplified forms).
TRADITIONAL = (
    f"企業名稱,統一社會信用代碼,類型,鎮街\n"
    f"錫東化工集團有限公司,{BIG},大手,東港鎮\n"
    f"恆達五金製品廠,{SMALL},小手,錫北鎮\n"
)
JAPANESE = f"企業名称,統一社会信用コード,類型\n株式会社テスト電機,{SMALL},小手\n"
SIMPLIFIED = f"企业名称,统一社会信用代码,类型\n张三五金,{SMALL},小手\n"


async def _import(factory: async_sessionmaker[AsyncSession], path: Path) -> list[str]:
    async with factory() as session, session.begin():
        await import_file(session=session, kind=ImportKind.enterprises, path=path)
        result = await session.execute(
            select(col(Enterprise.name)).order_by(col(Enterprise.credit_code))
        )
        return list(result.scalars())


@pytest.mark.parametrize(
    ("text", "encoding", "named"),
    [(TRADITIONAL, "big5", "Big5"), (JAPANESE, "shift_jis", "Shift-JIS")],
    ids=["big5", "shift_jis"],
)
async def test_a_big5_or_shift_jis_csv_is_refused_naming_the_accepted_encodings(
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    text: str,
    encoding: str,
    named: str,
) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(UnreadableFile) as refused:
        await _import(session_factory, path)
    message = str(refused.value)
    assert named in message
    assert "UTF-8" in message and "GB18030" in message
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Enterprise)) == 0


@pytest.mark.parametrize(
    "text",
    [SIMPLIFIED, f"企业名称,统一社会信用代码,类型\n恆達五金製品廠,{SMALL},小手\n"],
    ids=["simplified", "traditional_names"],
)
async def test_a_gb18030_csv_is_read_as_gb18030_even_when_short(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path, text: str
) -> None:
    # GB18030 covers traditional characters too; a two-line file is where detectors guess.
    path = tmp_path / "enterprises.csv"
    path.write_bytes(text.encode("gb18030"))
    names = await _import(session_factory, path)
    assert names == [line.split(",")[0] for line in text.splitlines()[1:]]


def test_the_cli_refuses_a_big5_file_with_exit_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDINHAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    path = tmp_path / "enterprises.csv"
    path.write_bytes(TRADITIONAL.encode("big5"))
    result = CliRunner().invoke(app, ["import", "enterprises", str(path)])
    assert result.exit_code == 2
    assert "Big5" in result.output and "GB18030" in result.output
