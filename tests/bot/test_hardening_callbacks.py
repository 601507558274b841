"""Forged callback data with numbers out of range is refused as an expired button (issue 13, 5).

Before: ``iv:9999999999999999999`` fit the ``\\d{1,19}`` pattern, overflowed the database driver
and reached the admin chat as a bug. Every numeric field is now bounded to what it stands for
(ids to the tables' ``integer`` range), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.updates import Sender
from tests.bot.conftest import World
from tests.bot.hardening_fixtures import ADMIN_CHAT, any_bot, any_world, clock
from tests.bot.harness import BotHarness, alerts, texts

__all__ = ["any_bot", "any_world", "clock"]  # fixtures

INT64_OVERFLOW = "9999999999999999999"  # 19 digits, above 2**63 - 1
INT32_OVERFLOW = str(2**31)  # fits SQLite's ids, not PostgreSQL's `integer`

FORGED = [
    ("manager_a", f"iv:{INT64_OVERFLOW}"),
    ("manager_a", f"iv:{INT32_OVERFLOW}"),
    ("manager_a", "iv:0"),
    ("manager_a", f"ip:{INT64_OVERFLOW}"),
    ("manager_a", f"fb:{INT64_OVERFLOW}:1"),
    ("manager_a", f"fw:{INT32_OVERFLOW}"),
    ("manager_a", f"il:{INT64_OVERFLOW}"),
    ("mentor", f"me:{INT64_OVERFLOW}:0"),
    ("mentor", f"me:1:{INT64_OVERFLOW}"),
    ("mentor", f"vh:{INT32_OVERFLOW}"),
    ("mentor", f"vd:{INT64_OVERFLOW}:20260601"),
    ("mentor", f"vt:1:{INT64_OVERFLOW}"),
    ("mentor", f"vc:{INT64_OVERFLOW}"),
    ("mentor", f"rq:{INT32_OVERFLOW}"),
    ("bureau", f"bx:{INT64_OVERFLOW}"),
    ("bureau", f"br:{INT32_OVERFLOW}"),
    ("bureau", f"cl:{INT64_OVERFLOW}"),
    ("bureau", f"bv:town:{INT64_OVERFLOW}"),
]


@pytest.mark.parametrize(("who", "data"), FORGED)
async def test_a_forged_out_of_range_id_is_an_expired_button_not_an_admin_alert(
    any_bot: BotHarness, any_world: World, who: str, data: str
) -> None:
    sender: Sender = getattr(any_world, who)
    calls = await any_bot.press(sender, data)
    assert texts(calls, ADMIN_CHAT) == ""  # nobody was told about a bug
    assert "出错" not in texts(calls)
    assert alerts(calls) == ["这个按钮已失效。"]
    # The bot carries on.
    assert "小手企业负责人" in texts(await any_bot.send(any_world.manager_a, "/whoami"))


def test_every_numeric_field_decodes_only_within_its_range() -> None:
    assert callbacks.ITEM_VIEW.decode(f"iv:{2**31 - 1}") == (2**31 - 1,)
    assert callbacks.ITEM_PAGE.decode("il:0") == (0,)
    assert callbacks.VISIT_TIME.decode("vt:1:202606011430") == (1, 202606011430)
    for fmt, data in [
        (callbacks.ITEM_VIEW, f"iv:{2**31}"),
        (callbacks.ITEM_VIEW, "iv:0"),
        (callbacks.ITEM_PAGE, f"il:{INT64_OVERFLOW}"),
        (callbacks.VISIT_TIME, "vt:1:2026060114300"),
        (callbacks.FEEDBACK, f"fb:1:{2**31}"),
    ]:
        assert not fmt.matches(data)
        with pytest.raises(ValueError):
            fmt.decode(data)
        with pytest.raises(ValueError):
            fmt.encode(*data.split(":")[1:])
