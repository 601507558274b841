"""Requests the bot must not answer: prompt injection, evading supervision, other subjects.

Asking what the penalty for a hidden pipe is, is a compliance question; asking how to discharge
through one without being caught is not. The patterns therefore look for the *intent* (how to …
without being found, ignore your instructions), not for the topic words alone.

Questions on other subjects (weather, shares, recipes, sports, writing code, films, travel) are
never answered when they name no compliance term: a word such as 天气 also belongs to the knowledge
base (重污染天气), so the matcher asks :func:`is_off_topic` only about questions without domain
evidence. Market prices and picking a contractor (what a disposal firm charges, which one is
cheapest) are outside the knowledge base whatever they mention: it holds rules, not price lists.
"""

from __future__ import annotations

import re

__all__ = ["is_off_topic", "is_refused"]

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
            r"偷偷|悄悄|背着\S{0,4}(?:环保|监管|执法|检查)|(?:会|会不会)被\S{0,6}(?:发现|查到|查出)",
            r"(?:怎么|如何|咋|能不能|可不可以|可以|有没有办法|有啥办法)\S{0,8}(?:偷偷|悄悄)",
            r"(?:改|调|篡改|修改|动)\S{0,4}(?:数据|参数|读数)\S{0,6}(?:好看|达标|合格|正常)",
            r"让\S{0,4}(?:数据|读数|结果)\S{0,4}(?:好看|达标|合格)",
            r"(?:躲|逃|规避|逃避|躲避|绕过|绕开|避开)(?:过|开)?\S{0,4}"
            r"(?:检查|监管|监测|执法|核查|环保局|在线)",
            r"(?:怎么|怎样|如何|咋|教我|有没有办法|有啥办法|能不能)\S{0,6}"
            r"(?:偷排|偷倒|偷埋|直排|篡改|造假|伪造|私设暗管)",
            r"without (?:being |getting )?(?:caught|detected|noticed|found)",
            r"avoid (?:being )?(?:caught|detect)",
            r"evade|evading|bypass|circumvent|cheat the|fool the|trick the|falsify|tamper",
            r"\b(?:hide|hiding|conceal|concealing)\b",
            r"(?:don t|do not|won t|will not|doesn t|never) (?:notice|find out|detect|see it)",
            r"fake (?:data|record|reading|report)|secretly|under the radar|get away with|loophole",
            r"get around (?:the )?(?:inspection|inspector|monitor|rule|law|permit)",
        )
    )
)


# Asking what a violation costs, which article forbids it or what counts as one is a compliance
# question, even when it names the violation (falsifying data, evading supervision); asking how
# to do it is not.
_CONSEQUENCE = re.compile(
    r"罚|处罚|算不算|是不是违法|违法吗|是否违法|第几条|哪条|哪一条|什么责任|担责|后果|拘留|坐牢|判刑"
    r"|啥样算|什么样的?算|什么算|哪些算|怎样算|怎么算|属于|是指|指什么|定义|行不行|允许吗|合法吗|违规吗"
    r"|\bwhat counts\b|\bcounts? as\b|\bwhat is considered\b|\bdefinition\b|\bdefined?\b"
    r"|\ballowed\b|\bpermitted\b"
    r"|\b(?:fine|fined|fines|penalty|penalties|punish|illegal|legal|which article)\b"
    r"|\b(?:detention|detained|jail|prison|liable|liability)\b"
)
_HOW = re.compile(
    # "how" asking for a way, not "how many days / how much" of a sanction, nor 怎么罚 (what fine).
    r"(?:怎么|怎样|如何|咋)(?!罚|处罚|处理|判|算)|教我|有没有办法|有啥办法|能不能|可不可以|不被|不让|瞒"
    r"|\bhow\b(?! (?:many|much|long|often))|\bwithout\b|\bways? to\b"
    r"|忽略|无视|ignore|prompt|pretend|instruction"
)


# Other subjects; asked only about questions that name no compliance term (see the docstring).
_OFF_TOPIC = re.compile(
    "|".join(
        (
            r"天气|气温|下雨|下雪|天气预报|穿什么衣服",
            r"股票|股价|大盘|炒股|基金|涨停|跌停|比特币|彩票|汇率|理财",
            r"菜谱|食谱|做菜|炒菜|红烧|怎么做好吃|好吃的|餐厅|饭店|外卖|奶茶",
            r"世界杯|足球|篮球|nba|球赛|比分|奥运|联赛",
            r"代码|编程|程序员|爬虫|python|java|sql|前端|后端|写个?脚本",
            r"电影|电视剧|综艺|小说|笑话|讲个故事|写诗|写首诗|唱歌|游戏|明星",
            r"旅游|景点|机票|火车票|高铁票|酒店|签证",
            r"\b(?:weather|forecast|stocks?|share prices?|bitcoin|crypto)\b",
            r"\b(?:recipes?|cook(?:ing)? (?:a|the|some)|restaurants?|football|soccer|basketball)\b",
            r"\b(?:world cup|olympics?|nba|python|javascript|java|sql|coding|programming)\b",
            r"\bwrite (?:a |me |some )?(?:code|script|function|poem|story|song)\b",
            r"\b(?:movies?|films?|jokes?|novels?|games?|travel|flights?|hotels?|visa)\b",
        )
    )
)
# What a contractor charges or which one to pick: the knowledge base holds rules, not price lists.
_MARKET = re.compile(
    r"(?:处置|处理|清运|检测|监测|编制|代办|咨询)(?:费|费用|价格|价钱|报价)\S{0,8}"
    r"(?:多少钱|多少|几块|贵|便宜|行情)"
    r"|(?:多少钱|什么价|啥价)\S{0,4}(?:一吨|1吨|每吨)"
    r"|(?:公司|机构|单位|第三方|中介)\S{0,2}(?:收费|收多少|要多少钱|报价|价格)"
    r"|\b(?:consultants?|contractors?|compan(?:y|ies)|firms?|agenc(?:y|ies)) (?:charge|cost)"
    r"|哪家\S{0,4}(?:便宜|好|靠谱|专业|正规|最好)|推荐\S{0,4}(?:一家|几家|个|家)\S{0,6}(?:公司|单位|机构)"
    r"|\b(?:disposal|collection|treatment|testing|consulting|consultancy|service)"
    r" (?:costs?|fees?|prices?|charges?|rates?)\b|\b(?:costs?|charges?) (?:per|a) (?:tonne|ton)\b"
    r"|\bcheapest\b|\brecommend (?:a|an|some) (?:\S+ )?(?:company|firm|contractor|supplier)"
)


def is_off_topic(normalised: str, *, domain: bool) -> bool:
    """True when a normalised question is on another subject or asks for market prices.

    Args:
        normalised: the question after normalisation (and synonym expansion).
        domain: whether it names a compliance term (then only market prices count).

    >>> is_off_topic("明天无锡天气怎么样", domain=False)
    True
    >>> is_off_topic("重污染天气要限产吗", domain=True)
    False
    """
    if _MARKET.search(normalised) is not None:
        return True
    return not domain and _OFF_TOPIC.search(normalised) is not None


def is_refused(normalised: str) -> bool:
    """True when a normalised question asks to inject instructions or to evade supervision.

    >>> is_refused("怎么篡改在线数据让它达标"), is_refused("水污法里逃避监管排污是第几条")
    (True, False)
    >>> is_refused("怎么逃避监管排污"), is_refused("啥样算逃避监管排污")
    (True, False)
    """
    if _REFUSED.search(normalised) is None:
        return False
    return not (_CONSEQUENCE.search(normalised) and not _HOW.search(normalised))
