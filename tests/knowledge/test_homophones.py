"""Homophone typos of domain terms are corrected before matching; sound-alike real words are not."""

from __future__ import annotations

from knowledge import Matcher
from knowledge.homophones import HomophoneFixer, readings

FIXER = HomophoneFixer(["排污证", "危废", "环评", "公示", "应急预案"])


def test_one_sound_alike_character_is_corrected_to_the_term() -> None:
    assert FIXER.fix("排污正快过期了") == "排污证快过期了"
    assert FIXER.fix("危费仓库") == "危废仓库"
    assert FIXER.fix("环平批文") == "环评批文"
    assert FIXER.fix("应急预按备案") == "应急预案备案"


def test_sound_alike_words_differing_in_every_character_are_left_alone() -> None:
    # 工时 (working hours) sounds like 公示 (publicity) but is a word of its own.
    assert FIXER.fix("工时怎么算") == "工时怎么算"


def test_words_that_only_share_the_sound_of_one_character_are_left_alone() -> None:
    assert FIXER.fix("正常生产") == "正常生产"


def test_two_terms_that_sound_the_same_correct_to_neither() -> None:
    fixer = HomophoneFixer(["公示", "公式"])
    assert fixer.fix("工式") == "工式"


def test_readings_cover_common_characters() -> None:
    table = readings()
    assert table["证"] == table["正"] == "zheng"
    assert len(table) > 6000


def test_a_homophone_typo_in_the_only_domain_word_still_gets_an_answer(matcher: Matcher) -> None:
    outcome = matcher.ask("危费漏了第一步干啥")
    assert outcome.status == "answered"
    assert outcome.entry is not None and outcome.entry.id == "hazardous-waste-leak-first-steps"
