"""Homophone typos: 排污正 for 排污证, 危费 for 危废, 环平 for 环评, 应急预按 for 应急预案.

Managers type with a pinyin input method, so a typo is usually another character with the same
sound. Before synonyms are expanded, a window of the question that sounds like a domain term
(same toneless pinyin, one character different) is rewritten to that term. Only one character of
a term may differ, so two real words that merely sound alike (工时 / 公示) are left alone.

Character readings come from ``pinyin.tsv`` (the 6,763 GB 2312 characters, default reading,
made once with pypinyin by running this module: ``python -m knowledge.homophones``), so matching
never imports pypinyin (half a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

__all__ = ["READINGS_FILE", "HomophoneFixer", "readings"]

READINGS_FILE = Path(__file__).parent / "pinyin.tsv"
_LONGEST = 8


@cache
def readings(file: Path = READINGS_FILE) -> dict[str, str]:
    """Character → toneless pinyin, from lines of ``pinyin<TAB>characters``."""
    table: dict[str, str] = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        sound, _, chars = line.partition("\t")
        table.update(dict.fromkeys(chars, sound))
    return table


class HomophoneFixer:
    """Rewrites sound-alike misspellings of known terms to the terms.

    Args:
        terms: the Chinese terms worth correcting to (domain terms and entry keywords).
        sounds: character readings; default: ``pinyin.tsv``.
    """

    def __init__(self, terms: Iterable[str], sounds: dict[str, str] | None = None) -> None:
        self.sounds = sounds if sounds is not None else readings()
        self.terms = frozenset(t for t in terms if 2 <= len(t) <= _LONGEST)
        by_sound: dict[tuple[str, ...], str | None] = {}
        for term in sorted(self.terms):
            if (key := self._key(term)) is not None:
                # Two terms that sound the same: a typo could mean either, so correct to neither.
                by_sound[key] = term if by_sound.get(key, term) == term else None
        self.by_sound = {key: term for key, term in by_sound.items() if term is not None}
        # Term lengths by the sound of their first two characters, longest first: most positions
        # of a text start no term at all and cost one dictionary probe. Every term counts, so a
        # correctly spelled term is never broken by a correction inside it.
        lengths: dict[tuple[str, ...], set[int]] = {}
        for key in by_sound:
            lengths.setdefault(key[:2], set()).add(len(key))
        self._lengths = {start: sorted(ls, reverse=True) for start, ls in lengths.items()}

    def _key(self, text: str) -> tuple[str, ...] | None:
        key = tuple(self.sounds.get(ch, "") for ch in text)
        return None if "" in key else key

    def fix(self, text: str) -> str:
        """Replace homophone misspellings of known terms in an already normalised text."""
        sounds = [self.sounds.get(ch, "") for ch in text]
        out: list[str] = []
        i, size = 0, len(text)
        while i < size:
            replaced = self._fix_at(text, sounds, i)
            if replaced is None:
                out.append(text[i])
                i += 1
            else:
                out.append(replaced[0])
                i += replaced[1]
        return "".join(out)

    def _fix_at(self, text: str, sounds: list[str], i: int) -> tuple[str, int] | None:
        """The term spelled (or misspelled) at ``i`` and its length, longest first."""
        for length in self._lengths.get(tuple(sounds[i : i + 2]), ()):
            window = text[i : i + length]
            if len(window) < length:
                continue
            if window in self.terms:
                return window, length
            term = self.by_sound.get(tuple(sounds[i : i + length]))
            if term is not None and sum(a != b for a, b in zip(term, window, strict=True)) == 1:
                return term, length
        return None


def _write_readings(file: Path = READINGS_FILE) -> None:  # pragma: no cover - one-off generator
    from pypinyin import Style, pinyin

    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    by_sound: dict[str, list[str]] = {}
    for ch in chars:
        sound = pinyin(ch, style=Style.NORMAL, heteronym=False)[0][0]
        if sound.isascii() and sound.isalpha():
            by_sound.setdefault(sound, []).append(ch)
    lines = [f"{sound}\t{''.join(group)}" for sound, group in sorted(by_sound.items())]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    _write_readings()
