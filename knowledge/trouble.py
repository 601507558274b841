"""Questions that report trouble (a broken plant, an exceedance, a leak, a fire): first steps first.

A manager who writes "污水处理设备坏了，出水超标了怎么办" needs what to do now before anything
else: stop or contain, report, call the mentor. So for such a question the matcher attaches the
emergency first-steps entries (tagged ``emergency``) most relevant to the message, and orders the
answer itself so that the duty and the deadline come before the penalty.
"""

from __future__ import annotations

import re

__all__ = ["penalty_last", "reports_trouble"]

# Run on normalised text (simplified, case-folded); synonym expansion has not run yet, so the
# variants are listed as askers write them.
_TROUBLE = re.compile(
    "|".join(
        (
            r"坏了|坏掉|损坏|故障|出问题|出故障|失灵|不工作|不转了|不运行|停运|停机|停了|跳闸|断电",
            r"超标|超过标准|不达标|泄漏|泄露|渗漏|外泄|漏液|漏油|跑冒滴漏|溢出|溢流|冒出",
            # 漏了 leaks, unless something was left out (漏了一次, 漏了申报: a missed filing).
            r"(?<!忘)漏了(?!\s*(?:一次|几次|两次|交|报|填|申报|登记|记|签|写))",
            # A drum tipped over, a pool cracked, a pipe burst, liquid running off.
            r"桶倒了|打翻|翻倒|洒了|撒了|流了一地|流进|流到|往外渗|外渗|渗出|裂了|开裂|破裂|爆了|爆管",
            r"着火|起火|失火|火灾|爆炸|爆燃|冒黑烟|冒烟|中毒|死鱼|污染事故|环境事故|突发环境事件",
            r"\bbroke|\bbroken|\bbreak ?down|\bfail(?:ed|ure|s)?\b|\bnot working\b|\bstopped\b",
            # "fire safety acceptance", "fire drill": fire as a subject, not a fire burning now.
            r"\bleak|\bspill|\bfire\b(?! ?(?:safety|protection|department|brigade|acceptance"
            r"|inspection|drills?|extinguishers?|hydrants?|code|licen[cs]e|certificate))",
            r"\bon fire\b|\bexplo|\bexceed|\bover the limit\b|\boverflow",
            r"\bout of order\b|\bmalfunction|\bshut ?down\b|\bpoison",
        )
    )
)
# Sentences about sanctions: fines, detention, daily penalties.
# (关闭 and "close" as closing a business, not a valve or a drum: "立即关闭雨水排口切换阀" is the
# first step, not a sanction.)
_PENALTY = re.compile(
    r"罚|拘留|停产整治|责令停产|限制生产|停业|关闭(?!\S{0,4}(?:阀|闸|排口|开关|门|盖))|吊销"
    r"|penalt|\bfine[sd]?\b|detention|detain|\bclosure\b|\bclosed? (?:down|with|by)\b"
    r"|\bordered to close\b|revok|suspen(?:d|sion)",
    re.IGNORECASE,
)
# Sentence ends; "1. " numbering a step is none.
_SENTENCE = re.compile(r"(?<=[。；;])|(?<=[^\d]\. )|\n")
# The cut a clause leaves when its penalty is moved away, and the full stop that closes it.
_CLOSE = {"；": "。", "，": "。", ";": ".", ",": "."}


def reports_trouble(normalised: str) -> bool:
    """Whether a (normalised) message reports something going wrong right now.

    >>> reports_trouble("企业污水处理设备坏了 出水超标了怎么办"), reports_trouble("排污证多久延续")
    (True, False)
    """
    return _TROUBLE.search(normalised) is not None


def penalty_last(answer: str) -> str:
    """The answer with its sentences about penalties moved to the end, the rest kept in order.

    The first line (the short answer) is split the same way, so a short answer that ends with
    the fine keeps its duty first and loses the fine to the end.

    >>> penalty_last("立即报告；不报告可罚2万元。\\n如实记录。")
    '立即报告。\\n如实记录。\\n不报告可罚2万元。'
    >>> penalty_last("Report it at once; failing to report is fined RMB 20,000.")
    'Report it at once.\\nFailing to report is fined RMB 20,000.'
    """
    lines = answer.split("\n")
    kept: list[str] = []
    moved: list[str] = []
    for line in lines:
        parts = [p for p in _SENTENCE.split(line) if p.strip()]
        stays = [p for p in parts if not _PENALTY.search(p)]
        moved += [_as_sentence_start(p.strip()) for p in parts if _PENALTY.search(p)]
        if stays:
            line = "".join(stays).strip()
            # A line cut before its penalty ends on the cut: close it as a sentence.
            if moved and line[-1:] in _CLOSE:
                line = line[:-1] + _CLOSE[line[-1]]
            kept.append(line)
    return "\n".join(kept + moved)


def _as_sentence_start(part: str) -> str:
    """A clause moved out of its sentence starts one of its own ("failing to…" → "Failing…")."""
    return part[:1].upper() + part[1:] if part[:1].isascii() else part
