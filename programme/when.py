"""Typed dates and times, as a manager or a mentor types them inside a booking dialogue.

``parse_when(text, now=...)`` reads one short answer such as "今天下午3点", "明天上午",
"周五 14:00", "12月3日下午两点", "2026-12-01 15:00", "tomorrow 10am", "fri 2pm", "15:00" or
"尽快", and returns a :class:`ParsedWhen`; anything that is not a time ("好的", "ok",
"排污许可证到期了怎么办") returns ``None`` so the caller can show its prompt. Chinese and
English are always both understood (people mix them: "明天 10am"); nothing in one grammar means
something else in the other, so there is no language switch.

Why a grammar of our own and not ``dateparser``
    ``dateparser`` 1.5.0 (languages ``zh``/``en``, ``RELATIVE_BASE`` = Tue 2026-12-01 10:00) was
    measured on the booking forms of issue 12. Of 12 Chinese forms it read 3 ("明天上午",
    "周五 14:00", "12/3 14:30") and returned ``None`` for "今天下午3点", "今天下午三点半",
    "下周一上午10点", "12月3日下午两点", "明天下午两点半", "3点", "十点半", "三点一刻" and
    "尽快". Of the English and numeric ones it read "tomorrow 10am", "fri 2pm",
    "2026-12-01 15:00" and "15:00" (moved to the next day once ``TIMEZONE`` is set), not "asap".
    Its result is a bare ``datetime``: "mon" comes back as midnight and "明天上午" as 10:00, so
    "a day without a time" and "a part of the day" cannot be told from an exact time, which the
    booking dialogue needs. A Chinese grammar had to be written anyway; English is a few more
    rows of the same table, so the module has no dependency and reads a text in about 0.1 ms.

How the text is read
    The text is NFKC-normalised (full-width digits and colons become ASCII) and lower-cased, then
    scanned left to right: at each position the first matching token of :data:`_TOKENS` is taken
    (a date, a part of the day, a clock time, "as soon as possible", a filler such as "在", "吧",
    "at", or punctuation). If some stretch matches no token, the text is not a time (``None``).
    At most one date, one part of the day and one clock time may appear; two of a kind
    ("周五或周六", "3点到5点") is ``None`` too, so the caller asks again.

Rules (each one is tested in ``tests/programme/test_when.py``)
    * **Part of the day without an hour** ("明天上午", "this afternoon") gives
      ``kind=PART_OF_DAY`` with the part's default hour from :data:`PART_OF_DAY_WINDOWS`
      (上午 09:00, 中午 12:00, 下午 14:00, 晚上 19:00: office opening and the usual start of the
      afternoon shift); ``approximate`` is true so the UI can offer that part's slots instead. For
      today's part that has already begun, the default is the next full hour still inside it.
    * **Hours without 上午/下午/am/pm**: 1–6 mean the afternoon (``"3点"``, ``"两点"``,
      ``"3:30"`` → 15:00, 14:00, 15:30: nobody books a site visit at 3 a.m.), 7–12 mean
      themselves; a leading zero ("03:00") or an hour of 13–23 is taken as written.
    * **A time without a date** ("15:00", "下午3点") means today if it is later than ``now``,
      else tomorrow; ``date_explicit`` is false. A part of the day without a date means today
      while that part has not ended, else tomorrow.
    * **A weekday** ("周五", "fri") is the next such day, today included; "本周五"/"这周五"/
      "this fri" is the one of the current Monday-to-Sunday week, "下周五"/"next fri" the one of
      the next week, "下下周五" the week after, "上周五"/"last fri" the previous week. Written
      next to a date ("12月3日(周四)") a plain weekday must agree with it, else ``None``.
    * **A month and day without a year** ("12月3日", "12/3", "dec 3") is the nearest such date
      to today, so "1月5日" typed in December is next January (year rollover) and "11月30日"
      typed on 1 December is yesterday (flagged past). "5号" likewise takes the nearest month.
      Numeric dates are month first ("12/3" is 3 December), as Chinese writes them.
    * **Past**: a result whose moment or whole day is before ``now``, or a part of the day with
      no full hour left in it, has ``is_past=True``; the parser still returns it so the caller
      can refuse it politely.
    * **Length**: a text of more than 60 characters is a sentence, not an answer: ``None``.
    * **"尽快"/"asap"/"马上"/"now"** gives ``kind=ASAP`` dated today with no time: the caller
      offers its earliest slot. Together with a clock time, a part of the day or a date other
      than today, the urgency word is ignored and the rest is read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "PART_OF_DAY_WINDOWS",
    "ParsedWhen",
    "PartOfDay",
    "PartOfDayWindow",
    "WhenKind",
    "parse_when",
]

_MAX_LENGTH = 60  # longer texts are sentences, not answers to "when?"


class WhenKind(StrEnum):
    """How precise the typed answer is."""

    AT = "at"  # a date and a clock time
    PART_OF_DAY = "part_of_day"  # a date and 上午/下午/...: the time is the part's default
    DAY = "day"  # a date only
    ASAP = "asap"  # "尽快": the earliest slot the caller can offer


class PartOfDay(StrEnum):
    """上午, 中午, 下午, 晚上."""

    MORNING = "morning"
    NOON = "noon"
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True, slots=True)
class PartOfDayWindow:
    """The hours a part of the day covers, and the hour taken when none is typed."""

    start: dt.time
    default: dt.time
    end: dt.time


PART_OF_DAY_WINDOWS: dict[PartOfDay, PartOfDayWindow] = {
    PartOfDay.MORNING: PartOfDayWindow(dt.time(8), dt.time(9), dt.time(12)),
    PartOfDay.NOON: PartOfDayWindow(dt.time(11), dt.time(12), dt.time(14)),
    PartOfDay.AFTERNOON: PartOfDayWindow(dt.time(12), dt.time(14), dt.time(18)),
    PartOfDay.EVENING: PartOfDayWindow(dt.time(18), dt.time(19), dt.time(22)),
}


@dataclass(frozen=True, slots=True)
class ParsedWhen:
    """A typed answer to "when?", resolved against ``now``.

    Attributes:
        kind: how precise the answer is (see :class:`WhenKind`).
        date: the local date meant (today for ``ASAP``).
        time: the clock time: the typed one for ``AT``, the part's default for ``PART_OF_DAY``,
            ``None`` for ``DAY`` and ``ASAP``.
        part_of_day: the part of the day typed or implied by the hour ("下午3点" → afternoon).
        date_explicit: whether the text named the date (today/明天/周五/12月3日...); false when
            it was inferred from a bare time.
        is_past: whether the moment (or the whole part of the day, or the whole day) is already
            over at ``now``.
        starts_at: ``date`` and ``time`` in ``now``'s time zone, or ``None`` without a time.
    """

    kind: WhenKind
    date: dt.date
    time: dt.time | None
    part_of_day: PartOfDay | None
    date_explicit: bool
    is_past: bool
    starts_at: dt.datetime | None

    @property
    def approximate(self) -> bool:
        """Whether the time is a default that the UI should let the user refine."""
        return self.kind is WhenKind.PART_OF_DAY


# --- numbers -----------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN = "零〇一二两兩三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"  # 1–2 ASCII digits or up to three Chinese numerals


def _number(text: str) -> int | None:
    """An ASCII or Chinese numeral up to 99 ("15", "十五", "二十三", "两", "零五")."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    if "十" not in text:
        if len(text) > 2 or any(ch not in _CN_DIGITS for ch in text):
            return None
        # "零五" (minutes) is 5; "一二" is not a number
        if len(text) == 2 and _CN_DIGITS[text[0]] != 0:
            return None
        return _CN_DIGITS[text[-1]]
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ClockTime:
    hour: int
    minute: int
    meridiem: str | None = None  # "am" / "pm" when typed
    literal: bool = False  # "03:00", "15:00": no afternoon guess


