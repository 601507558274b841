"""Questions reporting trouble start with the first steps; small talk is no compliance question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge import KnowledgeBase, Matcher, Outcome, load_knowledge_base
from knowledge.trouble import penalty_last

SANCTION = re.compile("罚|停业|关闭|拘留|penalt|fine|clos", re.IGNORECASE)
BROKEN_PLANT = "我们厂污水处理设备坏了，出水超标了怎么办"


@pytest.fixture(scope="module")
def real() -> Matcher:
    return Matcher(load_knowledge_base())


def _read_first(outcome: Outcome) -> str | None:
    """The entry whose steps the asker reads first: the first steps shown, else the answer."""
    first = outcome.first_steps[0] if outcome.first_steps else outcome.entry
    return first.id if first is not None else None


def test_a_broken_plant_gets_the_exceedance_steps_first(real: Matcher) -> None:
    outcome = real.ask(BROKEN_PLANT)
    assert outcome.trouble, "a question reporting trouble is told apart"
    assert _read_first(outcome) == "emergency_plan-first-steps-exceedance"
    if outcome.answer is not None:
        _assert_duty_before_penalty(outcome.answer)


def test_an_answer_that_is_itself_the_first_steps_is_not_repeated_as_steps(
    real: Matcher,
) -> None:
    exceedance = real.kb.get("emergency_plan-first-steps-exceedance")
    outcome = real.ask(exceedance.questions["zh"][0])  # its own title: answered by it
    assert (outcome.status, outcome.entry) == ("answered", exceedance)
    assert outcome.trouble, "still trouble: the reply leads with it and offers help"
    assert exceedance not in outcome.first_steps


def test_an_answer_to_trouble_puts_the_penalty_last(real: Matcher) -> None:
    """The exceedance-penalty entry leads with the fine; told to someone in trouble, it ends
    with it."""
    entry = real.kb.get("wastewater-exceed-standard-penalty")
    assert SANCTION.search(entry.answer["zh"].split("\n")[0]), "the entry leads with the fine"
    _assert_duty_before_penalty(penalty_last(entry.answer["zh"]))
    _assert_duty_before_penalty(penalty_last(entry.answer["en"]))


def test_an_english_penalty_clause_moved_last_reads_as_its_own_sentence() -> None:
    """The first-steps entry's English short answer ends "...with the cause; failing to report is
    fined...": moved last, the clause starts with a capital, and the duty ends with a full stop."""
    answer = (
        "Stop or reduce the harm and report to the bureau with the cause; failing to report is "
        "fined RMB 20,000 to 200,000.\nRecord it in the ledger."
    )

    assert penalty_last(answer).split("\n") == [
        "Stop or reduce the harm and report to the bureau with the cause.",
        "Record it in the ledger.",
        "Failing to report is fined RMB 20,000 to 200,000.",
    ]


def _assert_duty_before_penalty(answer: str) -> None:
    lines = answer.split("\n")
    assert not SANCTION.search(lines[0]), "duty first"
    fined = [n for n, line in enumerate(lines) if SANCTION.search(line)]
    duties = [n for n, line in enumerate(lines) if not SANCTION.search(line)]
    assert fined and max(duties) < min(fined), "penalties come after every duty"


@pytest.mark.parametrize(
    ("message", "first"),
    [
        ("车间着火了，消防水流到厂外了", "emergency_plan-first-steps-firewater"),
        ("仓库里的化学品泄漏了", "emergency_plan-first-steps-chemical-spill"),
        ("在线监测数据超标了", "emergency_plan-first-steps-exceedance"),
        # A fire, a drum tipped over, a cracked pool: each meets the steps that speak of it.
        ("成品仓库起火了，先干啥", "emergency_plan-first-steps-firewater"),
        ("调漆间一桶稀料打翻了", "emergency_plan-first-steps-chemical-spill"),
        ("废水池裂了 水往外渗", "emergency_plan-first-steps-chemical-spill"),
        ("The wastewater plant broke down and the outlet exceeds the limit", None),
    ],
)
def test_first_steps_are_ordered_by_relevance_to_the_message(
    real: Matcher, message: str, first: str | None
) -> None:
    steps = real.first_steps(message)
    assert {e.id for e in steps} == {e.id for e in real.kb.tagged("emergency")}
    expected = first or "emergency_plan-first-steps-exceedance"
    assert steps[0].id == expected


@pytest.mark.parametrize(
    "question",
    [
        "排污许可证有效期几年",
        # Fire as a subject (a regime, a drill), not a fire burning now.
        "How long does fire safety acceptance take?",
        "do we need a fire drill every year",
        # 漏了 as "left out": a missed filing, not a leak.
        "忘了交执行报告 漏了一次",
        "漏了申报怎么办",
    ],
)
def test_a_question_without_trouble_gets_no_first_steps(real: Matcher, question: str) -> None:
    outcome = real.ask(question)
    assert (outcome.first_steps, outcome.trouble) == ((), False)


