"""Knowledge-base entries: one curated question with its answer and legal basis."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from knowledge.language import Lang, to_traditional

__all__ = ["Citation", "Entry"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CLAUSE = re.compile(r"第([零〇一二两三四五六七八九十百千\d]+)(条|款|项|章|节)")
_ENGLISH_CLAUSE = {
    "条": "Art. {}",
    "款": "para. {}",
    "项": "item {}",
    "章": "Ch. {}",
    "节": "Sec. {}",
}
_VERSION = (
    (re.compile(r"^(\d{4})\s*年?修正$"), "{} amendment"),
    (re.compile(r"^(\d{4})\s*年?修订$"), "{} revision"),
    (re.compile(r"^(\d{4})\s*年?版$"), "{} edition"),
    (re.compile(r"^(\d{4})\s*年?$"), "{}"),
)


def _chinese_number(text: str) -> int:
    """Read a Chinese numeral as written in article numbers (二十二, 一百零五) or Arabic digits."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


def _english_clause(clause: str) -> str:
    parts = [
        _ENGLISH_CLAUSE[m.group(2)].format(_chinese_number(m.group(1)))
        for m in _CLAUSE.finditer(clause)
    ]
    # Only translate clauses made entirely of "第…条/款" parts; anything else (附录A, 表1) stays.
    if parts and _CLAUSE.sub("", clause).strip() == "":
        return ", ".join(parts)
    return clause


def _english_version(version: str) -> str:
    for pattern, template in _VERSION:
        if m := pattern.match(version.strip()):
            return template.format(m.group(1))
    return version


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal basis: a law, regulation or standard, its version and the clause relied on."""

    title: str
    version: str
    clause: str

    def format(self, lang: Lang) -> str:
        """Render the citation for display.

        Chinese: ``《中华人民共和国环境影响评价法》（2018年修正）第二十二条``; English keeps
        the Chinese title (official English titles vary) and translates version and clause:
        ``《中华人民共和国环境影响评价法》 (2018 amendment), Art. 22``.
        """
        if lang == "en":
            text = f"《{self.title}》"
            if self.version:
                text += f" ({_english_version(self.version)})"
            if self.clause:
                text += f", {_english_clause(self.clause)}"
            return text
        text = f"《{self.title}》"
        if self.version:
            text += f"（{self.version}）"
        text += self.clause
        return to_traditional(text) if lang == "zh-hant" else text


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated question: its phrasings, the answer in each language and the legal basis.

    ``questions`` and ``answer`` are keyed by ``"zh"`` and ``"en"``; traditional-character text is
    derived from ``zh`` on demand.
    """

    id: str
    category: str
    subcategory: str
    questions: Mapping[str, tuple[str, ...]] = field(hash=False)
    keywords: tuple[str, ...]
    answer: Mapping[str, str] = field(hash=False)
    basis: tuple[Citation, ...]
    reviewed: date
    tags: tuple[str, ...] = ()
    # Shown after the answer but not matched on: the Ecological Environment Code note
    # (knowledge.codification), keyed like ``answer``.
    notes: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Questions people asked that this entry answers (``data/asked/``, see knowledge.asked),
    # keyed like ``questions``: matched on like the phrasings, never shown.
    asked: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def ways_of_asking(self) -> Iterator[tuple[str, str]]:
        """(language, text) of every phrasing the matcher indexes: the curated ones, then asked."""
        for source in (self.questions, self.asked):
            for lang, texts in source.items():
                for text in texts:
                    yield lang, text

    def answer_for(self, lang: Lang, *, with_notes: bool = True) -> str:
        """The answer in the asker's language (traditional characters converted from ``zh``),
        followed by the entry's notes unless ``with_notes`` is False (see `note_for`)."""
        key = "zh" if lang == "zh-hant" else lang
        text = self.answer[key]
        if with_notes and (note := self.notes.get(key)):
            text = f"{text}\n{note}"
        return to_traditional(text) if lang == "zh-hant" else text

    def note_for(self, lang: Lang) -> str:
        """The entry's notes alone ("" if none): shown once under several entries' answers."""
        note = self.notes.get("zh" if lang == "zh-hant" else lang, "")
        return to_traditional(note) if lang == "zh-hant" else note

    def citation_for(self, lang: Lang) -> str:
        """The legal basis as one line, citations separated by "；" (Chinese) or "; " (English)."""
        separator = "; " if lang == "en" else "；"
        return separator.join(citation.format(lang) for citation in self.basis)

    def title_for(self, lang: Lang) -> str:
        """The entry's first phrasing in that language: the label of a "did you mean" button."""
        if lang == "zh-hant":
            return to_traditional(self.questions["zh"][0])
        return self.questions[lang][0]