@dataclass(slots=True)
class _Parts:
    date: Callable[[dt.date], dt.date | None] | None = None
    part: PartOfDay | None = None
    part_word: str | None = None
    clock: _ClockTime | None = None
    weekday: int | None = None  # a plain "周四" / "thu": a date of its own, or a check on one
    asap: bool = False


class _Reject(Exception):
    """The text is not (or not only) a time."""


def _set_date(parts: _Parts, resolve: Callable[[dt.date], dt.date | None]) -> None:
    if parts.date is not None:
        raise _Reject
    parts.date = resolve


def _set_part(parts: _Parts, word: str) -> None:
    if parts.part is not None:
        raise _Reject
    parts.part = _PART_WORDS[word]
    parts.part_word = word


def _set_clock(parts: _Parts, clock: _ClockTime) -> None:
    if parts.clock is not None:
        raise _Reject
    parts.clock = clock


def _nearest(today: dt.date, candidates: list[dt.date]) -> dt.date | None:
    """The candidate closest to today; on a tie the later one."""
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - today).days), -d.toordinal()))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_day(month: int, day: int, year: int | None) -> Callable[[dt.date], dt.date | None]:
    def resolve(today: dt.date) -> dt.date | None:
        if year is not None:
            return _safe_date(year, month, day)
        found = (_safe_date(today.year + k, month, day) for k in (-1, 0, 1))
        return _nearest(today, [d for d in found if d is not None])

    return resolve


