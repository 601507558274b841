"""Read and validate the knowledge-base YAML files (format: knowledge/README.md).

Every problem is reported with its file, entry id and field so that a compliance officer who does
not code can find and fix it. :func:`load_knowledge_base` stops at the first problem;
:func:`lint` collects them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase
from knowledge.codification import code_note
from knowledge.entry import Citation, Entry
from knowledge.errors import InvalidEntry
from knowledge.normaliser import normalise
from knowledge.taxonomy import PROGRAMME, SUBCATEGORIES, subcategory

__all__ = ["ASKED_DIR", "DATA_DIR", "lint", "load_knowledge_base", "read_yaml"]

DATA_DIR = Path(__file__).parent / "data"
# Questions people asked, by entry (knowledge.asked): a sub-directory of a knowledge-base directory.
ASKED_DIR = "asked"

# "<subcategory>-<slug>"; sub-category ids themselves hold "_" (hazardous_waste-label-size).
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*(?:-[a-z0-9_]+)*$")
_ENTRY_FIELDS = {"id", "questions", "keywords", "answer", "basis", "reviewed", "tags"}
_ENTRY_FIELDS |= {"review_note"}  # for reviewers only: never shown, never matched
_REQUIRED = ("id", "questions", "keywords", "answer", "basis", "reviewed")
_CITATION_FIELDS = ("title", "version", "clause")
_MIN_ZH_QUESTIONS = 3
_SUB_IDS = [s.id for s in (*SUBCATEGORIES, PROGRAMME)]
# A reviewer's doubt ("条文号待核", "still to be confirmed") belongs in `review_note`, which users
# never see. 待核验 / 待核实 are status names (a fix awaiting the bureau's check), not doubts.
_REVIEW_MARKER = re.compile(r"待核(?![验实])|to be (?:confirmed|verified|checked)|\bTB[CD]\b", re.I)

# libyaml's parser is several times faster; fall back quietly where PyYAML was built without it.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(file: Path) -> Any:
    """Parse a YAML file with the safe loader (raises ``yaml.YAMLError``, ``OSError``)."""
    return yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)


class _Problems:
    """Collects problems of one file; in strict mode raises the first one instead."""

    def __init__(self, file: Path, *, strict: bool) -> None:
        self.file = file
        self.strict = strict
        self.found: list[InvalidEntry] = []

    def add(self, entry_id: str | None, field: str | None, message: str) -> None:
        problem = InvalidEntry(self.file, entry_id, field, message)
        if self.strict:
            raise problem
        self.found.append(problem)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _scalars(value: Any) -> tuple[str, ...] | None:
    """A list of keywords as texts; unquoted numbers and dates (12369, 2024-06-05) count too."""
    if not isinstance(value, list):
        return None
    texts = tuple(str(v).strip() for v in value if isinstance(v, str | int | float | date))
    return texts if len(texts) == len(value) and all(texts) else None


def _check_questions(value: Any, entry_id: str, problems: _Problems) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        problems.add(entry_id, "questions", "must be a mapping with 'zh' and 'en' lists")
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for lang in value.keys() - {"zh", "en"}:
        problems.add(entry_id, f"questions.{lang}", "unknown language (use 'zh' and 'en')")
    for lang, minimum in (("zh", _MIN_ZH_QUESTIONS), ("en", 1)):
        phrasings = value.get(lang)
        if phrasings is None:
            problems.add(entry_id, f"questions.{lang}", f"missing: give at least {minimum}")
        elif not _strings(phrasings):
            problems.add(entry_id, f"questions.{lang}", "must be a list of non-empty texts")
        elif len(phrasings) < minimum:
            problems.add(entry_id, f"questions.{lang}", f"give at least {minimum} phrasings")
        else:
            result[lang] = tuple(p.strip() for p in phrasings)
    return result


def _check_answer(value: Any, entry_id: str, problems: _Problems) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.add(entry_id, "answer", "must be a mapping with 'zh' and 'en' texts")
        return {}
    result: dict[str, str] = {}
    for lang in value.keys() - {"zh", "en"}:
        problems.add(entry_id, f"answer.{lang}", "unknown language (use 'zh' and 'en')")
    for lang in ("zh", "en"):
        text = value.get(lang)
        if text is None:
            problems.add(entry_id, f"answer.{lang}", "missing")
        elif not isinstance(text, str) or not text.strip():
            problems.add(entry_id, f"answer.{lang}", "must be a non-empty text")
        else:
            result[lang] = text.strip()
    return result


def _check_basis(value: Any, entry_id: str, problems: _Problems) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        problems.add(entry_id, "basis", "give at least one citation (title, version, clause)")
        return ()
    citations = []
    for i, item in enumerate(value):
        where = f"basis[{i}]"
        if not isinstance(item, dict):
            problems.add(entry_id, where, "must be a mapping with title, version and clause")
            continue
        for key in item.keys() - set(_CITATION_FIELDS):
            problems.add(entry_id, f"{where}.{key}", "unknown field")
        texts = {}
        for key in _CITATION_FIELDS:
            text = item.get(key)
            if isinstance(text, int):  # `version: 2021` is a year, not a type error
                text = str(text)
            if key == "title" and (not isinstance(text, str) or not text.strip()):
                problems.add(entry_id, f"{where}.title", "missing: name the law or standard")
            elif key != "title" and text is None:
                problems.add(entry_id, f"{where}.{key}", "missing (write '' if there is none)")
            elif not isinstance(text, str):
                problems.add(entry_id, f"{where}.{key}", "must be a text")
            else:
                texts[key] = text.strip()
        if len(texts) == len(_CITATION_FIELDS):
            citations.append(Citation(**texts))
    return tuple(citations)


def _check_date(value: Any, entry_id: str, problems: _Problems) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(entry_id, "reviewed", f"not a date: {value!r} (write YYYY-MM-DD)")
    return None


def _check_entry(raw: Any, index: int, sub_id: str, problems: _Problems) -> Entry | None:
    if not isinstance(raw, dict):
        problems.add(None, f"entries[{index}]", "must be a mapping (id, questions, answer, ...)")
        return None
    raw_id = raw.get("id")
    valid_id = isinstance(raw_id, str) and _ID.match(raw_id) is not None
    if valid_id:
        entry_id = str(raw_id)
    else:
        problems.add(
            raw_id if isinstance(raw_id, str) else None,
            f"entries[{index}].id",
            "missing or malformed id (lowercase a-z, 0-9, '_' and '-')",
        )
        # Later problems of this entry are located by its position instead.
        entry_id = f"entries[{index}]"
    found_before = len(problems.found)
    for key in sorted(raw.keys() - _ENTRY_FIELDS):
        problems.add(entry_id, str(key), "unknown field")
    for key in _REQUIRED:
        if key not in raw:
            problems.add(entry_id, key, "missing")
    questions = _check_questions(raw.get("questions"), entry_id, problems)
    answer = _check_answer(raw.get("answer"), entry_id, problems)
    basis = _check_basis(raw.get("basis"), entry_id, problems)
    reviewed = _check_date(raw.get("reviewed"), entry_id, problems) if "reviewed" in raw else None
    keywords = _scalars(raw.get("keywords", []))
    if keywords is None:
        problems.add(entry_id, "keywords", "must be a list of non-empty texts")
    tags = raw.get("tags") or []
    if not _strings(tags):
        problems.add(entry_id, "tags", "must be a list of texts")
    if "review_note" in raw and not isinstance(raw["review_note"], str):
        problems.add(entry_id, "review_note", "must be a text (for reviewers; never shown)")
    if (
        not valid_id
        or keywords is None
        or len(problems.found) > found_before
        or reviewed is None
        or not questions
        or not answer
    ):
        return None
    return Entry(
        id=entry_id,
        category=subcategory(sub_id).category,
        subcategory=sub_id,
        questions=questions,
        keywords=keywords,
        answer=answer,
        basis=basis,
        reviewed=reviewed,
        tags=tuple(tags),
        notes=code_note(citation.title for citation in basis),
    )


def _visible_texts(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, text) of everything a user can see: phrasings (suggestion buttons), answer, basis."""
    for lang, phrasings in entry.questions.items():
        for i, phrasing in enumerate(phrasings):
            yield f"questions.{lang}[{i}]", phrasing
    for lang, text in entry.answer.items():
        yield f"answer.{lang}", text
    for i, citation in enumerate(entry.basis):
        for key in ("title", "version", "clause"):
            yield f"basis[{i}].{key}", getattr(citation, key)


