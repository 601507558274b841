"""Requests the bot must refuse whatever they mention: prompt injection and evading supervision.

Asking what the penalty for a hidden pipe is, is a compliance question; asking how to discharge
through one without being caught is not. The patterns therefore look for the *intent* (how to …
without being found, ignore your instructions), not for the topic words alone.
"""

from __future__ import annotations

import re

__all__ = ["is_refused"]

# Run on normalised text (simplified, case-folded, punctuation as spaces).
_REFUSED = re.compile(
    "|".join(
        (
            # prompt injection / role play
            r"ignore (?:all |any |your |the |my )?(?:previous |prior |above |earlier )?"
            r"(?:instruction|rule|prompt|guideline)",
            r"(?:disregard|forget) (?:all |your |the |previous )+(?:instruction|rule|prompt)",
            r"system prompt|jailbreak|developer mode|\bdan\b|do anything now",
            r"(?:忽略|无视|忘掉|忘记)(?:掉)?(?:之前|以上|上面|前面|你的|所有)|越狱|不受任何限制|没有任何限制|扮演|角色扮演",
            r"你现在是|从现在起你是|开发者模式|提示词|系统指令|假装你是|新的指令|没有限制的",
            r"pretend (?:you are|to be)|act as (?:a|an|if)|you are now|role ?play|override",
            # evading supervision
            r"不被\S{0,6}(?:发现|查到|查出|抓|逮|察觉|检查|监测)|不让\S{0,6}(?:知道|发现|查到|看出)",
            r"瞒过|瞒着|蒙混|糊弄|作弊|做手脚|动手脚|查不到|查不出|发现不了|钻空子|混过去|蒙过去",
            r"(?:怎么|如何|咋|能不能|可不可以|可以|有没有办法|有啥办法)\S{0,8}(?:偷偷|悄悄)",
            r"(?:改|调|篡改|修改|动)\S{0,4}(?:数据|参数|读数)\S{0,6}(?:好看|达标|合格|正常)",
            r"让\S{0,4}(?:数据|读数|结果)\S{0,2}(?:好看|达标|合格)",
            r"(?:躲|逃|规避|逃避|躲避|绕过|绕开|避开)(?:过|开)?\S{0,4}"
            r"(?:检查|监管|监测|执法|核查|环保局|在线)",
            r"(?:怎么|怎样|如何|咋|教我|有没有办法|有啥办法|能不能)\S{0,6}"
            r"(?:偷排|偷倒|偷埋|直排|篡改|造假|伪造|私设暗管)",
            r"without (?:being |getting )?(?:caught|detected|noticed|found)",
            r"avoid (?:being )?(?:caught|detect)",
            r"evade|evading|bypass|circumvent|cheat the|fool the|trick the|falsify|tamper",
            r"(?:don t|do not|won t|will not|doesn t|never) (?:notice|find out|detect|see it)",
            r"fake (?:data|record|reading|report)|secretly|under the radar|get away with|loophole",
            r"get around (?:the )?(?:inspection|inspector|monitor|rule|law|permit)",
        )
    )
)


# Asking what a violation costs or which article forbids it is a compliance question, even when it
# names the violation (falsifying data, evading supervision); asking how to do it is not.
_CONSEQUENCE = re.compile(
    r"罚|处罚|算不算|是不是违法|违法吗|是否违法|第几条|哪条|哪一条|什么责任|后果"
    r"|\b(?:fine|fined|fines|penalty|penalties|punish|illegal|legal|which article)\b"
)
_HOW = re.compile(
    r"怎么|怎样|如何|咋|教我|有没有办法|有啥办法|能不能|可不可以|不被|不让|瞒"
    r"|\bhow\b|\bwithout\b|\bways? to\b|忽略|无视|ignore|prompt|pretend|instruction"
)


def is_refused(normalised: str) -> bool:
    """True when a normalised question asks to inject instructions or to evade supervision.

    >>> is_refused("怎么篡改在线数据让它达标"), is_refused("水污法里逃避监管排污是第几条")
    (True, False)
    """
    if _REFUSED.search(normalised) is None:
        return False
    return not (_CONSEQUENCE.search(normalised) and not _HOW.search(normalised))