def _day_of_month(day: int) -> Callable[[dt.date], dt.date | None]:
    def resolve(today: dt.date) -> dt.date | None:
        found: list[dt.date] = []
        for k in (-1, 0, 1):
            month_index = today.year * 12 + today.month - 1 + k
            d = _safe_date(month_index // 12, month_index % 12 + 1, day)
            if d is not None:
                found.append(d)
        return _nearest(today, found)

    return resolve


def _offset(days: int) -> Callable[[dt.date], dt.date | None]:
    return lambda today: today + dt.timedelta(days=days)


def _weekday(weekday: int, weeks: int | None) -> Callable[[dt.date], dt.date | None]:
    """Weekday 0 = Monday; ``weeks`` None = next such day (today included), else weeks from now."""

    def resolve(today: dt.date) -> dt.date | None:
        if weeks is None:
            return today + dt.timedelta(days=(weekday - today.weekday()) % 7)
        monday = today - dt.timedelta(days=today.weekday())
        return monday + dt.timedelta(weeks=weeks, days=weekday)

    return resolve


_PART_WORDS: dict[str, PartOfDay] = {
    "凌晨": PartOfDay.MORNING,
    "清晨": PartOfDay.MORNING,
    "早晨": PartOfDay.MORNING,
    "早上": PartOfDay.MORNING,
    "上午": PartOfDay.MORNING,
    "morning": PartOfDay.MORNING,
    "中午": PartOfDay.NOON,
    "下午": PartOfDay.AFTERNOON,
    "午后": PartOfDay.AFTERNOON,
    "afternoon": PartOfDay.AFTERNOON,
    "傍晚": PartOfDay.EVENING,
    "晚上": PartOfDay.EVENING,
    "晚间": PartOfDay.EVENING,
    "夜里": PartOfDay.EVENING,
    "evening": PartOfDay.EVENING,
    "tonight": PartOfDay.EVENING,
    "早": PartOfDay.MORNING,  # 今早, 明早
    "晚": PartOfDay.EVENING,  # 今晚, 明晚
}

_CN_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_CN_WEEKDAYS |= {str(i + 1): i for i in range(7)}
_EN_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_EN_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}  # fmt: skip
_CN_WEEK_PREFIX: dict[str, int | None] = {
    "": None, "本": 0, "这": 0, "這": 0, "这个": 0, "這個": 0,
    "下": 1, "下个": 1, "下個": 1, "下下": 2, "下下个": 2, "下下個": 2,
    "上": -1, "上个": -1, "上個": -1,
}  # fmt: skip
_EN_WEEK_PREFIX: dict[str, int | None] = {"": None, "on": None, "this": 0, "next": 1, "last": -1}
_RELATIVE_DAYS = {
    "大后天": 3, "大後天": 3, "后天": 2, "後天": 2, "明天": 1, "明日": 1, "明儿": 1, "明": 1,
    "今天": 0, "今日": 0, "今儿": 0, "今": 0, "昨天": -1, "昨日": -1, "前天": -2,
    "today": 0, "tonight": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "tmw": 1,
    "day after tomorrow": 2, "the day after tomorrow": 2, "yesterday": -1,
}  # fmt: skip

