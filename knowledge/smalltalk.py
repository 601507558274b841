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

__all__ = ["is_smalltalk"]

_PHRASES = (
    # Chinese: greetings, thanks, goodbyes, who/what are you (你, 您, or 你们 for the team behind
    # the bot), what can you do, acknowledgements.
    r"你好|您好|大家好|哈喽|哈啰|哈罗|嗨|在吗|在不在|有人吗|有人在吗|请问|早上好|上午好|中午好|下午好|晚上好",
    r"早安|晚安|早|午安",
    r"谢谢|多谢|感谢|谢了|辛苦了|辛苦|麻烦了|好的|好滴|好哒|好嘞|好吧|好|收到|明白了|明白|知道了",
    r"懂了|了解了|了解|清楚了|行吧|行|可以了|可以|没问题|ok|嗯+|哦+|噢+|哈+|呵+|嘿+|嘻+",
    r"你的|您的|解答|回复|回答|帮助|帮了大忙|帮大忙|帮忙|指导|支持|啦",
    r"再见|拜拜|拜|回头见|明天见|下次见|下次再聊|回聊|再会|先这样|就这样",
    # "是谁做的" before "是谁": the first alternative that matches wins, not the longest.
    r"(?:你们|你|您)是谁(?:开发|做|制作)的|(?:你们|你|您)(?:是谁|叫什么名字|叫什么|叫啥名字|叫啥|的名字)"
    r"|谁(?:开发|做|制作|创造)的(?:你们|你|您)|(?:你们|你|您)是(?:不是)?(?:机器人|真人|人工智能|人工|人|ai|bot|客服"
    r"|chatgpt|gpt|deepseek|豆包|文心一言|通义千问|大模型)"
    r"(?:还是(?:机器人|真人|人工智能|人工|人|ai|bot))?",
    r"(?:你们|你)?(?:真|好|太|很|非常|挺)?(?:厉害|聪明|牛|专业|靠谱|有用)(?:了)?|真棒|很棒|太棒了|棒|赞"
    r"|太好了|不错|挺好",
    # "Can you speak Wuxi dialect / English?": about the bot, not a compliance question.
    r"(?:你们|你)(?:会|能)(?:说|讲|听懂)(?:[\u4e00-\u9fff]{1,4}话|英语|英文|中文|普通话)",
    r"(?:你们|你)(?:能|会|可以)(?:做|干|帮我做|帮我干|帮)?(?:什么|啥|些什么|哪些)(?:事)?",
    r"(?:你们|你)有什么用|怎么用(?:你们|你)|这是什么|这个机器人是干什么的|机器人|小助手|助手|老师|您|你们|你",
    # English.
    r"\bhi\b|\bhello\b|\bhey\b|\bgood (?:morning|afternoon|evening|night|day)\b|\bthank you\b",
    r"\bthanks?\b|\bty\b|\bthx\b|\bcheers\b|\bbye\b|\bgoodbye\b|\bok(?:ay)?\b|\bgot it\b",
    r"\bgreat\b|\bnice\b|\bcool\b|\bperfect\b|\bawesome\b|\bunderstood\b|\bnoted\b",
    r"\bgood job\b|\bwell done\b|\bnice (?:one|work)\b|\byou(?:'re| are) (?:great|smart|helpful)\b",
    r"\bdo you speak (?:chinese|english|mandarin)\b",
    r"\bsee (?:you|ya)(?: later| tomorrow| soon)?\b|\btake care\b|\blater\b|\bhaha+\b|\blol\b",
    r"\bwho are you\b|\bwhat are you\b|\bwhat(?: i|\W)?s your name\b|\bwhat is your name\b",
    r"\bwho (?:made|built|created|developed|wrote|runs|owns) (?:you|this(?: bot| thing| app)?)\b",
    r"\b(?:that|this|it) (?:helps?|helped)\b|\b(?:very |really |so )?helpful\b",
    r"\bare you (?:a |an )?(?:bot|robot|human|person|real|ai|chatgpt|gpt)\b",
    r"\bwhat can you do\b|\bwhat do you do\b|\bhow can you help(?: me)?\b|\bhow are you\b",
    r"\b(?:is )?any ?(?:one|body) (?:there|here)\b|\bfor (?:your|the) help\b",
    r"\bso much\b|\bvery much\b|\ba lot\b|\bthere\b|\bbot\b|\bmate\b|\bagain\b|\byou\b",
    r"\bsir\b|\bmadam\b|\bteam\b",
    # The rest of "are you a real person or a bot".
    r"\bor\b|\b(?:a |an )?(?:real )?(?:person|human|robot|ai)\b|\breal\b|\ban?\b|\bthe\b",
)
_SMALLTALK = re.compile("|".join(_PHRASES))
_WORDS = re.compile(r"[^\W_]")
_LEFTOVER = re.compile(r"[\W_]+|[吗呢啊呀吧嘛哈啦哦喔噢了]")


def is_smalltalk(text: str) -> bool:
    """Whether a message is only a greeting, thanks, goodbye or a question about the bot.

    >>> is_smalltalk("你是机器人吗？"), is_smalltalk("Thanks!"), is_smalltalk("你好 排污证多久延续")
    (True, True, False)
    """
    folded = unicodedata.normalize("NFKC", to_simplified(text)).casefold().strip()
    if not _WORDS.search(folded):
        # Only emoji (👍, 🙏) is a reaction; only punctuation ("？？？") is not even that.
        return any(unicodedata.category(char) == "So" for char in folded)
    if not folded or not _SMALLTALK.search(folded):
        return False
    return not _LEFTOVER.sub("", _SMALLTALK.sub("", folded))
