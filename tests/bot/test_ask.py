"""Questions: answered with basis and feedback, "did you mean", unanswered → a person answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import callbacks
from bot.services import Services
from bot.ui.html import visible_length
from catalog import text
from knowledge import Entry, KnowledgeBase, Matcher, Outcome
from storage.enums import Feedback, QuestionOutcome
from storage.models import QuestionLog
from tests.bot.conftest import World
from tests.bot.harness import BotHarness, button, buttons, texts


@pytest.fixture(scope="module")
def answerable(knowledge_base: KnowledgeBase, matcher: Matcher) -> Entry:
    """An entry whose first phrasing is answered confidently in both languages."""
    for entry in knowledge_base.entries:
        zh, en = entry.questions["zh"][0], entry.questions["en"][0]
        if matcher.ask(zh).status == "answered" and matcher.ask(en).status == "answered":
            return entry
    pytest.fail("no entry is answered from its own phrasing")


@pytest.fixture(scope="module")
def ambiguous(knowledge_base: KnowledgeBase, matcher: Matcher) -> str:
    """A keyword the matcher answers with "did you mean" choices."""
    for entry in knowledge_base.entries:
        for keyword in entry.keywords:
            if len(matcher.ask(keyword).suggestions) >= 2:
                return keyword
    pytest.fail("no keyword leads to suggestions")


OFF_TOPIC = {
    "zh": ["推荐一部好看的电影 <b>好</b>", "今天天气怎么样 <b>好</b>", "讲个笑话 <b>好</b>"],
    "en": [
        "Recommend a good film <b>today</b>",
        "Tell me a joke <b>now</b>",
        "Who won the match <b>x</b>?",
    ],
}


@pytest.fixture(scope="module")
def off_topic(matcher: Matcher) -> dict[str, str]:
    """Per language, a question (with HTML in it) that the matcher does not answer."""
    found = {}
    for lang, candidates in OFF_TOPIC.items():
        found[lang] = next((q for q in candidates if matcher.ask(q).status == "unanswered"), "")
        assert found[lang], f"every {lang} off-topic question got an answer"
    return found


async def _log(factory: async_sessionmaker[AsyncSession]) -> list[QuestionLog]:
    async with factory() as session:
        return list((await session.execute(select(QuestionLog).order_by(QuestionLog.id))).scalars())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_answered_question_shows_answer_basis_and_feedback_buttons(
    bot: BotHarness,
    world: World,
    answerable: Entry,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    lang: str,
) -> None:
    asker = world.manager_a if lang == "zh" else world.english_manager
    calls = await bot.send(asker, answerable.questions[lang][0])
    reply = texts(calls)
    assert answerable.answer[lang].split("\n")[0][:20] in reply.replace("&amp;", "&")
    assert ("依据" if lang == "zh" else "Legal basis") in reply
    assert calls[-1].params["parse_mode"] == "HTML"
    (row,) = await _log(sqlite_session_factory)
    assert row.outcome is QuestionOutcome.answered and row.matched_entry_id == answerable.id
    calls = await bot.press(asker, button(calls, "fb:", asker.user_id).rsplit(":", 1)[0] + ":0")
    assert ("抱歉没帮上忙" if lang == "zh" else "Sorry that did not help") in texts(calls)
    (row,) = await _log(sqlite_session_factory)
    assert row.feedback is Feedback.down


async def test_an_answer_comes_whole_in_the_questions_language(
    bot: BotHarness, world: World, answerable: Entry
) -> None:
    """A Chinese-speaking manager asking in English reads the whole reply in English: the
    answer, its basis and the buttons under it (no Chinese chrome around an English answer)."""
    calls = await bot.send(world.manager_a, answerable.questions["en"][0])
    reply = texts(calls)
    assert "Legal basis" in reply and "依据" not in reply
    assert ("👍 Helpful", button(calls, "fb:")) in buttons(calls)
    # The next Chinese question gets Chinese again: the reply follows the question, not a mode.
    calls = await bot.send(world.manager_a, answerable.questions["zh"][0])
    assert "依据" in texts(calls)
    assert ("👍 有帮助", button(calls, "fb:")) in buttons(calls)


async def test_suggestions_open_the_chosen_entry_and_remember_it(
    bot: BotHarness,
    world: World,
    ambiguous: str,
    knowledge_base: KnowledgeBase,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    calls = await bot.send(world.guest, ambiguous)
    assert "您是想问" in texts(calls)
    choice = button(calls, "sg:")
    _, ref = callbacks.SUGGESTION.decode(choice)
    entry = callbacks.entry_by_ref(knowledge_base.entries, ref)
    assert entry is not None
    calls = await bot.press(world.guest, choice)
    assert "依据" in texts(calls)
    (row,) = await _log(sqlite_session_factory)
    assert row.outcome is QuestionOutcome.suggest and row.matched_entry_id == entry.id


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_unanswered_question_goes_to_the_mentor_and_the_answer_comes_back(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    off_topic: dict[str, str],
    lang: str,
) -> None:
    asker = world.manager_a if lang == "zh" else world.english_manager
    question = off_topic[lang]
    calls = await bot.send(asker, question)
    assert ("答不上来" if lang == "zh" else "cannot answer") in texts(calls)
    calls = await bot.press(asker, button(calls, "fw:"))
    to_mentor = texts(calls, world.mentor.user_id)
    assert "&lt;b&gt;" in to_mentor, "the question is echoed escaped"
    assert "王导师" in texts(calls, asker.user_id)
    calls = await bot.press(world.mentor, button(calls, "rp:", world.mentor.user_id))
    assert "请输入" in texts(calls)
    calls = await bot.send(world.mentor, "中午有<饺子>")
    delivered = texts(calls, asker.user_id)
    assert "中午有&lt;饺子&gt;" in delivered
    assert (
        "王导师 回复了您的问题" if lang == "zh" else "王导师 answered your question"
    ) in delivered
    (row,) = await _log(sqlite_session_factory)
    assert row.outcome is QuestionOutcome.unanswered and row.answer_text == "中午有<饺子>"


async def test_a_guest_question_goes_to_the_bureau(
    bot: BotHarness, world: World, off_topic: dict[str, str]
) -> None:
    calls = await bot.send(world.guest, off_topic["zh"])
    calls = await bot.press(world.guest, button(calls, "fw:"))
    assert "❓" in texts(calls, world.bureau.user_id)


async def test_only_the_person_a_question_was_forwarded_to_may_answer_it(
    bot: BotHarness, world: World, off_topic: dict[str, str]
) -> None:
    calls = await bot.send(world.manager_a, off_topic["zh"])
    calls = await bot.press(world.manager_a, button(calls, "fw:"))
    reply_data = button(calls, "rp:", world.mentor.user_id)
    calls = await bot.press(world.bureau, reply_data)
    assert "没有权限" in texts(calls)
    # And the bureau's next text is an ordinary question, not an answer.
    calls = await bot.send(world.bureau, "这不是回复")
    assert "这不是回复" not in texts(calls, world.manager_a.user_id)


async def test_feedback_on_someone_elses_question_is_refused(
    bot: BotHarness,
    world: World,
    answerable: Entry,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    calls = await bot.send(world.manager_a, answerable.questions["zh"][0])
    forged = button(calls, "fb:")
    calls = await bot.press(world.manager_b, forged)
    assert "过期" in texts(calls)
    (row,) = await _log(sqlite_session_factory)
    assert row.feedback is Feedback.none


@pytest.mark.parametrize(
    ("sender", "label"), [("guest", "环保手续"), ("english_manager", "Environmental procedures")]
)
async def test_topics_browse_categories_subcategories_entries(
    bot: BotHarness, world: World, knowledge_base: KnowledgeBase, sender: str, label: str
) -> None:
    who = getattr(world, sender)
    calls = await bot.send(who, "/topics")
    assert label in [lbl for lbl, _ in buttons(calls)]
    calls = await bot.press(who, button(calls, "tc:procedures"))
    calls = await bot.press(who, button(calls, "ts:eia"))
    assert calls[-1].method == "editMessageText"
    entry = knowledge_base.by_subcategory("eia")[0]
    calls = await bot.press(who, callbacks.TOPIC_ENTRY.encode(callbacks.entry_ref(entry.id)))
    assert ("依据" if sender == "guest" else "Legal basis") in texts(calls)


async def test_a_long_answer_arrives_in_parts_under_the_limit_with_buttons_on_the_last(
    bot: BotHarness, world: World, answerable: Entry
) -> None:
    long_answer = "短答案\n" + "\n".join(f"第{n}条细节：<依据> & 说明" * 3 for n in range(300))

    class LongMatcher(Matcher):
        def ask(self, text: str) -> Outcome:
            return Outcome(
                "answered",
                "zh",
                entry=answerable,
                score=99.0,
                answer=long_answer,
                citation="《法》",
            )

    services: Services = bot.app.bot_data.services  # type: ignore[assignment]
    services.matcher = LongMatcher(services.kb)
    calls = [c for c in await bot.send(world.manager_a, "任何问题") if c.method == "sendMessage"]
    assert len(calls) > 1
    assert all(visible_length(c.text) <= 4096 for c in calls)  # as Telegram counts
    assert [bool(c.buttons) for c in calls] == [False] * (len(calls) - 1) + [True]
    assert all(c.text.count("<b>") == c.text.count("</b>") for c in calls)
    assert "&lt;依据&gt; &amp; 说明" in calls[0].text


async def test_a_suggestion_picked_for_an_english_question_comes_in_english(
    bot: BotHarness, world: World, knowledge_base: KnowledgeBase
) -> None:
    """A manager whose menus are Chinese asks in English, gets "did you mean" and picks one:
    the entry comes in English, as a direct answer would, with English buttons; rating it is
    thanked in English too."""
    calls = await bot.send(world.manager_a, "discharge permit")
    assert "Did you mean" in texts(calls)
    choice = button(calls, "sg:")
    _, ref = callbacks.SUGGESTION.decode(choice)
    entry = callbacks.entry_by_ref(knowledge_base.entries, ref)
    assert entry is not None
    calls = await bot.press(world.manager_a, choice)
    reply = texts(calls).replace("&amp;", "&")
    assert entry.answer["en"].split("\n")[0][:30] in reply
    assert "Legal basis" in reply and "依据" not in reply
    assert ("👍 Helpful", button(calls, "fb:")) in buttons(calls)
    calls = await bot.press(world.manager_a, button(calls, "fb:"))
    assert "Thank" in texts(calls) and "谢谢" not in texts(calls)


@pytest.mark.parametrize(
    ("message", "expected"), [("你是机器人吗", "合规小助手"), ("Thanks!", "compliance assistant")]
)
async def test_small_talk_gets_an_introduction_and_is_not_logged(
    bot: BotHarness,
    world: World,
    sqlite_session_factory: async_sessionmaker[AsyncSession],
    message: str,
    expected: str,
) -> None:
    calls = await bot.send(world.manager_a, message)
    reply = texts(calls)
    assert expected in reply
    assert "forward" not in str(buttons(calls)) and not buttons(calls)
    assert await _log(sqlite_session_factory) == [], "small talk is not a question to curate"


async def test_a_question_reporting_trouble_starts_with_first_steps_and_offers_helpme(
    bot: BotHarness, world: World
) -> None:
    calls = await bot.send(world.manager_a, "我们厂污水处理设备坏了，出水超标了怎么办")
    reply = texts(calls)
    assert reply.startswith("🚨")
    # The exceedance steps lead (as the first steps, or as the answer when they answer it).
    steps = reply.index("超标")
    assert reply.index("立即", steps) < reply.index("罚", steps), "what to do now before the fine"
    help_button = buttons(calls)[0]
    assert help_button == (text("zh", "help.from_answer"), callbacks.HELP_START.encode())
    calls = await bot.press(world.manager_a, help_button[1])
    assert "请描述" in texts(calls), "one tap opens /helpme"