def _check_review_markers(entry: Entry, problems: _Problems) -> None:
    for where, text in _visible_texts(entry):
        if marker := _REVIEW_MARKER.search(text):
            problems.add(
                entry.id,
                where,
                f"reviewer's marker {marker.group(0)!r} in text users see: verify it, "
                "or move the doubt to `review_note`",
            )


# What a line of an answer may end with: each line is shown as its own paragraph (the first is
# the short answer, and trouble replies move penalty sentences line by line), so a line that ends
# mid-sentence is a hard wrap that splits a sentence on screen.
_PARAGRAPH_ENDS = {"zh": tuple("。；：！？"), "en": tuple(".:!?")}


def _check_paragraphs(entry: Entry, problems: _Problems) -> None:
    for lang, text in entry.answer.items():
        lines = text.split("\n")
        for number, line in enumerate(lines[:-1], start=1):
            if line.strip() and not line.rstrip().endswith(_PARAGRAPH_ENDS.get(lang, ())):
                problems.add(
                    entry.id,
                    f"answer.{lang}",
                    f"line {number} ends mid-sentence (…{line.rstrip()[-20:]!r}): each line is "
                    "shown as its own paragraph; join it with the next line",
                )


def _check_shared_phrasings(entry: Entry, seen: dict[str, str], problems: _Problems) -> None:
    """A phrasing two entries share ties them for anyone who asks that way: it belongs to one."""
    for lang, texts in entry.questions.items():
        for i, text in enumerate(texts):
            other = seen.setdefault(normalise(text), entry.id)
            if other != entry.id:
                problems.add(
                    entry.id,
                    f"questions.{lang}[{i}]",
                    f"the same question as in {other}: keep it only in the entry that answers it",
                )


