"""What the Ecological Environment Code means for an answer built on a law it absorbed.

The PRC Ecological Environment Code (生态环境法典) was adopted on 2026-03-12 and has been in force
since 2026-08-15. Ten laws were compiled into it and ceased to exist on their own; entries still
cite them by their former article numbers. Every entry whose basis cites one of them carries the
same note, written once here and added to the answer by the loader, so that the reader always
learns the same thing: the rule was written from the former law, acts from 2026-08-15 on are judged
under the Code, and the article numbers are the former law's.

Laws the Code absorbed, as announced at the NPC press conference of 2026-03-04 (环境保护法,
环境影响评价法, 清洁生产促进法 "等10部法律") and listed in the draft's explanation: the ten below.
The Environmental Protection Tax Law is a tax law and was not absorbed.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["ABSORBED_LAWS", "code_note", "is_absorbed"]

_PREFIX = "中华人民共和国"

# Short Chinese name → English name, in the order the note lists them.
ABSORBED_LAWS: dict[str, str] = {
    "环境保护法": "the Environmental Protection Law",
    "环境影响评价法": "the EIA Law",
    "大气污染防治法": "the Air Pollution Prevention and Control Law",
    "水污染防治法": "the Water Pollution Prevention and Control Law",
    "海洋环境保护法": "the Marine Environment Protection Law",
    "土壤污染防治法": "the Soil Pollution Prevention and Control Law",
    "固体废物污染环境防治法": "the Solid Waste Law",
    "噪声污染防治法": "the Noise Pollution Prevention and Control Law",
    "放射性污染防治法": "the Radioactive Pollution Prevention and Control Law",
    "清洁生产促进法": "the Cleaner Production Promotion Law",
}

_ZH = (
    "法典提示：{laws}已编入《中华人民共和国生态环境法典》（2026-03-12通过，2026-08-15施行），"
    "原单行法不再保留。上文按原法写成；2026-08-15以后发生的行为按法典相应条款认定和处罚，"
    "两者如有不同以法典为准。文中条文号是原法的条文号。"
)
_EN = (
    "About the Ecological Environment Code: {laws} {verb} compiled into the PRC Ecological "
    "Environment Code (adopted 2026-03-12, in force since 2026-08-15) and no longer {stand} on "
    "{its} own. The answer above follows the former law; conduct from 2026-08-15 on is judged and "
    "penalised under the corresponding article of the Code, which prevails where the two differ. "
    "Article numbers shown are the former law's."
)


def _short(title: str) -> str:
    return title.strip().removeprefix(_PREFIX)


def is_absorbed(title: str) -> bool:
    """Whether a cited title names a law the Code absorbed (with or without 中华人民共和国)."""
    return _short(title) in ABSORBED_LAWS


def code_note(titles: Iterable[str]) -> dict[str, str]:
    """The note for an entry citing these titles: ``{"zh": ..., "en": ...}``, else ``{}``."""
    cited = {_short(t) for t in titles}
    laws = [law for law in ABSORBED_LAWS if law in cited]
    if not laws:
        return {}
    english = [ABSORBED_LAWS[law] for law in laws]
    if len(english) > 1:
        english_laws = ", ".join(english[:-1]) + " and " + english[-1]
    else:
        english_laws = english[0]
    plural = len(laws) > 1
    return {
        "zh": _ZH.format(laws="".join(f"《{law}》" for law in laws)),
        "en": _EN.format(
            laws=english_laws[0].upper() + english_laws[1:],
            verb="were" if plural else "was",
            stand="stand" if plural else "stands",
            its="their" if plural else "its",
        ),
    }
