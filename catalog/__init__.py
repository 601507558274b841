"""The message catalogs: every text a person reads, per language, with named placeholders.

Shared by the fronts that speak to people: the Telegram bot and its terminal, the CLI and the
printed reports. It imports nothing of ours, so any of them may use it.

The catalogs are YAML files under ``catalog/locales/`` (``zh.yaml``, ``en.yaml``) with the same
keys; a test checks that both have every key and the same placeholders. Texts are Telegram HTML, so
values substituted into them must already be escaped (`bot.ui.html.escape`) when they echo user
input.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Lang", "catalog", "language_of", "text"]

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """Load one language's catalog (once; it is package data and never changes at run time)."""
    # `<lang>.yaml` holds the core texts; features may keep theirs in `<feature>.<lang>.yaml`
    # so that parallel work on different features never edits the same file.
    merged: dict[str, str] = {}
    folder = resources.files("catalog").joinpath("locales")
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name == f"{lang}.yaml" or entry.name.endswith(f".{lang}.yaml")
    )
    for name in names:
        data = yaml.safe_load(folder.joinpath(name).read_text("utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"catalog/locales/{name} must be a mapping of keys to texts")
        for key, value in data.items():
            if str(key) in merged:
                raise ValueError(f"catalog/locales/{name}: key {key!r} is defined twice")
            merged[str(key)] = str(value)
    return merged


def text(lang: str, key: str, /, **values: object) -> str:
    """Return the text ``key`` in ``lang`` with its placeholders filled.

    Args:
        lang: "zh" or "en"; anything else (e.g. "zh-hant") is mapped by `language_of`.
        key: the catalog key.
        **values: the named placeholders; escape user input before passing it.

    Raises:
        KeyError: if the key or a placeholder is missing (a bug, caught by the catalog tests).
    """
    return catalog(language_of(lang))[key].format_map(values)


DEFAULT_LANGUAGE: Lang = "zh"  # a programme of a district bureau in Wuxi


def language_of(code: str | None) -> Lang:
    """Map a Telegram ``language_code``, a stored or a matcher language to a catalog language.

    The one place the language is decided: English when the code says English ("en",
    "en-GB"), Chinese otherwise, including when Telegram sends no code or one we have no
    catalog for. A choice made with /language is stored on the person (or kept for a guest)
    and passed in here instead of Telegram's code, so it overrides either.
    """
    primary = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return "en" if primary == "en" else DEFAULT_LANGUAGE
