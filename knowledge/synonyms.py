"""The domain synonym and abbreviation table (data in ``synonyms.yaml``) and its expansion.

Expansion rewrites every known variant to its canonical term in one left-to-right pass, longest
variant first, so 危废 becomes 危险废物 and "hazardous waste" becomes 危险废物 as well. Canonical
terms are variants of themselves: 厂界 stays 厂界 instead of being eaten by the shorter 厂 → 企业.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from knowledge.errors import InvalidEntry
from knowledge.normaliser import normalise

__all__ = ["SYNONYMS_FILE", "SynonymTable", "load_synonyms"]

SYNONYMS_FILE = Path(__file__).parent / "synonyms.yaml"
_ASCII_WORD = re.compile(r"^[a-z0-9 ./-]+$")


@dataclass(frozen=True, slots=True)
class SynonymTable:
    """Maps each normalised variant to its canonical term."""

    canonical: Mapping[str, str]

    @property
    def terms(self) -> frozenset[str]:
        """The canonical terms: the domain vocabulary."""
        return frozenset(self.canonical.values())

    @property
    def _pattern(self) -> re.Pattern[str]:
        return _compile(tuple(sorted(self.canonical, key=len, reverse=True)))

    def expand(self, text: str) -> str:
        """Replace every variant in an already normalised text by its canonical term."""
        return self._pattern.sub(lambda m: self.canonical[m.group(0)], text)

    def found(self, text: str) -> list[str]:
        """Canonical terms that an already normalised text mentions, in order of appearance."""
        return [self.canonical[m.group(0)] for m in self._pattern.finditer(text)]


@cache
def _compile(variants: tuple[str, ...]) -> re.Pattern[str]:
    # English variants must match whole words ("hw" not inside "show"); Chinese ones anywhere.
    parts = [
        rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])" if _ASCII_WORD.match(v) else re.escape(v)
        for v in variants
    ]
    return re.compile("|".join(parts))


def build_table(groups: Mapping[str, Iterable[str]]) -> SynonymTable:
    """Build a table from ``{canonical: [variants]}``, normalising both sides."""
    canonical: dict[str, str] = {}
    for term, variants in groups.items():
        key = normalise(term)
        for variant in (term, *variants):
            canonical[normalise(str(variant))] = key
    canonical.pop("", None)
    return SynonymTable(canonical)


@cache
def load_synonyms(file: Path = SYNONYMS_FILE) -> SynonymTable:
    """Load the synonym table.

    Raises:
        InvalidEntry: when the file is not a mapping of terms to lists of variants.
    """
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise InvalidEntry(file, None, None, "must map each canonical term to a list of variants")
    for term, variants in data.items():
        if not isinstance(variants, list) or not all(isinstance(v, str | int) for v in variants):
            raise InvalidEntry(file, None, str(term), "variants must be a list of texts")
    return build_table(data)
