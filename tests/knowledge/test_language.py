"""Which language a question is in."""

from __future__ import annotations

import pytest

from knowledge import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("危险废物标签要贴在哪里", "zh"),
        ("危險廢物標籤要貼在哪裡", "zh-hant"),
        ("Where must the hazardous waste label go?", "en"),
        ("Is the 排污许可证 still valid after we move the plant?", "en"),
        ("排污许可证 permit 延续", "zh"),
        ("123？？", "zh"),
    ],
)
def test_language_of_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang
