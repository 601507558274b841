"""Typed dates and times in a booking dialogue: what a manager or mentor types, and what it means.

Unless a test says otherwise, "now" is Tuesday 1 December 2026, 10:00 in Wuxi (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programme.when import (
    PART_OF_DAY_WINDOWS,
    ParsedWhen,
    PartOfDay,
    WhenKind,
    parse_when,
)

WUXI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=WUXI)  # a Tuesday
TODAY = NOW.date()
TOMORROW = TODAY + dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WUXI)


def parsed(text: str, now: dt.datetime = NOW) -> ParsedWhen:
    result = parse_when(text, now=now)
    assert result is not None, f"{text!r} was not read as a time"
    return result


# --- exact times -----------------------------------------------------------------------------

EXACT = [
    # Chinese, with a date
    ("今天下午3点", at(TODAY, 15)),
    ("今天下午4点", at(TODAY, 16)),
    ("今天下午三点半", at(TODAY, 15, 30)),
    ("今天 下午 3 点", at(TODAY, 15)),
    ("明天下午两点半", at(TOMORROW, 14, 30)),
    ("明天上午10点", at(TOMORROW, 10)),
    ("明天早上8点半", at(TOMORROW, 8, 30)),
    ("明天中午12点", at(TOMORROW, 12)),
    ("明天中午1点", at(TOMORROW, 13)),
    ("后天上午九点", at(TODAY + dt.timedelta(days=2), 9)),
    ("大后天下午2点", at(TODAY + dt.timedelta(days=3), 14)),
    ("今晚7点", at(TODAY, 19)),
    ("今天晚上八点", at(TODAY, 20)),
    ("明早9点", at(TOMORROW, 9)),
    ("周五 14:00", at(dt.date(2026, 12, 4), 14)),
    ("周五14:00", at(dt.date(2026, 12, 4), 14)),
    ("星期五下午2点", at(dt.date(2026, 12, 4), 14)),
    ("礼拜四上午十点", at(dt.date(2026, 12, 3), 10)),
    ("下周一上午10点", at(dt.date(2026, 12, 7), 10)),
    ("下个星期三下午3点", at(dt.date(2026, 12, 9), 15)),
    ("下下周一 9:30", at(dt.date(2026, 12, 14), 9, 30)),
    ("12月3日下午两点", at(dt.date(2026, 12, 3), 14)),
    ("12月3号下午2点", at(dt.date(2026, 12, 3), 14)),
    ("十二月三日下午两点", at(dt.date(2026, 12, 3), 14)),
    ("12/3 14:30", at(dt.date(2026, 12, 3), 14, 30)),
    ("2026-12-01 15:00", at(TODAY, 15)),
    ("2026/12/2 9:00", at(TOMORROW, 9)),
    ("2026年12月2日 9:00", at(TOMORROW, 9)),
    ("2027年1月5日上午9点", at(dt.date(2027, 1, 5), 9)),
    ("5号下午3点", at(dt.date(2026, 12, 5), 15)),
    # Chinese numerals and minute forms
    ("今天十点半", at(TODAY, 10, 30)),
    ("今天三点一刻", at(TODAY, 15, 15)),
    ("今天三点三刻", at(TODAY, 15, 45)),
    ("今天两点十五", at(TODAY, 14, 15)),
    ("今天3点15分", at(TODAY, 15, 15)),
    ("今天三点零五分", at(TODAY, 15, 5)),
    ("今天下午3点整", at(TODAY, 15)),
    ("今天十二点", at(TODAY, 12)),
    ("今天下午三点钟", at(TODAY, 15)),
    ("今天下午15点", at(TODAY, 15)),
    ("今天 15：00", at(TODAY, 15)),  # full-width colon
    ("今天１５:００", at(TODAY, 15)),  # full-width digits
    # polite padding around the time
    ("那就明天下午3点吧", at(TOMORROW, 15)),
    ("明天下午三点左右可以吗？", at(TOMORROW, 15)),
    ("约在周五上午10点", at(dt.date(2026, 12, 4), 10)),
    # English
    ("tomorrow 10am", at(TOMORROW, 10)),
    ("Tomorrow 10 AM", at(TOMORROW, 10)),
    ("tomorrow at 10:30", at(TOMORROW, 10, 30)),
    ("tomorrow at 3", at(TOMORROW, 15)),
    ("fri 2pm", at(dt.date(2026, 12, 4), 14)),
    ("Friday at 2 p.m.", at(dt.date(2026, 12, 4), 14)),
    ("on friday 2:30pm", at(dt.date(2026, 12, 4), 14, 30)),
    ("next monday 9am", at(dt.date(2026, 12, 7), 9)),
    ("this thursday 11am", at(dt.date(2026, 12, 3), 11)),
    ("dec 3 2pm", at(dt.date(2026, 12, 3), 14)),
    ("December 3rd at 2pm", at(dt.date(2026, 12, 3), 14)),
    ("3 dec 14:30", at(dt.date(2026, 12, 3), 14, 30)),
    ("3rd of december, 9am", at(dt.date(2026, 12, 3), 9)),
    ("jan 5 2027 10am", at(dt.date(2027, 1, 5), 10)),
    ("today 3pm", at(TODAY, 15)),
    ("tonight at 8", at(TODAY, 20)),
    ("tomorrow noon", at(TOMORROW, 12)),
    ("how about tomorrow at 3pm?", at(TOMORROW, 15)),
    ("tomorrow 3 o'clock", at(TOMORROW, 15)),
    # mixed
    ("明天 10am", at(TOMORROW, 10)),
    # a date with its weekday
    ("12月3日(周四)下午2点", at(dt.date(2026, 12, 3), 14)),
    ("12月3日（星期四）下午2点", at(dt.date(2026, 12, 3), 14)),
    ("12月3日周四 14:00", at(dt.date(2026, 12, 3), 14)),
    ("thu dec 3 2pm", at(dt.date(2026, 12, 3), 14)),
    ("1月7日周四上午9点", at(dt.date(2027, 1, 7), 9)),
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_a_typed_date_and_time_is_read_as_that_moment(text: str, expected: dt.datetime) -> None:
    result = parsed(text)
    assert result.kind is WhenKind.AT
    assert result.starts_at == expected
    assert (result.date, result.time) == (expected.date(), expected.timetz().replace(tzinfo=None))
    assert result.date_explicit
    assert not result.approximate


def test_the_moment_is_in_the_time_zone_of_now() -> None:
    result = parsed("今天下午3点")
    assert result.starts_at is not None
    assert result.starts_at.tzinfo is WUXI
    assert result.starts_at.astimezone(dt.UTC) == dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("今天上午11点", PartOfDay.MORNING),  # the typed part wins over the hour's
        ("今天下午3点", PartOfDay.AFTERNOON),
        ("今天上午10点", PartOfDay.MORNING),
        ("今晚7点", PartOfDay.EVENING),
        ("today 3pm", PartOfDay.AFTERNOON),
        ("today 11:30", PartOfDay.NOON),
    ],
)
def test_an_exact_time_tells_its_part_of_the_day(text: str, part: PartOfDay) -> None:
    assert parsed(text).part_of_day is part


# --- hours without 上午/下午/am/pm -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("明天3点", 15, 0),
        ("明天两点", 14, 0),
        ("明天1点", 13, 0),
        ("明天6点", 18, 0),
        ("明天7点", 7, 0),
        ("明天9点", 9, 0),
        ("明天12点", 12, 0),
        ("明天3:30", 15, 30),
        ("明天03:30", 3, 30),  # a leading zero is taken as written
        ("明天15:00", 15, 0),
        ("明天上午3点", 3, 0),  # the part of the day decides
        ("明天凌晨3点", 3, 0),
        ("tomorrow 3am", 3, 0),
        ("tomorrow 12am", 0, 0),
        ("tomorrow 12pm", 12, 0),
        ("tomorrow midnight", 0, 0),
    ],
)
def test_an_hour_without_am_or_pm_is_read_in_business_hours(
    text: str, hour: int, minute: int
) -> None:
    assert parsed(text).time == dt.time(hour, minute)


# --- a time without a date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("15:00", NOW, at(TODAY, 15)),
        ("3点", NOW, at(TODAY, 15)),
        ("下午3点", NOW, at(TODAY, 15)),
        ("十点半", NOW, at(TODAY, 10, 30)),
        ("三点一刻", NOW, at(TODAY, 15, 15)),
        ("2pm", NOW, at(TODAY, 14)),
        ("at 3", NOW, at(TODAY, 15)),
        ("noon", NOW, at(TODAY, 12)),
        # already over today: tomorrow
        ("9:00", NOW, at(TOMORROW, 9)),
        ("上午9点", NOW, at(TOMORROW, 9)),
        ("10:00", NOW, at(TOMORROW, 10)),  # exactly now is not "later than now"
        ("15:00", at(TODAY, 16), at(TOMORROW, 15)),
        ("3点", at(TODAY, 16), at(TOMORROW, 15)),
        # late at night, across the month and the year
        ("9am", dt.datetime(2026, 12, 31, 22, 0, tzinfo=WUXI), at(dt.date(2027, 1, 1), 9)),
    ],
)
def test_a_bare_time_is_today_if_still_ahead_else_tomorrow(
    text: str, now: dt.datetime, expected: dt.datetime
) -> None:
    result = parsed(text, now)
    assert result.kind is WhenKind.AT
    assert result.starts_at == expected
    assert not result.date_explicit
    assert not result.is_past


# --- a part of the day without an hour ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "part", "hour"),
    [
        ("明天上午", TOMORROW, PartOfDay.MORNING, 9),
        ("明天中午", TOMORROW, PartOfDay.NOON, 12),
        ("明天下午", TOMORROW, PartOfDay.AFTERNOON, 14),
        ("明天晚上", TOMORROW, PartOfDay.EVENING, 19),
        ("明早", TOMORROW, PartOfDay.MORNING, 9),
        ("明晚", TOMORROW, PartOfDay.EVENING, 19),
        ("今天下午", TODAY, PartOfDay.AFTERNOON, 14),
        ("今晚", TODAY, PartOfDay.EVENING, 19),
        ("周五下午", dt.date(2026, 12, 4), PartOfDay.AFTERNOON, 14),
        ("12月3日上午", dt.date(2026, 12, 3), PartOfDay.MORNING, 9),
        ("tomorrow morning", TOMORROW, PartOfDay.MORNING, 9),
        ("tomorrow afternoon", TOMORROW, PartOfDay.AFTERNOON, 14),
        ("this afternoon", TODAY, PartOfDay.AFTERNOON, 14),
        ("tonight", TODAY, PartOfDay.EVENING, 19),
        ("fri morning", dt.date(2026, 12, 4), PartOfDay.MORNING, 9),
    ],
)
def test_a_part_of_the_day_gets_its_default_hour_and_is_approximate(
    text: str, day: dt.date, part: PartOfDay, hour: int
) -> None:
    result = parsed(text)
    assert result.kind is WhenKind.PART_OF_DAY
    assert result.approximate
    assert result.part_of_day is part
    assert result.date == day
    assert result.time == dt.time(hour) == PART_OF_DAY_WINDOWS[part].default
    assert result.starts_at == at(day, hour)
    assert result.date_explicit
    assert not result.is_past


def test_the_default_hours_of_the_parts_of_the_day() -> None:
    defaults = {part: window.default for part, window in PART_OF_DAY_WINDOWS.items()}
    assert defaults == {
        PartOfDay.MORNING: dt.time(9),
        PartOfDay.NOON: dt.time(12),
        PartOfDay.AFTERNOON: dt.time(14),
        PartOfDay.EVENING: dt.time(19),
    }
    for window in PART_OF_DAY_WINDOWS.values():
        assert window.start <= window.default < window.end


def test_todays_part_already_under_way_offers_the_next_full_hour() -> None:
    result = parsed("今天下午", at(TODAY, 15, 10))
    assert (result.time, result.is_past) == (dt.time(16), False)
    assert result.starts_at == at(TODAY, 16)


def test_todays_part_with_no_full_hour_left_is_past() -> None:
    result = parsed("今天下午", at(TODAY, 17, 30))
    assert result.kind is WhenKind.PART_OF_DAY
    assert result.is_past


@pytest.mark.parametrize(
    ("text", "now", "day"),
    [
        ("下午", NOW, TODAY),
        ("上午", at(TODAY, 9, 30), TODAY),  # 10:00 is still left
        ("上午", at(TODAY, 11, 30), TOMORROW),
        ("下午", at(TODAY, 19), TOMORROW),
        ("afternoon", at(TODAY, 19), TOMORROW),
    ],
)
def test_a_bare_part_of_the_day_is_today_while_it_lasts_else_tomorrow(
    text: str, now: dt.datetime, day: dt.date
) -> None:
    result = parsed(text, now)
    assert result.date == day
    assert not result.date_explicit
    assert not result.is_past


# --- a date without a time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("今天", TODAY),
        ("明天", TOMORROW),
        ("后天", TODAY + dt.timedelta(days=2)),
        ("周五", dt.date(2026, 12, 4)),
        ("星期天", dt.date(2026, 12, 6)),
        ("周二", TODAY),  # a weekday means the next such day, today included
        ("本周五", dt.date(2026, 12, 4)),
        ("这周日", dt.date(2026, 12, 6)),
        ("下周二", dt.date(2026, 12, 8)),
        ("12月3日", dt.date(2026, 12, 3)),
        ("5号", dt.date(2026, 12, 5)),
        ("12/24", dt.date(2026, 12, 24)),
        ("tomorrow", TOMORROW),
        ("monday", dt.date(2026, 12, 7)),
        ("next fri", dt.date(2026, 12, 11)),
        ("dec 24", dt.date(2026, 12, 24)),
        ("2026-12-24", dt.date(2026, 12, 24)),
    ],
)
def test_a_date_alone_is_a_day_without_a_time(text: str, day: dt.date) -> None:
    result = parsed(text)
    assert result.kind is WhenKind.DAY
    assert (result.date, result.time, result.starts_at) == (day, None, None)
    assert result.date_explicit
    assert not result.is_past


# --- year and month rollover -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "day"),
    [
        ("1月5日", NOW, dt.date(2027, 1, 5)),
        ("1月5日下午3点", NOW, dt.date(2027, 1, 5)),
        ("1/5 9:00", NOW, dt.date(2027, 1, 5)),
        ("jan 5", NOW, dt.date(2027, 1, 5)),
        ("一月五号", NOW, dt.date(2027, 1, 5)),
        ("6月1日", NOW, dt.date(2027, 6, 1)),  # half a year either way: the future
        ("12月30日", at(dt.date(2027, 1, 2), 9), dt.date(2026, 12, 30)),  # just gone: past
        ("2号", at(dt.date(2026, 12, 28), 9), dt.date(2027, 1, 2)),
        ("明天", at(dt.date(2026, 12, 31), 9), dt.date(2027, 1, 1)),
        ("周一", at(dt.date(2026, 12, 31), 9), dt.date(2027, 1, 4)),
        ("下周一", at(dt.date(2026, 12, 31), 9), dt.date(2027, 1, 4)),
    ],
)
def test_month_and_day_without_a_year_is_the_nearest_such_date(
    text: str, now: dt.datetime, day: dt.date
) -> None:
    assert parsed(text, now).date == day


def test_february_29_only_in_a_leap_year() -> None:
    assert parsed("2月29日", at(dt.date(2027, 12, 1), 9)).date == dt.date(2028, 2, 29)
    assert parse_when("2026年2月29日", now=NOW) is None


# --- the past ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("今天上午9点", NOW),
        ("今天9:59", NOW),
        ("今早8点", NOW),
        ("今天下午3点", at(TODAY, 16)),
        ("today 3pm", at(TODAY, 16)),
        ("2026-11-30 15:00", NOW),
        ("昨天下午3点", NOW),
        ("11月30日", NOW),
        ("11月30日下午3点", NOW),
        ("上周五", NOW),
        ("本周一", NOW),
        ("yesterday", NOW),
        ("last fri", NOW),
        ("周二上午9点", NOW),  # today's 9:00, already gone
    ],
)
def test_a_moment_already_gone_is_flagged_past(text: str, now: dt.datetime) -> None:
    assert parsed(text, now).is_past


@pytest.mark.parametrize("text", ["今天下午3点", "今天", "今天上午", "今天10:01", "尽快"])
def test_a_moment_still_ahead_is_not_past(text: str) -> None:
    assert not parsed(text).is_past


# --- as soon as possible -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["尽快", "越快越好", "马上", "今天尽快", "asap", "ASAP", "as soon as possible", "now"],
)
def test_as_soon_as_possible_is_a_marker_for_the_earliest_slot(text: str) -> None:
    result = parsed(text)
    assert result.kind is WhenKind.ASAP
    assert result.date == TODAY
    assert (result.time, result.starts_at) == (None, None)
    assert not result.is_past


def test_as_soon_as_possible_with_a_time_is_that_time() -> None:
    assert parsed("尽快，今天下午3点").starts_at == at(TODAY, 15)
    assert parsed("明天尽快").kind is WhenKind.DAY


# --- not a time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ok",
        "好的",
        "好",
        "是的",
        "yes",
        "排污许可证到期了怎么办",
        "我们的污水处理设备坏了",
        "危废暂存间需要什么标识？",
        "hello",
        "I know",
        "what should I do about the permit",
        "3",
        "15",
        "2 workers",
        "下周",
        "3点到5点",
        "周五或周六",
        "明天或后天",
        "周五 周六",
        "12月3日周五",  # 3 December 2026 is a Thursday
        "明天周五",  # tomorrow is a Wednesday
        "2月30日",
        "13月1日",
        "25:00",
        "14:75",
        "下午0点",
        "晚上12点",
        "上午15点",
        "3pm in the morning",
        "13pm",
        "明天下午3点我们的设备又坏了，能不能请专家过来看一下，拜托了",  # a sentence
    ],
)
def test_text_that_is_not_a_time_is_none(text: str) -> None:
    assert parse_when(text, now=NOW) is None


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("15:00", now=dt.datetime(2026, 12, 1, 10, 0))


@given(st.text(max_size=40))
def test_any_text_gives_a_result_or_none_never_an_error(text: str) -> None:
    result = parse_when(text, now=NOW)
    assert result is None or isinstance(result, ParsedWhen)


@given(
    st.sampled_from(["今天", "明天", "周五", "下周一", "12月3日", "1月5日", "tomorrow", "fri", ""]),
    st.sampled_from(["", "上午", "下午", "晚上", " "]),
    st.sampled_from(["3点", "十点半", "两点一刻", "9:30", "14:00", "2pm", "11am", ""]),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
)
def test_a_date_part_and_time_combination_resolves_consistently(
    day: str, part: str, time: str, naive_now: dt.datetime
) -> None:
    now = naive_now.replace(tzinfo=WUXI)
    result = parse_when(day + part + time, now=now)
    if result is None:
        return
    if result.starts_at is not None:
        assert (result.starts_at.date(), result.starts_at.timetz().replace(tzinfo=None)) == (
            result.date,
            result.time,
        )
        assert result.is_past == (result.starts_at < now) or result.approximate
    if not result.date_explicit and result.kind is WhenKind.AT:
        assert result.starts_at is not None
        assert now < result.starts_at <= now + dt.timedelta(days=1)
    if day and result.kind is not WhenKind.ASAP:
        assert result.date_explicit