def _read_mapping(file: Path, problems: _Problems, shape: str) -> dict[Any, Any] | None:
    """A YAML file's mapping, or ``None`` with the problem noted (``shape`` says what it holds)."""
    try:
        document = read_yaml(file)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(None, None, f"not valid YAML: {exc}")
        return None
    if not isinstance(document, dict):
        problems.add(None, None, f"must be a mapping {shape}")
        return None
    return document


def _read_file(file: Path, problems: _Problems) -> Iterator[Entry]:
    document = _read_mapping(file, problems, "with 'subcategory' and 'entries'")
    if document is None:
        return
    for key in sorted(document.keys() - {"subcategory", "entries"}):
        problems.add(None, str(key), "unknown field")
    sub_id = document.get("subcategory")
    if sub_id not in _SUB_IDS:
        problems.add(None, "subcategory", f"unknown sub-category {sub_id!r}; use one of {_SUB_IDS}")
        return
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.add(None, "entries", "must be a non-empty list of entries")
        return
    for index, raw in enumerate(raw_entries):
        if (entry := _check_entry(raw, index, sub_id, problems)) is not None:
            yield entry


def _read_asked(
    file: Path, entries: dict[str, Entry], problems: _Problems, seen: dict[str, str] | None
) -> None:
    """Attach the asked questions of one ``asked/*.yaml`` file to ``entries`` (in place).

    ``seen`` (lint only): normalised question -> the entry that has it, curated or asked; an
    asked question another entry already has ties the two, so it is reported.
    """
    document = _read_mapping(file, problems, "of entry ids to their asked questions by language")
    if document is None:
        return
    for entry_id, by_lang in document.items():
        entry = entries.get(str(entry_id))
        if entry is None:
            problems.add(
                str(entry_id),
                None,
                "no entry has this id: regenerate with python -m knowledge.asked",
            )
            continue
        if not isinstance(by_lang, dict) or not by_lang.keys() <= {"zh", "en"}:
            problems.add(entry.id, None, "must map 'zh' and/or 'en' to lists of questions")
            continue
        asked = dict(entry.asked)
        for lang, texts in by_lang.items():
            if (kept := _scalars(texts)) is None:
                problems.add(entry.id, lang, "must be a list of non-empty texts")
                continue
            asked[lang] = asked.get(lang, ()) + kept
            if seen is None:
                continue
            for i, text in enumerate(kept):
                if (other := seen.setdefault(normalise(text), entry.id)) != entry.id:
                    problems.add(
                        entry.id,
                        f"{lang}[{i}]",
                        f"{text!r} is also a question of {other}: keep it under one entry",
                    )
        entries[entry.id] = replace(entry, asked=asked)


def _load(
    directory: Path, *, strict: bool, asked: bool = True
) -> tuple[list[Entry], list[InvalidEntry]]:
    if not directory.is_dir():
        raise InvalidEntry(directory, None, None, "no such directory")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InvalidEntry(directory, None, None, "holds no *.yaml knowledge-base files")
    entries: list[Entry] = []
    found: list[InvalidEntry] = []
    seen: dict[str, Path] = {}
    # Normalised phrasing (curated, then asked) -> the entry that has it (lint only).
    phrasings: dict[str, str] = {}
    for file in files:
        problems = _Problems(file, strict=strict)
        for entry in _read_file(file, problems):
            if entry.id in seen:
                problems.add(entry.id, "id", f"duplicate id (also in {seen[entry.id].name})")
                continue
            seen[entry.id] = file
            entries.append(entry)
            if not strict:  # lint only: these must not stop the bot starting
                _check_review_markers(entry, problems)
                _check_paragraphs(entry, problems)
                _check_shared_phrasings(entry, phrasings, problems)
        found.extend(problems.found)
    if asked:
        by_id = {entry.id: entry for entry in entries}
        for file in sorted((directory / ASKED_DIR).glob("*.yaml")):
            problems = _Problems(file, strict=strict)
            _read_asked(file, by_id, problems, None if strict else phrasings)
            found.extend(problems.found)
        entries = list(by_id.values())
    return entries, found


def load_knowledge_base(directory: Path | None = None, *, asked: bool = True) -> KnowledgeBase:
    """Load and validate every ``*.yaml`` file of a knowledge-base directory.

    Args:
        directory: the directory holding the files; default: the package's ``knowledge/data``.
        asked: also read the questions people asked (``asked/*.yaml``, see knowledge.asked).

    Raises:
        InvalidEntry: at the first problem, naming file, entry id and field.
    """
    entries, _ = _load(directory or DATA_DIR, strict=True, asked=asked)
    return KnowledgeBase(entries)


def lint(directory: Path | None = None) -> list[InvalidEntry]:
    """Check a knowledge-base directory and return every problem found (empty when clean).

    Besides what loading checks, a reviewer's marker ("待核", "to be confirmed") in any text users
    see (phrasings, answers, citations) is a problem: the doubt belongs in ``review_note``.
    """
    try:
        _, found = _load(directory or DATA_DIR, strict=False)
    except InvalidEntry as problem:
        return [problem]
    return found
