"""Questions people asked, each linked to the entry that answers it: ways of asking, never shown.

An entry's curated ``questions:`` are what its authors thought of; managers ask otherwise (short,
with typos, in English with Chinese terms, with the situation first). The training questions of
the evaluation pool (``knowledge/eval/pool/train.yaml``) and ``shared/eval/dev.yaml`` are such
questions, each labelled with the entry that answers it. Indexed like curated phrasings
(`Entry.ways_of_asking`), they teach the matcher how people ask; they are never shown (a "did you
mean" button shows the entry's first curated question). knowledge/README.md has the measurements.

``data/asked/*.yaml`` maps an entry id to its asked questions by language (``zh`` holds simplified
and traditional, ``en`` English). The file is written by this module's command, from training sets
only (never the held-out half, whose questions must stay unseen), and read by the loader::

    python -m knowledge.asked knowledge/eval/pool/train.yaml ../shared/eval/dev.yaml
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from knowledge.base import KnowledgeBase
from knowledge.loader import ASKED_DIR, DATA_DIR, load_knowledge_base
from knowledge.normaliser import normalise

if TYPE_CHECKING:
    from knowledge.evaluation import Case

__all__ = ["Asked", "asked_from_cases", "dump_asked", "with_asked"]

# At most this many asked questions per entry and language (the first in the sets' order): an
# entry with dozens would outweigh its siblings for every question sharing a word with them
# (偷偷倒危废会被拘留吗 went to the general detention entry, which had 16, not the solid-waste one,
# which had 1). 5-fold cross-validation, fused setting: no cap 63.6, 8 → 64.6, 4 → 64.4.
MAX_PER_LANG = 8

# entry id -> language ("zh" or "en") -> questions
Asked = Mapping[str, Mapping[str, tuple[str, ...]]]

_FILE = "asked.yaml"
_HEADER = """\
# Questions people asked, each under the entry that answers it: matched on, never shown.
# Written by `python -m knowledge.asked` from the training questions
# (knowledge/eval/pool/train.yaml, shared/eval/dev.yaml); do not edit by hand, regenerate.
# Never from the held-out half.
"""


def asked_from_cases(
    cases: Iterable[Case], known: Iterable[str]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The answerable, labelled cases' questions under the first entry each names.

    Cases naming no entry, or an entry the knowledge base lacks, are left out; so is a question
    labelled with different entries by different cases (it would tie them) or asked twice. Each
    entry keeps at most `MAX_PER_LANG` questions per language.
    """
    entries = set(known)
    owner: dict[str, str] = {}  # normalised question -> entry
    texts: dict[str, dict[str, list[str]]] = {}
    conflicting: set[str] = set()
    for case in cases:
        if case.expect != "answer" or not case.entries or case.entries[0] not in entries:
            continue
        key = normalise(case.question)
        entry = case.entries[0]
        if owner.setdefault(key, entry) != entry:
            conflicting.add(key)
            continue
        by_lang = texts.setdefault(entry, {})
        bucket = by_lang.setdefault("en" if case.lang == "en" else "zh", [])
        if case.question not in bucket:
            bucket.append(case.question)
    asked: dict[str, dict[str, tuple[str, ...]]] = {}
    for entry, by_lang in sorted(texts.items()):
        for lang in ("zh", "en"):
            kept = [t for t in by_lang.get(lang, []) if normalise(t) not in conflicting]
            if kept:
                asked.setdefault(entry, {})[lang] = tuple(kept[:MAX_PER_LANG])
    return asked


def with_asked(kb: KnowledgeBase, asked: Asked) -> KnowledgeBase:
    """The same entries with ``asked`` as their asked questions (instead of what they had)."""
    return KnowledgeBase(replace(e, asked=dict(asked.get(e.id, {}))) for e in kb.entries)


def dump_asked(asked: Asked) -> str:
    """The YAML text of ``data/asked/asked.yaml``."""
    plain = {
        entry: {lang: list(texts) for lang, texts in langs.items()}
        for entry, langs in asked.items()
    }
    body = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=1_000_000)
    return _HEADER + body


def main(argv: Sequence[str] | None = None) -> None:
    """Write ``data/asked/asked.yaml`` from training question sets."""
    from knowledge.evaluation import load_cases  # the evaluation imports the matcher

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="training question sets")
    parser.add_argument("--out", type=Path, default=DATA_DIR / ASKED_DIR / _FILE)
    args = parser.parse_args(argv)
    for path in args.sets:
        if "heldout" in path.name:
            parser.error(f"{path} is the held-out set: its questions must stay unseen")
    cases = [case for path in args.sets for case in load_cases(path)]
    known = [e.id for e in load_knowledge_base(asked=False).entries]
    asked = asked_from_cases(cases, known)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump_asked(asked), encoding="utf-8")
    count = sum(len(texts) for langs in asked.values() for texts in langs.values())
    print(f"{args.out}: {count} questions for {len(asked)} of {len(known)} entries")


if __name__ == "__main__":
    main()
