"""Message catalogs and HTML: both languages say everything, long answers split safely."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.ui.html import escape, split_message, to_plain_text, visible_length
from catalog import catalog, text

BOT_DIR = Path(__file__).parents[2] / "bot"


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key


def test_every_literal_key_used_in_the_code_is_in_the_catalog() -> None:
    used: set[str] = set()
    for path in BOT_DIR.rglob("*.py"):
        used |= set(
            re.findall(r'text\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8"))
        )
    assert used, "the scan found no keys at all"
    assert used <= catalog("zh").keys(), used - catalog("zh").keys()


def test_language_codes_map_to_chinese_or_english() -> None:
    assert text("zh-hans", "language.name") == "中文"
    assert text("zh-hant", "language.name") == "中文"
    assert text("de", "language.name") == "中文", "an unsupported code falls back to Chinese"
    assert text("en-GB", "language.name") == "English"


def test_long_html_is_split_under_the_limit_with_balanced_tags() -> None:
    line = "<b>粗体 &amp; 标题</b> " + "正文" * 60
    html = "<i>" + "\n".join([line] * 200) + "</i>"
    parts = split_message(html)
    assert len(parts) > 1
    for part in parts:
        assert visible_length(part) <= 4096  # as Telegram counts: the parsed text
        assert part.count("<b>") == part.count("</b>")
        assert part.count("<i>") == part.count("</i>")
        assert not re.search(r"&[a-z]*$", part), "an entity was cut"
    assert to_plain_text("".join(parts)).replace("\n", "") == to_plain_text(html).replace("\n", "")


def test_a_single_huge_line_is_split_too() -> None:
    parts = split_message("<code>" + "x" * 10_000 + "</code>")
    assert [len(p) <= 4096 for p in parts] == [True] * len(parts)
    assert all(p.startswith("<code>") and p.endswith("</code>") for p in parts)


def test_user_input_is_escaped_and_rendered_back_for_the_terminal() -> None:
    assert escape("<script>&") == "&lt;script&gt;&amp;"
    assert to_plain_text('<b>a</b> <a href="https://x.org">x</a> &lt;3') == "a x (https://x.org) <3"


def test_split_counts_what_telegram_counts_not_the_html() -> None:
    # Tags are free and an entity counts one: 3,900 escaped "&" fit one message.
    html = "<b>通知</b>\n" + escape("&" * 3_900)
    assert split_message(html) == [html]
    parts = split_message(escape("&" * 9_000))
    assert len(parts) == 3 and all(to_plain_text(p) == "&" * len(to_plain_text(p)) for p in parts)
