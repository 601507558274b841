"""Everyday chat is small talk; other subjects, prices and evasion are never answered."""

from __future__ import annotations

import pytest

from knowledge import Matcher, Outcome, load_knowledge_base


@pytest.fixture(scope="module")
def real() -> Matcher:
    return Matcher(load_knowledge_base())


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("哈哈", "zh"),
        ("您好，请问在吗", "zh"),
        ("明天见", "zh"),
        ("下次再聊", "zh"),
        ("好滴", "zh"),
        ("好的，明白", "zh"),
        ("了解了谢谢", "zh"),
        ("谢谢您的解答", "zh"),
        ("你叫啥", "zh"),
        ("你是GPT吗", "zh"),
        # The team behind the bot (你们), and "made by whom" after "who" (matched longest first).
        ("你们是谁做的", "zh"),
        ("你是谁开发的", "zh"),
        ("你们是机器人吗", "zh"),
        ("你们能做什么", "zh"),
        ("謝謝您的幫助", "zh-hant"),
        ("good night", "en"),
        ("see you", "en"),
        ("who made you?", "en"),
        ("are you ChatGPT?", "en"),
        ("what's your name?", "en"),
        ("hello, anyone there?", "en"),
    ],
)
def test_everyday_chat_is_small_talk(real: Matcher, message: str, lang: str) -> None:
    outcome = real.ask(message)
    assert (outcome.status, outcome.lang) == ("smalltalk", lang)


@pytest.mark.parametrize(
    "question",
    [
        "明天无锡天气怎么样",
        "recommend a good restaurant",
        "what's the weather in Wuxi tomorrow",
        "危废处置公司哪家便宜",
        "环评公司收费标准是多少",
        "无锡危废处置费一吨多少钱",
        "How much does hazardous waste disposal cost per tonne in Wuxi?",
        "夜里偷偷排废水会被发现吗",
        "怎么让在线监测数据看起来达标",
        "how to discharge secretly at night",
        "how can I hide the hidden pipe from inspectors",
        # How to evade is refused even beside "what counts as" and "is it allowed" words.
        "怎么逃避监管排污",
        "how to evade supervision when discharging",
        "怎么偷偷排废水才不会被发现 行不行",
    ],
)
def test_other_subjects_prices_and_evasion_get_no_answer_and_no_suggestions(
    real: Matcher, question: str
) -> None:
    outcome = real.ask(question)
    assert outcome.status == "unanswered"
    assert outcome.suggestions == ()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("你好，排污证多久延续", "permit-validity-and-renewal"),
        ("偷偷排废水罚多少", "wastewater-evasive-discharge-methods"),
        ("Does our canteen need a cooking fume purifier?", "air-canteen-cooking-fume"),
        ("食堂油烟要装净化器吗", "air-canteen-cooking-fume"),
        # What a sanction is, asked with "how many days" or 怎么罚: not a request for a way.
        (
            "how many days of detention for secretly discharging through a hidden pipe",
            "mgmt_rules-administrative-detention",
        ),
        ("偷偷倒危废 会被拘留吗", "mgmt_rules-solid-waste-detention"),
    ],
)
def test_compliance_questions_sharing_those_words_are_still_answered(
    real: Matcher, question: str, entry: str
) -> None:
    _assert_reaches(real.ask(question), entry)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("What goes into the programme's closing report?", "programme-closing-report-contents"),
        (
            "For how long may the authority restrict our production?",
            "mgmt_rules-limit-production-suspension",
        ),
        (
            "When did the Jiangsu ecological environment protection regulations come into force?",
            "mgmt_rules-jiangsu-regulation",
        ),
        ("江苏省环保条例哪天开始施行", "mgmt_rules-jiangsu-regulation"),
        # 预案 alone is how managers name the environmental emergency plan.
        ("预案多久要重新修订一次", "emergency_plan-review-cycle-revision"),
    ],
)
def test_english_names_and_short_forms_of_terms_reach_their_entry(
    real: Matcher, question: str, entry: str
) -> None:
    _assert_reaches(real.ask(question), entry)


def _assert_reaches(outcome: Outcome, entry: str) -> None:
    # Answered, or (the matcher being strict about close calls) offered first in "did you mean".
    found = outcome.entry.id if outcome.entry is not None else None
    offered = [s.entry_id for s in outcome.suggestions][:1]
    assert (outcome.status == "answered" and found == entry) or (
        outcome.status == "suggest" and offered == [entry]
    )


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # What counts as evading supervision is the law's own list, not a request to evade.
        ("什么样的算逃避监管排污", "wastewater-evasive-discharge-methods"),
        (
            "what counts as evading supervision when discharging",
            "wastewater-evasive-discharge-methods",
        ),
        # Whether something is allowed is asked of the law, whatever the deed.
        ("把洗地水偷偷接到雨水管里行不行", "wastewater-rain-sewage-separation"),
    ],
)
def test_asking_what_counts_as_a_violation_is_not_refused(
    real: Matcher, question: str, entry: str
) -> None:
    outcome = real.ask(question)
    assert outcome.status != "unanswered"
    assert entry in [outcome.entry.id if outcome.entry else None] + [
        s.entry_id for s in outcome.suggestions
    ]