_EN_WEEKDAY = "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
_EN_MONTH = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"
_B = r"(?![a-z])"  # end of an English word
_MINUTES_END = rf"(?![\d{_CN}号號日])"

_Handler = Callable[["re.Match[str]", _Parts], None]


def _on_iso_date(m: re.Match[str], parts: _Parts) -> None:
    _set_date(parts, _month_day(int(m["m"]), int(m["d"]), int(m["y"])))


def _on_cn_date(m: re.Match[str], parts: _Parts) -> None:
    month, day = _number(m["m"]), _number(m["d"])
    if month is None or day is None:
        raise _Reject
    _set_date(parts, _month_day(month, day, int(m["y"]) if m["y"] else None))


def _on_slash_date(m: re.Match[str], parts: _Parts) -> None:
    _set_date(parts, _month_day(int(m["m"]), int(m["d"]), None))


def _on_en_month_day(m: re.Match[str], parts: _Parts) -> None:
    year = int(m["y"]) if m["y"] else None
    _set_date(parts, _month_day(_EN_MONTHS[m["mon"]], int(m["d"]), year))


def _on_day_of_month(m: re.Match[str], parts: _Parts) -> None:
    day = _number(m["d"])
    if day is None:
        raise _Reject
    _set_date(parts, _day_of_month(day))


def _on_relative(m: re.Match[str], parts: _Parts) -> None:
    word = m["w"]
    _set_date(parts, _offset(_RELATIVE_DAYS[re.sub(r"\s+", " ", word)]))
    if word == "tonight":
        _set_part(parts, "tonight")


def _on_relative_part(m: re.Match[str], parts: _Parts) -> None:
    _set_date(parts, _offset(_RELATIVE_DAYS[m["w"]]))
    _set_part(parts, m["p"])


def _set_weekday(parts: _Parts, weekday: int, weeks: int | None) -> None:
    if weeks is not None:
        _set_date(parts, _weekday(weekday, weeks))
    elif parts.weekday is not None:
        raise _Reject
    else:
        parts.weekday = weekday


def _on_cn_weekday(m: re.Match[str], parts: _Parts) -> None:
    _set_weekday(parts, _CN_WEEKDAYS[m["d"]], _CN_WEEK_PREFIX[m["pre"] or ""])


def _on_en_weekday(m: re.Match[str], parts: _Parts) -> None:
    _set_weekday(parts, _EN_WEEKDAYS[m["d"]], _EN_WEEK_PREFIX[m["pre"] or ""])


def _on_part(m: re.Match[str], parts: _Parts) -> None:
    if m["this"]:
        _set_date(parts, _offset(0))
    _set_part(parts, m["p"])


def _on_colon_time(m: re.Match[str], parts: _Parts) -> None:
    meridiem = (m["ap"] or "").replace(".", "") or None
    _set_clock(
        parts,
        _ClockTime(int(m["h"]), int(m["min"]), meridiem, literal=m["h"].startswith("0")),
    )


