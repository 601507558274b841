"""The demo programme: see :mod:`storage.demo.builder`."""

from storage.demo.builder import (
    BIG_HANDS,
    DEFAULT_SEED,
    SMALL_HANDS,
    TELEGRAM_ID_BASE,
    DemoPeople,
    demo_person_ids,
    ensure_demo_data,
    load_demo,
)

__all__ = [
    "BIG_HANDS",
    "DEFAULT_SEED",
    "SMALL_HANDS",
    "TELEGRAM_ID_BASE",
    "DemoPeople",
    "demo_person_ids",
    "ensure_demo_data",
    "load_demo",
]
