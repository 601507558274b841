"""The domain synonym and abbreviation table (data in ``synonyms.yaml``) and its expansion.

Expansion rewrites every known variant to its canonical term in one left-to-right pass, longest
variant first, so 危废 becomes 危险废物 and "hazardous waste" becomes 危险废物 as well. Canonical
terms are variants of themselves: 厂界 stays 厂界 instead of being eaten by the shorter 厂 → 企业.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

from knowledge.errors import InvalidEntry
from knowledge.loader import read_yaml
from knowledge.normaliser import normalise

__all__ = ["SYNONYMS_FILE", "SynonymTable", "load_synonyms"]

SYNONYMS_FILE = Path(__file__).parent / "synonyms.yaml"


_ASCII_WORD = re.compile(r"^[a-z0-9 ./-]+$")


class SynonymTable:
    """Maps each normalised variant to its canonical term.

    Attributes:
        canonical: variant → canonical term, both normalised.
        domain: the canonical terms that show a question is about environmental compliance
            (the ``domain`` section), as opposed to everyday words (罚款, 企业, 多长时间).
    """

    def __init__(self, canonical: Mapping[str, str], domain: frozenset[str] = frozenset()) -> None:
        self.canonical = dict(canonical)
        self.domain = domain
        self.terms = frozenset(self.canonical.values())
        # Variants by their first two characters, longest first: a few probes per position
        # instead of a regular expression with hundreds of alternatives (ten times slower).
        by_prefix: dict[str, list[str]] = {}
        for variant in sorted(self.canonical, key=len, reverse=True):
            by_prefix.setdefault(variant[:2], []).append(variant)
        self._by_prefix = {prefix: tuple(variants) for prefix, variants in by_prefix.items()}

    def _matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield (start, end, canonical) for each variant found, left to right, longest first."""
        i, size = 0, len(text)
        word = [c.isascii() and c.isalnum() for c in text]
        while i < size:
            if i and word[i - 1] and word[i]:
                i += 1  # inside an English word: nothing can start here
                continue
            candidates = self._by_prefix.get(text[i : i + 2], ()) + self._by_prefix.get(text[i], ())
            for variant in candidates:
                if text.startswith(variant, i) and (end := _end_of_match(text, i, variant)):
                    yield i, end, self.canonical[variant]
                    i = end
                    break
            else:
                i += 1

    def expand(self, text: str) -> str:
        """Replace every variant in an already normalised text by its canonical term."""
        parts: list[str] = []
        last = 0
        for start, end, term in self._matches(text):
            parts += (text[last:start], term)
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def found(self, text: str) -> list[str]:
        """Canonical terms that an already normalised text mentions, in order of appearance."""
        return [term for _, _, term in self._matches(text)]


def _is_word_char(text: str, position: int) -> bool:
    return 0 <= position < len(text) and text[position].isascii() and text[position].isalnum()


def _end_of_match(text: str, start: int, variant: str) -> int:
    """Where a variant found at ``start`` ends, or 0 when it is only part of a word.

    English variants match whole words ("hw" not inside "show"), plurals included ("incidents");
    Chinese ones match anywhere.
    """
    end = start + len(variant)
    if not _ASCII_WORD.match(variant):
        return end
    if _is_word_char(text, start - 1):
        return 0
    for plural in ("es", "s", ""):
        if text.startswith(plural, end) and not _is_word_char(text, end + len(plural)):
            return end + len(plural)
    return 0


def build_table(
    domain: Mapping[str, Iterable[str]], everyday: Mapping[str, Iterable[str]] | None = None
) -> SynonymTable:
    """Build a table from ``{canonical: [variants]}`` sections, normalising both sides."""
    canonical: dict[str, str] = {}
    for groups in (everyday or {}, domain):
        for term, variants in groups.items():
            key = normalise(term)
            for variant in (term, *variants):
                canonical[normalise(str(variant))] = key
    canonical.pop("", None)
    return SynonymTable(canonical, frozenset(normalise(term) for term in domain))


@cache
def load_synonyms(file: Path = SYNONYMS_FILE) -> SynonymTable:
    """Load the synonym table.

    Raises:
        InvalidEntry: when the file is not a mapping of terms to lists of variants.
    """
    data = read_yaml(file)
    if not isinstance(data, dict) or set(data) != {"domain", "everyday"}:
        raise InvalidEntry(file, None, None, "must have two sections: domain and everyday")
    for section, groups in data.items():
        if not isinstance(groups, dict):
            raise InvalidEntry(file, None, section, "must map each term to a list of variants")
        for term, variants in groups.items():
            if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
                raise InvalidEntry(file, None, f"{section}.{term}", "variants must be texts")
    return build_table(data["domain"], data["everyday"])