def _on_meridiem_time(m: re.Match[str], parts: _Parts) -> None:
    _set_clock(parts, _ClockTime(int(m["h"]), 0, m["ap"].replace(".", "")))


def _on_en_hour(m: re.Match[str], parts: _Parts) -> None:
    _set_clock(parts, _ClockTime(int(m["h"]), 0))


def _on_noon(m: re.Match[str], parts: _Parts) -> None:
    _set_clock(parts, _ClockTime(0, 0, literal=True) if m[0] == "midnight" else _ClockTime(12, 0))


def _on_cn_time(m: re.Match[str], parts: _Parts) -> None:
    hour = _number(m["h"])
    if hour is None:
        raise _Reject
    minute: int | None = 0
    if m["half"]:
        minute = 30
    elif m["q"]:
        minute = 15 if m["q"] == "一刻" else 45
    elif m["min"]:
        minute = _number(m["min"])
    if minute is None:
        raise _Reject
    _set_clock(parts, _ClockTime(hour, minute, literal=m["h"].startswith("0")))


def _on_asap(m: re.Match[str], parts: _Parts) -> None:
    parts.asap = True


def _ignore(m: re.Match[str], parts: _Parts) -> None:
    return None


_FILLERS_ZH = [
    "可以吗", "可以嗎", "可以", "行吗", "行嗎", "好吗", "好嗎", "怎么样", "怎麼樣",
    "左右", "前后", "前後", "大概", "大约", "大約", "约在", "約在", "定在", "改到", "改在",
    "安排在", "我们", "我們", "咱们", "过来", "過來", "过去", "過去", "见面", "見面",
    "到", "见", "見", "在", "于", "的", "吧", "呢", "啊", "呀", "吗", "嗎", "哦", "噢", "嗯",
    "就", "那", "来", "來", "去", "约", "約", "我", "您", "你", "行", "好",
]  # fmt: skip
_FILLERS_EN = [
    "how about", "what about", "let's say", "lets say", "let's", "lets", "works for me",
    "works", "is fine", "fine", "please", "pls", "plz", "at", "around", "about", "approx",
    "approximately", "in the", "in", "the", "say", "ok", "okay", "maybe", "would be", "be",
    "is", "good", "then", "by",
]  # fmt: skip


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PART_ALT = _alternation([w for w in _PART_WORDS if w not in ("早", "晚", "tonight")])
_REL_ALT = _alternation([w for w in _RELATIVE_DAYS if w not in ("明", "今")])

_MERIDIEM = r"(?P<ap>am|pm|a\.m\.|p\.m\.)(?![a-z])"
_ASAP_WORDS = [
    "尽快", "盡快", "越快越好", "尽早", "盡早", "马上", "馬上", "立刻", "立即", "现在", "現在",
    "赶紧", "趕緊", "asap", "a.s.a.p.", "a.s.a.p", "as soon as possible", "right now",
    "right away", "immediately", "now",
]  # fmt: skip

