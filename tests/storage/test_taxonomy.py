"""Storage's copy of the 14 sub-category ids agrees with the knowledge package's taxonomy."""

from __future__ import annotations

from knowledge.taxonomy import CATEGORIES, SUBCATEGORIES
from storage.enums import SUBCATEGORY_CATEGORY, SUBCATEGORY_ZH, Category, SubCategory


def test_subcategory_ids_and_order_match_the_taxonomy() -> None:
    assert [s.value for s in SubCategory] == [s.id for s in SUBCATEGORIES]


def test_categories_match_the_taxonomy() -> None:
    assert [c.value for c in Category] == [c.id for c in CATEGORIES]
    assert {s.value: c.value for s, c in SUBCATEGORY_CATEGORY.items()} == {
        s.id: s.category for s in SUBCATEGORIES
    }


def test_chinese_names_used_as_spreadsheet_headers_match_the_taxonomy() -> None:
    assert {s.value: name for s, name in SUBCATEGORY_ZH.items()} == {
        s.id: s.zh for s in SUBCATEGORIES
    }
