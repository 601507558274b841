"""The language default: Chinese unless Telegram says English; /language overrides either.

Decided in one place (`catalog.language_of`), which the gate, the error handler and every
notification use, so a guest greeted by the gate and a reply built from the texts agree.
"""

from __future__ import annotations

import pytest

from bot.updates import Sender
from catalog import language_of
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, texts

WELCOME_ZH = "欢迎使用手拉手"
WELCOME_EN = "Welcome to HandInHand"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, "zh"),
        ("", "zh"),
        ("de", "zh"),
        ("ru", "zh"),
        ("zh-hans", "zh"),
        ("zh-hant", "zh"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
    ],
)
def test_the_language_is_english_only_when_telegram_says_english(
    code: str | None, expected: str
) -> None:
    assert language_of(code) == expected


@pytest.mark.parametrize("code", [None, "de", "ja"])
async def test_a_guest_without_a_supported_language_code_is_greeted_in_chinese(
    bot: BotHarness, world: World, code: str | None
) -> None:
    guest = Sender(4242, "Guest", code)
    reply = texts(await bot.send(guest, "/start"))
    assert WELCOME_ZH in reply
    assert WELCOME_EN not in reply


async def test_a_guest_whose_telegram_says_english_is_greeted_in_english(
    bot: BotHarness, world: World
) -> None:
    reply = texts(await bot.send(Sender(4243, "Guest", "en"), "/start"))
    assert WELCOME_EN in reply


@pytest.mark.parametrize(
    ("code", "chosen", "expected"), [(None, "en", WELCOME_EN), ("en", "zh", WELCOME_ZH)]
)
async def test_the_language_command_overrides_telegrams_code(
    bot: BotHarness, world: World, code: str | None, chosen: str, expected: str
) -> None:
    guest = Sender(4244, "Guest", code)
    await bot.send(guest, "/language")
    await bot.press(guest, f"lg:{chosen}")
    assert expected in texts(await bot.send(guest, "/start"))