# Order matters: at each position the first pattern that matches wins.
_TOKENS: list[tuple[str, _Handler]] = [
    # 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日
    (
        r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号號]?(?!\d)",
        _on_iso_date,
    ),
    # 12月3日, 十二月三号, 2027年1月5日
    (
        rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*"
        rf"(?:[日号號](?!\d)|(?![\d{_CN}]))",
        _on_cn_date,
    ),
    # 14:30, 2:30pm
    (rf"(?P<h>\d{{1,2}})\s*:\s*(?P<min>\d{{2}})(?!\d)(?:\s*{_MERIDIEM})?", _on_colon_time),
    (rf"(?P<h>\d{{1,2}})\s*{_MERIDIEM}", _on_meridiem_time),  # 10am
    (rf"(?P<h>\d{{1,2}})\s*o'?clock{_B}", _on_en_hour),
    # 3点, 两点半, 三点一刻, 3点15分, 十点整
    (
        rf"(?P<h>{_NUM})\s*[点點时時](?:钟|鐘|整|(?P<half>半)|(?P<q>一刻|三刻)"
        rf"|(?P<min>{_NUM}){_MINUTES_END}\s*分?(?:钟|鐘)?)?",
        _on_cn_time,
    ),
    (r"(?<!\d)(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})(?![\d/])", _on_slash_date),  # 12/3
    # dec 3, december 3rd 2026, 3 dec, 3rd of december
    (
        rf"(?P<mon>{_EN_MONTH})\.?\s*(?P<d>\d{{1,2}}){_ORDINAL}(?!\d)"
        rf"(?:\s*,?\s*(?P<y>\d{{4}}))?{_B}",
        _on_en_month_day,
    ),
    (
        rf"(?P<d>\d{{1,2}}){_ORDINAL}\s*(?:of\s+)?(?P<mon>{_EN_MONTH})\.?{_B}"
        rf"(?:\s*,?\s*(?P<y>\d{{4}}))?",
        _on_en_month_day,
    ),
    (rf"(?P<d>{_NUM})\s*[号號日]", _on_day_of_month),  # 5号
    (r"(?P<w>今|明)(?P<p>早上|早晨|晚上|早|晚)", _on_relative_part),  # 今晚, 明早
    (rf"(?P<w>{_REL_ALT}){_B}", _on_relative),  # 明天, tomorrow
    # 周五, 下周一, 星期天, 这个礼拜三
    (
        rf"(?P<pre>{_alternation([p for p in _CN_WEEK_PREFIX if p])})?\s*"
        r"(?:周|週|星期|礼拜|禮拜)(?P<d>[一二三四五六日天七1-7])",
        _on_cn_weekday,
    ),
    (rf"(?:(?P<pre>this|next|last|on)\s+)?(?P<d>{_EN_WEEKDAY})\.?{_B}", _on_en_weekday),
    (rf"(?:(?P<this>this)\s+)?(?P<p>{_PART_ALT}){_B}", _on_part),  # 下午, this afternoon
    (r"noon|midday|midnight", _on_noon),
    (r"at\s+(?P<h>\d{1,2})(?![\d:]|\s*(?:[ap]\.?m|o'?clock|[点點时時:]))", _on_en_hour),  # at 3
    (_alternation(_ASAP_WORDS), _on_asap),
    (_alternation(_FILLERS_ZH), _ignore),
    (rf"(?:{_alternation(_FILLERS_EN)}){_B}", _ignore),
    (r"[\s,;:.!?、。!~～…\-()\[\]【】]+", _ignore),
]
_COMPILED: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(pattern), handler) for pattern, handler in _TOKENS
]


def _scan(text: str) -> _Parts | None:
    parts = _Parts()
    position = 0
    try:
        while position < len(text):
            for pattern, handler in _COMPILED:
                match = pattern.match(text, position)
                if match is not None and match.end() > position:
                    handler(match, parts)
                    position = match.end()
                    break
            else:
                return None
    except _Reject:
        return None
    return parts


# --- resolving ---------------------------------------------------------------------------------


def _hour_of_day(clock: _ClockTime, part: PartOfDay | None) -> tuple[int, PartOfDay | None] | None:
    """The 24-hour hour meant, and the part of the day it falls in; None when contradictory."""
    hour = clock.hour
    if clock.meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if clock.meridiem == "pm" else 0)
        implied = _part_of(hour)
        # "中午1pm" is fine; "下午10am" is not
        if part not in (None, implied) and (part, implied) != (
            PartOfDay.NOON,
            PartOfDay.AFTERNOON,
        ):
            return None
        return hour, part or implied
    if not 0 <= hour <= 23:
        return None
    if part is None:
        if not clock.literal and 1 <= hour <= 6:
            hour += 12  # "3点": business hours, so the afternoon
        return hour, _part_of(hour)
    if part is PartOfDay.MORNING:
        return (hour, part) if hour <= 12 else None
    if part is PartOfDay.NOON:
        return (hour + 12 if 1 <= hour <= 5 else hour), part
    if hour == 12:
        return (12, part) if part is PartOfDay.AFTERNOON else None  # 晚上12点: not a visit time
    if hour == 0:
        return None  # "下午0点"
    return (hour + 12 if hour <= 11 else hour), part


