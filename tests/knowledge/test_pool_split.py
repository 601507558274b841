"""The evaluation pool's held-out half: frozen, and refreshed only by new questions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

POOL = Path(__file__).resolve().parents[2] / "knowledge" / "eval" / "pool"


def _split() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pool_split", POOL / "split.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_half_matches_the_digest_recorded_in_the_readme() -> None:
    recorded = (POOL / "README.md").read_text(encoding="utf-8")
    assert _split().digest() in recorded, "heldout.yaml changed without a refresh"


def test_a_refresh_moves_the_looked_at_half_into_training_and_freezes_only_new_questions() -> None:
    split = _split()
    old_train = [{"id": "pool-a-1", "topic": "a", "lang": "zh"}]
    old_heldout = [{"id": "pool-a-2", "topic": "a", "lang": "zh"}]
    fresh = [{"id": "fresh-x-1", "topic": "a", "lang": "en"}]
    train, heldout = split.refresh(old_train, old_heldout, fresh)
    assert [c["id"] for c in train] == ["pool-a-1", "pool-a-2"]
    assert [c["id"] for c in heldout] == ["fresh-x-1"]
