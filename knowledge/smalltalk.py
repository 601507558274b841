"""Small talk: greetings, thanks and "who are you", told apart from compliance questions.

A message is small talk when nothing is left of it once the greeting, thanks or identity
question, the particles and the punctuation are taken away: "你好" and "谢谢老师！" are small
talk, "你好，排污证多久延续" is a question with a greeting in front. The matcher answers small talk
with the status ``smalltalk``; the bot replies with a short introduction in the asker's language
and does not log it as a compliance question nobody could answer.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.language import to_simplified

__all__ = ["is_chit_chat", "is_smalltalk"]

# Python's alternation takes the first alternative that matches, not the longest, so the lists
# run from long, specific phrases to the one-character catch-alls at the end of each language
# ("好用" must not lose "好" to "好" and leave "用"), and English comes first: its words are
# marked off by \b once Latin and Chinese are spaced apart ("hello小助手").
_ENGLISH = (
    r"\bhow does (?:this|it) work\b|\bwhat are you for\b"
    r"|\bhow do i use (?:this|you)(?: bot| thing| app)?\b"
    r"|\bis this (?:a bot|chatgpt|gpt|automated|an? ai|a real person|a person)\b"
    r"|\br u (?:a |an )?(?:real )?(?:person|human|bot|robot|ai)\b",
    r"\bwho are you\b|\bwhat are you\b|\bwhat(?: i|\W)?s your name\b|\bwhat is your name\b",
    r"\bwho (?:made|built|created|developed|wrote|runs|owns) (?:you|this(?: bot| thing| app)?)\b",
    r"\bare you (?:a |an )?(?:bot|robot|human|person|real|ai|chatgpt|gpt)\b",
    r"\bwhat can you do\b|\bwhat do you do\b|\bhow can you help(?: me)?\b"
    r"|\bhow are you(?: doing)?\b",
    r"\bwhat(?:'s|s| is) up\b|\bsup\b|\bhow(?:'s|s| is) it going\b",
    r"\bdo you speak (?:chinese|english|mandarin)\b",
    r"\b(?:great|good) job\b|\bwell done\b|\bnice (?:one|work)\b"
    r"|\byou(?:'re| are) (?:great|smart|helpful)\b",
    r"\b(?:that|this|it) (?:helps?|helped)\b|\b(?:very |really |so )?helpful\b",
    r"\bthank (?:you+|u+)\b|\bmany thanks\b|\bappreciate (?:it|that|you)\b"
    r"|\b(?:much )?appreciated\b"
    r"|\bthanks?\b|\bthnx\b|\bthanx\b|\bty\b|\btysm\b|\bthx\b|\bcheers\b",
    r"\bfor (?:your|the) (?:help|patience|time)\b|\bso much\b|\bvery much\b|\ba lot\b",
    r"\bbye for now\b|\bcatch you later\b|\btalk (?:to you )?later\b|\bttyl\b|\bgott?a go\b"
    r"|\bgot to go\b|\bgoodbye\b|\bbye\b|\bfor now\b",
    r"\bsee (?:you|ya)(?: later| tomorrow| soon)?\b|\btake care\b|\blater\b|\bhaha+\b|\blol\b",
    r"\bsounds good\b|\broger(?: that)?\b|\bgot it\b|\balright\b|\ball right\b|\bok(?:ay)?\b|\bk\b"
    r"|\bfine\b|\bgreat\b|\bnice\b|\bcool\b|\bperfect\b|\bawesome\b|\bunderstood\b|\bnoted\b",
    r"\b(?:is )?any ?(?:one|body) (?:there|here)\b",
    r"\bhi+\b|\bhell?o+\b|\bhey+\b|\byo\b|\bhowdy\b|\bgreetings\b"
    r"|\b(?:good )?(?:morning|afternoon|evening|night|day)\b",
    # The rest of "are you a real person or a bot", and forms of address.
    r"\bor\b|\b(?:a |an )?(?:real )?(?:person|human|robot|ai)\b|\breal\b|\ban?\b|\bthe\b",
    r"\bthere\b|\bbot\b|\bmate\b|\bagain\b|\byou\b|\bsir\b|\bmadam\b|\bteam\b",
)
_CHINESE = (
    # Who or what the bot is (你, 您, or 你们 for the team behind it), what it can do. "是谁做的"
    # before "是谁".
    r"(?:你们|你|您|这个机器人|这个|机器人)是谁(?:开发|做|制作|搞)的"
    r"|(?:你们|你|您)(?:是谁|叫什么名字|叫什么|叫啥名字|叫啥|的名字)"
    r"|谁(?:开发|做|制作|创造)的(?:你们|你|您|这个机器人)"
    r"|(?:你们|你|您)是(?:不是)? ?(?:机器人|真人|人工智能|人工|人|ai|bot|客服"
    r"|chatgpt|gpt|deepseek|豆包|文心一言|通义千问|大模型)"
    r" ?(?:还是 ?(?:机器人|真人|人工智能|人工|人|ai|bot))?",
    # "Can you speak Wuxi dialect / English?": about the bot, not a compliance question.
    r"(?:你们|你)(?:会|能)(?:说|讲|听懂)(?:[\u4e00-\u9fff]{1,4}话|英语|英文|中文|普通话)",
    r"(?:你们|你)都?(?:能|会|可以)(?:帮我)?(?:做|干|帮)?(?:什么|啥|嘛|些什么|哪些)(?:事)?",
    r"(?:你们|你|这个|这)?(?:是)?(?:有什么用|干嘛用的|干什么用的|是干嘛的|是干什么的|干嘛的)"
    r"|(?:该)?怎么(?:使)?用(?:你们|你|这个)?|这是什么|这个机器人|你有名字吗|有名字吗"
    r"|(?:你们|你)是哪(?:家|个)(?:公司|单位)的|(?:这是)?自动回复吗?|(?:背后)?是真人在回吗?",
    # How-are-you chat.
    r"最近好吗|最近怎么样|最近咋样|今天怎么样|你好吗|吃了吗|吃了没|吃饭了吗|吃饭了没|忙不忙|在忙吗|忙吗"
    r"|累不累",
    # Greetings.
    r"你好|您好|大家好|哈喽|哈啰|哈罗|在吗|在不在|有人吗|有人在吗|请问|早上好|上午好|中午好|下午好|晚上好",
    r"早安|晚安|午安|新年好|过年好|节日快乐|新年快乐|中秋快乐|周末愉快|周末快乐|假期愉快",
    # Thanks, with its intensifiers.
    r"(?:太|非常|十分|万分|真|真是|超级?)?(?:感谢|谢谢)|多谢|谢了|谢啦|感恩|3q|xiexie",
    r"辛苦了|辛苦|麻烦了|麻烦|(?:先)?不打扰了|打扰了|打扰|耐心|解答|回复|回答|帮助|帮了大忙|帮大忙|帮忙"
    r"|指导|支持|你的|您的",
    # Compliments.
    r"(?:你们|你)?(?:真|好|太|很|非常|挺)?(?:厉害|聪明|牛|专业|靠谱|有用|好用|方便)(?:了|的)?|真棒|很棒|太棒了"
    r"|棒|赞|太好了|不错|挺好|6{3,}",
    # Acknowledgements.
    r"好的|好滴|好哒|好嘞|好吧|收到|明白了|明白|知道了|原来如此|原来是这样|(?:了解)+了?|懂了|清楚了",
    r"行吧|可以了|没问题|嗯+|哦+|噢+|哈+|呵+|嘿+|嘻+",
    # Goodbyes.
    r"再见|拜拜|掰掰|拜了个拜|88+6?|回头见|明天见|下次见|下次再聊|下次再问|改天再聊|回聊|再会",
    r"(?:那)?先这样|就这样|我先去忙了|先去忙了|我先忙了|先忙了|去忙了",
    # One-character catch-alls, last.
    r"嗨|早|好|行|可以|拜|啦|机器人|小助手|助手|老师|师傅|老板|亲|您|你们|你|这个",
)
_PHRASES = _ENGLISH + _CHINESE
_SMALLTALK = re.compile("|".join(_PHRASES))
_WORDS = re.compile(r"[^\W_]")
_SCRIPT_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[a-z0-9])")
_LEFTOVER = re.compile(r"[\W_]+|[吗呢啊呀吧嘛哈啦哦喔噢了的]")


def _fold(text: str) -> str:
    """Simplified, NFKC, case-folded, trimmed, and English spaced off Chinese ("hello小助手" ->
    "hello 小助手") so that the patterns' \\b holds."""
    folded = unicodedata.normalize("NFKC", to_simplified(text)).casefold().strip()
    return _SCRIPT_BOUNDARY.sub(" ", folded)