def _part_of(hour: int) -> PartOfDay:
    if hour < 11:
        return PartOfDay.MORNING
    if hour < 13:
        return PartOfDay.NOON
    if hour < 18:
        return PartOfDay.AFTERNOON
    return PartOfDay.EVENING


def _at(day: dt.date, time: dt.time, now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=now.tzinfo)


def _part_slot(day: dt.date, part: PartOfDay, now: dt.datetime) -> dt.time | None:
    """The time to offer for ``part`` of ``day``: its default hour, or, for a part already under
    way, the next full hour still inside it; ``None`` when no full hour of it is left."""
    window = PART_OF_DAY_WINDOWS[part]
    if _at(day, window.default, now) >= now:
        return window.default
    next_hour = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if next_hour < _at(day, window.end, now):
        return next_hour.timetz().replace(tzinfo=None)
    return None


def parse_when(text: str, *, now: dt.datetime) -> ParsedWhen | None:
    """Read a typed date and/or time, resolved against ``now``.

    Args:
        text: what the user typed, in Chinese or English ("今天下午3点", "fri 2pm", "尽快").
        now: the current local time, timezone-aware (e.g. in Asia/Shanghai); the result's
            ``starts_at`` is in the same zone.

    Returns:
        The parsed answer, or ``None`` when the text is not a date or time (the caller then
        asks again). Past moments are returned with ``is_past=True``.

    Raises:
        ValueError: ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs a timezone-aware 'now'")
    normalised = unicodedata.normalize("NFKC", text).strip().lower().replace("’", "'")
    if not normalised or len(normalised) > _MAX_LENGTH:
        return None
    parts = _scan(normalised)
    if parts is None:
        return None
    if parts.date is None and parts.weekday is not None:
        parts.date, parts.weekday = _weekday(parts.weekday, None), None
    if parts.date is None and parts.part is None and parts.clock is None and not parts.asap:
        return None
    today = now.date()
    day = parts.date(today) if parts.date is not None else None
    if parts.date is not None and day is None:
        return None  # "2月30日"
    if day is not None and parts.weekday is not None and day.weekday() != parts.weekday:
        return None  # "12月3日周五", but 3 December is a Thursday

    if parts.asap and parts.clock is None and parts.part is None and day in (None, today):
        return ParsedWhen(WhenKind.ASAP, today, None, None, day is not None, False, None)

    if parts.clock is not None:
        resolved = _hour_of_day(parts.clock, parts.part)
        if resolved is None or not 0 <= parts.clock.minute <= 59:
            return None
        hour, part = resolved
        time = dt.time(hour, parts.clock.minute)
        if day is None:
            day = today if _at(today, time, now) > now else today + dt.timedelta(days=1)
            explicit = False
        else:
            explicit = True
        starts_at = _at(day, time, now)
        return ParsedWhen(WhenKind.AT, day, time, part, explicit, starts_at < now, starts_at)

    if parts.part is not None:
        explicit = day is not None
        if day is None:
            over = _part_slot(today, parts.part, now) is None
            day = today + dt.timedelta(days=1) if over else today
        slot = _part_slot(day, parts.part, now)
        time = slot or PART_OF_DAY_WINDOWS[parts.part].default
        return ParsedWhen(
            WhenKind.PART_OF_DAY, day, time, parts.part, explicit, slot is None, _at(day, time, now)
        )

    assert day is not None  # a date token was the only meaningful one
    return ParsedWhen(WhenKind.DAY, day, None, None, True, day < today, None)
