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
        # An English sentence around a long Chinese term; a Chinese one around an English word.
        ("what is 危险废物识别标志", "en"),
        ("在线监测cod爆表了 what do we do", "zh"),
        ("RTO坏了怎么办", "zh"),
        ("123？？", "zh"),
    ],
)
def test_language_of_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang
