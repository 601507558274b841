"""Evidence where it is judged: the mentor's item card has "查看佐证", which sends the photos and
documents by their Telegram file ids (photos as one album) and the manager's note."""

from __future__ import annotations

import json

import pytest

from bot import callbacks
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, buttons, texts


async def _submit(bot: BotHarness, world: World, photos: int) -> None:
    await bot.press(world.manager_a, callbacks.ITEM_DONE.encode(world.item_a.id))
    await bot.send(world.manager_a, "已张贴标识 <新>")
    for n in range(1, photos + 1):
        await bot.photo(world.manager_a, f"PHOTO-{n}")
    await bot.document(world.manager_a, "DOC-1", "台账.pdf")
    await bot.send(world.manager_a, "/done")


def _album(call: object) -> list[dict[str, str]]:
    media = call.params["media"]  # type: ignore[attr-defined]
    return json.loads(media) if isinstance(media, str) else list(media)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_mentor_sees_photos_as_one_album_the_document_and_the_note(
    bot: BotHarness, world: World, lang: str
) -> None:
    if lang == "en":
        await bot.send(world.mentor, "/language")
        await bot.press(world.mentor, "lg:en")
    await _submit(bot, world, photos=3)
    calls = await bot.press(world.mentor, callbacks.ITEM_VIEW.encode(world.item_a.id))
    assert ("佐证材料" if lang == "zh" else "Evidence") in texts(calls)
    label, data = next(b for b in buttons(calls) if b[1].startswith("ie:"))
    assert label == ("📎 查看佐证" if lang == "zh" else "📎 View evidence")

    calls = await bot.press(world.mentor, data)
    mine = [c for c in calls if c.chat_id == world.mentor.user_id]
    (album,) = [c for c in mine if c.method == "sendMediaGroup"]
    assert [(m["type"], m["media"]) for m in _album(album)] == [
        ("photo", "PHOTO-1"),
        ("photo", "PHOTO-2"),
        ("photo", "PHOTO-3"),
    ]
    (document,) = [c for c in mine if c.method == "sendDocument"]
    assert document.params["document"] == "DOC-1"
    assert "已张贴标识 &lt;新&gt;" in texts(mine), "the manager's note, escaped"


async def test_a_single_photo_is_sent_as_a_photo(bot: BotHarness, world: World) -> None:
    await _submit(bot, world, photos=1)
    calls = await bot.press(world.mentor, callbacks.ITEM_EVIDENCE.encode(world.item_a.id))
    methods = [c.method for c in calls if c.chat_id == world.mentor.user_id]
    assert "sendMediaGroup" not in methods
    assert methods.count("sendPhoto") == 1 and methods.count("sendDocument") == 1


async def test_an_item_without_evidence_says_so(bot: BotHarness, world: World) -> None:
    calls = await bot.press(world.mentor, callbacks.ITEM_EVIDENCE.encode(world.item_a2.id))
    assert "还没有佐证材料" in texts(calls)


async def test_evidence_of_another_enterprise_is_refused(bot: BotHarness, world: World) -> None:
    await _submit(bot, world, photos=2)
    for stranger in (world.manager_b, world.guest):
        calls = await bot.press(stranger, callbacks.ITEM_EVIDENCE.encode(world.item_a.id))
        assert not [c for c in calls if c.method in {"sendMediaGroup", "sendPhoto", "sendDocument"}]
        assert "PHOTO" not in json.dumps([c.params for c in calls], ensure_ascii=False)
    # The item's own manager is allowed to see what they sent.
    calls = await bot.press(world.manager_a, callbacks.ITEM_EVIDENCE.encode(world.item_a.id))
    assert any(c.method == "sendMediaGroup" for c in calls)
