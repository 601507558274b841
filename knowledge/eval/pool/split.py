"""Split an evaluation question pool into a training half and a frozen held-out half.

The split is random but stratified: the cases are grouped by (topic, lang), each group is sorted
by id and shuffled with a ``random.Random`` seeded from SEED and the group's name, and its first
half goes to ``heldout.yaml`` (when a group has an odd size, a coin from the same generator decides
which half gets the extra case). The result depends only on the ids, topics and languages of the
input, never on the order of the file.

Usage (from the repository root)::

    python knowledge/eval/pool/split.py POOL.yaml     # write train.yaml and heldout.yaml here
    python knowledge/eval/pool/split.py --refresh NEW.yaml  # new questions: the held-out half
    python knowledge/eval/pool/split.py --digest      # print the SHA-256 of heldout.yaml

Only run the first two forms to refresh the frozen half on purpose (see README.md): they overwrite
both files. ``--refresh`` is for a held-out half that has been looked at: its cases join the
training half (looked-at questions estimate nothing), and questions written since, which nobody
has tuned on, become the whole new held-out half.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

SEED = 20261128
HERE = Path(__file__).resolve().parent
TRAIN = HERE / "train.yaml"
HELDOUT = HERE / "heldout.yaml"
KEY_ORDER = ("id", "lang", "question", "topic", "expect", "entry", "must_contain", "source")

Case = dict[str, Any]

TRAIN_HEADER = """\
# Evaluation question pool, TRAINING half (see README.md in this folder).
# Same schema as shared/eval/dev.yaml, plus optional `entry:` (the KB entry id that should answer).
# expect: answer | none | smalltalk. must_contain: every group must match; a group matches when ANY
# alternative is a case-insensitive substring of the answer. New questions go in this file.
"""

HELDOUT_HEADER = """\
# Evaluation question pool, HELD-OUT half: FROZEN. Never tune anything by looking at these cases
# (weights, thresholds, synonyms, KB entries); report figures on them only. See README.md.
# Same schema as train.yaml.
"""


def split(cases: list[Case], seed: int = SEED) -> tuple[list[Case], list[Case]]:
    """Return (train, heldout), stratified by (topic, lang)."""
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in cases:
        groups[(str(case.get("topic", "")), str(case["lang"]))].append(case)
    train: list[Case] = []
    heldout: list[Case] = []
    for (topic, lang), members in sorted(groups.items()):
        rng = random.Random(f"{seed}:{topic}:{lang}")
        members = sorted(members, key=lambda c: str(c["id"]))
        rng.shuffle(members)
        half = len(members) // 2 + (len(members) % 2 if rng.random() < 0.5 else 0)
        heldout.extend(members[:half])
        train.extend(members[half:])
    return sorted(train, key=_order), sorted(heldout, key=_order)


def refresh(
    train: list[Case], heldout: list[Case], fresh: list[Case]
) -> tuple[list[Case], list[Case]]:
    """Return (train, heldout) after a refresh: the old held-out half joins the training half."""
    return sorted(train + heldout, key=_order), sorted(fresh, key=_order)


def _order(case: Case) -> tuple[str, str]:
    return (str(case.get("topic", "")), str(case["id"]))


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=1_000_000, sort_keys=False
    )
    return text.removesuffix("\n...\n").strip()


def dump(cases: list[Case], header: str) -> str:
    """YAML text in the layout of dev.yaml: one block per case, one flow list per group."""
    lines = [header]
    for case in cases:
        keys = [k for k in KEY_ORDER if k in case] + [k for k in case if k not in KEY_ORDER]
        first = True
        for key in keys:
            lead = "- " if first else "  "
            first = False
            value = case[key]
            if key == "must_contain":
                if not value:
                    lines.append(f"{lead}must_contain: []")
                    continue
                lines.append(f"{lead}must_contain:")
                lines.extend(f"  - {_scalar(list(group))}" for group in value)
            else:
                lines.append(f"{lead}{key}: {_scalar(value)}")
        lines.append("")
    return "\n".join(lines)


def digest(path: Path = HELDOUT) -> str:
    """SHA-256 of a file's bytes (the freeze marker recorded in README.md)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(path: Path) -> list[Case]:
    cases: list[Case] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pool", nargs="?", type=Path, help="YAML list of all cases to split")
    parser.add_argument(
        "--refresh", type=Path, help="YAML list of new questions: the new held-out half"
    )
    parser.add_argument("--digest", action="store_true", help="print the SHA-256 of heldout.yaml")
    args = parser.parse_args(argv)
    if args.digest:
        print(digest())
        return 0
    if (args.pool is None) == (args.refresh is None):
        parser.error("give the pool file to split, or --refresh with new questions, or --digest")
    if args.refresh is not None:
        old_train, old_heldout, fresh = _load(TRAIN), _load(HELDOUT), _load(args.refresh)
        cases = [*old_train, *old_heldout, *fresh]
    else:
        cases = _load(args.pool)
    ids = [c["id"] for c in cases]
    if len(ids) != len(set(ids)):
        print("duplicate ids in the pool", file=sys.stderr)
        return 1
    if args.refresh is not None:
        train, heldout = refresh(old_train, old_heldout, fresh)
    else:
        train, heldout = split(cases)
    TRAIN.write_text(dump(train, TRAIN_HEADER), encoding="utf-8")
    HELDOUT.write_text(dump(heldout, HELDOUT_HEADER), encoding="utf-8")
    print(f"train: {len(train)}  heldout: {len(heldout)}  heldout sha256: {digest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
