"""What kind of fact a question asks for, and whether an answer states a fact of that kind.

A question that asks "how long / how often" or "how much does it cost" is only answered by an
entry whose answer states a time or an amount of money. An entry that shares the question's other
words (油烟净化器, 排污证) but says nothing of the kind would be a confident wrong answer
(油烟净化器多久清洗一次 → the cooking-fume emission limits), so the matcher offers it as a choice
instead. The checks run on normalised, synonym-expanded text (多久 → 多长时间, 费用 → 收费).
"""

from __future__ import annotations

import re

__all__ = ["missing_answer_type"]

# Questions about a duration, a deadline or a frequency.
_ASKS_TIME = re.compile(
    r"多长时间|how often|隔多|(?<!几)几年(?!版)|多少年|几次|多少次|频次|频率|周期"
)
# Answers stating one: "60日", "5个工作日", "3个月", "每年", "按日", "1次/日", "12 months".
# (A date is no duration: the year, month and day of 2022年1月1日 state no time limit.)
_STATES_TIME = re.compile(
    r"(?<![\d年月.])(?:\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十百半]+)\s*(?:个)?"
    r"(?:工作日|日|天|年|月|周|小时|分钟|学时)(?!\d)"
    r"|[每按](?:年|月|季|日|天|周|批|次)|次/|立即|随时|及时"
    r"|\b(?:\d+|one|two|three|five|six|ten|twelve)\s*(?:working )?"
    r"(?:days?|weeks?|months?|years?|hours?)\b"
)
# Questions about a price or a fee (fines are asked as 罚款 and answered in 元 anyway).
_ASKS_COST = re.compile(
    r"多少钱|花多少|价格|价钱|报价|收费|付钱|付费|交钱|收钱|要钱|\bcosts?\b|\bprices?\b|\bfees?\b"
    r"|how much does"
)
_STATES_COST = re.compile(r"元|收费|费用|不收|免费|免征|税额|\bfees?\b|\bfree\b|rmb|yuan")
# Questions about public money (subsidies, grants, rewards), answered only by an entry naming some.
_ASKS_SUBSIDY = re.compile(r"补贴|补助|奖补|奖励|扶持资金|专项资金|subsid|grant")
_STATES_SUBSIDY = re.compile(r"补贴|补助|奖补|奖励|资金|subsid|grant")
# Questions about the sanction for a breach, answered only by an entry stating one (a fine, an
# order to stop, detention): 篡改监测数据罚多少 is not answered by who the responsible persons are.
_ASKS_PENALTY = re.compile(r"罚|处罚|处分|\bfined?\b|\bfines\b|penalt|punish|sanction")
_STATES_PENALTY = re.compile(
    r"罚|拘留|责令|吊销|处分|刑事|\bfined?\b|\bfines\b|penalt|punish|detention|sanction|revok"
)

# Questions about a calendar date (每季度几号之前, 几月份公布; not 第几号公告), answered only by an
# entry naming one.
_ASKS_DATE = re.compile(
    r"(?<!第)几号|几月|哪天|哪一天|什么日子|截止日期|\bwhat date\b|\bwhich (?:day|month)\b"
)
_STATES_DATE = re.compile(
    r"\d+\s*月\s*\d+\s*日|[一二三四五六七八九十]+月[一二三四五六七八九十]+日|\d+月底|月底|月初|年底"
    r"|\d{4}-\d{2}-\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d"
    r"|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)
# Questions about a number of people (专家组要几个人), answered only by an entry counting people.
_ASKS_PEOPLE = re.compile(
    r"几个人|几人|多少人|几名|多少名|how many (?:people|persons|experts|members|staff|workers)"
)
_STATES_PEOPLE = re.compile(
    r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:个)?(?:人|名)|\b\d+ (?:people|persons|experts|members)"
)
# Questions about training hours, answered only by an entry stating hours.
_ASKS_HOURS = re.compile(r"学时|课时|多少小时|几个小时|how many hours")
_STATES_HOURS = re.compile(r"学时|课时|小时|\bhours?\b")
# Questions about a size (标志牌尺寸, how big), answered only by an entry stating dimensions.
_ASKS_SIZE = re.compile(r"尺寸|多大|多宽|规格|大小|\bsize\b|\bdimensions?\b|how (?:big|large|wide)")
_STATES_SIZE = re.compile(r"mm|cm|km|厘米|毫米|公里|千米|\d\s*米|m²|平方|尺寸|\bsize|\bdimension")

# Questions asking for a phone number or an address (审批科电话多少), answered only by an entry
# giving one: the knowledge base holds rules, not a directory.
_ASKS_CONTACT = re.compile(
    r"电话|手机号|联系方式|热线|地址在哪|办公地址"
    r"|\bphone\b|\bhotline\b|\bcontact (?:number|details)\b|\baddress\b"
)
_STATES_CONTACT = re.compile(r"\d{5,}|电话|热线|地址|\bphone\b|\bhotline\b|\baddress\b")

# Checked in this order; the first kind asked and not stated is the one reported.
_KINDS = (
    ("time", _ASKS_TIME, _STATES_TIME),
    ("cost", _ASKS_COST, _STATES_COST),
    ("subsidy", _ASKS_SUBSIDY, _STATES_SUBSIDY),
    ("penalty", _ASKS_PENALTY, _STATES_PENALTY),
    ("date", _ASKS_DATE, _STATES_DATE),
    ("people", _ASKS_PEOPLE, _STATES_PEOPLE),
    ("hours", _ASKS_HOURS, _STATES_HOURS),
    ("size", _ASKS_SIZE, _STATES_SIZE),
    ("contact", _ASKS_CONTACT, _STATES_CONTACT),
)


def missing_answer_type(question: str, answer: str) -> str | None:
    """The kind of fact a question asks for that an answer does not state, or ``None``.

    Args:
        question: the question, normalised and synonym-expanded.
        answer: the answer text (any language; both are fine).

    >>> missing_answer_type("油烟净化器多长时间清洗一次", "最高允许排放浓度2.0 mg/m³")
    'time'
    >>> missing_answer_type("环评审批多长时间", "报告书60日内作出审批决定") is None
    True
    """
    for kind, asks, states in _KINDS:
        if asks.search(question) and not states.search(answer):
            return kind
    return None
