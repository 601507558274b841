"""Normalisation: what the matcher sees of a question."""

from __future__ import annotations

import pytest

from knowledge.normaliser import normalise


def test_traditional_characters_become_simplified() -> None:
    assert normalise("廢氣處理設施") == "废气处理设施"


def test_full_width_letters_digits_and_punctuation_become_half_width() -> None:
    assert normalise("ＶＯＣｓ排放１２３？") == "vocs排放123"


def test_case_is_folded() -> None:
    assert normalise("Hazardous WASTE") == "hazardous waste"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  污水   管网 \n 接驳 ", "污水 管网 接驳"),
        ("噪声，夜间；限值。", "噪声 夜间 限值"),
        ("问题：雨水/污水！", "问题 雨水 污水"),
    ],
)
def test_punctuation_and_runs_of_spaces_become_single_spaces(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_filler_words_and_sentence_particles_are_dropped() -> None:
    assert normalise("请问一下我们的雨水排口要装阀门吗") == "的雨水排口要装阀门"
    assert normalise("Please, what is a manifest?") == "what is a manifest"


def test_standard_numbers_keep_their_joiners() -> None:
    assert normalise("ＧＢ/Ｔ 16297-1996") == "gb/t 16297-1996"


def test_words_that_merely_contain_a_particle_survive() -> None:
    # 么 is not a particle here, and 一般 is part of a domain term.
    assert normalise("一般固废是什么") == "一般固废是什么"