@pytest.mark.parametrize(
    "message",
    ["there is a fire in our waste store", "储罐漏了 急", "酸洗槽管子爆了 酸液淌了一地"],
)
def test_trouble_happening_now_gets_first_steps(real: Matcher, message: str) -> None:
    outcome = real.ask(message)
    assert outcome.trouble
    assert outcome.first_steps != () or (
        outcome.entry is not None and "emergency" in outcome.entry.tags
    )


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("你好", "zh"),
        ("谢谢老师！", "zh"),
        ("你是机器人吗", "zh"),
        ("你是機器人嗎？", "zh-hant"),
        ("Thanks!", "en"),
        ("Who are you?", "en"),
        ("谢谢你啊 帮大忙了", "zh"),
        ("你真厉害", "zh"),
        ("哈囉，你好", "zh-hant"),
        ("你会说无锡话吗", "zh"),
        ("you are great, thanks", "en"),
        ("are you a real person or a bot", "en"),
        ("thanks, that helps a lot", "en"),
        ("who built this bot?", "en"),
        # Intensifiers, words run into each other, longer phrases that start like shorter ones.
        ("太感谢了！", "zh"),
        ("OK的", "zh"),
        ("hello小助手", "zh"),
        ("好用", "zh"),
        ("thank u so much", "en"),
        ("great job", "en"),
        # Chat that no phrase covers: short, naming nothing of the knowledge base, asking
        # nothing or asking about the bot.
        ("今天好热啊", "zh"),
        ("这个号是谁在管", "zh"),
        ("who r u", "en"),
    ],
)
def test_small_talk_is_recognised_in_the_askers_language(
    matcher: Matcher, message: str, lang: str
) -> None:
    outcome = matcher.ask(message)
    assert (outcome.status, outcome.lang) == ("smalltalk", lang)
    assert outcome.entry is None and outcome.answer is None and outcome.suggestions == ()


def test_a_greeting_in_front_of_a_question_does_not_hide_the_question(
    fixture_kb: KnowledgeBase, matcher: Matcher
) -> None:
    assert matcher.ask("你好，环评要多久").status == "answered"
    assert matcher.ask("你真厉害 环评要多久").status != "smalltalk"
    assert matcher.ask("is a permit or registration needed").status != "smalltalk"


@pytest.mark.parametrize(
    "message",
    [
        "麻烦帮我约一下导师下周来厂里",  # a request: it must reach the people who can act on it
        "我们厂要搬家了要办啥手续",  # a question, though it names no compliance term
        "你好 排污证多久延续",
        "can you book a visit for us",
    ],
)
def test_requests_and_questions_are_not_taken_for_chat(matcher: Matcher, message: str) -> None:
    assert matcher.ask(message).status != "smalltalk"


def _messages(kind: str, only: str | None = None) -> list[str]:
    path = Path(__file__).parent / "fixtures" / "smalltalk_messages.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [r["text"] for r in rows if r["kind"] == kind and only in (None, r["set"])]


def test_questions_and_requests_are_not_taken_for_small_talk(matcher: Matcher) -> None:
    questions = _messages("question")
    taken = [m for m in questions if matcher.ask(m).status == "smalltalk"]
    # One of 130 when the rule was written: an off-topic question behind a greeting (你好，今天油价
    # 多少), for which the introduction is a fair reply. A compliance question or a request to a
    # person taken for chat would never reach the log or the mentor.
    assert len(taken) <= 1, taken


def test_chat_messages_get_the_introduction(matcher: Matcher) -> None:
    fitted = _messages("smalltalk", "set1")
    missed = [m for m in fitted if matcher.ask(m).status != "smalltalk"]
    assert len(missed) <= 1, missed  # 239 of 240 when the phrases were written
    unseen = _messages("smalltalk", "set2")
    handled = sum(matcher.ask(m).status == "smalltalk" for m in unseen)
    assert handled >= 0.85 * len(unseen)  # 133 of 150 when the rule was written


def test_closing_a_valve_is_a_step_not_a_sanction() -> None:
    answer = "立即关闭雨水排口切换阀，截流消防废水。\n1. 救火时关闭雨水总排口阀门；\n2. 报告。"
    assert penalty_last(answer) == answer
    english = "Close the rainwater outlet valve at once.\n1. Keep drums closed.\n2. Report it."
    assert penalty_last(english) == english


def test_closing_a_business_is_still_moved_last() -> None:
    answer = "如实记录；情节严重的报经批准责令停业、关闭。\n及时报告。"
    assert penalty_last(answer) == "如实记录。\n及时报告。\n情节严重的报经批准责令停业、关闭。"


def test_a_fire_reply_keeps_its_numbered_steps_and_the_code_note_whole(real: Matcher) -> None:
    outcome = real.ask("成品仓库起火了，先干啥")
    assert outcome.entry is not None and outcome.answer is not None
    lines = outcome.answer.split("\n")
    numbered = [line for line in lines if re.match(r"\d\.", line)]
    assert [line[:2] for line in numbered] == ["1.", "2.", "3.", "4."]
    assert all(len(line) > 3 for line in numbered), "no step torn from its number"
    note = outcome.entry.note_for("zh")
    assert note and outcome.answer.endswith(note)