def is_smalltalk(text: str) -> bool:
    """Whether a message is only a greeting, thanks, goodbye or a question about the bot.

    >>> is_smalltalk("你是机器人吗？"), is_smalltalk("Thanks!"), is_smalltalk("你好 排污证多久延续")
    (True, True, False)
    """
    folded = _fold(text)
    if not _WORDS.search(folded):
        # Only emoji (👍, 🙏) is a reaction; only punctuation ("？？？") is not even that.
        return any(unicodedata.category(char) == "So" for char in folded)
    if not folded or not _SMALLTALK.search(folded):
        return False
    return not _LEFTOVER.sub("", _SMALLTALK.sub("", folded))


# What makes a message a question, and what makes it about the bot itself.
_QUESTION = re.compile(
    r"[?？]|什么|啥|怎么|咋|如何|哪|几|多少|多久|多长|吗|么|能不能|可不可以|要不要|是否|是不是|有没有|行不行"
    r"|\b(?:what|how|when|where|which|why|who|can|could|should|do|does|did|is|are|will|would|must)\b"
)
_ABOUT_THE_BOT = re.compile(
    r"你们|你|您|机器人|小助手|助手|这个号|这个账号|这个群|\b(?:you|u|r u|this bot|bot)\b"
)
# A request for something to be done (a visit, a person, help) is never chat, even without a
# compliance term: it must reach the log and the people who can act on it.
_REQUEST = re.compile(
    r"约|安排|来厂|上门|走访|联系|帮我|帮忙|找个人|人工|客服|导师|顾问"
    r"|\b(?:visit|book|schedule|mentor|consultant|help me|contact|call me|human agent)\b"
)
_CHIT_CHAT_LENGTH = 30


def is_chit_chat(text: str) -> bool:
    """Whether a short message reads as chat rather than a question: it asks nothing, or it asks
    about the bot itself ("今天好热啊", "终于周五了", "这个号是谁在管", "who r u").

    Only the matcher can tell that such a message names no compliance term; it calls this for
    messages that do not, so "今天排污许可证到期了" is never chat however it is phrased.

    >>> is_chit_chat("今天好热啊"), is_chit_chat("你都会些啥"), is_chit_chat("厂要搬家 办啥手续")
    (True, True, False)
    """
    folded = _fold(text)
    if not folded or len(folded) > _CHIT_CHAT_LENGTH or _REQUEST.search(folded):
        return False
    return _QUESTION.search(folded) is None or _ABOUT_THE_BOT.search(folded) is not None
